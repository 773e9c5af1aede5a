import { useState } from 'react'
import { updateConversationSettings, type ConversationSettings } from '../api'
import { errorMessage } from '../lib/format'
import { Dialog } from './Dialog'
import { SamplingFields } from './SamplingFields'

/** ConversationSettingsPanel is the drawer for one conversation's system
 * prompt and sampling settings. */
export function ConversationSettingsPanel({
  conversationId,
  initial,
  onClose,
  onSaved,
}: {
  conversationId: number
  initial: ConversationSettings
  onClose: () => void
  onSaved: () => void
}) {
  const [s, setS] = useState(initial)
  const [error, setError] = useState('')

  async function save() {
    setError('')
    try {
      await updateConversationSettings(conversationId, s)
      onSaved()
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Dialog
      title="Conversation settings"
      drawer
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={save}>
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
      <label className="field field-wide">
        System prompt
        <textarea
          rows={6}
          value={s.systemPrompt}
          placeholder="You are a helpful assistant."
          onChange={(e) => setS({ ...s, systemPrompt: e.target.value })}
        />
      </label>
      <h3 className="section-title">Sampling</h3>
      <SamplingFields value={s} onChange={setS} />
    </Dialog>
  )
}
