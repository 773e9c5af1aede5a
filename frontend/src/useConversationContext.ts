import { useCallback, useEffect, useState } from 'react'
import { getContext, onContextChanged, onContextScan, type ContextView } from './api'

/** ConversationContext is the open conversation's folder or document
 * context, kept current by Go's "context:changed" events (the folder is
 * watched), and how far a folder being read has got. */
export interface ConversationContext {
  view: ContextView | null
  /** scanning counts the entries looked at while a folder is read; null when none is. */
  scanning: number | null
  setView: (v: ContextView) => void
  setScanning: (n: number | null) => void
  refresh: () => void
}

export function useConversationContext(conversationId: number): ConversationContext {
  const [view, setView] = useState<ContextView | null>(null)
  const [scanning, setScanning] = useState<number | null>(null)
  const refresh = useCallback(() => {
    if (!conversationId) {
      setView(null)
      return
    }
    getContext(conversationId).then(
      (v) => setView(v.attached ? v : null),
      () => setView(null),
    )
  }, [conversationId])
  useEffect(refresh, [refresh])
  useEffect(() => {
    const offChanged = onContextChanged((v) => {
      if (v.conversationId === conversationId) setView(v.attached ? v : null)
    })
    const offScan = onContextScan((e) => {
      if (e.conversationId === conversationId) setScanning(e.seen)
    })
    return () => {
      offChanged()
      offScan()
    }
  }, [conversationId])
  return { view, scanning, setView, setScanning, refresh }
}
