import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { countTokens } from '../api'
import { countDelayMs, TokenCounter } from './TokenCounter'

vi.mock('../api', async () => (await import('../test/apiMock')).apiMock())

describe('TokenCounter', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.mocked(countTokens).mockReset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function settle(ms: number) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(ms)
    })
  }

  it('counts once typing pauses, not on every keystroke', async () => {
    vi.mocked(countTokens).mockResolvedValue({ conversation: 1000, draft: 20, total: 1034, context: 4096 })
    const { rerender } = render(<TokenCounter conversationId={7} draft="h" />)
    await settle(countDelayMs / 2)
    rerender(<TokenCounter conversationId={7} draft="he" />)
    await settle(countDelayMs / 2)
    rerender(<TokenCounter conversationId={7} draft="hello" />)
    await settle(countDelayMs - 1)
    expect(countTokens).not.toHaveBeenCalled()
    await settle(1)
    expect(countTokens).toHaveBeenCalledExactlyOnceWith(7, 'hello')
    expect(screen.getByTestId('token-counter')).toHaveTextContent('1,034 / 4,096 tokens')
    expect(screen.getByTestId('token-counter')).toHaveAttribute('data-level', 'ok')
  })

  it.each([
    { total: 3700, context: 4096, level: 'near', text: '3,700 / 4,096 tokens' },
    { total: 5000, context: 4096, level: 'over', text: '5,000 / 4,096 tokens — too long for the context' },
  ])('warns at $total of $context ($level)', async ({ total, context, level, text }) => {
    vi.mocked(countTokens).mockResolvedValue({ conversation: total - 10, draft: 10, total, context })
    render(<TokenCounter conversationId={1} draft="x" />)
    await settle(countDelayMs)
    expect(screen.getByTestId('token-counter')).toHaveAttribute('data-level', level)
    expect(screen.getByTestId('token-counter')).toHaveTextContent(text)
  })

  it('shows nothing when counting fails (no model loaded)', async () => {
    vi.mocked(countTokens).mockRejectedValue('no model is loaded')
    render(<TokenCounter conversationId={1} draft="x" />)
    await settle(countDelayMs)
    expect(screen.queryByTestId('token-counter')).not.toBeInTheDocument()
  })
})
