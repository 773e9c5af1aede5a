// Model output is untrusted: a conversation whose answers hold XSS payloads
// (imported through the real Go import) renders inert in the real browser
// under the real CSP — no script runs, no dialog opens, no forbidden element
// reaches the DOM, nothing navigates.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, before, test } from 'node:test'
import { launch } from './harness.mjs'

// tracker is a local server standing in for a remote host: any request it
// gets means the page loaded something from outside the app.
const tracker = { hits: [], url: '' }
const trackerServer = createServer((req, res) => {
  tracker.hits.push(req.url)
  res.writeHead(200, { 'Content-Type': 'image/png' }).end()
})

// Each payload, if it ever ran, would set window.__xss or open a dialog.
const payloads = [
  '<script>window.__xss = "script"</script>',
  '<img src=x onerror="window.__xss = \'img\'">',
  '<a href="javascript:window.__xss=\'a\'">click me</a>',
  '[markdown link](javascript:window.__xss=\'md\')',
  '[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)',
  '![image](javascript:window.__xss=\'mdimg\')',
  '<iframe src="javascript:parent.__xss=\'iframe\'"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=\'srcdoc\'</script>"></iframe>',
  '<svg><script>window.__xss="svg"</script></svg>',
  '<svg onload="window.__xss=\'svgload\'"><circle r="4"/></svg>',
  '<style>body { display: none !important }</style>',
  '<p onclick="window.__xss=\'click\'" onmouseover="window.__xss=\'hover\'">hover me</p>',
  '<details open ontoggle="window.__xss=\'toggle\'">x</details>',
  '<object data="javascript:window.__xss=\'object\'"></object>',
  '<embed src="javascript:window.__xss=\'embed\'">',
  '<form action="javascript:window.__xss=\'form\'"><button>go</button></form>',
  '<input autofocus onfocus="window.__xss=\'focus\'">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=\'mxss\'">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=\'meta\'">',
  '<base href="https://evil.example/">',
  '<div style="position:fixed;inset:0;background:red">cover</div>',
  'Text then <img src=x onerror=alert(1)> and <script>alert(2)</script>',
  '```html\n<script>window.__xss="fence"</script>\n```',
]

const forbidden = 'script, iframe, svg, style, img, video, audio, link, [srcset], [poster], object, embed, form, input, meta, base, math, details, [onerror], [onload], [onclick], [onmouseover], [onfocus], [ontoggle], [style], [href], [src], [srcdoc]'

let h
const dialogs = []
before(async () => {
  await new Promise((r) => trackerServer.listen(0, '127.0.0.1', r))
  tracker.url = `http://127.0.0.1:${trackerServer.address().port}`
  // Remote loads, which the sanitizer must drop and the CSP must block.
  payloads.push(
    `<img src="${tracker.url}/raw-img.png" alt="remote">`,
    `![remote markdown image](${tracker.url}/md-img.png)`,
    `<img srcset="${tracker.url}/srcset.png 1x">`,
    `<video poster="${tracker.url}/poster.png"></video><audio src="${tracker.url}/audio.mp3"></audio>`,
    `<link rel="stylesheet" href="${tracker.url}/style.css">`,
    `<div style="background:url(${tracker.url}/bg.png)">bg</div>`,
  )
  h = await launch()
  h.page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
})
after(async () => {
  await h?.close()
  await new Promise((r) => trackerServer.close(r))
})

// afterTasks resolves after the page has run two animation frames and the
// tasks queued before them: an event-loop turn, not a wall-clock wait.
function afterTasks(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))))
}

function exportDoc() {
  const messages = []
  let id = 0
  for (const p of payloads) {
    messages.push({ id: ++id, parent_id: id - 1, role: 'user', content: `show me ${id}`, created_at: id, updated_at: id })
    messages.push({ id: ++id, parent_id: id - 1, role: 'assistant', content: p, created_at: id, updated_at: id })
  }
  return {
    format: 'hearth.conversation',
    version: 1,
    conversation: { title: 'XSS <img src=x onerror="window.__xss=\'title\'">', active_leaf_id: id, created_at: 1, updated_at: 2, settings: {} },
    messages,
  }
}

