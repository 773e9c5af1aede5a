// Number formatting shared by the panels: sizes, counts and durations as the
// user reads them.

const GiB = 1024 ** 3
const MiB = 1024 ** 2

/** formatBytes writes a byte count with a binary unit, e.g. "4.21 GiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n >= GiB) return `${(n / GiB).toFixed(2)} GiB`
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}

/** formatCount writes an integer with thousands separators, e.g. "1,920". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** formatParams writes a parameter count the way model cards do, e.g. "17B", "1.2B", "350M". */
export function formatParams(n: number): string {
  if (!n) return '—'
  if (n >= 1e9) return `${trim(n / 1e9)}B`
  if (n >= 1e6) return `${trim(n / 1e6)}M`
  if (n >= 1e3) return `${trim(n / 1e3)}K`
  return String(n)
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, '')
}

/** formatDuration writes milliseconds as "45 s", "3 min 5 s" or "< 1 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const s = Math.round(ms / 1000)
  if (s < 1) return '< 1 s'
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`
}

/** formatPercent writes a 0..1 fraction as a whole percentage. */
export function formatPercent(f: number): string {
  return `${Math.floor(Math.max(0, Math.min(1, f)) * 100)}%`
}

/** errorMessage turns a rejected promise's reason into text for the user. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return typeof err === 'string' ? err : String(err)
}

/** formatTokens writes a token count compactly, e.g. "980", "41.2 k", "1.83 M"
 * (with a no-break space, so a line never ends between number and unit). */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}\u00a0M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}\u00a0k`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}\u00a0k`
  return String(Math.round(n))
}
