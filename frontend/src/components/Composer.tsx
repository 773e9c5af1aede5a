import './Composer.css'
import { useState, type FormEvent, type KeyboardEvent } from 'react'
import { SendIcon, StopIcon } from './icons'
import { TokenCounter } from './TokenCounter'

/** Composer is where the user writes a message. Send stays disabled until a
 * model is loaded and there is text to send; while an answer is generated it
 * becomes Stop. */
export function Composer({
  modelLoaded,
  onSend,
  conversationId = 0,
  generating = false,
  onStop,
  revision = '',
  onPickFolder,
  onPickDocument,
}: {
  modelLoaded: boolean
  onSend?: (text: string) => void
  conversationId?: number
  generating?: boolean
  onStop?: () => void
  /** revision changes whenever the conversation's active branch does. */
  revision?: string
  /** onPickFolder and onPickDocument open the native dialog for a context. */
  onPickFolder?: () => void
  onPickDocument?: () => void
}) {
  const [text, setText] = useState('')
  const canSend = modelLoaded && !generating && onSend !== undefined && text.trim() !== ''

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
        {(onPickFolder || onPickDocument) && (
          <div className="composer-attach">
            {onPickFolder && (
              <button type="button" className="btn btn-small" onClick={onPickFolder} title="Ask about a folder: drop it on the window, or pick it">
                Folder…
              </button>
            )}
            {onPickDocument && (
              <button type="button" className="btn btn-small" onClick={onPickDocument} title="Ask about a long document">
                Document…
              </button>
            )}
          </div>
        )}
        <textarea
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={modelLoaded ? 'Message Hearth…' : 'Load a model to start chatting'}
          aria-label="Message"
        />
        {generating ? (
          <button type="button" className="composer-send composer-stop" onClick={onStop} aria-label="Stop">
            <StopIcon />
            Stop
          </button>
        ) : (
          <button type="submit" className="composer-send" disabled={!canSend} aria-label="Send">
            <SendIcon />
            Send
          </button>
        )}
      </div>
      <div className="composer-hint">
        <span>Enter to send · Shift+Enter for a new line</span>
        {modelLoaded && <TokenCounter conversationId={conversationId} draft={text} revision={revision} />}
      </div>
    </form>
  )
}
