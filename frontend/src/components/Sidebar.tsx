import './Sidebar.css'
import { useEffect, useState } from 'react'
import { searchMessages, type ConversationSummary, type SearchHit } from '../api'
import { errorMessage } from '../lib/format'
import type { StatusState } from '../useStatus'
import { ConversationItem } from './ConversationItem'
import { ChatIcon, GearIcon, PlusIcon, SearchIcon, UploadIcon } from './icons'
import { SearchResults } from './SearchResults'

/** searchDelayMs is how long typing must pause before the search runs. */
export const searchDelayMs = 250

/** Sidebar lists the conversations (or search hits while searching) and says
 * which Hearth is running. */
export function Sidebar({
  status,
  conversations = [],
  currentId = 0,
  onSelect,
  onNew,
  onRename,
  onPin,
  onDelete,
  onImport,
  onOpenSettings,
  onOpenHit,
}: {
  status: StatusState
  conversations?: ConversationSummary[]
  currentId?: number
  onSelect?: (id: number) => void
  onNew?: () => void
  onRename?: (id: number, title: string) => void
  onPin?: (id: number, pinned: boolean) => void
  onDelete?: (c: ConversationSummary) => void
  onImport?: () => void
  onOpenSettings?: () => void
  onOpenHit?: (hit: SearchHit) => void
}) {
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<SearchHit[] | null>(null)
  const [searchError, setSearchError] = useState('')

  useEffect(() => {
    const q = query.trim()
    if (!q) {
      setHits(null)
      setSearchError('')
      return
    }
    let live = true
    const timer = setTimeout(() => {
      searchMessages(q).then(
        (h) => {
          if (!live) return
          setHits(h)
          setSearchError('')
        },
        (err: unknown) => live && setSearchError(errorMessage(err)),
      )
    }, searchDelayMs)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [query])

  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar-brand">
        <img src="/hearth.svg" alt="" width="26" height="26" />
        <span>Hearth</span>
      </div>
      <button type="button" className="sidebar-new" onClick={onNew}>
        <PlusIcon />
        New chat
      </button>
      <label className="sidebar-search">
        <SearchIcon />
        <input
          type="search"
          placeholder="Search conversations"
          aria-label="Search conversations"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
        />
      </label>
      <nav className="sidebar-list" aria-label="Conversation list">
        {query.trim() ? (
          <SearchResults
            hits={hits}
            error={searchError}
            onOpen={(hit) => onOpenHit?.(hit)}
          />
        ) : conversations.length === 0 ? (
          <div className="sidebar-empty">
            <ChatIcon />
            <p>No conversations yet</p>
          </div>
        ) : (
          <ul className="conversation-list">
            {conversations.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                active={c.id === currentId}
                onSelect={() => onSelect?.(c.id)}
                onRename={(title) => onRename?.(c.id, title)}
                onPin={() => onPin?.(c.id, !c.pinned)}
                onDelete={() => onDelete?.(c)}
              />
            ))}
          </ul>
        )}
      </nav>
      <div className="sidebar-actions">
        <button type="button" className="sidebar-action" onClick={onImport}>
          <UploadIcon />
          Import
        </button>
        <button type="button" className="sidebar-action" onClick={onOpenSettings}>
          <GearIcon />
          Settings
        </button>
      </div>
      <AppInfo status={status} />
    </aside>
  )
}

function AppInfo({ status }: { status: StatusState }) {
  switch (status.kind) {
    case 'loading':
      return <footer className="sidebar-info">Connecting…</footer>
    case 'error':
      return (
        <footer className="sidebar-info sidebar-info-error" role="alert">
          Can't reach the Hearth backend: {status.message}
        </footer>
      )
    case 'ready':
      return (
        <footer className="sidebar-info" data-testid="app-info">
          <div>
            Hearth {status.status.version} · {status.status.build} · {status.status.platform}
          </div>
          {status.status.dataDir && (
            <div className="sidebar-datadir" title={status.status.dataDir}>
              Data: {status.status.dataDir}
            </div>
          )}
        </footer>
      )
  }
}
