import './Sidebar.css'
import type { StatusState } from '../useStatus'
import { ChatIcon, PlusIcon, SearchIcon } from './icons'

/** Sidebar lists the conversations and says which Hearth is running. */
export function Sidebar({ status }: { status: StatusState }) {
  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar-brand">
        <img src="/hearth.svg" alt="" width="26" height="26" />
        <span>Hearth</span>
      </div>
      <button type="button" className="sidebar-new">
        <PlusIcon />
        New chat
      </button>
      <label className="sidebar-search">
        <SearchIcon />
        <input type="search" placeholder="Search conversations" aria-label="Search conversations" />
      </label>
      <nav className="sidebar-list" aria-label="Conversation list">
        <div className="sidebar-empty">
          <ChatIcon />
          <p>No conversations yet</p>
        </div>
      </nav>
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
