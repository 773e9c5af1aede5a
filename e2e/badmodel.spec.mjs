// Broken model files given to the real app: a GGUF cut short and one whose
// header lies about its sizes are dropped on the window, and a model that
// was fine when added is cut short before it loads. Each shows its error
// in the UI, and the app goes on to add, load and chat with a good model.
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { launch, repoRoot } from './harness.mjs'

const fixtures = join(repoRoot, '..', 'shared', 'fixtures', 'models')
const goodPath = join(fixtures, 'tiny-llama4-scout-q8_0.gguf')
const skip = existsSync(goodPath) ? false : `the model fixture ${goodPath} is missing`
if (skip) console.log(`# badmodel.spec: skipped: ${skip}`)

let h
let dir
before(async () => {
  if (skip) return
  dir = mkdtempSync(join(tmpdir(), 'hearth-badmodel-'))
  h = await launch()
})
after(async () => {
  await h?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// drop sends paths the way the Go side reports a drop on the window.
const drop = (paths) => h.page.evaluate((p) => window.runtime.EventsEmit('files:dropped', { paths: p }), paths)

test('broken GGUF files are refused with the reason shown, and the app keeps working', { skip }, async () => {
  const { page } = h
  const good = readFileSync(goodPath)
  const cut = join(dir, 'cut-short.gguf')
  writeFileSync(cut, good.subarray(0, Math.floor(good.length / 2)))
  const liar = join(dir, 'lying-counts.gguf')
  const lying = Buffer.from(good)
  lying.writeBigUInt64LE(1n << 62n, 8) // tensor count
  writeFileSync(liar, lying)

  for (const [path, name] of [
    [cut, 'cut-short.gguf'],
    [liar, 'lying-counts.gguf'],
  ]) {
    await drop([path])
    const toast = page.getByTestId('toast').filter({ hasText: name })
    await toast.waitFor()
    assert.match(await toast.innerText(), /is not a model Hearth can run/)
  }
  await h.screenshot('badmodel-refused')
  assert.deepEqual(await page.evaluate(() => window.go.app.App.ListModels()), [])

  // Fine when added, cut short before loading: the card shows why.
  const later = join(dir, 'cut-later.gguf')
  copyFileSync(goodPath, later)
  await drop([later])
  const panel = page.getByRole('dialog', { name: 'Models' })
  const card = panel.getByTestId('model-card').filter({ hasText: 'tiny-llama4-scout' })
  await card.waitFor()
  truncateSync(later, Math.floor(good.length * 0.7))
  await card.getByRole('button', { name: 'Load', exact: true }).click()
  const alert = card.getByRole('alert')
  await alert.waitFor()
  assert.match(await alert.innerText(), /cut-later\.gguf.*runs past the end of the file/s)
  assert.ok(await card.getByRole('button', { name: 'Load', exact: true }).isEnabled(), 'the card left its loading state')
  await h.screenshot('badmodel-load-failed')
  assert.equal((await page.evaluate(() => window.go.app.App.Status())).modelLoaded, false)

  // The app keeps working: the intact fixture adds, loads and answers.
  await drop([goodPath])
  await page.waitForFunction(() => window.go.app.App.ListModels().then((m) => m.length === 2))
  const models = await page.evaluate(() => window.go.app.App.ListModels())
  const intact = models.find((m) => m.path.endsWith('tiny-llama4-scout-q8_0.gguf') && !m.path.includes('cut-later'))
  assert.ok(intact, JSON.stringify(models))
  await page.evaluate((id) => window.go.app.App.LoadModel(id), intact.id)
  await page.waitForFunction(() => window.go.app.App.Status().then((s) => s.modelLoaded))
  await panel.getByRole('button', { name: 'Close', exact: true }).click()
  await page.getByRole('textbox', { name: 'Message' }).fill('Hello')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await page.getByTestId('message-assistant').first().waitFor()
  await page.getByRole('button', { name: 'Send', exact: true }).waitFor()
  assert.deepEqual(h.problems, [], 'no page errors')
})
