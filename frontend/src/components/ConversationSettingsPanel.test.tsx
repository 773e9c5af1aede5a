import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { updateConversationSettings, type ConversationSettings } from '../api'
import { ConversationSettingsPanel } from './ConversationSettingsPanel'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

const initial: ConversationSettings = {
  systemPrompt: 'Be kind.',
  temperature: 0.6,
  topK: 40,
  topP: 0.9,
  minP: 0.01,
  repeatPenalty: 1,
  seed: 0,
  maxTokens: 1024,
}

describe('ConversationSettingsPanel', () => {
  beforeEach(() => {
    vi.clearAllMocks()
  })

  it('saves the system prompt and sampling for this conversation', async () => {
    const onSaved = vi.fn()
    const onClose = vi.fn()
    render(<ConversationSettingsPanel conversationId={9} initial={initial} onClose={onClose} onSaved={onSaved} />)
    expect(screen.getByRole('textbox', { name: /System prompt/ })).toHaveValue('Be kind.')
    fireEvent.change(screen.getByRole('textbox', { name: /System prompt/ }), { target: { value: 'Answer in French.' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: /Top-k/ }), { target: { value: '3' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: /Seed/ }), { target: { value: '7' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledOnce())
    expect(updateConversationSettings).toHaveBeenCalledExactlyOnceWith(9, {
      ...initial,
      systemPrompt: 'Answer in French.',
      topK: 3,
      seed: 7,
    })
    expect(onClose).toHaveBeenCalledOnce()
  })

  it('closes on Escape without saving', () => {
    const onClose = vi.fn()
    render(<ConversationSettingsPanel conversationId={9} initial={initial} onClose={onClose} onSaved={vi.fn()} />)
    fireEvent.keyDown(window, { key: 'Escape' })
    expect(onClose).toHaveBeenCalledOnce()
    expect(updateConversationSettings).not.toHaveBeenCalled()
  })
})
