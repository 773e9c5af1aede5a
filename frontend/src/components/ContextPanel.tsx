import './ContextPanel.css'
import { useMemo, useState } from 'react'
import type { ContextChange, ContextView } from '../api'
import { buildContextTree, type ContextNode } from '../lib/contextTree'
import { formatCount, formatTokens } from '../lib/format'

/** ContextPanel shows the folder or document a conversation is about: the
 * token budget against the model's context, what changed on disk since it
 * was read, and a breakdown (largest first) where files and folders are
 * ticked in or out until it fits. Nothing is cut silently: a context that
 * does not fit says so and what to do. */
export function ContextPanel({
  view,
  onExclude,
  onRemove,
}: {
  view: ContextView
  onExclude: (paths: string[], excluded: boolean) => void
  onRemove: () => void
}) {
  const [open, setOpen] = useState(false)
  const tree = useMemo(() => buildContextTree(view.files), [view.files])
  const changed = useMemo(() => new Map(view.changed.map((c) => [c.path, c.change])), [view.changed])
  const over = view.contextLen > 0 && view.includedTokens > view.contextLen
  const approx = view.estimated ? '≈ ' : ''
  return (
    <section className="context-panel" aria-label="Context" data-testid="context-panel" data-over={over}>
      <div className="context-summary">
        <span className="context-name" title={view.path}>
          {view.kind === 'document' ? 'Document' : 'Folder'}: <strong>{view.name}</strong>
        </span>
        <span className="context-budget" data-testid="context-budget">
          context: {formatCount(view.includedFiles)} {view.includedFiles === 1 ? 'file' : 'files'}, {approx}
          {formatTokens(view.includedTokens)} tokens
          {view.allTokens > view.includedTokens && <> of {formatTokens(view.allTokens)}</>}
          {view.contextLen > 0 && <>; this model&apos;s context in this setting: {formatTokens(view.contextLen)}</>}
        </span>
        <button type="button" className="btn btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide files' : 'Files'}
        </button>
        <button type="button" className="btn btn-small" onClick={onRemove} aria-label="Remove context">
          Remove
        </button>
      </div>
      {over && (
        <div className="context-over" role="alert" data-testid="context-over">
          Does not fit: {formatCount(view.includedTokens)} tokens of context, and the model&apos;s context in this
          setting holds {formatCount(view.contextLen)}. Untick files or folders under Files until it fits, or raise
          the context length in Settings
          {view.trainedContext > view.contextLen && <> (this model was trained for {formatTokens(view.trainedContext)})</>}.
        </div>
      )}
      {view.notice && (
        <div className="context-notice" role="alert">
          {view.notice}
        </div>
      )}
      {view.changed.length > 0 && <ChangedNote changed={view.changed} />}
      {open && (
        <div className="context-files">
          <ul className="context-tree" aria-label="Context files">
            {tree.children.map((n) => (
              <ContextRow key={n.path} node={n} depth={0} changed={changed} onExclude={onExclude} />
            ))}
          </ul>
          {view.skipped.length > 0 && (
            <details className="context-skipped" data-testid="context-skipped">
              <summary>
                {formatCount(view.skipped.length)} left out when read (binary, ignored, too large…)
              </summary>
              <ul>
                {view.skipped.map((s) => (
                  <li key={s.path + s.reason}>
                    <code>{s.path || view.name}</code> — {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  )
}

function ChangedNote({ changed }: { changed: ContextChange[] }) {
  const shown = changed.slice(0, 5)
  return (
    <div className="context-changed" data-testid="context-changed" role="status">
      {changed.length === 1 ? '1 file changed' : `${changed.length} files changed`} since read:{' '}
      {shown.map((c, i) => (
        <span key={c.path}>
          {i > 0 && ', '}
          <code>{c.path}</code> ({c.change})
        </span>
      ))}
      {changed.length > shown.length && <> and {changed.length - shown.length} more</>}. Your next question reads
      them again; the unchanged part before them comes from the cache.
    </div>
  )
}

function ContextRow({
  node,
  depth,
  changed,
  onExclude,
}: {
  node: ContextNode
  depth: number
  changed: Map<string, string>
  onExclude: (paths: string[], excluded: boolean) => void
}) {
  const [open, setOpen] = useState(false)
  const change = changed.get(node.path)
  return (
    <li className="context-row" data-testid="context-row" data-path={node.path}>
      <div className="context-row-line" style={{ paddingLeft: `${depth * 1.1}rem` }}>
        <input
          type="checkbox"
          checked={!node.excluded}
          onChange={(e) => onExclude([node.path], !e.target.checked)}
          aria-label={`Include ${node.path}`}
        />
        {node.folder ? (
          <button type="button" className="context-folder" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'} {node.name}/
          </button>
        ) : (
          <span className="context-file">{node.name}</span>
        )}
        {change && <span className="context-badge">{change}</span>}
        <span className="context-tokens">
          {formatTokens(node.folder ? node.includedTokens : node.tokens)} tokens
          {node.folder && <> · {formatCount(node.files)} files</>}
        </span>
      </div>
      {node.folder && open && (
        <ul>
          {node.children.map((c) => (
            <ContextRow key={c.path} node={c} depth={depth + 1} changed={changed} onExclude={onExclude} />
          ))}
        </ul>
      )}
    </li>
  )
}

/** ContextScanning shows a folder being read. */
export function ContextScanning({ seen }: { seen: number }) {
  return (
    <div className="context-panel context-scanning" role="status" data-testid="context-scanning">
      Reading the folder… {formatCount(seen)} entries so far
    </div>
  )
}

