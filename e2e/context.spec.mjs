// Folder context, end to end: a copy of the project's own engine/ folder is
// dropped on the window, the budget says it does not fit the tiny model's
// context, files are unticked until it does, a question is asked; a file is
// edited on disk, the panel marks it changed, and the next question
// recomputes only from that file onward (the app's own counters say so).
import assert from 'node:assert/strict'
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { launch, repoRoot } from './harness.mjs'

const modelPath = join(repoRoot, '..', 'shared', 'fixtures', 'models', 'tiny-llama4-scout-f32.gguf')
const skip = existsSync(modelPath) ? false : `the tiny model fixture ${modelPath} is missing (shared/ beside the clone)`
if (skip) console.log(`# context.spec: skipped: ${skip}`)

// The snapshot cache's page size (app/kvcache DefaultPageTokens): a restore
// reuses whole pages, so up to one page before a change is recomputed.
const pageTokens = 256

let h
let folder
before(async () => {
  if (skip) return
  folder = join(mkdtempSync(join(tmpdir(), 'hearth-context-')), 'engine')
  cpSync(join(repoRoot, 'engine'), folder, { recursive: true })
  // The layout puts the oldest file first: fix every file's time, then
  // make engine.go older and gguf/doc.go newer than the rest.
  const base = new Date('2026-01-01T00:00:00Z')
  touchAll(folder, base)
  utimesSync(join(folder, 'engine.go'), new Date('2025-06-01T00:00:00Z'), new Date('2025-06-01T00:00:00Z'))
  utimesSync(join(folder, 'gguf', 'doc.go'), new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'))
  h = await launch()
})
after(async () => {
  await h?.close()
  if (folder) rmSync(join(folder, '..'), { recursive: true, force: true })
})

function touchAll(dir, when) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) touchAll(p, when)
    else utimesSync(p, when, when)
  }
}

// ask sends a question and waits for the finished answer's numbers.
async function ask(convId, text) {
  const { page } = h
  const before = (await page.getByTestId('message-assistant').count())
  await page.getByRole('textbox', { name: 'Message' }).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const answer = page.getByTestId('message-assistant').nth(before)
  await answer.getByTestId('message-stats').waitFor()
  const view = await page.evaluate((id) => window.go.app.App.GetConversation(id), convId)
  return view.messages[view.messages.length - 1].stats
}

test('drop engine/, fit it, ask, edit a file, ask again: only the suffix is recomputed', { skip }, async () => {
  const { page } = h
  const added = await page.evaluate((p) => window.go.app.App.AddModel(p), modelPath)
  await page.evaluate((id) => window.go.app.App.LoadModel(id), added.id)
  await page.waitForFunction(async () => (await window.go.app.App.Status()).modelLoaded)

  await page.getByRole('button', { name: 'New chat', exact: true }).click()
  // The header names the new conversation once it is open (created in Go
  // and selected), so a drop after this goes to it.
  await page.getByRole('heading', { name: 'New conversation', exact: true }).waitFor()
  const [conv] = await page.evaluate(() => window.go.app.App.ListConversations())
  await page.evaluate(
    (id) => window.go.app.App.UpdateConversationSettings(id, {
      systemPrompt: '', temperature: 0, topK: 40, topP: 0.9, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 12,
    }),
    conv.id,
  )

  // Go turns a native drop into "files:dropped" with the paths; emitting
  // that event is what the window's drop does.
  await page.evaluate((p) => window.runtime.EventsEmit('files:dropped', { paths: [p] }), folder)
  const panel = page.getByTestId('context-panel')
  await panel.waitFor()
  const budget = await page.getByTestId('context-budget').innerText()
  assert.match(budget, /^context: [\d,]+ files, [\d.]+\s[kM]\stokens; this model's context in this setting: [\d.]+\sk$/)
  await page.getByTestId('context-over').waitFor()
  assert.match(await page.getByTestId('context-over').innerText(), /^Does not fit: [\d,]+ tokens of context/)
  await h.screenshot('context-too-big')

  // Untick everything at the top level, then tick two small files back.
  await page.getByRole('button', { name: 'Files', exact: true }).click()
  // A box shows Go's answer, so each click waits for the box to follow.
  const toggle = async (name, checked) => {
    await page.getByRole('checkbox', { name, exact: true }).click()
    await page.getByRole('checkbox', { name, exact: true, checked }).waitFor()
  }
  const top = page.locator('.context-tree > li > .context-row-line input[type=checkbox]')
  const names = await top.evaluateAll((boxes) => boxes.map((b) => b.getAttribute('aria-label')))
  assert.ok(names.length > 5, `engine/ shows ${names.length} top-level rows`)
  for (const name of names) await toggle(name, false)
  await toggle('Include engine.go', true)
  await page.getByRole('button', { name: '▸ gguf/', exact: true }).click()
  await toggle('Include gguf/doc.go', true)
  await page.getByTestId('context-over').waitFor({ state: 'detached' })
  assert.match(await page.getByTestId('context-budget').innerText(), /^context: 2 files, /)
  await h.screenshot('context-fits')

  const first = await ask(conv.id, 'What does engine.go do?')
  assert.equal(first.cachedTokens, 0, 'the first question computes the whole context')

  // Edit the newest file on disk: the watcher marks it changed.
  appendFileSync(join(folder, 'gguf', 'doc.go'), '\n// An edit made while Hearth watched the folder.\n')
  await page.getByTestId('context-changed').getByText('gguf/doc.go').waitFor()
  assert.match(await page.getByTestId('context-changed').innerText(), /1 file changed since read: gguf\/doc\.go \(modified\)/)
  await h.screenshot('context-changed')

  const ctx = await page.evaluate((id) => window.go.app.App.GetContext(id), conv.id)
  const engineTokens = ctx.files.find((f) => f.path === 'engine.go').tokens
  const second = await ask(conv.id, 'And gguf/doc.go?')
  assert.ok(
    second.cachedTokens >= engineTokens - pageTokens,
    `after the edit ${second.cachedTokens} of ${second.promptTokens} tokens came from the cache; engine.go, before the edited file, is ${engineTokens}`,
  )
  assert.ok(second.promptTokens - second.cachedTokens < second.promptTokens - engineTokens + pageTokens, 'only the suffix from gguf/doc.go onward was recomputed')
  await page.getByTestId('context-changed').waitFor({ state: 'detached' })
  assert.deepEqual(h.problems, [])
})
