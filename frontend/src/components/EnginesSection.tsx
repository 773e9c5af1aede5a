import './Engines.css'
import { useEffect, useState } from 'react'
import { addEngine, listEngines, removeEngine, testEngine, type Engine } from '../api'
import { errorMessage } from '../lib/format'

/** EnginesSection is Settings → Engines: remote OpenAI-compatible endpoints
 * (vLLM, llama-server, Ollama, another Hearth). Adding one tests the
 * connection and lists its models, which then appear in the Models panel.
 * The API key is kept in a file only the user can read, never in the
 * conversation database, and never comes back to the window. */
export function EnginesSection() {
  const [engines, setEngines] = useState<Engine[]>([])
  const [url, setUrl] = useState('')
  const [key, setKey] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    listEngines().then(setEngines, (err: unknown) => setError(errorMessage(err)))
  }, [])

  async function add() {
    setBusy(true)
    setError('')
    try {
      const e = await addEngine(url.trim(), key)
      setEngines((es) => [...es.filter((x) => x.id !== e.id), e])
      setUrl('')
      setKey('')
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  async function test(id: string) {
    setError('')
    try {
      const e = await testEngine(id)
      setEngines((es) => es.map((x) => (x.id === id ? e : x)))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  async function remove(id: string) {
    setError('')
    try {
      await removeEngine(id)
      setEngines((es) => es.filter((x) => x.id !== id))
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <section aria-labelledby="engines-title">
      <h3 className="section-title" id="engines-title">
        Engines
      </h3>
      <ul className="engine-list" aria-label="Remote engines">
        {engines.map((e) => (
          <li key={e.id} className="engine-row" data-testid="engine-row">
            <div>
              <strong>{e.host}</strong> <code>{e.url}</code>
              {e.hasKey && <span className="field-hint"> · key set</span>}
              <div className="field-hint">
                {e.models.length > 0 ? `Models: ${e.models.join(', ')}` : 'No models found'}
              </div>
              {e.error && (
                <p className="error-text" role="alert">
                  {e.error}
                </p>
              )}
            </div>
            <div className="engine-actions">
              <button type="button" className="btn" onClick={() => test(e.id)}>
                Test
              </button>
              <button type="button" className="btn" onClick={() => remove(e.id)}>
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div className="form-grid">
        <label className="field">
          Endpoint URL
          <input
            type="url"
            placeholder="http://gpu-box:8000/v1"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <span className="field-hint">OpenAI-compatible: vLLM, llama-server, Ollama, hearth serve</span>
        </label>
        <label className="field">
          API key (optional)
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          <span className="field-hint">kept in a private file in the data folder</span>
        </label>
      </div>
      <button type="button" className="btn" onClick={add} disabled={busy || url.trim() === ''}>
        {busy ? 'Connecting…' : 'Add engine'}
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
