import './ChatPane.css'
import { useEffect, useRef } from 'react'
import type { ConversationView } from '../api'
import type { Generation } from '../useChat'
import type { StatusState } from '../useStatus'
import { EmptyState } from './EmptyState'
import { Message } from './Message'
import { PrefillProgress } from './PrefillProgress'

/** ChatPane holds the conversation's active branch. With no model loaded and
 * nothing to show it explains how to load one instead. */
export function ChatPane({
  status,
  view,
  streamed,
  generation,
  error,
  onOpenModels,
  onEdit,
  onRegenerate,
  onSelectVersion,
  onStop,
}: {
  status: StatusState
  view: ConversationView | null
  streamed: Record<number, string>
  generation: Generation | null
  error: string
  onOpenModels: () => void
  onEdit: (messageId: number, text: string) => void
  onRegenerate: (assistantMessageId: number) => void
  onSelectVersion: (messageId: number) => void
  onStop: () => void
}) {
  const messages = view?.messages ?? []
  const end = useRef<HTMLDivElement>(null)
  const lastText = messages.length ? (streamed[messages[messages.length - 1].id] ?? '') : ''
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' })
  }, [messages.length, lastText.length])

  const modelLoaded = status.kind === 'ready' && status.status.modelLoaded
  if (messages.length === 0) {
    return (
      <section className="chat-pane chat-pane-empty" aria-label="Messages">
        {status.kind === 'ready' && !modelLoaded && <EmptyState onOpenModels={onOpenModels} />}
        {modelLoaded && (
          <div className="chat-start">
            <h2>What can I help with?</h2>
            <p>Chatting with {status.status.modelName || 'the loaded model'} — everything stays on this computer.</p>
          </div>
        )}
        {error && <div className="chat-error" role="alert">{error}</div>}
      </section>
    )
  }

  const busy = generation !== null
  return (
    <section className="chat-pane" aria-label="Messages">
      {messages.map((m) => {
        const streaming = generation?.assistantMessageId === m.id
        return (
          <div key={m.id}>
            {streaming && generation.prefill && <PrefillProgress prefill={generation.prefill} onCancel={onStop} />}
            <Message
              message={m}
              text={streamed[m.id] ?? m.content}
              streaming={streaming}
              busy={busy}
              onEdit={(text) => onEdit(m.id, text)}
              onRegenerate={() => onRegenerate(m.id)}
              onSelectVersion={onSelectVersion}
            />
          </div>
        )
      })}
      {error && <div className="chat-error" role="alert">{error}</div>}
      <div ref={end} />
    </section>
  )
}
