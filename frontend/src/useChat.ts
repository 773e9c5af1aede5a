import { useCallback, useEffect, useRef, useState } from 'react'
import {
  editMessage,
  getConversation,
  newConversation,
  onChatDone,
  onChatError,
  onChatPrefill,
  onChatToken,
  regenerate,
  sendMessage,
  stopGeneration,
  switchBranch,
  type ConversationView,
  type PrefillEvent,
  type SendResult,
} from './api'
import { errorMessage } from './lib/format'

/** Generation is the answer being produced right now (one at a time). */
export interface Generation {
  conversationId: number
  assistantMessageId: number
  prefill: PrefillEvent | null
}

/** useChat holds the open conversation's active branch and follows the
 * answer being streamed into it through the chat:* events. */
export function useChat(conversationId: number, onCreated: (id: number) => void, onChanged: () => void) {
  const [view, setView] = useState<ConversationView | null>(null)
  const [streamed, setStreamed] = useState<Record<number, string>>({})
  const [generation, setGeneration] = useState<Generation | null>(null)
  const [error, setError] = useState('')
  const current = useRef(conversationId)
  current.current = conversationId
  const changed = useRef(onChanged)
  changed.current = onChanged

  // Tokens can arrive a thousand a second; they are shown once per frame so
  // the answer's Markdown is not re-rendered for every one of them.
  const pending = useRef<Record<number, string>>({})
  // A short answer can be done before the call that started it returns.
  const finished = useRef(new Set<number>())
  const frame = useRef(0)
  const flush = useCallback(() => {
    cancelAnimationFrame(frame.current)
    frame.current = 0
    const batch = pending.current
    pending.current = {}
    const ids = Object.keys(batch).map(Number)
    if (ids.length === 0) return
    setStreamed((s) => {
      const next = { ...s }
      for (const id of ids) next[id] = (next[id] ?? '') + batch[id]
      return next
    })
    setGeneration((g) => (g && g.prefill && ids.includes(g.assistantMessageId) ? { ...g, prefill: null } : g))
  }, [])
  const scheduleFlush = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(flush)
  }, [flush])

  const reload = useCallback(async (id = current.current) => {
    if (!id) {
      setView(null)
      return
    }
    try {
      const v = await getConversation(id)
      if (id === current.current) setView(v)
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [])

  useEffect(() => {
    setError('')
    if (!conversationId) setView(null)
    else void reload(conversationId)
  }, [conversationId, reload])

  useEffect(() => {
    const offs = [
      onChatPrefill((e) =>
        setGeneration((g) => (g && g.assistantMessageId === e.assistantMessageId ? { ...g, prefill: e } : g)),
      ),
      onChatToken((e) => {
        pending.current[e.assistantMessageId] = (pending.current[e.assistantMessageId] ?? '') + e.text
        scheduleFlush()
      }),
      onChatDone((e) => void finish(e.conversationId, e.assistantMessageId)),
      onChatError((e) => {
        setError(e.error)
        void finish(e.conversationId, e.assistantMessageId)
      }),
    ]
    async function finish(cid: number, assistantMessageId: number) {
      finished.current.add(assistantMessageId)
      flush()
      setGeneration((g) => (g && g.assistantMessageId === assistantMessageId ? null : g))
      if (cid === current.current) await reload(cid)
      setStreamed((s) => {
        const rest = { ...s }
        delete rest[assistantMessageId]
        return rest
      })
      changed.current()
    }
    return () => {
      offs.forEach((off) => off())
      cancelAnimationFrame(frame.current)
      frame.current = 0
    }
  }, [reload, flush, scheduleFlush])

  const start = useCallback(
    async (run: (cid: number) => Promise<SendResult>, cid: number) => {
      setError('')
      try {
        const r = await run(cid)
        if (!finished.current.has(r.assistantMessageId)) {
          setGeneration((g) =>
            g?.assistantMessageId === r.assistantMessageId
              ? g
              : { conversationId: r.conversationId, assistantMessageId: r.assistantMessageId, prefill: null },
          )
        }
        await reload(r.conversationId)
        changed.current()
      } catch (err) {
        setError(errorMessage(err))
      }
    },
    [reload],
  )

  const send = useCallback(
    async (text: string) => {
      let cid = current.current
      if (!cid) {
        try {
          cid = (await newConversation()).id
        } catch (err) {
          setError(errorMessage(err))
          return
        }
        current.current = cid
        onCreated(cid)
      }
      await start((id) => sendMessage(id, text), cid)
    },
    [onCreated, start],
  )

  const edit = useCallback(
    (messageId: number, text: string) => start((id) => editMessage(id, messageId, text), current.current),
    [start],
  )
  const regen = useCallback(
    (assistantMessageId: number) => start((id) => regenerate(id, assistantMessageId), current.current),
    [start],
  )
  const showBranch = useCallback(async (messageId: number) => {
    try {
      setView(await switchBranch(current.current, messageId))
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [])
  const stop = useCallback(() => {
    stopGeneration().catch((err: unknown) => setError(errorMessage(err)))
  }, [])

  return { view, streamed, generation, error, send, edit, regen, showBranch, stop, reload }
}
