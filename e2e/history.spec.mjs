// The sidebar's history against the real Go backend: rename inline, pin,
// delete with Undo; and a .gguf dropped on the window joins the models.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { launch, repoRoot } from './harness.mjs'

const modelPath = join(repoRoot, '..', 'shared', 'fixtures', 'models', 'tiny-llama3-q8_0.gguf')

let h
before(async () => {
  h = await launch()
})
after(async () => {
  await h?.close()
})

function conversation(title, text) {
  return {
    format: 'hearth.conversation',
    version: 1,
    conversation: { title, active_leaf_id: 2, created_at: 1, updated_at: 2, settings: {} },
    messages: [
      { id: 1, role: 'user', content: text, created_at: 1, updated_at: 1 },
      { id: 2, parent_id: 1, role: 'assistant', content: `About ${text}: **yes**.\n\n\`\`\`go\nfmt.Println("hi")\n\`\`\``, created_at: 2, updated_at: 2 },
    ],
  }
}

const titles = async () => (await h.page.getByTestId('conversation').allInnerTexts()).map((t) => t.replace(/[✎×]/g, '').trim())

test('rename inline, pin to the top, delete and undo', async () => {
  const { page } = h
  for (const [title, text] of [['Soup recipe', 'leek soup'], ['Trip plans', 'a week in Lisbon']]) {
    await page.evaluate((doc) => window.go.app.App.ImportConversationJSON(JSON.stringify(doc)), conversation(title, text))
  }
  await page.reload()
  await page.getByTestId('conversation').nth(1).waitFor()

  // Rename inline: double-click, type, Enter.
  await page.getByRole('button', { name: 'Soup recipe', exact: true }).dblclick()
  await page.getByRole('textbox', { name: 'Conversation title' }).fill('Leek soup')
  await page.getByRole('textbox', { name: 'Conversation title' }).press('Enter')
  await page.getByRole('button', { name: 'Leek soup', exact: true }).waitFor()

  // Pinned conversations come first.
  const row = page.getByTestId('conversation').filter({ hasText: 'Leek soup' })
  await row.hover()
  await row.getByRole('button', { name: 'Pin Leek soup', exact: true }).click()
  await page.waitForFunction(() => document.querySelector('[data-testid="conversation"]')?.dataset.pinned === 'true')
  assert.deepEqual(await titles(), ['Leek soup', 'Trip plans'])
  const list = await page.evaluate(() => window.go.app.App.ListConversations())
  assert.deepEqual(list.map((c) => [c.title, c.pinned]), [['Leek soup', true], ['Trip plans', false]])

  // The code block in the answer has a Copy button.
  await page.getByRole('button', { name: 'Trip plans', exact: true }).click()
  await page.locator('.md-code .md-code-copy').waitFor()
  assert.equal(await page.locator('.md-code .hljs-string').first().innerText(), '"hi"')
  await h.screenshot('sidebar-history')

  // Delete, then Undo from the toast.
  const trip = page.getByTestId('conversation').filter({ hasText: 'Trip plans' })
  await trip.hover()
  await trip.getByRole('button', { name: 'Delete Trip plans', exact: true }).click()
  const toast = page.getByTestId('toast')
  await toast.getByText('Deleted “Trip plans”').waitFor()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation"]').length === 1)
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'New chat', 'the open conversation closed')
  await h.screenshot('delete-undo')
  await toast.getByRole('button', { name: 'Undo', exact: true }).click()
  await page.getByRole('button', { name: 'Trip plans', exact: true }).waitFor()
  assert.deepEqual(await titles(), ['Leek soup', 'Trip plans'])
  assert.deepEqual(h.problems, [])
})

test('a dropped .gguf file is added and the Models panel opens', { skip: existsSync(modelPath) ? false : `${modelPath} is missing` }, async () => {
  const { page } = h
  // Go turns a native drop into "files:dropped"; emitting that event from the
  // page drives the same UI path (a native drag needs a GTK drag source).
  await page.evaluate((p) => window.runtime.EventsEmit('files:dropped', { paths: ['/tmp/notes.txt', p] }), modelPath)
  const panel = page.getByRole('dialog', { name: 'Models' })
  await panel.getByTestId('model-card').filter({ hasText: 'tiny-llama3' }).waitFor()
  const models = await page.evaluate(() => window.go.app.App.ListModels())
  assert.deepEqual(models.map((m) => m.path), [modelPath])
  await page.getByTestId('toast').getByText('Model added').waitFor()
})
