import type { PrefillEvent } from '../api'
import { formatCount, formatDuration } from '../lib/format'
import { ProgressBar } from './ProgressBar'

/** PrefillProgress shows the prompt being read before the first token, how
 * much came from the KV cache, the speed and time left (the speed follows
 * from Go's estimate: tokens left over time left), and a way to cancel. */
export function PrefillProgress({ prefill, onCancel }: { prefill: PrefillEvent; onCancel: () => void }) {
  const fraction = prefill.total > 0 ? prefill.done / prefill.total : 0
  return (
    <div className="prefill" data-testid="prefill" role="status">
      <div className="prefill-line">
        <span>
          Reading the conversation: {formatCount(prefill.done)} / {formatCount(prefill.total)} tokens
          {prefill.etaMs > 0 && (
            <>
              {' '}
              · {formatCount(((prefill.total - prefill.done) * 1000) / prefill.etaMs)} tokens/s · about{' '}
              {formatDuration(prefill.etaMs)} left
            </>
          )}
        </span>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ProgressBar value={fraction} label="Prompt processing" />
      {prefill.cachedTokens > 0 && (
        <div className="cache-note" data-testid="cache-restored">
          Reused {formatCount(prefill.cachedTokens)} tokens from cache, computing{' '}
          {formatCount(Math.max(0, prefill.total - prefill.cachedTokens))}
        </div>
      )}
    </div>
  )
}
