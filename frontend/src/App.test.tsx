import { render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import { getStatus, type AppStatus } from './api'

vi.mock('./api', async () => (await import('./test/apiMock')).apiMock())

const devStatus: AppStatus = {
  version: '0.1.0',
  build: 'dev',
  platform: 'linux/amd64',
  modelLoaded: false,
  dataDir: '/home/u/.local/share/hearth',
  loadedModelId: 0,
  modelName: '',
  off: [],
}

describe('App', () => {
  beforeEach(() => {
    vi.mocked(getStatus).mockReset()
  })

  it('shows the frame and the no-model empty state once the backend answers', async () => {
    vi.mocked(getStatus).mockResolvedValue(devStatus)
    render(<App />)

    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'No model loaded — open a .gguf file with Models → Open (or drag one here)',
    )
    expect(screen.getByRole('button', { name: 'New chat' })).toBeInTheDocument()
    expect(screen.getByRole('searchbox', { name: 'Search conversations' })).toBeInTheDocument()
    expect(screen.getByText('No conversations yet')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Model: No model loaded' })).toBeEnabled()
    expect(screen.getByRole('button', { name: 'Open Models' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled()
    expect(screen.getByTestId('app-info')).toHaveTextContent('Hearth 0.1.0 · dev · linux/amd64')
    expect(screen.getByTestId('app-info')).toHaveTextContent('Data: /home/u/.local/share/hearth')
    expect(getStatus).toHaveBeenCalledTimes(1)
  })

  it('shows the features that are off, with the reason', async () => {
    vi.mocked(getStatus).mockResolvedValue({
      ...devStatus,
      off: [{ feature: 'Chat history, search and settings', reason: "Hearth's database is not open: read-only file system" }],
    })
    render(<App />)

    expect(await screen.findByTestId('features-off')).toHaveTextContent(
      "Chat history, search and settings: off. Hearth's database is not open: read-only file system",
    )
  })

  it('says so when the backend cannot be reached', async () => {
    vi.mocked(getStatus).mockRejectedValue(new Error('window.go is undefined'))
    render(<App />)

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Can't reach the Hearth backend: window.go is undefined",
    )
    expect(screen.queryByTestId('empty-state')).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled()
  })

  it('shows "Connecting…" until the backend answers', () => {
    vi.mocked(getStatus).mockReturnValue(new Promise(() => {}))
    render(<App />)

    expect(screen.getByText('Connecting…')).toBeInTheDocument()
    expect(screen.queryByTestId('empty-state')).not.toBeInTheDocument()
  })

  it('leaves the data line out when the backend does not know the data dir', async () => {
    vi.mocked(getStatus).mockResolvedValue({ ...devStatus, dataDir: '' })
    render(<App />)

    expect(await screen.findByTestId('app-info')).not.toHaveTextContent('Data:')
  })
})
