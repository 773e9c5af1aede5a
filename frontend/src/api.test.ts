import { describe, expect, it, vi } from 'vitest'
import { getStatus } from './api'
import { Status } from '../wailsjs/go/app/App'
import { app } from '../wailsjs/go/models'

vi.mock('../wailsjs/go/app/App', () => ({ Status: vi.fn() }))

describe('getStatus', () => {
  it('maps the bound Go method result to a plain AppStatus', async () => {
    vi.mocked(Status).mockResolvedValue(
      app.Status.createFrom({
        version: '0.1.0',
        build: 'release',
        platform: 'linux/arm64',
        modelLoaded: false,
        dataDir: '/data',
      }),
    )
    await expect(getStatus()).resolves.toEqual({
      version: '0.1.0',
      build: 'release',
      platform: 'linux/arm64',
      modelLoaded: false,
      dataDir: '/data',
    })
  })

  it('passes the backend error on', async () => {
    vi.mocked(Status).mockRejectedValue(new Error('boom'))
    await expect(getStatus()).rejects.toThrow('boom')
  })
})
