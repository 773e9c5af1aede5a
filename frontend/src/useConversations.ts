import { useCallback, useEffect, useState } from 'react'
import { listConversations, type ConversationSummary } from './api'
import { errorMessage } from './lib/format'

/** useConversations loads the conversation list; refresh reloads it after a change. */
export function useConversations() {
  const [items, setItems] = useState<ConversationSummary[]>([])
  const [error, setError] = useState('')
  const refresh = useCallback(() => {
    listConversations().then(
      (list) => {
        setItems(list)
        setError('')
      },
      (err: unknown) => setError(errorMessage(err)),
    )
  }, [])
  useEffect(refresh, [refresh])
  return { items, error, refresh }
}
