import './Composer.css'
import { useState, type FormEvent, type KeyboardEvent } from 'react'
import { SendIcon } from './icons'

/** Composer is where the user writes a message. Send stays disabled until a
 * model is loaded and there is text to send. */
export function Composer({
  modelLoaded,
  onSend,
}: {
  modelLoaded: boolean
  onSend?: (text: string) => void
}) {
  const [text, setText] = useState('')
  const canSend = modelLoaded && onSend !== undefined && text.trim() !== ''

  function send() {
    if (!canSend) return
    onSend(text.trim())
    setText('')
  }
  function onSubmit(e: FormEvent) {
    e.preventDefault()
    send()
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      send()
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit} aria-label="Composer">
      <div className="composer-box">
        <textarea
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={modelLoaded ? 'Message Hearth…' : 'Load a model to start chatting'}
          aria-label="Message"
        />
        <button type="submit" className="composer-send" disabled={!canSend} aria-label="Send">
          <SendIcon />
          Send
        </button>
      </div>
      <p className="composer-hint">Enter to send · Shift+Enter for a new line</p>
    </form>
  )
}
