import { BackendBanner } from './components/BackendBanner'
import './App.css'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  attachContext,
  deleteConversation,
  getSettings,
  guardDrops,
  newConversation,
  onFilesDropped,
  openImportDialog,
  pickContextFile,
  pickContextFolder,
  pinConversation,
  removeContext,
  renameConversation,
  restoreConversation,
  saveExportDialog,
  setContextExcluded,
  switchBranch,
  takeOpenFiles,
  type ContextView,
  type ConversationSummary,
  type ExportFormat,
  type SearchHit,
} from './api'
import { FeaturesOff } from './components/FeaturesOff'
import { ChatHeader } from './components/ChatHeader'
import { ChatPane } from './components/ChatPane'
import { Composer } from './components/Composer'
import { ContextPanel, ContextScanning } from './components/ContextPanel'
import { ConversationSettingsPanel } from './components/ConversationSettingsPanel'
import { addDroppedModels, ModelsPanel } from './components/ModelsPanel'
import { SettingsPanel } from './components/SettingsPanel'
import { Sidebar } from './components/Sidebar'
import { Toasts, type Toast } from './components/Toasts'
import { errorMessage } from './lib/format'
import { applyTheme } from './lib/theme'
import { useChat } from './useChat'
import { useConversationContext } from './useConversationContext'
import { useConversations } from './useConversations'
import { useModels } from './useModels'
import { useStatus } from './useStatus'

type Panel = 'models' | 'settings' | 'conversation' | null

const isModelFile = (path: string) => path.toLowerCase().endsWith('.gguf')

/** toastMs is how long a toast (and so an Undo) stays. */
const toastMs = 7000

/** App is the window's frame: conversations on the left, the chat on the
 * right, and the Models, Settings and conversation-settings panels over it. */
