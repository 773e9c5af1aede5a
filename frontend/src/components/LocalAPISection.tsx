import './Engines.css'
import { useEffect, useState } from 'react'
import { apiStatus, startAPI, stopAPI, type APIStatus } from '../api'
import { errorMessage } from '../lib/format'

const defaultPort = 8080

/** LocalAPISection is the Settings switch for the OpenAI-compatible API on
 * the loaded model: port, on/off, the address to give clients, and why a
 * start failed. It listens on loopback (127.0.0.1) only. */
export function LocalAPISection() {
  const [st, setSt] = useState<APIStatus | null>(null)
  const [port, setPort] = useState(defaultPort)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    apiStatus().then(
      (s) => {
        setSt(s)
        if (s.running) setPort(s.port)
      },
      (err: unknown) => setError(errorMessage(err)),
    )
  }, [])

  async function toggle(on: boolean) {
    setBusy(true)
    setError('')
    try {
      setSt(on ? await startAPI(port) : await stopAPI())
    } catch (err) {
      setError(errorMessage(err))
      apiStatus().then(setSt, () => {})
    } finally {
      setBusy(false)
    }
  }

  const running = st?.running ?? false
  return (
    <section aria-labelledby="local-api-title">
      <h3 className="section-title" id="local-api-title">
        Local API
      </h3>
      <div className="form-grid">
        <label className="field">
          Port
          <input
            type="number"
            min={0}
            max={65535}
            value={port}
            disabled={running || busy}
            onChange={(e) => setPort(e.target.valueAsNumber || 0)}
          />
          <span className="field-hint">on 127.0.0.1 only; 0 = any free port</span>
        </label>
        <label className="field field-check">
          <input
            type="checkbox"
            role="switch"
            aria-label="OpenAI-compatible API"
            checked={running}
            disabled={busy || !st}
            onChange={(e) => toggle(e.target.checked)}
          />
          OpenAI-compatible API
        </label>
      </div>
      <p className="field-hint" data-testid="local-api-status" role="status">
        {running
          ? `On at ${st?.url} — serving ${st?.model || 'no model (load one: requests get 503 until then)'}`
          : 'Off'}
      </p>
      {(error || st?.error) && (
        <p className="error-text" role="alert">
          {error || st?.error}
        </p>
      )}
    </section>
  )
}
