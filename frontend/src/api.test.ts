import { describe, expect, it, vi } from 'vitest'
import { getConversation, getStatus, listConversations, listModels, openModelDialog, saveSettings } from './api'
import * as App from '../wailsjs/go/app/App'
import { app } from '../wailsjs/go/models'
import { defaultSettings } from './test/apiMock'

vi.mock('../wailsjs/go/app/App', () => ({
  Status: vi.fn(),
  ListModels: vi.fn(),
  ListConversations: vi.fn(),
  GetConversation: vi.fn(),
  OpenModelDialog: vi.fn(),
  SaveSettings: vi.fn(),
}))

describe('getStatus', () => {
  it('maps the bound Go method result to a plain AppStatus', async () => {
    vi.mocked(App.Status).mockResolvedValue(
      app.Status.createFrom({
        version: '0.1.0',
        build: 'release',
        platform: 'linux/arm64',
        modelLoaded: true,
        dataDir: '/data',
        loadedModelId: 4,
        modelName: 'Scout',
        backend: 'cpu',
        backendNotice: 'cuda: no NVIDIA driver',
      }),
    )
    await expect(getStatus()).resolves.toEqual({
      version: '0.1.0',
      build: 'release',
      platform: 'linux/arm64',
      modelLoaded: true,
      dataDir: '/data',
      loadedModelId: 4,
      modelName: 'Scout',
      off: [],
      remoteHost: '',
      backend: 'cpu',
      backendNotice: 'cuda: no NVIDIA driver',
    })
  })

  it('passes the backend error on', async () => {
    vi.mocked(App.Status).mockRejectedValue(new Error('boom'))
    await expect(getStatus()).rejects.toThrow('boom')
  })
})

describe('Go null slices', () => {
  it('become empty arrays', async () => {
    vi.mocked(App.ListModels).mockResolvedValue(null as unknown as app.ModelInfo[])
    vi.mocked(App.ListConversations).mockResolvedValue(null as unknown as app.ConversationSummary[])
    vi.mocked(App.GetConversation).mockResolvedValue({
      conversation: { id: 1 },
      messages: [{ id: 9, siblingIds: null }],
    } as unknown as app.ConversationView)
    await expect(listModels()).resolves.toEqual([])
    await expect(listConversations()).resolves.toEqual([])
    expect((await getConversation(1)).messages[0].siblingIds).toEqual([9])
  })
})

describe('openModelDialog', () => {
  it('reads the empty ModelInfo of a cancelled dialog as null', async () => {
    vi.mocked(App.OpenModelDialog).mockResolvedValue(app.ModelInfo.createFrom({ id: 0 }))
    await expect(openModelDialog()).resolves.toBeNull()
  })
})

describe('saveSettings', () => {
  it('sends the settings as the bound Go type', async () => {
    await saveSettings(defaultSettings)
    const sent = vi.mocked(App.SaveSettings).mock.calls[0][0]
    expect(sent).toBeInstanceOf(app.Settings)
    expect(sent.defaults).toBeInstanceOf(app.ConversationSettings)
    expect(JSON.parse(JSON.stringify(sent))).toEqual(defaultSettings)
  })
})