export default function App() {
  const status = useStatus()
  const ready = status.kind === 'ready' ? status.status : null
  const modelLoaded = ready?.modelLoaded ?? false
  const conversations = useConversations()
  const [currentId, setCurrentId] = useState(0)
  const chat = useChat(currentId, setCurrentId, conversations.refresh)
  const models = useModels()
  const context = useConversationContext(currentId)
  const [panel, setPanel] = useState<Panel>(null)
  const [contextLength, setContextLength] = useState(0)
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextToast = useRef(1)

  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), [])
  const toast = useCallback(
    (text: string, action?: Toast['action']) => {
      const id = nextToast.current++
      setToasts((ts) => [...ts, { id, text, action }])
      setTimeout(() => dismiss(id), toastMs)
    },
    [dismiss],
  )

  useEffect(() => {
    getSettings().then(
      (s) => {
        applyTheme(s.theme)
        setContextLength(s.contextLength)
      },
      () => {},
    )
  }, [])

  const refreshModels = models.refresh
  // A dropped .gguf joins the models; a dropped folder or document becomes
  // the open conversation's context (a new conversation if none is open).
  const attachRef = useRef<(path: string) => void>(() => {})
  useEffect(() => {
    const unguard = guardDrops()
    const onPaths = (paths: string[]) => {
      const ggufs = paths.filter(isModelFile)
      const others = paths.filter((p) => !isModelFile(p))
      if (others.length > 0) {
        attachRef.current(others[0])
        if (others.length > 1) toast('A conversation asks about one folder or document: the first one dropped was used')
      }
      if (ggufs.length === 0) return
      void addDroppedModels(ggufs).then(({ added, errors }) => {
        if (added) {
          refreshModels()
          setPanel('models')
          toast(added === 1 ? 'Model added' : `${added} models added`)
        }
        errors.forEach((e) => toast(e))
      })
    }
    const off = onFilesDropped(onPaths)
    // Files Hearth was started with (a double-clicked .gguf) count as dropped.
    takeOpenFiles().then(onPaths, () => {})
    return () => {
      unguard()
      off()
    }
  }, [refreshModels, toast])

  async function run(task: () => Promise<void>) {
    try {
      await task()
    } catch (err) {
      toast(errorMessage(err))
    }
  }

  const onNew = () =>
    run(async () => {
      const c = await newConversation()
      conversations.refresh()
      setCurrentId(c.id)
    })
  const onDelete = (c: ConversationSummary) =>
    run(async () => {
      await deleteConversation(c.id)
      if (c.id === currentId) setCurrentId(0)
      conversations.refresh()
      toast(`Deleted “${c.title || 'New chat'}”`, {
        label: 'Undo',
        run: () =>
          void run(async () => {
            await restoreConversation(c.id)
            conversations.refresh()
          }),
      })
    })
  const onOpenHit = (hit: SearchHit) =>
    run(async () => {
      // Show the branch the matching message is on.
      await switchBranch(hit.conversationId, hit.messageId)
      if (hit.conversationId === currentId) await chat.reload(hit.conversationId)
      else setCurrentId(hit.conversationId)
    })
  const onExport = (format: ExportFormat) =>
    run(async () => {
      const path = await saveExportDialog(currentId, format)
      if (path) toast(`Exported to ${path}`)
    })
  const onImport = () =>
    run(async () => {
      const id = await openImportDialog()
      if (id) {
        conversations.refresh()
        setCurrentId(id)
      }
    })

  // The conversation a context goes to: the open one, or a new one.
  async function contextConversation(): Promise<number> {
    if (currentId) return currentId
    const c = await newConversation()
    conversations.refresh()
    setCurrentId(c.id)
    return c.id
  }
  const attach = (pick: (id: number) => Promise<ContextView>) =>
    run(async () => {
      const id = await contextConversation()
      try {
        const v = await pick(id)
        if (v.attached) context.setView(v)
      } finally {
        context.setScanning(null)
      }
    })
  attachRef.current = (path) => void attach((id) => attachContext(id, path))
  const onExcludeContext = (paths: string[], excluded: boolean) =>
    run(async () => context.setView(await setContextExcluded(currentId, paths, excluded)))
  const onRemoveContext = () =>
    run(async () => {
      await removeContext(currentId)
      context.refresh()
    })

  const view = chat.view
  return (
    <div className="app">
      <Sidebar
        status={status}
        conversations={conversations.items}
        currentId={currentId}
        onSelect={setCurrentId}
        onNew={onNew}
        onRename={(id, title) =>
          run(async () => {
            await renameConversation(id, title)
            conversations.refresh()
            if (id === currentId) await chat.reload(id)
          })
        }
        onPin={(id, pinned) =>
          run(async () => {
            await pinConversation(id, pinned)
            conversations.refresh()
          })
        }
        onDelete={onDelete}
        onImport={onImport}
        onOpenSettings={() => setPanel('settings')}
        onOpenHit={onOpenHit}
      />
      <main className="chat" aria-label="Chat">
        <ChatHeader
          title={view?.conversation.title || 'New chat'}
          modelLoaded={modelLoaded}
          modelName={ready?.modelName}
          remoteHost={ready?.remoteHost}
          hasConversation={view !== null}
          onOpenModels={() => setPanel('models')}
          onOpenSettings={() => setPanel('conversation')}
          onExport={onExport}
        />
        <FeaturesOff off={ready?.off} />
        <BackendBanner backend={ready?.backend ?? ''} notice={ready?.backendNotice ?? ''} />
        <ChatPane
          status={status}
          view={view}
          streamed={chat.streamed}
          generation={chat.generation}
          error={chat.error}
          onOpenModels={() => setPanel('models')}
          onEdit={(id, text) => void chat.edit(id, text)}
          onRegenerate={(id) => void chat.regen(id)}
          onSelectVersion={(id) => void chat.showBranch(id)}
          onStop={chat.stop}
        />
        <div className="context-wrap">
          {context.scanning !== null && <ContextScanning seen={context.scanning} />}
          {context.view && (
            <ContextPanel view={context.view} onExclude={onExcludeContext} onRemove={onRemoveContext} />
          )}
        </div>
        <Composer
          onPickFolder={() => void attach(pickContextFolder)}
          onPickDocument={() => void attach(pickContextFile)}
          modelLoaded={modelLoaded}
          onSend={(text) => void chat.send(text)}
          conversationId={currentId}
          generating={chat.generation !== null}
          onStop={chat.stop}
          revision={`${view?.messages.map((m) => m.id).join('.') ?? ''}:${view?.settings.systemPrompt ?? ''}:${context.view?.includedTokens ?? 0}:${context.view?.files.length ?? 0}`}
        />
      </main>
      {panel === 'models' && (
        <ModelsPanel status={ready} models={models} contextLength={contextLength} onClose={() => setPanel(null)} />
      )}
      {panel === 'settings' && (
        <SettingsPanel onClose={() => setPanel(null)} onSaved={(s) => setContextLength(s.contextLength)} />
      )}
      {panel === 'conversation' && view && (
        <ConversationSettingsPanel
          conversationId={view.conversation.id}
          initial={{ ...view.settings, systemPrompt: view.settings.systemPrompt || view.systemPrompt }}
          onClose={() => setPanel(null)}
          onSaved={() => void chat.reload()}
        />
      )}
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </div>
  )
}
