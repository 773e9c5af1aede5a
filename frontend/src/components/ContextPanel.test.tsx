import { fireEvent, render, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { ContextView } from '../api'
import { ContextPanel } from './ContextPanel'

const base: ContextView = {
  conversationId: 3,
  attached: true,
  kind: 'folder',
  path: '/home/u/repo',
  name: 'repo',
  files: [
    { path: 'engine/big.go', size: 9000, tokens: 9000, excluded: false },
    { path: 'engine/small.go', size: 500, tokens: 400, excluded: false },
    { path: 'README.md', size: 100, tokens: 80, excluded: false },
  ],
  skipped: [{ path: 'logo.png', reason: 'binary file' }],
  changed: [],
  includedFiles: 3,
  includedTokens: 9480,
  allTokens: 9480,
  estimated: false,
  contextLen: 8192,
  trainedContext: 16384,
  notice: '',
}

describe('ContextPanel', () => {
  it('shows the budget and says plainly when it does not fit, with what to do', () => {
    render(<ContextPanel view={base} onExclude={vi.fn()} onRemove={vi.fn()} />)
    expect(screen.getByTestId('context-budget')).toHaveTextContent(
      "context: 3 files, 9.5 k tokens; this model's context in this setting: 8.2 k",
    )
    const over = screen.getByTestId('context-over')
    expect(over).toHaveTextContent('Does not fit: 9,480 tokens of context')
    expect(over).toHaveTextContent('holds 8,192')
    expect(over).toHaveTextContent('trained for 16 k')
  })

  it('lists folders largest first and unticks a folder', () => {
    const onExclude = vi.fn()
    render(<ContextPanel view={base} onExclude={onExclude} onRemove={vi.fn()} />)
    fireEvent.click(screen.getByRole('button', { name: 'Files' }))
    const rows = screen.getAllByTestId('context-row').map((r) => r.getAttribute('data-path'))
    expect(rows).toEqual(['engine/', 'README.md'])
    fireEvent.click(screen.getByRole('checkbox', { name: 'Include engine/' }))
    expect(onExclude).toHaveBeenCalledWith(['engine/'], true)
    // The folder opens onto its files, largest first.
    fireEvent.click(screen.getByRole('button', { name: '▸ engine/' }))
    const tree = screen.getByRole('list', { name: 'Context files' })
    expect(within(tree).getByRole('checkbox', { name: 'Include engine/big.go' })).toBeChecked()
    expect(screen.getByTestId('context-skipped')).toHaveTextContent('logo.png — binary file')
  })

  it('fits once files are left out, and names what changed since read', () => {
    const view: ContextView = {
      ...base,
      files: base.files.map((f) => (f.path === 'engine/big.go' ? { ...f, excluded: true } : f)),
      includedFiles: 2,
      includedTokens: 480,
      changed: [{ path: 'engine/small.go', change: 'modified' }],
    }
    render(<ContextPanel view={view} onExclude={vi.fn()} onRemove={vi.fn()} />)
    expect(screen.queryByTestId('context-over')).not.toBeInTheDocument()
    expect(screen.getByTestId('context-budget')).toHaveTextContent('context: 2 files, 480 tokens of 9.5 k')
    expect(screen.getByTestId('context-changed')).toHaveTextContent('1 file changed since read: engine/small.go (modified)')
  })

  it('marks estimated counts and shows a folder that is gone', () => {
    render(
      <ContextPanel
        view={{ ...base, estimated: true, contextLen: 0, notice: 'the folder is gone' }}
        onExclude={vi.fn()}
        onRemove={vi.fn()}
      />,
    )
    expect(screen.getByTestId('context-budget')).toHaveTextContent('context: 3 files, ≈ 9.5 k tokens')
    expect(screen.getByRole('alert')).toHaveTextContent('the folder is gone')
  })
})
