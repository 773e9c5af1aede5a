import type { SearchHit } from '../api'
import { Snippet } from '../lib/snippet'

/** SearchResults lists the messages that match the sidebar search, with the
 * matched words highlighted. hits is null while the first search runs. */
export function SearchResults({
  hits,
  error,
  onOpen,
}: {
  hits: SearchHit[] | null
  error: string
  onOpen: (hit: SearchHit) => void
}) {
  if (error) return <p className="sidebar-note error-text">{error}</p>
  if (hits === null) return <p className="sidebar-note">Searching…</p>
  if (hits.length === 0) return <p className="sidebar-note">No messages match</p>
  return (
    <ul className="search-results" aria-label="Search results">
      {hits.map((h) => (
        <li key={`${h.conversationId}:${h.messageId}`}>
          <button type="button" className="search-hit" data-testid="search-hit" onClick={() => onOpen(h)}>
            <span className="search-hit-title">{h.title || 'New chat'}</span>
            <span className="search-hit-snippet">
              <Snippet text={h.snippet} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  )
}
