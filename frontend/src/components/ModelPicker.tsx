import './ModelPicker.css'
import { ChevronIcon } from './icons'

/** ModelPicker shows which model the chat uses and opens the Models panel. */
export function ModelPicker({
  modelLoaded,
  modelName = '',
  onOpen,
}: {
  modelLoaded: boolean
  modelName?: string
  onOpen?: () => void
}) {
  const label = modelLoaded ? modelName || 'Model loaded' : 'No model loaded'
  return (
    <button
      type="button"
      className="model-picker"
      data-loaded={modelLoaded}
      disabled={!onOpen}
      onClick={onOpen}
      aria-label={`Model: ${label}`}
      title="Models: open, download, load"
    >
      <span className="model-picker-dot" aria-hidden="true" />
      <span className="model-picker-name">{label}</span>
      <ChevronIcon />
    </button>
  )
}
