import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'

// findBy*/waitFor give up after 1 s by default, which a cold, busy CI
// machine can miss on a correct render; this limit only ends a hang.
configure({ asyncUtilTimeout: 60_000 })

afterEach(() => {
  cleanup()
})
