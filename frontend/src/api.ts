// The one typed door to the Go side. Components import from here and never
// touch window.go, the generated bindings or the Wails runtime directly, so
// the bindings can be regenerated, and mocked in tests, in one place.
//
// The types below are the JSON shapes of the bound Go types (the contract in
// app/bindings_contract.md) as plain data: the UI narrows a few strings to
// unions and replaces Go's null slices with empty arrays.
import * as App from '../wailsjs/go/app/App'
import { app as models } from '../wailsjs/go/models'
import { ClipboardSetText, EventsOn } from '../wailsjs/runtime/runtime'

/** FeatureOff is a feature that is off and why (Go: app.FeatureOff). */
export interface FeatureOff {
  feature: string
  reason: string
}

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
  /** The id of the loaded model, 0 when none is loaded. */
  loadedModelId: number
  /** The loaded model's display name, "" when none is loaded. */
  modelName: string
  /** Features that are off, with the reason (Go: app.FeatureOff). */
  off?: FeatureOff[]
  /** host:port of the remote engine the model runs on, "" for a local model. */
  remoteHost?: string
  /** GPU backends (issue #15): what the loaded model computes on, "" when none is loaded. */
  backend?: string
  /** Why a GPU asked for (or found) is not used; "" when there is nothing to say. */
  backendNotice?: string
}

/** ModelInfo is a model file Hearth knows about. */
export interface ModelInfo {
  id: number
  path: string
  name: string
  architecture: string
  params: number
  activeParams: number
  quantization: string
  contextLength: number
  sizeBytes: number
  /** sha256 is "" while the file is being hashed. */
  sha256: string
  hashProgress: number
  addedAt: number
  error?: string
}

/** MemoryEstimate says how much memory a model needs at a context length. */
export interface MemoryEstimate {
  contextLen: number
  weightBytes: number
  kvBytes: number
  scratchBytes: number
  totalBytes: number
  availableBytes: number
  fits: boolean
}

/** Recommended is a model Hearth suggests downloading. */
export interface Recommended {
  name: string
  url: string
  sizeBytes: number
  sha256: string
  notes: string
}

/** DownloadState is where a download stands. */
export type DownloadState = 'running' | 'paused' | 'done' | 'failed' | 'cancelled' | 'verifying'

/** Download is a model file being fetched over HTTP. */
export interface Download {
  id: string
  url: string
  path: string
  receivedBytes: number
  totalBytes: number
  state: DownloadState
  error: string
  sha256: string
}

/** ConversationSummary is one row of the conversation list. */
export interface ConversationSummary {
  id: number
  title: string
  model: string
  pinned: boolean
  updatedAt: number
  createdAt: number
}

/** ConversationSettings are the per-conversation prompt and sampling settings. */
export interface ConversationSettings {
  systemPrompt: string
  temperature: number
  topK: number
  topP: number
  minP: number
  repeatPenalty: number
  seed: number
  maxTokens: number
}

/** MessageStats describe how an answer was generated. */
export interface MessageStats {
  promptTokens: number
  cachedTokens: number
  generatedTokens: number
  prefillTokensPerSec: number
  tokensPerSec: number
  stopped: boolean
  /** The remote engine's stream broke off: the text is what came before. */
  cut?: boolean
}

/** MessageView is one message on the active branch. */
export interface MessageView {
  id: number
  parentId: number
  role: 'user' | 'assistant'
  content: string
  createdAt: number
  /** siblingIndex is this message's 0-based place among siblingIds. */
  siblingIndex: number
  siblingCount: number
  siblingIds: number[]
  stats?: MessageStats | null
}

/** ConversationView is a conversation's active branch, root to leaf. */
export interface ConversationView {
  conversation: ConversationSummary
  systemPrompt: string
  settings: ConversationSettings
  messages: MessageView[]
}

/** SearchHit is one message that matches a search; its snippet marks each
 * match with \u0002 before and \u0003 after. */
export interface SearchHit {
  conversationId: number
  messageId: number
  title: string
  snippet: string
}

/** SendResult names the messages a send, edit or regenerate created. */
export interface SendResult {
  conversationId: number
  userMessageId: number
  assistantMessageId: number
}

/** TokenCount is how much of the context a conversation and a draft use. */
export interface TokenCount {
  conversation: number
  draft: number
  total: number
  context: number
}

