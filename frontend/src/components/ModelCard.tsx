import { useEffect, useState } from 'react'
import {
  loadModel,
  memoryEstimate,
  removeModel,
  unloadModel,
  type MemoryEstimate,
  type ModelInfo,
  type ModelLoadEvent,
} from '../api'
import { errorMessage, formatBytes, formatCount, formatParams, formatPercent } from '../lib/format'
import { ProgressBar } from './ProgressBar'

const stageNames: Record<ModelLoadEvent['stage'], string> = {
  mapping: 'Mapping the file',
  checking: 'Checking tensors',
  warming: 'Warming up',
  ready: 'Ready',
  failed: 'Failed',
}

/** ModelCard describes one model file and loads or unloads it, refusing up
 * front (with the numbers) when it will not fit in memory. */
export function ModelCard({
  model,
  loaded,
  loading,
  contextLength,
  onChanged,
  onLoadStarted,
}: {
  model: ModelInfo
  loaded: boolean
  loading: ModelLoadEvent | null
  contextLength: number
  onChanged: () => void
  onLoadStarted: (e: ModelLoadEvent) => void
}) {
  const [estimate, setEstimate] = useState<MemoryEstimate | null>(null)
  const [error, setError] = useState('')

  useEffect(() => {
    let live = true
    memoryEstimate(model.id, contextLength).then(
      (e) => live && setEstimate(e),
      () => live && setEstimate(null),
    )
    return () => {
      live = false
    }
  }, [model.id, contextLength])

  async function act(run: () => Promise<void>) {
    setError('')
    try {
      await run()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  const refusal = estimate && !estimate.fits ? refuseText(estimate) : ''
  const failed = loading?.stage === 'failed' ? loading.error : ''
  const busy = loading !== null && loading.stage !== 'failed'
  return (
    <li className="model-card" data-testid="model-card" data-loaded={loaded}>
      <div className="model-card-head">
        <div className="model-card-name" title={model.path}>
          {model.name}
          {loaded && <span className="model-badge">Loaded</span>}
        </div>
        <div className="model-card-actions">
          {loaded ? (
            <button type="button" className="btn btn-small" onClick={() => act(async () => (await unloadModel(), onChanged()))}>
              Unload
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy || refusal !== ''}
              title={refusal || undefined}
              onClick={() =>
                act(async () => {
                  onLoadStarted({ modelId: model.id, stage: 'mapping', fraction: 0, error: '' })
                  await loadModel(model.id)
                })
              }
            >
              Load
            </button>
          )}
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={loaded || busy}
            aria-label={`Remove ${model.name}`}
            title="Forget this model (the file stays on disk)"
            onClick={() => act(async () => (await removeModel(model.id), onChanged()))}
          >
            Remove
          </button>
        </div>
      </div>
      <dl className="model-facts">
        <Fact name="Architecture" value={model.architecture || '—'} />
        <Fact
          name="Parameters"
          value={
            model.activeParams && model.activeParams !== model.params
              ? `${formatParams(model.params)} (${formatParams(model.activeParams)} active)`
              : formatParams(model.params)
          }
        />
        <Fact name="Quantization" value={model.quantization || '—'} />
        <Fact name="Context" value={model.contextLength ? `${formatCount(model.contextLength)} tokens` : '—'} />
        <Fact name="Size" value={formatBytes(model.sizeBytes)} />
        {estimate && (
          <Fact
            name="Memory"
            value={`${formatBytes(estimate.totalBytes)} at ${formatCount(estimate.contextLen)} tokens (weights ${formatBytes(estimate.weightBytes)}, KV ${formatBytes(estimate.kvBytes)}) · ${formatBytes(estimate.availableBytes)} available`}
          />
        )}
      </dl>
      <div className="model-sha" data-testid="model-sha">
        {model.sha256 ? (
          <>
            <span className="model-sha-label">SHA-256</span> <code>{model.sha256}</code>
          </>
        ) : (
          <div className="model-hashing">
            <span>Computing SHA-256… {formatPercent(model.hashProgress)}</span>
            <ProgressBar value={model.hashProgress} label={`Hashing ${model.name}`} />
          </div>
        )}
      </div>
      {busy && loading && (
        <div className="model-loading" data-testid="model-loading">
          <span>
            {stageNames[loading.stage]}… {formatPercent(loading.fraction)}
          </span>
          <ProgressBar value={loading.fraction} label={`Loading ${model.name}`} />
        </div>
      )}
      {refusal && !loaded && (
        <p className="model-refusal" role="note">
          {refusal}
        </p>
      )}
      {(error || failed || model.error) && (
        <p className="error-text" role="alert">
          {error || failed || model.error}
        </p>
      )}
    </li>
  )
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <div className="model-fact">
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  )
}

/** refuseText explains, with the numbers, why a model will not be loaded. */
export function refuseText(e: MemoryEstimate): string {
  return `Won't fit: needs ${formatBytes(e.totalBytes)} at ${formatCount(e.contextLen)} tokens of context, but only ${formatBytes(e.availableBytes)} is available. Try a smaller context length in Settings or a smaller quantization.`
}