test('an imported conversation full of XSS payloads renders inert', async () => {
  const { page } = h
  const id = await page.evaluate((doc) => window.go.app.App.ImportConversationJSON(JSON.stringify(doc)), exportDoc())
  assert.ok(id > 0)
  await page.reload()
  await page.getByRole('button', { name: /^XSS/ }).first().click()
  const answers = page.getByTestId('message-assistant')
  await answers.nth(payloads.length - 1).waitFor()
  assert.equal(await answers.count(), payloads.length)

  // Hover and click every answer, as a user would.
  for (let i = 0; i < payloads.length; i++) {
    await answers.nth(i).hover()
    await answers.nth(i).click({ position: { x: 5, y: 5 } })
  }
  for (const link of await page.locator('.markdown a').all()) await link.click()
  // Let queued tasks and a frame run, so anything a click scheduled has run.
  await afterTasks(page)

  const state = await page.evaluate((sel) => {
    const md = [...document.querySelectorAll('.markdown')]
    return {
      xss: window.__xss ?? null,
      url: location.href,
      forbiddenInAnswers: md.flatMap((m) => [...m.querySelectorAll(sel)].map((e) => e.outerHTML.slice(0, 80))),
      scriptsInBody: document.body.querySelectorAll('script, iframe, object, embed').length,
      title: document.querySelector('.chat-header h1')?.textContent,
      texts: md.map((m) => m.textContent),
    }
  }, forbidden)
  assert.equal(state.xss, null, 'no payload ran')
  assert.deepEqual(dialogs, [], 'no alert/confirm/prompt opened')
  assert.deepEqual(state.forbiddenInAnswers, [], 'no forbidden element or attribute in the answers')
  assert.equal(state.scriptsInBody, 0)
  assert.equal(state.url, h.app.url, 'nothing navigated the window')
  assert.equal(state.title, 'XSS <img src=x onerror="window.__xss=\'title\'">', 'the title shows as text')
  // Raw HTML shows as text, so the user sees what the model wrote.
  assert.ok(state.texts[0].includes('<script>window.__xss = "script"</script>'), state.texts[0])
  assert.ok(state.texts[3].includes('markdown link'), state.texts[3])
  assert.deepEqual(h.problems, [], 'no page errors or CSP violations')
  assert.deepEqual(tracker.hits, [], 'nothing was loaded from the remote host')
  await h.screenshot('xss-inert')
})

test('the CSP blocks a remote image even if one reached the page', async () => {
  const { page } = h
  const seen = h.problems.length
  const result = await page.evaluate(async (src) => {
    const violations = []
    const reported = new Promise((r) =>
      document.addEventListener('securitypolicyviolation', (e) => {
        violations.push(e.violatedDirective)
        if (e.violatedDirective === 'img-src') r()
      }),
    )
    const img = document.createElement('img')
    const loaded = new Promise((r) => {
      img.onload = () => r('loaded')
      img.onerror = () => r('blocked')
    })
    img.src = src
    document.querySelector('.markdown')?.append(img)
    const outcome = await loaded
    // A blocked load is also reported; wait for that report.
    if (outcome === 'blocked') await reported
    img.remove()
    return { outcome, violations }
  }, `${tracker.url}/csp-probe.png`)
  assert.equal(result.outcome, 'blocked')
  assert.ok(result.violations.includes('img-src'), `violations: ${result.violations}`)
  assert.deepEqual(tracker.hits, [], 'the blocked image never reached the remote host')
  const unexpected = h.problems.slice(seen).filter((p) => !/CSP violation: img-src|csp-probe/.test(p))
  assert.deepEqual(unexpected, [], 'no other page errors')
})