/** Settings are the app-wide settings. */
export interface Settings {
  threads: number
  contextLength: number
  kvType: 'f16' | 'f32'
  dataDir: string
  theme: Theme
  defaults: ConversationSettings
  kvCacheBudgetBytes: number
  /** GPU backends (issue #15): compute backend, '' = automatic. */
  backend: Backend
  /** Files of a folder context larger than this are left out; 0 = 1 MiB. */
  contextMaxFileBytes?: number
}

/** Backend is the compute backend choice ('' = automatic). */
export type Backend = '' | 'auto' | 'cpu' | 'cuda' | 'metal'

/** Theme is the colour scheme the user picked. */
export type Theme = 'system' | 'light' | 'dark'

/** ExportFormat is a format a conversation can be exported in. */
export type ExportFormat = 'markdown' | 'json'

// Event payloads.

/** ModelLoadEvent reports a model load's progress. */
export interface ModelLoadEvent {
  modelId: number
  stage: 'mapping' | 'checking' | 'warming' | 'ready' | 'failed'
  fraction: number
  error: string
}

/** ModelHashEvent reports background hashing of a model file. */
export interface ModelHashEvent {
  modelId: number
  fraction: number
  sha256: string
}

/** PrefillEvent reports prompt processing before the first token. */
export interface PrefillEvent {
  conversationId: number
  assistantMessageId: number
  done: number
  total: number
  cachedTokens: number
  etaMs: number
}

/** TokenEvent carries a piece of the answer being generated. */
export interface TokenEvent {
  conversationId: number
  assistantMessageId: number
  text: string
}

/** DoneEvent says an answer is finished (or was stopped). */
export interface DoneEvent {
  conversationId: number
  assistantMessageId: number
  stats: MessageStats
  stopped: boolean
}

/** ChatErrorEvent says generating an answer failed. */
export interface ChatErrorEvent {
  conversationId: number
  assistantMessageId: number
  error: string
}

/** getStatus asks the backend for its current state. */
export async function getStatus(): Promise<AppStatus> {
  return toStatus(await App.Status())
}

function toStatus(s: Partial<AppStatus>): AppStatus {
  return {
    version: s.version ?? '',
    build: s.build ?? '',
    platform: s.platform ?? '',
    modelLoaded: s.modelLoaded ?? false,
    dataDir: s.dataDir ?? '',
    loadedModelId: s.loadedModelId ?? 0,
    modelName: s.modelName ?? '',
    off: s.off ?? [],
    remoteHost: s.remoteHost ?? '',
    backend: s.backend ?? '',
    backendNotice: s.backendNotice ?? '',
  }
}

// Models.
export const listModels = async () => ((await App.ListModels()) ?? []) as ModelInfo[]
export const addModel = async (path: string) => (await App.AddModel(path)) as ModelInfo
/** openModelDialog resolves to null when the user cancels the dialog. */
export const openModelDialog = async () => {
  const m = (await App.OpenModelDialog()) as ModelInfo
  return m && m.id ? m : null
}
export const removeModel = (id: number) => App.RemoveModel(id)
export const memoryEstimate = async (id: number, contextLen: number) =>
  (await App.MemoryEstimate(id, contextLen)) as MemoryEstimate
export const loadModel = (id: number) => App.LoadModel(id)
export const unloadModel = () => App.UnloadModel()
export const recommendedModels = async () => ((await App.RecommendedModels()) ?? []) as Recommended[]

// Downloads.
export const startDownload = async (url: string, sha256: string) =>
  (await App.StartDownload(url, sha256)) as Download
export const pauseDownload = (id: string) => App.PauseDownload(id)
export const resumeDownload = (id: string) => App.ResumeDownload(id)
export const cancelDownload = (id: string) => App.CancelDownload(id)
export const listDownloads = async () => ((await App.ListDownloads()) ?? []) as Download[]

// Conversations and history.
export const listConversations = async () =>
  ((await App.ListConversations()) ?? []) as ConversationSummary[]
export const newConversation = async () => (await App.NewConversation()) as ConversationSummary
export const renameConversation = (id: number, title: string) => App.RenameConversation(id, title)
export const pinConversation = (id: number, pinned: boolean) => App.PinConversation(id, pinned)
export const deleteConversation = (id: number) => App.DeleteConversation(id)
export const restoreConversation = (id: number) => App.RestoreConversation(id)
export const getConversation = async (id: number) =>
  normalizeView((await App.GetConversation(id)) as ConversationView)
export const searchMessages = async (query: string) =>
  ((await App.SearchMessages(query)) ?? []) as SearchHit[]
