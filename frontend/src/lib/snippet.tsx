// Search snippets come from SQLite FTS5 with \u0002 before and \u0003 after
// each match. They are turned into React text nodes and <mark> elements, so
// the message text is never parsed as HTML.
import type { ReactNode } from 'react'

const OPEN = '\u0002'
const CLOSE = '\u0003'

/** SnippetPart is a run of snippet text, marked when it matched the query. */
export interface SnippetPart {
  text: string
  match: boolean
}

/** parseSnippet splits a snippet into plain and matched runs. Unbalanced
 * markers are tolerated: a stray close is dropped, an open runs to the end. */
export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let match = false
  let run = ''
  const flush = () => {
    if (run) parts.push({ text: run, match })
    run = ''
  }
  for (const ch of snippet) {
    if (ch === OPEN || ch === CLOSE) {
      flush()
      match = ch === OPEN
      continue
    }
    run += ch
  }
  flush()
  return parts
}

/** Snippet renders a search snippet with its matches highlighted. */
export function Snippet({ text }: { text: string }): ReactNode {
  return parseSnippet(text).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))
}
