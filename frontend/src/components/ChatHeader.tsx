import './ChatHeader.css'
import { useState } from 'react'
import type { ExportFormat } from '../api'
import { DownloadIcon, SlidersIcon } from './icons'
import { ModelPicker } from './ModelPicker'

/** ChatHeader shows the conversation's title, its settings and export, and
 * the model it talks to. */
export function ChatHeader({
  title,
  modelLoaded,
  modelName,
  remoteHost,
  hasConversation = false,
  onOpenModels,
  onOpenSettings,
  onExport,
}: {
  title: string
  modelLoaded: boolean
  modelName?: string
  remoteHost?: string
  hasConversation?: boolean
  onOpenModels?: () => void
  onOpenSettings?: () => void
  onExport?: (format: ExportFormat) => void
}) {
  const [exportOpen, setExportOpen] = useState(false)
  return (
    <header className="chat-header">
      <h1>{title}</h1>
      <div className="chat-header-tools">
        {hasConversation && onExport && (
          <div className="menu">
            <button
              type="button"
              className="icon-btn"
              aria-label="Export conversation"
              aria-expanded={exportOpen}
              title="Export"
              onClick={() => setExportOpen((o) => !o)}
            >
              <DownloadIcon />
            </button>
            {exportOpen && (
              <div className="menu-list" role="menu" onMouseLeave={() => setExportOpen(false)}>
                {(['markdown', 'json'] as const).map((f) => (
                  <button
                    key={f}
                    type="button"
                    role="menuitem"
                    onClick={() => {
                      setExportOpen(false)
                      onExport(f)
                    }}
                  >
                    Export as {f === 'markdown' ? 'Markdown' : 'JSON'}
                  </button>
                ))}
              </div>
            )}
          </div>
        )}
        {hasConversation && onOpenSettings && (
          <button
            type="button"
            className="icon-btn"
            aria-label="Conversation settings"
            title="System prompt and sampling"
            onClick={onOpenSettings}
          >
            <SlidersIcon />
          </button>
        )}
        <ModelPicker modelLoaded={modelLoaded} modelName={modelName} remoteHost={remoteHost} onOpen={onOpenModels} />
      </div>
    </header>
  )
}
