import './ModelsPanel.css'
import { useEffect, useState } from 'react'
import {
  addModel,
  openModelDialog,
  recommendedModels,
  startDownload,
  type AppStatus,
  type Recommended,
} from '../api'
import { errorMessage, formatBytes } from '../lib/format'
import type { useModels } from '../useModels'
import { Dialog } from './Dialog'
import { DownloadRow } from './DownloadRow'
import { ModelCard } from './ModelCard'
import { RemoteModels } from './RemoteModels'

/** ModelsPanel is where models are added (open, drop, download), inspected,
 * loaded and unloaded. */
export function ModelsPanel({
  status,
  models,
  contextLength,
  onClose,
}: {
  status: AppStatus | null
  models: ReturnType<typeof useModels>
  contextLength: number
  onClose: () => void
}) {
  const [url, setUrl] = useState('')
  const [sha, setSha] = useState('')
  const [addError, setAddError] = useState('')
  const [recommended, setRecommended] = useState<Recommended[]>([])

  const refresh = models.refresh
  useEffect(() => {
    refresh()
    recommendedModels().then(setRecommended, () => setRecommended([]))
  }, [refresh])

  async function open() {
    setAddError('')
    try {
      if (await openModelDialog()) models.refresh()
    } catch (err) {
      setAddError(errorMessage(err))
    }
  }

  async function download(u: string, sum: string) {
    setAddError('')
    try {
      const d = await startDownload(u.trim(), sum.trim())
      models.setDownloads((ds) => [d, ...ds.filter((x) => x.id !== d.id)])
      setUrl('')
      setSha('')
    } catch (err) {
      setAddError(errorMessage(err))
    }
  }

  const downloading = new Set(models.downloads.filter((d) => d.state !== 'cancelled').map((d) => d.url))

  return (
    <Dialog title="Models" onClose={onClose}>
      <div className="models-section-head">
        <h3 className="section-title">Your models</h3>
        <button type="button" className="btn btn-primary" onClick={open}>
          Open .gguf file…
        </button>
      </div>
      {addError && (
        <p className="error-text" role="alert">
          {addError}
        </p>
      )}
      {models.error && <p className="error-text">{models.error}</p>}
      {models.models.length === 0 ? (
        <p className="models-empty">No models yet. Open a .gguf file, drop one on the window, or download one below.</p>
      ) : (
        <ul className="model-list">
          {models.models.map((m) => (
            <ModelCard
              key={m.id}
              model={m}
              loaded={status?.loadedModelId === m.id && status.modelLoaded}
              loading={models.loading?.modelId === m.id ? models.loading : null}
              contextLength={contextLength}
              onChanged={models.refresh}
              onLoadStarted={(e) => models.setLoading(e)}
            />
          ))}
        </ul>
      )}

      {/* Remote engines' models, beside the local ones (issue 14) */}
      <RemoteModels status={status} />

      <h3 className="section-title">Download</h3>
      <form
        className="download-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (url.trim()) void download(url, sha)
        }}
      >
        <label className="field download-url">
          Hugging Face file URL
          <input
            type="url"
            value={url}
            placeholder="https://huggingface.co/…/resolve/main/model.gguf"
            onChange={(e) => setUrl(e.target.value)}
            aria-label="Download URL"
          />
        </label>
        <label className="field download-sha">
          SHA-256 (optional)
          <input value={sha} onChange={(e) => setSha(e.target.value)} aria-label="Expected SHA-256" spellCheck={false} />
        </label>
        <button type="submit" className="btn" disabled={!url.trim()}>
          Download
        </button>
      </form>
      {models.downloads.length > 0 && (
        <ul className="download-list">
          {models.downloads.map((d) => (
            <DownloadRow key={d.id} download={d} onChanged={models.refresh} />
          ))}
        </ul>
      )}

      <h3 className="section-title">Recommended</h3>
      <ul className="recommended-list">
        {recommended.map((r) => (
          <li key={r.url} className="recommended" data-testid="recommended">
            <div>
              <div className="recommended-name">{r.name}</div>
              <div className="recommended-notes">{r.notes}</div>
            </div>
            <span className="recommended-size">{formatBytes(r.sizeBytes)}</span>
            <button
              type="button"
              className="btn btn-small"
              disabled={downloading.has(r.url)}
              aria-label={`Download ${r.name}`}
              onClick={() => void download(r.url, r.sha256)}
            >
              {downloading.has(r.url) ? 'Downloading' : 'Download'}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  )
}

/** addDroppedModels adds each dropped .gguf file and says what happened. */
export async function addDroppedModels(paths: string[]): Promise<{ added: number; errors: string[] }> {
  const ggufs = paths.filter((p) => p.toLowerCase().endsWith('.gguf'))
  const errors: string[] = []
  let added = 0
  for (const p of ggufs) {
    try {
      await addModel(p)
      added++
    } catch (err) {
      errors.push(errorMessage(err))
    }
  }
  if (ggufs.length === 0 && paths.length > 0) errors.push('Only .gguf model files can be dropped here for now')
  return { added, errors }
}
