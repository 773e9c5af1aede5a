import type { MessageStats as Stats } from '../api'
import { formatCount } from '../lib/format'

/** MessageStats is the line under an answer: speed, length and how much of
 * the prompt came from the KV cache. */
export function MessageStats({ stats }: { stats: Stats }) {
  const answered = stats.generatedTokens > 0
  const parts = answered
    ? [`${stats.tokensPerSec.toFixed(1)} tokens/s`, `${formatCount(stats.generatedTokens)} tokens`]
    : []
  if (stats.cachedTokens > 0) parts.push(`${formatCount(stats.cachedTokens)} tokens from cache`)
  if (stats.stopped) parts.push(answered ? 'stopped' : 'stopped before answering')
  if (stats.cut) parts.push('cut off: the remote engine dropped the connection')
  return (
    <div className="message-stats" data-testid="message-stats">
      {parts.join(' · ')}
    </div>
  )
}

/** hasStats is false for answers that were never generated here (imported
 * ones), which carry only zeros. */
export function hasStats(s: Stats): boolean {
  return s.generatedTokens > 0 || s.tokensPerSec > 0 || s.stopped || !!s.cut
}
