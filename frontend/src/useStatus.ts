import { useEffect, useState } from 'react'
import { getStatus, type AppStatus } from './api'

/** StatusState is the backend status as it loads. */
export type StatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: AppStatus }
  | { kind: 'error'; message: string }

/** useStatus fetches the backend status once when the app mounts. */
export function useStatus(): StatusState {
  const [state, setState] = useState<StatusState>({ kind: 'loading' })
  useEffect(() => {
    let live = true
    getStatus().then(
      (status) => live && setState({ kind: 'ready', status }),
      (err: unknown) => live && setState({ kind: 'error', message: errorMessage(err) }),
    )
    return () => {
      live = false
    }
  }, [])
  return state
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
