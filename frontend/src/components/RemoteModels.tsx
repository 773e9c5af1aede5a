import './Engines.css'
import { useEffect, useState } from 'react'
import { listEngines, useRemoteModel, type AppStatus, type Engine } from '../api'
import { errorMessage } from '../lib/format'

/** RemoteModels lists, beside the local models, the models of the remote
 * engines added in Settings → Engines, each marked remote with its host;
 * "Use" makes one the chat model (the local model is unloaded). */
export function RemoteModels({ status }: { status: AppStatus | null }) {
  const [engines, setEngines] = useState<Engine[]>([])
  const [error, setError] = useState('')

  useEffect(() => {
    listEngines().then(setEngines, (err: unknown) => setError(errorMessage(err)))
  }, [])

  async function use(e: Engine, model: string) {
    setError('')
    try {
      await useRemoteModel(e.id, model)
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  if (engines.length === 0 && !error) {
    return (
      <p className="models-empty" data-testid="remote-models-empty">
        Remote engines (vLLM, llama-server, Ollama) are added in Settings → Engines.
      </p>
    )
  }
  return (
    <section aria-labelledby="remote-models-title">
      <h3 className="section-title" id="remote-models-title">
        Remote models
      </h3>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <ul className="engine-list" aria-label="Remote models">
        {engines.flatMap((e) =>
          e.models.map((m) => {
            const inUse = status?.remoteHost === e.host && status?.modelName === m
            return (
              <li key={`${e.id}/${m}`} className="engine-row" data-testid="remote-model">
                <div>
                  <strong>{m}</strong> <span className="model-badge">remote · {e.host}</span>
                  <div className="field-hint">Images only if this model accepts them; the engine says so when not.</div>
                </div>
                <button type="button" className="btn" disabled={inUse} onClick={() => use(e, m)}>
                  {inUse ? 'In use' : 'Use'}
                </button>
              </li>
            )
          }),
        )}
      </ul>
    </section>
  )
}
