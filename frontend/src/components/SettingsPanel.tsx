import { useEffect, useState } from 'react'
import { getSettings, saveSettings, type Settings, type Theme } from '../api'
import { errorMessage } from '../lib/format'
import { applyTheme } from '../lib/theme'
import { Dialog } from './Dialog'
import { EnginesSection } from './EnginesSection'
import { LocalAPISection } from './LocalAPISection'
import { SamplingFields } from './SamplingFields'

const MiB = 1024 * 1024

/** SettingsPanel edits the app-wide settings. The theme applies as soon as
 * it is picked; everything is kept on Save (Close puts the theme back). */
export function SettingsPanel({ onClose, onSaved }: { onClose: () => void; onSaved: (s: Settings) => void }) {
  const [saved, setSaved] = useState<Settings | null>(null)
  const [s, setS] = useState<Settings | null>(null)
  const [error, setError] = useState('')

  useEffect(() => {
    getSettings().then(
      (v) => {
        setSaved(v)
        setS(v)
      },
      (err: unknown) => setError(errorMessage(err)),
    )
  }, [])

  function close() {
    if (saved) applyTheme(saved.theme)
    onClose()
  }
  function setTheme(theme: Theme) {
    if (!s) return
    applyTheme(theme)
    setS({ ...s, theme })
  }
  async function save() {
    if (!s) return
    setError('')
    try {
      await saveSettings(s)
      setSaved(s)
      onSaved(s)
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Dialog
      title="Settings"
      onClose={close}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={save} disabled={!s}>
            Save
          </button>
        </>
      }
    >
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {s && (
        <>
          <h3 className="section-title">Appearance</h3>
          <div className="segmented" role="radiogroup" aria-label="Theme">
            {(['system', 'light', 'dark'] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="radio"
                aria-checked={s.theme === t}
                onClick={() => setTheme(t)}
              >
                {t === 'system' ? 'System' : t === 'light' ? 'Light' : 'Dark'}
              </button>
            ))}
          </div>

          <h3 className="section-title">Inference</h3>
          <div className="form-grid">
            <label className="field">
              CPU threads
              <input
                type="number"
                min={0}
                value={s.threads}
                onChange={(e) => setS({ ...s, threads: e.target.valueAsNumber || 0 })}
              />
              <span className="field-hint">0 = one per core</span>
            </label>
            <label className="field">
              Context length
              <input
                type="number"
                min={0}
                step={256}
                value={s.contextLength}
                onChange={(e) => setS({ ...s, contextLength: e.target.valueAsNumber || 0 })}
              />
              <span className="field-hint">tokens; 0 = automatic</span>
            </label>
            <label className="field">
              KV cache type
              <select value={s.kvType} onChange={(e) => setS({ ...s, kvType: e.target.value as Settings['kvType'] })}>
                <option value="f16">f16</option>
                <option value="f32">f32</option>
              </select>
              <span className="field-hint">f16 takes half the memory</span>
            </label>
            <label className="field">
              Compute backend
              <select value={s.backend} onChange={(e) => setS({ ...s, backend: e.target.value as Settings['backend'] })}>
                <option value="">Automatic</option>
                <option value="cpu">CPU</option>
                <option value="cuda">CUDA (NVIDIA)</option>
                <option value="metal">Metal (Apple)</option>
              </select>
              <span className="field-hint">next load; an unusable GPU falls back to the CPU, with a notice</span>
            </label>
            <label className="field">
              KV snapshot budget (MiB)
              <input
                type="number"
                min={0}
                value={Math.round(s.kvCacheBudgetBytes / MiB)}
                onChange={(e) => setS({ ...s, kvCacheBudgetBytes: (e.target.valueAsNumber || 0) * MiB })}
              />
              <span className="field-hint">disk kept for reusable prompt caches</span>
            </label>
            <label className="field">
              Largest file in a folder context (KiB)
              <input
                type="number"
                min={0}
                value={Math.round((s.contextMaxFileBytes ?? 0) / 1024)}
                onChange={(e) => setS({ ...s, contextMaxFileBytes: (e.target.valueAsNumber || 0) * 1024 })}
              />
              <span className="field-hint">larger files are left out, with the reason; 0 = 1 MiB</span>
            </label>
          </div>

          <h3 className="section-title">Default for new conversations</h3>
          <label className="field field-wide">
            System prompt
            <textarea
              value={s.defaults.systemPrompt}
              onChange={(e) => setS({ ...s, defaults: { ...s.defaults, systemPrompt: e.target.value } })}
            />
          </label>
          <SamplingFields value={s.defaults} onChange={(d) => setS({ ...s, defaults: d })} />

          {/* Local API and remote engines (issue 14) */}
          <LocalAPISection />
          <EnginesSection />

          <h3 className="section-title">Data</h3>
          <div className="field">
            Data location
            <code className="data-location" data-testid="data-location">
              {s.dataDir}
            </code>
          </div>
        </>
      )}
    </Dialog>
  )
}
