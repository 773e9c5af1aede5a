// Shared set-up for the browser end-to-end tests. Each *.spec.mjs file calls
// launch() once: it starts the dev-tagged Hearth binary on a free port (the
// real Go bindings, served over Wails' dev IPC) with a throw-away data dir,
// opens Debian's Chromium on it through playwright-core, and records page
// errors and CSP violations so that tests can assert there were none.
//
// The binary comes from `make e2e` (build/bin/hearth-dev); HEARTH_E2E_BIN
// overrides it. It needs an X display, which `make e2e` provides.
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const outputDir = join(repoRoot, 'test-output', 'e2e')

const chromiumPath = process.env.HEARTH_E2E_CHROMIUM ?? '/usr/bin/chromium'
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// Noise that Wails' dev runtime makes on every page load; not the app's fault.
const knownNoise = [/reading 'nodes'/]

/**
 * launch starts the app and a browser page on it.
 * @param {{ name?: string, colorScheme?: 'light' | 'dark', viewport?: {width: number, height: number} }} [opts]
 *   name labels the logs and screenshots (default: the spec file's name).
 */
export async function launch(opts = {}) {
  const name = opts.name ?? specName()
  mkdirSync(outputDir, { recursive: true })
  let app = await startApp(name)
  let browser
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
  } catch (err) {
    await app.stop()
    throw new Error(`e2e: start ${chromiumPath}: ${err.message}`, { cause: err })
  }
  const problems = []
  let page
  try {
    page = await openPage(browser, opts, problems)
    await page.goto(app.url)
  } catch (err) {
    await browser.close()
    await app.stop()
    throw err
  }

  return {
    get app() {
      return app
    },
    page,
    /** problems lists page errors, console errors and CSP violations so far. */
    problems,
    /** screenshot saves the page as test-output/e2e/<label>.png and returns the path. */
    async screenshot(label) {
      const path = join(outputDir, `${label}.png`)
      await page.screenshot({ path })
      return path
    },
    /** restart stops the app, starts it again on the same data dir (a new
     * port) and reloads the page from it: what a user quitting and
     * reopening Hearth sees. */
    async restart() {
      // Leave the page first, so that its IPC does not try to reconnect to
      // the stopped app.
      await page.goto('about:blank')
      await app.stop({ keepData: true })
      app = await startApp(`${name}-restarted`, { dataDir: app.dataDir })
      await page.goto(app.url)
    },
    /** close shuts the browser and the app and removes the data dir. */
    async close() {
      await browser.close()
      await app.stop()
    },
  }
}

/** hangGuardMs bounds any one wait in the e2e suite: it stops a hang only. */
export const hangGuardMs = 5 * 60_000

// openPage opens a page that appends page errors, console errors and CSP
// violations to problems.
async function openPage(browser, opts, problems) {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1180, height: 760 },
    colorScheme: opts.colorScheme ?? 'light',
  })
  // Report CSP violations through the console, where they are collected below.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`)
    })
  })
  // Playwright's 30 s default would fail a slow but correct step on a cold
  // CI machine; this limit only ends a hang. Nothing passes on speed.
  context.setDefaultTimeout(hangGuardMs)
  const page = await context.newPage()
  page.on('pageerror', (err) => {
    if (!knownNoise.some((re) => re.test(err.message))) problems.push(`pageerror: ${err.message}`)
  })
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`)
  })
  return page
}

/**
 * startApp runs the dev binary on a free port with a fresh HEARTH_DATA_DIR
 * (or opts.dataDir) and resolves once it serves the frontend. Its output goes
 * to test-output/e2e/<name>.app.log. stop({ keepData: true }) leaves the data
 * dir for a restart.
 */
export async function startApp(name, opts = {}) {
  const bin = process.env.HEARTH_E2E_BIN ?? join(repoRoot, 'build', 'bin', 'hearth-dev')
  if (!existsSync(bin)) throw new Error(`e2e: ${bin} is missing; run \`make e2e\`, which builds it`)
  if (!process.env.DISPLAY) throw new Error('e2e: DISPLAY is not set; run under Xvfb (`make e2e` does)')

  const port = await freePort()
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-e2e-'))
  const url = `http://127.0.0.1:${port}/`
  const log = createWriteStream(join(outputDir, `${name}.app.log`))
  const child = spawn(bin, ['-devserver', `127.0.0.1:${port}`, '-assetdir', join(repoRoot, 'frontend', 'dist')], {
    cwd: repoRoot,
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })))

  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
    // A hang guard: a clean shutdown takes well under a second.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    const result = await exited
    clearTimeout(timer)
    if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    return result
  }

  try {
    await waitForServer(url, exited)
  } catch (err) {
    await stop()
    throw err
  }
  return { url, port, dataDir, stop }
}

async function waitForServer(url, exited) {
  let gone = null
  exited.then((r) => (gone = r))
  const deadline = Date.now() + hangGuardMs
  while (Date.now() < deadline) {
    if (gone) throw new Error(`e2e: app exited before serving ${url}: ${JSON.stringify(gone)}`)
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`e2e: app did not serve ${url} within ${hangGuardMs / 1000} s`)
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => res(port))
    })
  })
}

// specName is the calling spec file's name without ".spec.mjs".
function specName() {
  const file = process.argv[1] ?? 'e2e'
  return basename(file).replace(/\.spec\.mjs$/, '')
}
