/** ProgressBar shows a 0..1 fraction; the fill width is set through the
 * CSSOM, which the page's CSP allows (inline style attributes it does not). */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(value) ? value : 0))
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped * 100)}
    >
      <div className="progress-fill" style={{ width: `${clamped * 100}%` }} />
    </div>
  )
}
