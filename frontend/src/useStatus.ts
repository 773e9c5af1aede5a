import { useEffect, useState } from 'react'
import { getStatus, onModelStatus, type AppStatus } from './api'
import { errorMessage } from './lib/format'

/** StatusState is the backend status as it loads. */
export type StatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: AppStatus }
  | { kind: 'error'; message: string }

/** useStatus fetches the backend status when the app mounts and follows the
 * "model:status" events that Go sends after a load or unload. */
export function useStatus(): StatusState {
  const [state, setState] = useState<StatusState>({ kind: 'loading' })
  useEffect(() => {
    let live = true
    getStatus().then(
      (status) => live && setState({ kind: 'ready', status }),
      (err: unknown) => live && setState({ kind: 'error', message: errorMessage(err) }),
    )
    const off = onModelStatus((status) => live && setState({ kind: 'ready', status }))
    return () => {
      live = false
      off()
    }
  }, [])
  return state
}
