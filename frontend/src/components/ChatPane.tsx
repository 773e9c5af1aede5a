import './ChatPane.css'
import type { StatusState } from '../useStatus'
import { EmptyState } from './EmptyState'

/** ChatPane holds the conversation. With no model loaded it explains how to
 * load one instead. */
export function ChatPane({ status }: { status: StatusState }) {
  return (
    <section className="chat-pane" aria-label="Messages">
      {status.kind === 'ready' && !status.status.modelLoaded && <EmptyState />}
    </section>
  )
}
