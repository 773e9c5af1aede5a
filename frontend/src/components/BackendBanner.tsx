import './BackendBanner.css'

/** BackendBanner tells the user that the GPU backend they asked for (or
 * that was found) is not in use, and why: Hearth never falls back to the
 * CPU silently. It renders nothing when there is nothing to say. */
export function BackendBanner({ notice, backend }: { notice: string; backend: string }) {
  if (!notice) return null
  return (
    <div className="backend-banner" role="status" aria-label="GPU backend">
      <strong>Running on the {backend ? backend.toUpperCase() : 'CPU'}.</strong> The GPU is not used: {notice}
    </div>
  )
}
