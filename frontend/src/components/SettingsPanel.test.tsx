import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { getSettings, saveSettings } from '../api'
import { defaultSettings } from '../test/apiMock'
import { SettingsPanel } from './SettingsPanel'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

describe('SettingsPanel', () => {
  beforeEach(() => {
    delete document.documentElement.dataset.theme
    vi.mocked(saveSettings).mockClear()
    vi.mocked(getSettings).mockResolvedValue(structuredClone(defaultSettings))
  })

  it('shows the data location read-only', async () => {
    render(<SettingsPanel onClose={vi.fn()} onSaved={vi.fn()} />)
    expect(await screen.findByTestId('data-location')).toHaveTextContent('/home/u/.local/share/hearth')
    expect(screen.queryByRole('textbox', { name: /data location/i })).not.toBeInTheDocument()
  })

  it.each([
    { pick: 'Dark', attr: 'dark' },
    { pick: 'Light', attr: 'light' },
    { pick: 'System', attr: undefined },
  ])('applies the $pick theme as soon as it is picked', async ({ pick, attr }) => {
    document.documentElement.dataset.theme = 'light'
    render(<SettingsPanel onClose={vi.fn()} onSaved={vi.fn()} />)
    fireEvent.click(await screen.findByRole('radio', { name: pick }))
    expect(document.documentElement.dataset.theme).toBe(attr)
    expect(screen.getByRole('radio', { name: pick })).toHaveAttribute('aria-checked', 'true')
  })

  it('puts the saved theme back on Cancel', async () => {
    const onClose = vi.fn()
    render(<SettingsPanel onClose={onClose} onSaved={vi.fn()} />)
    fireEvent.click(await screen.findByRole('radio', { name: 'Dark' }))
    expect(document.documentElement.dataset.theme).toBe('dark')
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(document.documentElement.dataset.theme).toBeUndefined()
    expect(onClose).toHaveBeenCalledOnce()
    expect(saveSettings).not.toHaveBeenCalled()
  })

  it('saves every edited field', async () => {
    const onSaved = vi.fn()
    const onClose = vi.fn()
    render(<SettingsPanel onClose={onClose} onSaved={onSaved} />)
    fireEvent.change(await screen.findByRole('spinbutton', { name: /CPU threads/ }), { target: { value: '6' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: /Context length/ }), { target: { value: '8192' } })
    fireEvent.change(screen.getByRole('combobox', { name: /KV cache type/ }), { target: { value: 'f32' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: /Temperature/ }), { target: { value: '0.2' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: /Max answer tokens/ }), { target: { value: '64' } })
    fireEvent.change(screen.getByRole('textbox', { name: /System prompt/ }), { target: { value: 'Be brief.' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }))
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))

    const want = {
      ...defaultSettings,
      threads: 6,
      contextLength: 8192,
      kvType: 'f32',
      theme: 'dark',
      defaults: { ...defaultSettings.defaults, temperature: 0.2, maxTokens: 64, systemPrompt: 'Be brief.' },
    }
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce())
    expect(saveSettings).toHaveBeenCalledExactlyOnceWith(want)
    expect(onSaved).toHaveBeenCalledWith(want)
    expect(onClose).toHaveBeenCalledOnce()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('shows the backend error and stays open when saving fails', async () => {
    vi.mocked(saveSettings).mockRejectedValueOnce('threads must be at most 64')
    const onClose = vi.fn()
    render(<SettingsPanel onClose={onClose} onSaved={vi.fn()} />)
    fireEvent.click(await screen.findByRole('button', { name: 'Save' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('threads must be at most 64')
    expect(onClose).not.toHaveBeenCalled()
  })
})
