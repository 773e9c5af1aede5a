import './ModelPicker.css'
import { ChevronIcon } from './icons'

/** ModelPicker shows which model the chat uses and opens the Models panel. */
export function ModelPicker({
  modelLoaded,
  modelName = '',
  remoteHost = '',
  onOpen,
}: {
  modelLoaded: boolean
  modelName?: string
  /** host:port of a remote engine; "" for a local model (issue 14). */
  remoteHost?: string
  onOpen?: () => void
}) {
  const name = modelLoaded ? modelName || 'Model loaded' : 'No model loaded'
  const label = modelLoaded && remoteHost ? `${name} (remote, ${remoteHost})` : name
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
      <span className="model-picker-name">{name}</span>
      {modelLoaded && remoteHost && <span className="model-badge model-picker-remote">remote · {remoteHost}</span>}
      <ChevronIcon />
    </button>
  )
}