export const exportConversation = (id: number, format: ExportFormat) => App.ExportConversation(id, format)
/** saveExportDialog resolves to the saved path, or "" when cancelled. */
export const saveExportDialog = (id: number, format: ExportFormat) => App.SaveExportDialog(id, format)
export const importConversationJSON = (content: string) => App.ImportConversationJSON(content)
/** openImportDialog resolves to the new conversation's id, or 0 when cancelled. */
export const openImportDialog = () => App.OpenImportDialog()
export const updateConversationSettings = (id: number, s: ConversationSettings) =>
  App.UpdateConversationSettings(id, models.ConversationSettings.createFrom(s))

// Chat.
export const sendMessage = (conversationId: number, text: string): Promise<SendResult> =>
  App.SendMessage(conversationId, text)
export const editMessage = (conversationId: number, messageId: number, text: string): Promise<SendResult> =>
  App.EditMessage(conversationId, messageId, text)
export const regenerate = (conversationId: number, assistantMessageId: number): Promise<SendResult> =>
  App.Regenerate(conversationId, assistantMessageId)
export const switchBranch = async (conversationId: number, messageId: number) =>
  normalizeView((await App.SwitchBranch(conversationId, messageId)) as ConversationView)
export const stopGeneration = () => App.StopGeneration()
export const countTokens = (conversationId: number, draft: string): Promise<TokenCount> =>
  App.CountTokens(conversationId, draft)

// Settings.
export const getSettings = async () => (await App.GetSettings()) as Settings
export const saveSettings = (s: Settings) => App.SaveSettings(models.Settings.createFrom(s))

// Go encodes empty slices as null; the UI wants arrays.
function normalizeView(v: ConversationView): ConversationView {
  return {
    ...v,
    messages: (v.messages ?? []).map((m) => ({ ...m, siblingIds: m.siblingIds ?? [m.id] })),
  }
}

/** Unsubscribe stops an event subscription. */
export type Unsubscribe = () => void

function on<T>(event: string, cb: (payload: T) => void): Unsubscribe {
  return EventsOn(event, (payload: T) => cb(payload))
}

export const onModelLoad = (cb: (e: ModelLoadEvent) => void) => on('model:load', cb)
export const onModelHash = (cb: (e: ModelHashEvent) => void) => on('model:hash', cb)
export const onModelStatus = (cb: (s: AppStatus) => void) =>
  on<Partial<AppStatus>>('model:status', (s) => cb(toStatus(s)))
export const onDownloadProgress = (cb: (d: Download) => void) => on('download:progress', cb)
export const onChatPrefill = (cb: (e: PrefillEvent) => void) => on('chat:prefill', cb)
export const onChatToken = (cb: (e: TokenEvent) => void) => on('chat:token', cb)
export const onChatDone = (cb: (e: DoneEvent) => void) => on('chat:done', cb)
export const onChatError = (cb: (e: ChatErrorEvent) => void) => on('chat:error', cb)
export const onFilesDropped = (cb: (paths: string[]) => void) =>
  on<{ paths: string[] | null }>('files:dropped', (e) => cb(e.paths ?? []))

/** takeOpenFiles returns the files Hearth was started with, once. */
export const takeOpenFiles = async () => ((await App.TakeOpenFiles()) ?? []) as string[]

/** guardDrops stops WebKitGTK from loading a dropped file into the window
 * (which would replace the app); Go still receives the paths through
 * runtime.OnFileDrop and emits "files:dropped". */
export function guardDrops(): Unsubscribe {
  const stop = (e: Event) => e.preventDefault()
  window.addEventListener('dragover', stop)
  window.addEventListener('drop', stop)
  return () => {
    window.removeEventListener('dragover', stop)
    window.removeEventListener('drop', stop)
  }
}

/** copyText puts text on the clipboard through Go (WebKitGTK's page
 * clipboard is unreliable), falling back to the browser's. */
export async function copyText(text: string): Promise<void> {
  try {
    if (await ClipboardSetText(text)) return
  } catch {
    // no Wails runtime (a plain browser): try the web API
  }
  await navigator.clipboard.writeText(text)
}

// ---- Local API and remote engines (issue 14) ----

/** APIStatus is the local OpenAI-compatible API (Go: app.APIStatus). */
export interface APIStatus {
  running: boolean
  /** The API root clients use, e.g. http://127.0.0.1:8080/v1; "" when off. */
  url: string
  port: number
  /** The model requests go to now, "" when none is loaded. */
  model: string
  /** Why the last start failed, "" when it did not. */
  error: string
}

