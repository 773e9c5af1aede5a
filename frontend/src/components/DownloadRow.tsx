import { useState } from 'react'
import { cancelDownload, pauseDownload, resumeDownload, type Download } from '../api'
import { errorMessage, formatBytes, formatPercent } from '../lib/format'
import { ProgressBar } from './ProgressBar'

const stateNames: Record<Download['state'], string> = {
  running: 'Downloading',
  paused: 'Paused',
  verifying: 'Verifying SHA-256',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** DownloadRow shows one download's progress with pause, resume and cancel. */
export function DownloadRow({ download: d, onChanged }: { download: Download; onChanged: () => void }) {
  const [error, setError] = useState('')
  const fraction = d.totalBytes > 0 ? d.receivedBytes / d.totalBytes : 0
  const name = d.path ? d.path.split(/[\\/]/).pop() : d.url.split('/').pop()

  async function act(run: (id: string) => Promise<void>) {
    setError('')
    try {
      await run(d.id)
      onChanged()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <li className="download" data-testid="download" data-state={d.state}>
      <div className="download-head">
        <span className="download-name" title={d.url}>
          {name}
        </span>
        <span className="download-state">
          {stateNames[d.state] ?? d.state} · {formatBytes(d.receivedBytes)}
          {d.totalBytes > 0 && ` of ${formatBytes(d.totalBytes)} (${formatPercent(fraction)})`}
        </span>
        <span className="download-actions">
          {d.state === 'running' && (
            <button type="button" className="btn btn-small" onClick={() => act(pauseDownload)}>
              Pause
            </button>
          )}
          {(d.state === 'paused' || d.state === 'failed') && (
            <button type="button" className="btn btn-small" onClick={() => act(resumeDownload)}>
              Resume
            </button>
          )}
          {(d.state === 'running' || d.state === 'paused' || d.state === 'failed') && (
            <button type="button" className="btn btn-small btn-danger" onClick={() => act(cancelDownload)}>
              Cancel
            </button>
          )}
        </span>
      </div>
      {d.state !== 'done' && d.state !== 'cancelled' && <ProgressBar value={fraction} label={`Download ${name}`} />}
      {d.state === 'done' && d.sha256 && (
        <div className="download-sha">
          SHA-256 <code>{d.sha256}</code>
        </div>
      )}
      {(error || d.error) && <p className="error-text">{error || d.error}</p>}
    </li>
  )
}
