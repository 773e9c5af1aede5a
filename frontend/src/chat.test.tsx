// The chat flow in the whole App against a mocked api.ts: streaming through
// the chat:* events, prefill progress, stop, regenerate, branches.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import App from './App'
import * as api from './api'
import { emit, resetListeners } from './test/apiMock'

vi.mock('./api', async () => (await import('./test/apiMock')).apiMock())

const status: api.AppStatus = {
  version: '0.1.0',
  build: 'dev',
  platform: 'linux/amd64',
  modelLoaded: true,
  dataDir: '/d',
  loadedModelId: 1,
  modelName: 'Tiny Scout',
  off: [],
}

const summary: api.ConversationSummary = { id: 5, title: 'Greetings', model: 'Tiny Scout', pinned: false, updatedAt: 2, createdAt: 1 }
const settings = api.getSettings

function view(messages: api.MessageView[]): api.ConversationView {
  return {
    conversation: summary,
    systemPrompt: '',
    settings: { systemPrompt: '', temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: -1, maxTokens: 64 },
    messages,
  }
}

function msg(id: number, role: 'user' | 'assistant', content: string, extra: Partial<api.MessageView> = {}): api.MessageView {
  return { id, parentId: id - 1, role, content, createdAt: id, siblingIndex: 0, siblingCount: 1, siblingIds: [id], ...extra }
}

const stats: api.MessageStats = {
  promptTokens: 2000,
  cachedTokens: 1920,
  generatedTokens: 42,
  prefillTokensPerSec: 300,
  tokensPerSec: 12.34,
  stopped: false,
}

describe('chat', () => {
  beforeEach(() => {
    resetListeners()
    vi.mocked(api.getStatus).mockResolvedValue(status)
    vi.mocked(api.listConversations).mockResolvedValue([summary])
    vi.mocked(settings).mockClear()
  })

  async function openConversation(v: api.ConversationView) {
    vi.mocked(api.getConversation).mockResolvedValue(v)
    render(<App />)
    fireEvent.click(await screen.findByRole('button', { name: 'Greetings' }))
    await screen.findAllByTestId(/message-/)
  }

  it('creates a conversation, streams the answer and shows its numbers', async () => {
    vi.mocked(api.newConversation).mockResolvedValue(summary)
    vi.mocked(api.sendMessage).mockResolvedValue({ conversationId: 5, userMessageId: 10, assistantMessageId: 11 })
    vi.mocked(api.getConversation).mockResolvedValue(view([msg(10, 'user', 'Hi there'), msg(11, 'assistant', '')]))
    render(<App />)
    const box = await screen.findByRole('textbox', { name: 'Message' })
    await waitFor(() => expect(box).toHaveAttribute('placeholder', 'Message Hearth…'))
    fireEvent.change(box, { target: { value: 'Hi there' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))

    await waitFor(() => expect(api.sendMessage).toHaveBeenCalledWith(5, 'Hi there'))
    const answer = await screen.findByTestId('message-assistant')
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument()

    act(() => emit('chat:prefill', { conversationId: 5, assistantMessageId: 11, done: 2000, total: 4000, cachedTokens: 1920, etaMs: 3000 }))
    expect(screen.getByTestId('prefill')).toHaveTextContent('Reading the conversation: 2,000 / 4,000 tokens · 667 tokens/s · about 3 s left')
    expect(screen.getByTestId('cache-restored')).toHaveTextContent('Reused 1,920 tokens from cache, computing 2,080')
    expect(screen.getByRole('progressbar', { name: 'Prompt processing' })).toHaveAttribute('aria-valuenow', '50')

    act(() => emit('chat:token', { conversationId: 5, assistantMessageId: 11, text: 'Hello' }))
    act(() => emit('chat:token', { conversationId: 5, assistantMessageId: 11, text: ', **world**' }))
    // Tokens are shown once per animation frame.
    await waitFor(() => expect(answer).toHaveTextContent('Hello, world'))
    expect(screen.queryByTestId('prefill')).not.toBeInTheDocument()
    expect(answer.querySelector('strong')).toHaveTextContent('world')

    vi.mocked(api.getConversation).mockResolvedValue(
      view([msg(10, 'user', 'Hi there'), msg(11, 'assistant', 'Hello, **world**', { stats })]),
    )
    act(() => emit('chat:done', { conversationId: 5, assistantMessageId: 11, stats, stopped: false }))
    expect(await screen.findByTestId('message-stats')).toHaveTextContent(
      '12.3 tokens/s · 42 tokens · 1,920 tokens from cache',
    )
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument()
  })

  it('stops the answer from the composer and from the prefill bar', async () => {
    vi.mocked(api.sendMessage).mockResolvedValue({ conversationId: 5, userMessageId: 1, assistantMessageId: 2 })
    await openConversation(view([msg(1, 'user', 'q'), msg(2, 'assistant', '')]))
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'again' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }))
    act(() => emit('chat:prefill', { conversationId: 5, assistantMessageId: 2, done: 1, total: 9, cachedTokens: 0, etaMs: 0 }))
    expect(screen.queryByTestId('cache-restored')).not.toBeInTheDocument()
    fireEvent.click(within(screen.getByTestId('prefill')).getByRole('button', { name: 'Cancel' }))
    expect(api.stopGeneration).toHaveBeenCalledTimes(2)
  })

  it('regenerates an answer and moves between the answers', async () => {
    vi.mocked(api.regenerate).mockResolvedValue({ conversationId: 5, userMessageId: 1, assistantMessageId: 3 })
    await openConversation(view([msg(1, 'user', 'q'), msg(2, 'assistant', 'first answer', { stats })]))
    fireEvent.click(screen.getByRole('button', { name: 'Regenerate' }))
    await waitFor(() => expect(api.regenerate).toHaveBeenCalledWith(5, 2))

    vi.mocked(api.switchBranch).mockResolvedValue(
      view([msg(1, 'user', 'q'), msg(2, 'assistant', 'first answer', { siblingIndex: 0, siblingCount: 2, siblingIds: [2, 3] })]),
    )
    vi.mocked(api.getConversation).mockResolvedValue(
      view([msg(1, 'user', 'q'), msg(3, 'assistant', 'second answer', { siblingIndex: 1, siblingCount: 2, siblingIds: [2, 3], stats })]),
    )
    act(() => emit('chat:done', { conversationId: 5, assistantMessageId: 3, stats, stopped: false }))
    expect(await screen.findByText('second answer')).toBeInTheDocument()
    expect(screen.getByTestId('branch-pos')).toHaveTextContent('2/2')
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }))
    await waitFor(() => expect(api.switchBranch).toHaveBeenCalledWith(5, 2))
    expect(await screen.findByText('first answer')).toBeInTheDocument()
    expect(screen.getByTestId('branch-pos')).toHaveTextContent('1/2')
  })

  it('shows a generation error from the backend', async () => {
    vi.mocked(api.sendMessage).mockResolvedValue({ conversationId: 5, userMessageId: 1, assistantMessageId: 2 })
    await openConversation(view([msg(1, 'user', 'q'), msg(2, 'assistant', '')]))
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'x' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await screen.findByRole('button', { name: 'Stop' })
    act(() => emit('chat:error', { conversationId: 5, assistantMessageId: 2, error: 'The model ran out of context' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('The model ran out of context')
    expect(await screen.findByRole('button', { name: 'Send' })).toBeInTheDocument()
  })
})
