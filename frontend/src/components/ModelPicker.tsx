import './ModelPicker.css'
import { ChevronIcon } from './icons'

/** ModelPicker shows which model the chat uses. Until models can be loaded it
 * only says that none is. */
export function ModelPicker({ modelLoaded }: { modelLoaded: boolean }) {
  const label = modelLoaded ? 'Model loaded' : 'No model loaded'
  return (
    <button
      type="button"
      className="model-picker"
      data-loaded={modelLoaded}
      disabled={!modelLoaded}
      aria-label={`Model: ${label}`}
      title={modelLoaded ? undefined : 'Open a .gguf file with Models → Open'}
    >
      <span className="model-picker-dot" aria-hidden="true" />
      <span>{label}</span>
      <ChevronIcon />
    </button>
  )
}
