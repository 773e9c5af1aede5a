// The Models panel in the whole App against a mocked api.ts.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import * as api from './api'
import { emit, resetListeners } from './test/apiMock'

vi.mock('./api', async () => (await import('./test/apiMock')).apiMock())

const GiB = 1024 ** 3
const status: api.AppStatus = {
  version: '0.1.0',
  build: 'dev',
  platform: 'linux/amd64',
  modelLoaded: false,
  dataDir: '/d',
  loadedModelId: 0,
  modelName: '',
}
const scout: api.ModelInfo = {
  id: 3,
  path: '/models/scout.gguf',
  name: 'Llama 4 Scout',
  architecture: 'llama4',
  params: 109e9,
  activeParams: 17e9,
  quantization: 'Q4_K_M mix: Q4_K 86%, Q6_K 14%',
  contextLength: 131072,
  sizeBytes: 65 * GiB,
  sha256: '',
  hashProgress: 0.25,
  addedAt: 1,
}

async function openModels() {
  render(<App />)
  fireEvent.click(await screen.findByRole('button', { name: 'Open Models' }))
  return screen.findByRole('dialog', { name: 'Models' })
}

describe('Models panel', () => {
  beforeEach(() => {
    resetListeners()
    vi.clearAllMocks()
    vi.mocked(api.getStatus).mockResolvedValue(status)
    vi.mocked(api.listModels).mockResolvedValue([scout])
  })

  it('describes a model and follows its hashing', async () => {
    vi.mocked(api.memoryEstimate).mockResolvedValue({
      contextLen: 8192, weightBytes: 4 * GiB, kvBytes: GiB, scratchBytes: 0, totalBytes: 5 * GiB, availableBytes: 20 * GiB, fits: true,
    })
    const dialog = await openModels()
    const card = await within(dialog).findByTestId('model-card')
    expect(card).toHaveTextContent('llama4')
    expect(card).toHaveTextContent('109B (17B active)')
    expect(card).toHaveTextContent('Q4_K_M mix: Q4_K 86%, Q6_K 14%')
    expect(card).toHaveTextContent('131,072 tokens')
    expect(card).toHaveTextContent('65.00 GiB')
    expect(card).toHaveTextContent('Computing SHA-256… 25%')
    expect(await within(card).findByText(/5.00 GiB at 8,192 tokens/)).toHaveTextContent('20.00 GiB available')

    act(() => emit('model:hash', { modelId: 3, fraction: 0.5, sha256: '' }))
    expect(card).toHaveTextContent('Computing SHA-256… 50%')
    act(() => emit('model:hash', { modelId: 3, fraction: 1, sha256: 'ab'.repeat(32) }))
    expect(within(card).getByTestId('model-sha')).toHaveTextContent(`SHA-256 ${'ab'.repeat(32)}`)
  })

  it('refuses with the numbers when the model will not fit', async () => {
    vi.mocked(api.memoryEstimate).mockResolvedValue({
      contextLen: 131072, weightBytes: 65 * GiB, kvBytes: 8 * GiB, scratchBytes: GiB, totalBytes: 74 * GiB, availableBytes: 22 * GiB, fits: false,
    })
    const dialog = await openModels()
    const card = await within(dialog).findByTestId('model-card')
    expect(await within(card).findByRole('note')).toHaveTextContent(
      "Won't fit: needs 74.00 GiB at 131,072 tokens of context, but only 22.00 GiB is available.",
    )
    expect(within(card).getByRole('button', { name: 'Load' })).toBeDisabled()
  })

  it('loads with a progress bar and shows a failed load', async () => {
    vi.mocked(api.memoryEstimate).mockRejectedValue('no estimate')
    const dialog = await openModels()
    const card = await within(dialog).findByTestId('model-card')
    fireEvent.click(within(card).getByRole('button', { name: 'Load' }))
    await waitFor(() => expect(api.loadModel).toHaveBeenCalledWith(3))
    act(() => emit('model:load', { modelId: 3, stage: 'checking', fraction: 0.4, error: '' }))
    expect(within(card).getByTestId('model-loading')).toHaveTextContent('Checking tensors… 40%')
    expect(within(card).getByRole('progressbar', { name: 'Loading Llama 4 Scout' })).toHaveAttribute('aria-valuenow', '40')
    act(() => emit('model:load', { modelId: 3, stage: 'failed', fraction: 0.4, error: 'tensor blk.0.attn_q.weight is truncated' }))
    expect(within(card).getByRole('alert')).toHaveTextContent('tensor blk.0.attn_q.weight is truncated')
    expect(within(card).getByRole('button', { name: 'Load' })).toBeEnabled()
  })

  it('offers Unload for the loaded model', async () => {
    vi.mocked(api.getStatus).mockResolvedValue({ ...status, modelLoaded: true, loadedModelId: 3, modelName: 'Llama 4 Scout' })
    render(<App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Model: Llama 4 Scout' }))
    const card = await screen.findByTestId('model-card')
    fireEvent.click(within(card).getByRole('button', { name: 'Unload' }))
    await waitFor(() => expect(api.unloadModel).toHaveBeenCalledOnce())
  })

  it('downloads from a URL with progress, pause and resume', async () => {
    vi.mocked(api.listModels).mockResolvedValue([])
    const d: api.Download = {
      id: 'd1', url: 'https://huggingface.co/x/resolve/main/tiny.gguf', path: '/m/tiny.gguf',
      receivedBytes: 0, totalBytes: 4 * 1024 * 1024, state: 'running', error: '', sha256: '',
    }
    let latest: api.Download[] = []
    vi.mocked(api.startDownload).mockImplementation(async () => ((latest = [d]), d))
    vi.mocked(api.listDownloads).mockImplementation(async () => latest)
    const progress = (p: Partial<api.Download>) =>
      act(() => {
        latest = [{ ...d, ...p }]
        emit('download:progress', latest[0])
      })
    const row = () => within(dialog).getByTestId('download')
    const dialog = await openModels()
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Download URL' }), { target: { value: d.url } })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Expected SHA-256' }), { target: { value: 'cd'.repeat(32) } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download' }))
    await waitFor(() => expect(api.startDownload).toHaveBeenCalledWith(d.url, 'cd'.repeat(32)))

    progress({ receivedBytes: 1024 * 1024 })
    expect(row()).toHaveTextContent('Downloading · 1.0 MiB of 4.0 MiB (25%)')
    fireEvent.click(within(row()).getByRole('button', { name: 'Pause' }))
    await waitFor(() => expect(api.pauseDownload).toHaveBeenCalledWith('d1'))
    progress({ receivedBytes: 1024 * 1024, state: 'paused' })
    fireEvent.click(within(row()).getByRole('button', { name: 'Resume' }))
    await waitFor(() => expect(api.resumeDownload).toHaveBeenCalledWith('d1'))
    progress({ receivedBytes: d.totalBytes, state: 'done', sha256: 'cd'.repeat(32) })
    expect(row()).toHaveTextContent(`Done · 4.0 MiB of 4.0 MiB (100%)SHA-256 ${'cd'.repeat(32)}`)
  })

  it('lists the recommended models with sizes', async () => {
    vi.mocked(api.recommendedModels).mockResolvedValue([
      { name: 'Llama 3.2 1B Instruct Q4_K_M', url: 'https://huggingface.co/a.gguf', sizeBytes: 808 * 1024 * 1024, sha256: '', notes: 'Small and quick' },
    ])
    const dialog = await openModels()
    const rec = await within(dialog).findByTestId('recommended')
    expect(rec).toHaveTextContent('Llama 3.2 1B Instruct Q4_K_M')
    expect(rec).toHaveTextContent('808.0 MiB')
  })

  it('reloads the list when a model it does not know starts hashing (a finished download)', async () => {
    vi.mocked(api.memoryEstimate).mockRejectedValue('no estimate')
    vi.mocked(api.listModels).mockResolvedValue([])
    const dialog = await openModels()
    await within(dialog).findByText(/No models yet/)
    vi.mocked(api.listModels).mockResolvedValue([scout])
    act(() => emit('model:hash', { modelId: 3, fraction: 0.1, sha256: '' }))
    expect(await within(dialog).findByTestId('model-card')).toHaveTextContent('Llama 4 Scout')
  })

  it('adds a dropped .gguf file and opens the panel', async () => {
    vi.mocked(api.addModel).mockResolvedValue(scout)
    render(<App />)
    await screen.findByTestId('empty-state')
    act(() => emit('files:dropped', ['/home/u/notes.txt', '/home/u/scout.gguf']))
    await waitFor(() => expect(api.addModel).toHaveBeenCalledExactlyOnceWith('/home/u/scout.gguf'))
    expect(await screen.findByRole('dialog', { name: 'Models' })).toBeInTheDocument()
  })
})
