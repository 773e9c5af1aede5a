import { describe, expect, it } from 'vitest'
import { buildContextTree } from './contextTree'

describe('buildContextTree', () => {
  const files = [
    { path: 'README.md', size: 10, tokens: 5, excluded: false },
    { path: 'engine/gguf/read.go', size: 100, tokens: 300, excluded: false },
    { path: 'engine/gguf/write.go', size: 100, tokens: 200, excluded: true },
    { path: 'engine/sample/sample.go', size: 100, tokens: 50, excluded: false },
    { path: 'docs/a.md', size: 100, tokens: 40, excluded: true },
  ]

  it('folds files into folders with totals, largest first', () => {
    const root = buildContextTree(files)
    expect(root.tokens).toBe(595)
    expect(root.includedTokens).toBe(355)
    expect(root.files).toBe(5)
    expect(root.children.map((c) => c.path)).toEqual(['engine/', 'docs/', 'README.md'])
    const engine = root.children[0]
    expect(engine.folder).toBe(true)
    expect(engine.tokens).toBe(550)
    expect(engine.children.map((c) => c.path)).toEqual(['engine/gguf/', 'engine/sample/'])
    expect(engine.children[0].children.map((c) => c.name)).toEqual(['read.go', 'write.go'])
  })

  it('marks a folder left out only when every file below is', () => {
    const root = buildContextTree(files)
    const docs = root.children.find((c) => c.path === 'docs/')!
    const gguf = root.children[0].children[0]
    expect(docs.excluded).toBe(true)
    expect(gguf.excluded).toBe(false)
    expect(gguf.includedTokens).toBe(300)
  })
})
