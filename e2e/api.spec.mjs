// The OpenAI-compatible API, end to end: the official `openai` npm client
// against `hearth serve` on the tiny Llama 4 fixture (list models, a reply,
// a stream with usage, an OpenAI-shaped error), then the desktop app adds
// that same server as a remote engine in Settings → Engines and chats with
// it through the model picker, exactly as with a local model.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import OpenAI from 'openai'
import { launch, outputDir, repoRoot } from './harness.mjs'

const modelPath = join(repoRoot, '..', 'shared', 'fixtures', 'models', 'tiny-llama4-scout-f32.gguf')
const skip = existsSync(modelPath) ? false : `the tiny model fixture ${modelPath} is missing (shared/ beside the clone)`
if (skip) console.log(`# api.spec: skipped: ${skip}`)

let serve, base, h

// startServe runs `hearth serve` on a free loopback port and resolves with
// the /v1 URL it prints once it listens.
function startServe() {
  const bin = process.env.HEARTH_E2E_BIN ?? join(repoRoot, 'build', 'bin', 'hearth-dev')
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-serve-'))
  const child = spawn(bin, ['serve', '--model', modelPath, '--port', '0', '--name', 'tiny'], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  mkdirSync(outputDir, { recursive: true })
  child.stderr.pipe(createWriteStream(join(outputDir, 'api.serve.log')))
  const url = new Promise((res, rej) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/\S+\/v1)/)
      if (m) res(m[1])
    })
    child.once('exit', (code) => rej(new Error(`hearth serve exited (${code}) before listening`)))
  })
  const stop = async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGINT')
      await gone
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { url, stop }
}

before(async () => {
  if (skip) return
  serve = startServe()
  base = await serve.url
})
after(async () => {
  await h?.close()
  await serve?.stop()
})

test('the official openai client lists models, chats, streams with usage and gets OpenAI errors', { skip }, async () => {
  const client = new OpenAI({ baseURL: base, apiKey: 'unused-on-loopback', maxRetries: 0 })
  const models = await client.models.list()
  assert.deepEqual(
    models.data.map((m) => m.id),
    ['tiny'],
  )

  const reply = await client.chat.completions.create({
    model: 'tiny',
    messages: [{ role: 'user', content: 'hello' }],
    max_tokens: 4,
    seed: 1,
  })
  assert.equal(reply.usage.completion_tokens, 4)
  assert.equal(reply.choices[0].finish_reason, 'length')
  assert.ok(reply.usage.prompt_tokens > 0)

  const stream = await client.chat.completions.create({
    model: 'tiny',
    messages: [{ role: 'user', content: 'hello' }],
    max_tokens: 4,
    seed: 1,
    stream: true,
    stream_options: { include_usage: true },
  })
  let text = ''
  let usage
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? ''
    if (chunk.usage) usage = chunk.usage
  }
  assert.equal(usage.completion_tokens, 4)
  assert.equal(text, reply.choices[0].message.content, 'the same seed streams the same answer')

  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    (err) => err instanceof OpenAI.APIError && err.status === 404 && typeof err.message === 'string',
  )
  await assert.rejects(
    client.chat.completions.create({ model: 'tiny', messages: [] }),
    (err) => err instanceof OpenAI.APIError && err.status === 400,
  )
})

test('the app adds hearth serve as a remote engine and chats with its model', { skip }, async () => {
  h = await launch()
  const { page } = h
  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await settings.getByRole('textbox', { name: /Endpoint URL/ }).fill(base)
  await settings.getByRole('button', { name: 'Add engine', exact: true }).click()
  const row = settings.getByTestId('engine-row')
  await row.getByText('Models: tiny').waitFor({ timeout: 30_000 })
  await row.scrollIntoViewIfNeeded()
  await h.screenshot('api-settings-engines')
  await settings.getByRole('button', { name: 'Close', exact: true }).click()

  await page.getByRole('button', { name: 'Model: No model loaded', exact: true }).click()
  const panel = page.getByRole('dialog', { name: 'Models' })
  const remote = panel.getByTestId('remote-model')
  await remote.getByText(/remote · 127\.0\.0\.1/).waitFor()
  await remote.getByRole('button', { name: 'Use', exact: true }).click()
  await remote.getByRole('button', { name: 'In use', exact: true }).waitFor({ timeout: 30_000 })
  await h.screenshot('api-remote-model')
  await panel.getByRole('button', { name: 'Close', exact: true }).click()

  await page.getByRole('textbox', { name: 'Message' }).fill('hello over the API')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  // Wait for the finished answer itself (its stats line appears when it is
  // done): the Send button is also visible in the moment before the answer
  // starts, so waiting for it alone raced the request on a cold machine.
  await page.getByTestId('message-user').getByText('hello over the API').waitFor()
  const answer = page.getByTestId('message-assistant').last()
  await answer.getByTestId('message-stats').waitFor({ timeout: 60_000 })
  assert.ok((await answer.innerText()).trim().length > 0, 'the remote model answered')
  await h.screenshot('api-remote-chat')
  const convs = await page.evaluate(() => window.go.app.App.ListConversations())
  assert.equal(convs.length, 1, 'the remote chat is kept in history')
})
