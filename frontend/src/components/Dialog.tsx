import { useEffect, type ReactNode } from 'react'
import { CloseIcon } from './icons'

/** Dialog is a modal panel over the window (or a drawer at its right edge);
 * Escape, the close button and a click outside close it. */
export function Dialog({
  title,
  onClose,
  drawer = false,
  footer,
  children,
}: {
  title: string
  onClose: () => void
  drawer?: boolean
  footer?: ReactNode
  children: ReactNode
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div className={drawer ? 'overlay overlay-drawer' : 'overlay'} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <div className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        {footer && <div className="dialog-foot">{footer}</div>}
      </div>
    </div>
  )
}
