import './Message.css'
import { useState, type KeyboardEvent } from 'react'
import { copyText, type MessageView } from '../api'
import { BranchNav } from './BranchNav'
import { Markdown } from './Markdown'
import { hasStats, MessageStats } from './MessageStats'

/** Message is one turn of the conversation. The user can edit their own
 * messages (which starts a new branch) and regenerate answers; both kinds
 * show ‹ n/m › when they have other versions. */
export function Message({
  message,
  text,
  streaming,
  busy,
  onEdit,
  onRegenerate,
  onSelectVersion,
}: {
  message: MessageView
  /** text is what to show: the streamed text while the answer comes in. */
  text: string
  streaming: boolean
  /** busy is true while any answer is being generated. */
  busy: boolean
  onEdit: (text: string) => void
  onRegenerate: () => void
  onSelectVersion: (messageId: number) => void
}) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(text)
  const nav = (
    <BranchNav
      index={message.siblingIndex}
      count={message.siblingCount}
      disabled={busy}
      onSelect={(i) => onSelectVersion(message.siblingIds[i])}
    />
  )

  if (message.role === 'user') {
    function save() {
      const t = draft.trim()
      if (!t) return
      setEditing(false)
      onEdit(t)
    }
    function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
      if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
        e.preventDefault()
        save()
      } else if (e.key === 'Escape') setEditing(false)
    }
    return (
      <article className="message message-user" data-testid="message-user" data-message-id={message.id}>
        {editing ? (
          <div className="message-edit">
            <textarea
              aria-label="Edit message"
              value={draft}
              rows={3}
              autoFocus
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKeyDown}
            />
            <div className="message-edit-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="button" className="btn btn-small btn-primary" onClick={save} disabled={!draft.trim()}>
                Save &amp; send
              </button>
            </div>
          </div>
        ) : (
          <div className="message-bubble">{text}</div>
        )}
        <div className="message-tools">
          {nav}
          {!editing && (
            <button
              type="button"
              className="message-tool"
              disabled={busy}
              onClick={() => {
                setDraft(text)
                setEditing(true)
              }}
            >
              Edit
            </button>
          )}
        </div>
      </article>
    )
  }

  return (
    <article
      className="message message-assistant"
      data-testid="message-assistant"
      data-message-id={message.id}
      aria-busy={streaming}
    >
      {text ? (
        <Markdown text={text} />
      ) : streaming ? (
        <div className="message-typing" aria-label="Thinking">
          <span />
          <span />
          <span />
        </div>
      ) : (
        <div className="message-empty">(no answer)</div>
      )}
      {!streaming && message.stats && hasStats(message.stats) && <MessageStats stats={message.stats} />}
      {!streaming && (
        <div className="message-tools">
          {nav}
          <button type="button" className="message-tool" disabled={busy} onClick={onRegenerate}>
            Regenerate
          </button>
          <button type="button" className="message-tool" onClick={() => void copyText(text)}>
            Copy
          </button>
        </div>
      )}
    </article>
  )
}
