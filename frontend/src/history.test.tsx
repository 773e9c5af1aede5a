// The sidebar's history actions in the whole App against a mocked api.ts.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import * as api from './api'
import { resetListeners } from './test/apiMock'

vi.mock('./api', async () => (await import('./test/apiMock')).apiMock())

const status: api.AppStatus = {
  version: '0.1.0',
  build: 'dev',
  platform: 'linux/amd64',
  modelLoaded: false,
  dataDir: '/d',
  loadedModelId: 0,
  modelName: '',
}
const trip: api.ConversationSummary = { id: 1, title: 'Trip plans', model: '', pinned: false, updatedAt: 2, createdAt: 1 }
const soup: api.ConversationSummary = { id: 2, title: 'Soup recipe', model: '', pinned: true, updatedAt: 1, createdAt: 1 }

describe('history', () => {
  beforeEach(() => {
    resetListeners()
    vi.clearAllMocks()
    vi.mocked(api.getStatus).mockResolvedValue(status)
    vi.mocked(api.listConversations).mockResolvedValue([soup, trip])
  })

  it('lists conversations with the pinned one marked', async () => {
    render(<App />)
    const rows = await screen.findAllByTestId('conversation')
    expect(rows.map((r) => r.textContent?.includes('Soup recipe'))).toEqual([true, false])
    expect(rows[0]).toHaveAttribute('data-pinned', 'true')
    fireEvent.click(within(rows[1]).getByRole('button', { name: 'Pin Trip plans' }))
    await waitFor(() => expect(api.pinConversation).toHaveBeenCalledWith(1, true))
    fireEvent.click(within(rows[0]).getByRole('button', { name: 'Unpin Soup recipe' }))
    await waitFor(() => expect(api.pinConversation).toHaveBeenCalledWith(2, false))
  })

  it('renames inline on double-click; Enter saves, Escape cancels', async () => {
    render(<App />)
    fireEvent.doubleClick(await screen.findByRole('button', { name: 'Trip plans' }))
    const input = screen.getByRole('textbox', { name: 'Conversation title' })
    fireEvent.change(input, { target: { value: '  Lisbon trip ' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() => expect(api.renameConversation).toHaveBeenCalledExactlyOnceWith(1, 'Lisbon trip'))

    fireEvent.click(screen.getByRole('button', { name: 'Rename Soup recipe' }))
    const again = screen.getByRole('textbox', { name: 'Conversation title' })
    fireEvent.change(again, { target: { value: 'Nope' } })
    fireEvent.keyDown(again, { key: 'Escape' })
    expect(api.renameConversation).toHaveBeenCalledTimes(1)
  })

  it('deletes with an Undo toast that restores the conversation', async () => {
    render(<App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Trip plans' }))
    await waitFor(() => expect(api.deleteConversation).toHaveBeenCalledWith(1))
    const toast = await screen.findByTestId('toast')
    expect(toast).toHaveTextContent('Deleted “Trip plans”')
    fireEvent.click(within(toast).getByRole('button', { name: 'Undo' }))
    await waitFor(() => expect(api.restoreConversation).toHaveBeenCalledWith(1))
    expect(screen.queryByTestId('toast')).not.toBeInTheDocument()
  })

  it('searches after typing pauses and shows highlighted, escaped snippets', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    try {
      vi.mocked(api.searchMessages).mockResolvedValue([
        { conversationId: 1, messageId: 7, title: 'Trip plans', snippet: 'fly to \u0002Lisbon\u0003 <img src=x onerror=alert(1)>' },
      ])
      render(<App />)
      const search = await screen.findByRole('searchbox', { name: 'Search conversations' })
      fireEvent.change(search, { target: { value: 'Lis' } })
      fireEvent.change(search, { target: { value: 'Lisbon' } })
      await act(async () => {
        await vi.advanceTimersByTimeAsync(300)
      })
      expect(api.searchMessages).toHaveBeenCalledExactlyOnceWith('Lisbon')
      const hit = await screen.findByTestId('search-hit')
      expect(hit.querySelector('mark')).toHaveTextContent('Lisbon')
      expect(hit.querySelector('img')).toBeNull()
      expect(hit).toHaveTextContent('fly to Lisbon <img src=x onerror=alert(1)>')

      vi.mocked(api.switchBranch).mockResolvedValue({} as api.ConversationView)
      vi.mocked(api.getConversation).mockResolvedValue({
        conversation: trip,
        systemPrompt: '',
        settings: {} as api.ConversationSettings,
        messages: [{ id: 7, parentId: 0, role: 'user', content: 'fly to Lisbon', createdAt: 0, siblingIndex: 0, siblingCount: 1, siblingIds: [7] }],
      })
      fireEvent.click(hit)
      await waitFor(() => expect(api.switchBranch).toHaveBeenCalledWith(1, 7))
      expect(await screen.findByTestId('message-user')).toHaveTextContent('fly to Lisbon')
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Trip plans')
    } finally {
      vi.useRealTimers()
    }
  })

  it('says so when nothing matches', async () => {
    vi.mocked(api.searchMessages).mockResolvedValue([])
    render(<App />)
    fireEvent.change(await screen.findByRole('searchbox', { name: 'Search conversations' }), { target: { value: 'zzz' } })
    expect(await screen.findByText('No messages match')).toBeInTheDocument()
  })

  it('exports the open conversation through the save dialog and imports one', async () => {
    const view: api.ConversationView = {
      conversation: trip,
      systemPrompt: '',
      settings: {} as api.ConversationSettings,
      messages: [{ id: 7, parentId: 0, role: 'user', content: 'fly to Lisbon', createdAt: 0, siblingIndex: 0, siblingCount: 1, siblingIds: [7] }],
    }
    vi.mocked(api.getConversation).mockResolvedValue(view)
    vi.mocked(api.saveExportDialog).mockResolvedValue('/home/u/Trip plans.md')
    render(<App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Trip plans' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Export conversation' }))
    fireEvent.click(screen.getByRole('menuitem', { name: 'Export as Markdown' }))
    await waitFor(() => expect(api.saveExportDialog).toHaveBeenCalledWith(1, 'markdown'))
    expect(await screen.findByTestId('toast')).toHaveTextContent('Exported to /home/u/Trip plans.md')
    fireEvent.click(screen.getByRole('button', { name: 'Export conversation' }))
    fireEvent.click(screen.getByRole('menuitem', { name: 'Export as JSON' }))
    await waitFor(() => expect(api.saveExportDialog).toHaveBeenCalledWith(1, 'json'))

    vi.mocked(api.openImportDialog).mockResolvedValue(2)
    vi.mocked(api.getConversation).mockResolvedValue({ ...view, conversation: soup })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(api.getConversation).toHaveBeenLastCalledWith(2))
    expect(await screen.findByRole('heading', { level: 1 })).toHaveTextContent('Soup recipe')
  })

  it('shows a backend error as a toast', async () => {
    vi.mocked(api.deleteConversation).mockRejectedValueOnce('database is locked')
    render(<App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Trip plans' }))
    expect(await screen.findByTestId('toast')).toHaveTextContent('database is locked')
  })
})
