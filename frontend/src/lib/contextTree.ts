// The context panel's breakdown: the flat file list Go sends, folded into
// folders with their token totals, largest first, so the user sees at once
// what to untick to make a folder fit.
import type { ContextFile } from '../api'

/** ContextNode is a folder or a file in the breakdown. */
export interface ContextNode {
  /** name is the last path element; path is relative, folders end in "/". */
  name: string
  path: string
  folder: boolean
  /** tokens and files count everything below, left out or not. */
  tokens: number
  files: number
  /** includedTokens counts what the next prompt carries. */
  includedTokens: number
  /** excluded: the file, or every file below the folder, is left out. */
  excluded: boolean
  children: ContextNode[]
}

/** buildContextTree folds files into a tree, children largest first. */
export function buildContextTree(files: ContextFile[]): ContextNode {
  const root: ContextNode = newFolder('', '')
  for (const f of files) {
    const parts = f.path.split('/')
    let at = root
    for (let i = 0; i < parts.length - 1; i++) {
      const path = parts.slice(0, i + 1).join('/') + '/'
      let next = at.children.find((c) => c.path === path)
      if (!next) {
        next = newFolder(parts[i], path)
        at.children.push(next)
      }
      at = next
    }
    at.children.push({
      name: parts[parts.length - 1],
      path: f.path,
      folder: false,
      tokens: f.tokens,
      files: 1,
      includedTokens: f.excluded ? 0 : f.tokens,
      excluded: f.excluded,
      children: [],
    })
  }
  total(root)
  return root
}

function newFolder(name: string, path: string): ContextNode {
  return { name, path, folder: true, tokens: 0, files: 0, includedTokens: 0, excluded: false, children: [] }
}

function total(n: ContextNode): void {
  if (!n.folder) return
  n.tokens = n.files = n.includedTokens = 0
  for (const c of n.children) {
    total(c)
    n.tokens += c.tokens
    n.files += c.files
    n.includedTokens += c.includedTokens
  }
  n.excluded = n.children.length > 0 && n.children.every((c) => c.excluded)
  n.children.sort((a, b) => b.tokens - a.tokens || a.path.localeCompare(b.path))
}
