import { useState, type KeyboardEvent } from 'react'
import type { ConversationSummary } from '../api'
import { PinIcon } from './icons'

/** ConversationItem is one row of the sidebar: click to open; rename inline
 * (double-click or Rename), pin, delete. */
export function ConversationItem({
  conversation,
  active,
  onSelect,
  onRename,
  onPin,
  onDelete,
}: {
  conversation: ConversationSummary
  active: boolean
  onSelect: () => void
  onRename: (title: string) => void
  onPin: () => void
  onDelete: () => void
}) {
  const [editing, setEditing] = useState(false)
  const [title, setTitle] = useState(conversation.title)
  const shown = conversation.title || 'New chat'

  function commit() {
    setEditing(false)
    const t = title.trim()
    if (t && t !== conversation.title) onRename(t)
  }
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter') commit()
    else if (e.key === 'Escape') setEditing(false)
  }

  return (
    <li className="conversation" data-active={active} data-pinned={conversation.pinned} data-testid="conversation">
      {editing ? (
        <input
          className="conversation-rename"
          aria-label="Conversation title"
          value={title}
          autoFocus
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={commit}
        />
      ) : (
        <button
          type="button"
          className="conversation-open"
          aria-current={active ? 'page' : undefined}
          onClick={onSelect}
          onDoubleClick={() => {
            setTitle(conversation.title)
            setEditing(true)
          }}
          title={shown}
        >
          {conversation.pinned && <PinIcon />}
          <span className="conversation-title">{shown}</span>
        </button>
      )}
      {!editing && (
        <span className="conversation-tools">
          <button
            type="button"
            aria-label={`Rename ${shown}`}
            title="Rename"
            onClick={() => {
              setTitle(conversation.title)
              setEditing(true)
            }}
          >
            ✎
          </button>
          <button
            type="button"
            aria-label={`${conversation.pinned ? 'Unpin' : 'Pin'} ${shown}`}
            aria-pressed={conversation.pinned}
            title={conversation.pinned ? 'Unpin' : 'Pin'}
            onClick={onPin}
          >
            <PinIcon />
          </button>
          <button type="button" aria-label={`Delete ${shown}`} title="Delete" onClick={onDelete}>
            ×
          </button>
        </span>
      )}
    </li>
  )
}
