// The one typed door to the Go side. Components import from here and never
// touch window.go or the generated bindings directly, so the bindings can be
// regenerated, and mocked in tests, in one place.
import { Status as boundStatus } from '../wailsjs/go/app/App'

/** AppStatus is the backend's state as the UI shows it (Go: app.Status). */
export interface AppStatus {
  version: string
  /** Which binary answered: "release", "dev" or "headless". */
  build: string
  /** Operating system and CPU architecture, e.g. "linux/amd64". */
  platform: string
  modelLoaded: boolean
  /** Where user data lives; empty when the backend does not know. */
  dataDir: string
}

/** getStatus asks the backend for its current state. */
export async function getStatus(): Promise<AppStatus> {
  const s = await boundStatus()
  return {
    version: s.version,
    build: s.build,
    platform: s.platform,
    modelLoaded: s.modelLoaded,
    dataDir: s.dataDir,
  }
}
