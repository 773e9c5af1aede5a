import './EmptyState.css'
import { ModelIcon } from './icons'

/** EmptyState tells the user that no model is loaded and how to load one. */
export function EmptyState({ onOpenModels }: { onOpenModels?: () => void }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-state-icon">
        <ModelIcon />
      </div>
      <h2>Welcome to Hearth</h2>
      <p className="empty-state-how">
        No model loaded — open a .gguf file with <kbd>Models → Open</kbd> (or drag one here)
      </p>
      {onOpenModels && (
        <p>
          <button type="button" className="btn btn-primary" onClick={onOpenModels}>
            Open Models
          </button>
        </p>
      )}
      <p className="empty-state-note">
        Hearth runs Llama 4 and Llama 3 models on this computer. Nothing you type leaves it.
      </p>
    </div>
  )
}