/** Engine is a remote OpenAI-compatible endpoint (Go: app.Engine). */
export interface Engine {
  id: string
  url: string
  host: string
  hasKey: boolean
  models: string[]
  /** Why the last connection test failed, "" when it worked. */
  error: string
}

const toEngine = (e: Partial<Engine>): Engine => ({
  id: e.id ?? '',
  url: e.url ?? '',
  host: e.host ?? '',
  hasKey: e.hasKey ?? false,
  models: e.models ?? [],
  error: e.error ?? '',
})

export const apiStatus = async () => (await App.APIStatus()) as APIStatus
export const startAPI = async (port: number) => (await App.StartAPI(port)) as APIStatus
export const stopAPI = async () => (await App.StopAPI()) as APIStatus
export const listEngines = async () => ((await App.ListEngines()) ?? []).map(toEngine)
export const addEngine = async (url: string, apiKey: string) => toEngine(await App.AddEngine(url, apiKey))
export const testEngine = async (id: string) => toEngine(await App.TestEngine(id))
export const removeEngine = (id: string) => App.RemoveEngine(id)
export const useRemoteModel = (engineId: string, model: string) => App.UseRemoteModel(engineId, model)

// --- folder and document context (issue 12) ---------------------------------

/** ContextFile is one file read into a conversation's context. */
export interface ContextFile {
  path: string
  size: number
  tokens: number
  excluded: boolean
}

/** ContextSkip is a file or folder that was not read, and why. */
export interface ContextSkip {
  path: string
  reason: string
}

/** ContextChange is a file that changed on disk since it was last read. */
export interface ContextChange {
  path: string
  change: 'modified' | 'added' | 'removed'
}

/** ContextView is a conversation's folder or document context (Go: app.ContextView). */
export interface ContextView {
  conversationId: number
  /** false when the conversation has no context. */
  attached: boolean
  kind: 'folder' | 'document' | ''
  path: string
  name: string
  files: ContextFile[]
  skipped: ContextSkip[]
  changed: ContextChange[]
  includedFiles: number
  includedTokens: number
  allTokens: number
  /** Tokens are estimated from the size when no local tokenizer is loaded. */
  estimated: boolean
  /** The loaded model's context in the current setting; 0 without a model. */
  contextLen: number
  trainedContext: number
  /** What is wrong with the folder (gone, not watched); "" when all is well. */
  notice: string
}

/** ContextScanEvent reports a folder being read. */
export interface ContextScanEvent {
  conversationId: number
  path: string
  seen: number
}

function toContext(v: Partial<ContextView> | null | undefined, conversationId: number): ContextView {
  return {
    conversationId: v?.conversationId ?? conversationId,
    attached: v?.attached ?? false,
    kind: v?.kind ?? '',
    path: v?.path ?? '',
    name: v?.name ?? '',
    files: v?.files ?? [],
    skipped: v?.skipped ?? [],
    changed: v?.changed ?? [],
    includedFiles: v?.includedFiles ?? 0,
    includedTokens: v?.includedTokens ?? 0,
    allTokens: v?.allTokens ?? 0,
    estimated: v?.estimated ?? false,
    contextLen: v?.contextLen ?? 0,
    trainedContext: v?.trainedContext ?? 0,
    notice: v?.notice ?? '',
  }
}

export const attachContext = async (conversationId: number, path: string) =>
  toContext((await App.AttachContext(conversationId, path)) as Partial<ContextView>, conversationId)
export const pickContextFolder = async (conversationId: number) =>
  toContext((await App.PickContextFolder(conversationId)) as Partial<ContextView>, conversationId)
export const pickContextFile = async (conversationId: number) =>
  toContext((await App.PickContextFile(conversationId)) as Partial<ContextView>, conversationId)
export const getContext = async (conversationId: number) =>
  toContext((await App.GetContext(conversationId)) as Partial<ContextView>, conversationId)
export const setContextExcluded = async (conversationId: number, paths: string[], excluded: boolean) =>
  toContext((await App.SetContextExcluded(conversationId, paths, excluded)) as Partial<ContextView>, conversationId)
export const removeContext = (conversationId: number) => App.RemoveContext(conversationId)
export const onContextChanged = (cb: (v: ContextView) => void) =>
  on<Partial<ContextView>>('context:changed', (v) => cb(toContext(v, 0)))
export const onContextScan = (cb: (e: ContextScanEvent) => void) => on('context:scan', cb)
