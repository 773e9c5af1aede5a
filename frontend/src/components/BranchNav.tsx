import './BranchNav.css'

/** BranchNav moves between the versions of a message ("‹ 2/3 ›"): edits of a
 * user message or regenerated answers. index is 0-based. */
export function BranchNav({
  index,
  count,
  disabled = false,
  onSelect,
}: {
  index: number
  count: number
  disabled?: boolean
  onSelect: (index: number) => void
}) {
  if (count < 2) return null
  return (
    <span className="branch-nav" role="group" aria-label="Versions">
      <button
        type="button"
        aria-label="Previous version"
        disabled={disabled || index <= 0}
        onClick={() => onSelect(index - 1)}
      >
        ‹
      </button>
      <span className="branch-nav-pos" data-testid="branch-pos">
        {index + 1}/{count}
      </span>
      <button
        type="button"
        aria-label="Next version"
        disabled={disabled || index >= count - 1}
        onClick={() => onSelect(index + 1)}
      >
        ›
      </button>
    </span>
  )
}
