import { useEffect, useState } from 'react'
import { countTokens, type TokenCount } from '../api'
import { formatCount } from '../lib/format'

/** countDelayMs is how long typing must pause before the draft is counted. */
export const countDelayMs = 300

/** TokenCounter shows how much of the model's context the conversation plus
 * the draft will take, counted by Go (debounced) before anything is sent. */
export function TokenCounter({
  conversationId,
  draft,
  revision = '',
}: {
  conversationId: number
  draft: string
  /** revision changes whenever the conversation's active branch does. */
  revision?: string
}) {
  const [count, setCount] = useState<TokenCount | null>(null)
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      countTokens(conversationId, draft).then(
        (c) => live && setCount(c),
        () => live && setCount(null),
      )
    }, countDelayMs)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [conversationId, draft, revision])

  if (!count || !count.context) return null
  const over = count.total > count.context
  const near = !over && count.total > count.context * 0.9
  return (
    <span
      className="token-counter"
      data-testid="token-counter"
      data-level={over ? 'over' : near ? 'near' : 'ok'}
      title={`Conversation ${formatCount(count.conversation)} + draft ${formatCount(count.draft)} tokens`}
    >
      {formatCount(count.total)} / {formatCount(count.context)} tokens
      {over && ' — too long for the context'}
    </span>
  )
}
