import type { ConversationSettings } from '../api'

type NumberKey = Exclude<keyof ConversationSettings, 'systemPrompt'>

const fields: { key: NumberKey; label: string; step: number; min: number; max?: number; hint: string }[] = [
  { key: 'temperature', label: 'Temperature', step: 0.05, min: 0, max: 2, hint: '0 = always the likeliest token' },
  { key: 'topK', label: 'Top-k', step: 1, min: 0, hint: '0 = off' },
  { key: 'topP', label: 'Top-p', step: 0.01, min: 0, max: 1, hint: '1 = off' },
  { key: 'minP', label: 'Min-p', step: 0.01, min: 0, max: 1, hint: '0 = off' },
  { key: 'repeatPenalty', label: 'Repeat penalty', step: 0.01, min: 0, max: 3, hint: '1 = off' },
  { key: 'seed', label: 'Seed', step: 1, min: 0, hint: '0 = random each time' },
  { key: 'maxTokens', label: 'Max answer tokens', step: 1, min: 0, hint: '0 = until the context is full' },
]

/** SamplingFields edits the sampling settings shared by a conversation's
 * settings and the app's defaults. */
export function SamplingFields({
  value,
  onChange,
}: {
  value: ConversationSettings
  onChange: (v: ConversationSettings) => void
}) {
  return (
    <div className="form-grid">
      {fields.map((f) => (
        <label key={f.key} className="field">
          {f.label}
          <input
            type="number"
            step={f.step}
            min={f.min}
            max={f.max}
            value={Number.isFinite(value[f.key]) ? value[f.key] : 0}
            onChange={(e) => onChange({ ...value, [f.key]: e.target.valueAsNumber })}
          />
          <span className="field-hint">{f.hint}</span>
        </label>
      ))}
    </div>
  )
}
