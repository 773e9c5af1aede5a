// Model downloads against a local HTTP server: one that drops the connection
// part-way (the download resumes with a Range request and completes), one
// slow enough to pause and resume from the UI, and one whose sha256 does not
// match. The finished file is verified and joins the model list.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { serveFile } from './fileserver.mjs'
import { launch, repoRoot } from './harness.mjs'

const fixtures = join(repoRoot, '..', 'shared', 'fixtures', 'models')
const skip = existsSync(join(fixtures, 'index.json')) ? false : `the model fixtures in ${fixtures} are missing`
if (skip) console.log(`# download.spec: skipped: ${skip}`)
const index = skip ? {} : JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')).models

let h
const servers = []
before(async () => {
  if (!skip) h = await launch()
})
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
  await h?.close()
})

async function openModels() {
  const { page } = h
  const panel = page.getByRole('dialog', { name: 'Models' })
  if (!(await panel.isVisible())) await page.getByRole('button', { name: /^Model: / }).click()
  await panel.waitFor()
  return panel
}

async function startFromUI(panel, url, sha) {
  await panel.getByRole('textbox', { name: 'Download URL' }).fill(url)
  await panel.getByRole('textbox', { name: 'Expected SHA-256' }).fill(sha)
  await panel.getByRole('button', { name: 'Download', exact: true }).click()
}

function row(panel, name) {
  return panel.getByTestId('download').filter({ hasText: name })
}

test('a dropped connection is resumed with a Range request; the file is verified and listed', { skip }, async () => {
  const name = 'tiny-llama3-q8_0.gguf'
  const body = readFileSync(join(fixtures, name))
  const server = await serveFile(body, { name, cutAfter: 100_000 })
  servers.push(server)
  const panel = await openModels()
  await startFromUI(panel, server.url, index[name].sha256)
  const r = row(panel, name)
  await r.and(panel.locator('[data-state="done"]')).waitFor()
  assert.ok((await r.innerText()).includes(index[name].sha256), 'the verified sha256 is shown')
  assert.ok(server.requests.length >= 2, `requests: ${JSON.stringify(server.requests)}`)
  assert.equal(server.requests[0].range, undefined)
  assert.equal(server.requests[0].sent, 100_000, 'the first response was cut')
  assert.match(server.requests[1].range ?? '', /^bytes=\d+-$/, 'the retry asked for the rest')
  // The finished file joins the models, with its facts.
  const card = panel.getByTestId('model-card').filter({ hasText: 'tiny-llama3' })
  await card.waitFor()
  assert.ok((await card.innerText()).includes('Q8_0'))
  const saved = readFileSync(join(h.app.dataDir, 'models', name))
  assert.ok(saved.equals(body), 'the saved file is byte-identical')
  assert.ok(!existsSync(join(h.app.dataDir, 'models', `${name}.part`)), 'no .part file is left')
})

test('a download can be paused and resumed from the UI', { skip }, async () => {
  const name = 'tiny-llama4-scout-f16.gguf'
  const body = readFileSync(join(fixtures, name))
  // The first response stops half-way until the client drops it, so the
  // pause lands part-way on any machine.
  const server = await serveFile(body, { name, stallAt: Math.floor(body.length / 2) })
  servers.push(server)
  const panel = await openModels()
  await startFromUI(panel, server.url, index[name].sha256)
  const r = row(panel, name)
  await r.getByRole('progressbar').waitFor()
  await h.page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="download"]')].some((e) => e.textContent.includes(n) && Number(e.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')) >= 10),
    name,
  )
  await h.screenshot('download-running')
  await r.getByRole('button', { name: 'Pause', exact: true }).click()
  await r.and(panel.locator('[data-state="paused"]')).waitFor()
  const pausedAt = Number(await r.getByRole('progressbar').getAttribute('aria-valuenow'))
  assert.ok(pausedAt > 0 && pausedAt < 100, `paused at ${pausedAt}%`)
  // Pausing drops the connection, and nothing asks for more while paused.
  await server.requests[0].closed
  assert.equal(server.requests.length, 1, 'no new request while paused')
  await h.screenshot('download-paused')

  await r.getByRole('button', { name: 'Resume', exact: true }).click()
  await r.and(panel.locator('[data-state="done"]')).waitFor()
  const last = server.requests[server.requests.length - 1]
  assert.match(last.range ?? '', /^bytes=[1-9]\d*-$/, 'resumed where it stopped')
  assert.ok(readFileSync(join(h.app.dataDir, 'models', name)).equals(body))
})

test('a sha256 mismatch fails the download and keeps no file', { skip }, async () => {
  const name = 'tiny-llama4-scout-q4_0.gguf'
  const server = await serveFile(readFileSync(join(fixtures, name)), { name })
  servers.push(server)
  const panel = await openModels()
  await startFromUI(panel, server.url, '0'.repeat(64))
  const r = row(panel, name)
  await r.and(panel.locator('[data-state="failed"]')).waitFor()
  assert.match(await r.innerText(), /sha256|SHA-256/i)
  assert.ok(!existsSync(join(h.app.dataDir, 'models', name)), 'the unverified file was not kept')
  await h.screenshot('download-failed')
  assert.deepEqual(h.problems, [])
})
