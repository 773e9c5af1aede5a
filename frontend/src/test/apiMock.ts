// A stand-in for src/api.ts in component tests: every call is a vi.fn with a
// harmless default answer, and the on* subscriptions register listeners that
// a test fires with emit(event, payload).
import { vi } from 'vitest'
import type * as Api from '../api'

type Listener = (payload: unknown) => void
const listeners = new Map<string, Set<Listener>>()

/** emit delivers an event payload to the component under test. */
export function emit(event: string, payload: unknown): void {
  for (const l of listeners.get(event) ?? []) l(payload)
}

/** resetListeners forgets every subscription (call between tests). */
export function resetListeners(): void {
  listeners.clear()
}

function on(event: string) {
  return vi.fn((cb: Listener) => {
    const set = listeners.get(event) ?? new Set<Listener>()
    set.add(cb)
    listeners.set(event, set)
    return () => set.delete(cb)
  })
}

/** defaultSettings are the settings GetSettings answers with by default. */
export const defaultSettings: Api.Settings = {
  threads: 0,
  contextLength: 0,
  kvType: 'f16',
  backend: '',
  dataDir: '/home/u/.local/share/hearth',
  theme: 'system',
  defaults: {
    systemPrompt: '',
    temperature: 0.7,
    topK: 40,
    topP: 0.95,
    minP: 0.05,
    repeatPenalty: 1.1,
    seed: 0,
    maxTokens: 512,
  },
  kvCacheBudgetBytes: 2 * 1024 ** 3,
}

/** emptyContext is a conversation without folder or document context. */
export const emptyContext: Api.ContextView = {
  conversationId: 0,
  attached: false,
  kind: '',
  path: '',
  name: '',
  files: [],
  skipped: [],
  changed: [],
  includedFiles: 0,
  includedTokens: 0,
  allTokens: 0,
  estimated: false,
  contextLen: 0,
  trainedContext: 0,
  notice: '',
}

/** apiMock builds the mocked module. */
export function apiMock(): typeof Api {
  const never = () => vi.fn(() => new Promise<never>(() => {}))
  return {
    // Local API and remote engines (issue 14).
    apiStatus: vi.fn(async () => ({ running: false, url: '', port: 0, model: '', error: '' })),
    startAPI: vi.fn(async (port: number) => ({ running: true, url: `http://127.0.0.1:${port}/v1`, port, model: '', error: '' })),
    stopAPI: vi.fn(async () => ({ running: false, url: '', port: 0, model: '', error: '' })),
    listEngines: vi.fn(async () => []),
    addEngine: never(),
    testEngine: never(),
    removeEngine: vi.fn(async () => {}),
    useRemoteModel: vi.fn(async () => {}),
    getStatus: never(),
    listModels: vi.fn(async () => []),
    addModel: never(),
    openModelDialog: vi.fn(async () => null),
    removeModel: vi.fn(async () => {}),
    memoryEstimate: never(),
    loadModel: vi.fn(async () => {}),
    unloadModel: vi.fn(async () => {}),
    recommendedModels: vi.fn(async () => []),
    startDownload: never(),
    pauseDownload: vi.fn(async () => {}),
    resumeDownload: vi.fn(async () => {}),
    cancelDownload: vi.fn(async () => {}),
    listDownloads: vi.fn(async () => []),
    listConversations: vi.fn(async () => []),
    newConversation: never(),
    renameConversation: vi.fn(async () => {}),
    pinConversation: vi.fn(async () => {}),
    deleteConversation: vi.fn(async () => {}),
    restoreConversation: vi.fn(async () => {}),
    getConversation: never(),
    searchMessages: vi.fn(async () => []),
    exportConversation: vi.fn(async () => ''),
    saveExportDialog: vi.fn(async () => ''),
    importConversationJSON: vi.fn(async () => 0),
    openImportDialog: vi.fn(async () => 0),
    updateConversationSettings: vi.fn(async () => {}),
    sendMessage: never(),
    editMessage: never(),
    regenerate: never(),
    switchBranch: never(),
    stopGeneration: vi.fn(async () => {}),
    countTokens: never(),
    getSettings: vi.fn(async () => structuredClone(defaultSettings)),
    saveSettings: vi.fn(async () => {}),
    onModelLoad: on('model:load'),
    onModelHash: on('model:hash'),
    onModelStatus: on('model:status'),
    onDownloadProgress: on('download:progress'),
    onChatPrefill: on('chat:prefill'),
    onChatToken: on('chat:token'),
    onChatDone: on('chat:done'),
    onChatError: on('chat:error'),
    onFilesDropped: on('files:dropped'),
    guardDrops: vi.fn(() => () => {}),
    takeOpenFiles: vi.fn(async () => []),
    copyText: vi.fn(async () => {}),
    // Folder and document context (issue 12).
    attachContext: never(),
    pickContextFolder: never(),
    pickContextFile: never(),
    getContext: vi.fn(async (conversationId: number) => ({ ...emptyContext, conversationId })),
    setContextExcluded: never(),
    removeContext: vi.fn(async () => {}),
    onContextChanged: on('context:changed'),
    onContextScan: on('context:scan'),
  } as unknown as typeof Api
}
