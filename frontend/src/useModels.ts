import { useCallback, useEffect, useRef, useState } from 'react'
import {
  listDownloads,
  listModels,
  onDownloadProgress,
  onModelHash,
  onModelLoad,
  type Download,
  type ModelInfo,
  type ModelLoadEvent,
} from './api'
import { errorMessage } from './lib/format'

/** useModels keeps the known models and downloads up to date from the
 * model:hash, model:load and download:progress events. */
export function useModels() {
  const [models, setModels] = useState<ModelInfo[]>([])
  const [downloads, setDownloads] = useState<Download[]>([])
  const [loading, setLoading] = useState<ModelLoadEvent | null>(null)
  const [error, setError] = useState('')

  const known = useRef(new Set<number>())
  const refresh = useCallback(() => {
    listModels().then(
      (m) => {
        for (const x of m) known.current.add(x.id)
        setModels(m)
        setError('')
      },
      (err: unknown) => setError(errorMessage(err)),
    )
    listDownloads().then(setDownloads, () => {})
  }, [])

  useEffect(() => {
    refresh()
    const offs = [
      onModelHash((e) => {
        // A model added behind the UI's back (a finished download) shows up
        // first as the hashing of an id the list does not have yet.
        if (!known.current.has(e.modelId)) {
          known.current.add(e.modelId)
          refresh()
        }
        setModels((ms) =>
          ms.map((m) => (m.id === e.modelId ? { ...m, hashProgress: e.fraction, sha256: e.sha256 || m.sha256 } : m)),
        )
      }),
      onModelLoad((e) => {
        setLoading(e.stage === 'ready' ? null : e)
        if (e.stage === 'ready') refresh()
      }),
      onDownloadProgress((d) => {
        setDownloads((ds) => (ds.some((x) => x.id === d.id) ? ds.map((x) => (x.id === d.id ? d : x)) : [d, ...ds]))
        if (d.state === 'done') refresh()
      }),
    ]
    return () => offs.forEach((off) => off())
  }, [refresh])

  return { models, downloads, loading, setLoading, error, setError, refresh, setDownloads }
}
