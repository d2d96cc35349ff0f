// Shared set-up for the browser tests: a real `xinzhi serve` on a
// temporary database seeded with the demo city, Debian's Chromium driven
// by playwright-core, and a watcher that turns console errors, page errors,
// failed requests and unexpected HTTP errors into test failures.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { after, afterEach, before } from 'node:test'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '..', '..')
const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')

export const BIN = process.env.XINZHI_BIN || join(repo, 'build', 'xinzhi')
export const WEB = process.env.XINZHI_WEB || join(repo, 'web', 'dist')
export const OUT = join(here, 'screenshots')
export const ADMIN_PASSWORD = 'E2e-chief-pass-2026'
/** Settings the browser tests run with unless they say otherwise: admin
 * needs no TOTP and the per-IP login limit is raised (security.test.mjs
 * tests both). */
export const TEST_SETTINGS = { totp_required_roles: '', login_rate_per_minute: 6000 }
export const DISTRICT = { username: 'jiangyin', password: 'District-pass-1', region: '320281' }

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.unref()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

function run(args, { env, input } = {}) {
  const r = spawnSync(BIN, args, {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) {
    throw new Error(`xinzhi ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`)
  }
  return r.stdout
}

const SANITIZER_RE = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/

/** Fails unless the server ended on SIGTERM with status 0 and no sanitizer report. */
export function assertCleanExit(r) {
  if (SANITIZER_RE.test(r.log) || r.code !== 0) {
    throw new Error(`xinzhi serve did not exit cleanly (status ${r.code}, signal ${r.signal}):\n${r.log}`)
  }
}

/**
 * Seeds a temporary database and serves it with the built web UI.
 * users: extra users [{username, password, role, region, mustChange}].
 */
export async function startServer({ users = [DISTRICT], settings = TEST_SETTINGS } = {}) {
  if (!existsSync(join(WEB, 'index.html'))) {
    throw new Error(`web UI not built (${WEB}/index.html missing): run make build first`)
  }
  if (!existsSync(BIN)) throw new Error(`xinzhi binary not found at ${BIN}: run make build first`)
  const dir = mkdtempSync(join(tmpdir(), 'xinzhi-e2e-'))
  const db = join(dir, 'e2e.db')
  let child = null
  let log = ''
  const kill = () => child && child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')
  process.once('exit', kill) // a crashed test run leaves no server behind
  /** SIGTERM, wait, remove the temp dir; returns how the server ended. */
  const stop = async () => {
    let result = { code: 0, signal: null }
    try {
      if (child) {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r))
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
          await exited
          clearTimeout(timer)
        }
        result = { code: child.exitCode, signal: child.signalCode }
      }
    } finally {
      process.removeListener('exit', kill)
      rmSync(dir, { recursive: true, force: true })
    }
    return { ...result, log }
  }
  try {
    run(['--db', db, 'demo', '--scale', 'small', '--admin'], {
      env: { XINZHI_ADMIN_PASSWORD: ADMIN_PASSWORD },
    })
    const pairs = Object.entries(settings).flat().map(String)
    if (pairs.length) run(['--db', db, 'setting', 'set', ...pairs])
    for (const u of users) {
      const args = ['--db', db, 'user', 'add', u.username, '--role', u.role || 'operator']
      if (u.region) args.push('--region', u.region)
      if (u.mustChange) args.push('--must-change')
      run(args, { input: `${u.password}\n` })
    }
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    child = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web', WEB], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XINZHI_LOG: 'warn' },
    })
    child.on('error', (e) => (log += `spawn failed: ${e.message}\n`))
    child.stdout.on('data', (d) => (log += d))
    child.stderr.on('data', (d) => (log += d))
    const deadline = Date.now() + 30_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`xinzhi serve exited early: ${log}`)
      try {
        const r = await fetch(`${base}/healthz`)
        if (r.ok) break
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`xinzhi serve did not start: ${log}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    return { base, dir, stop }
  } catch (e) {
    await stop()
    throw e
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  })
}

/**
 * Records everything that went wrong on a page. Deliberate HTTP errors are
 * declared beforehand with allow(status, urlPart[, count]); anything else
 * (console errors, uncaught exceptions, failed requests, unexpected 4xx/5xx,
 * requests leaving the server's origin) lands in problems.
 */
export function watch(page, base) {
  const problems = []
  const allowances = []
  const allowedUrls = new Set()
  let inflight = 0
  const w = {
    problems,
    allow(status, urlPart, count = 1) {
      allowances.push({ status, urlPart, count })
    },
    reset() {
      problems.length = 0
    },
    get inflight() {
      return inflight
    },
  }
  page.on('request', (r) => {
    inflight++
    const url = r.url()
    if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the server: ${url}`)
    }
  })
  const done = () => {
    inflight = Math.max(0, inflight - 1)
  }
  page.on('requestfinished', done)
  page.on('requestfailed', (r) => {
    done()
    const err = r.failure()?.errorText || ''
    // a full page load cancels what the previous page still had in flight
    if (err === 'net::ERR_ABORTED' && w.navigating) return
    problems.push(`request failed: ${r.method()} ${r.url()} ${err}`)
  })
  page.on('response', (r) => {
    if (r.status() < 400) return
    const a = allowances.find((x) => x.count > 0 && x.status === r.status() && r.url().includes(x.urlPart))
    if (a) {
      a.count--
      allowedUrls.add(r.url())
      return
    }
    problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`)
  })
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const loc = m.location()?.url || ''
    if (/^Failed to load resource/.test(m.text()) && allowedUrls.has(loc)) return
    problems.push(`console error: ${m.text()} ${loc}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  return w
}

/** Waits until the page has no request in flight and no loading mask. */
export async function settle(page, w, quiet = 250) {
  const deadline = Date.now() + 15_000
  let calm = 0
  while (Date.now() < deadline) {
    const masks = await page.locator('.el-loading-mask:visible').count()
    if (w.inflight === 0 && masks === 0) {
      calm += 50
      if (calm >= quiet) return
    } else calm = 0
    await page.waitForTimeout(50)
  }
  throw new Error('page did not settle within 15 s')
}

/** A full page load (goto/reload) during which aborted requests are expected. */
export async function navigate(page, w, fn) {
  w.navigating = true
  try {
    await fn()
    await page.waitForLoadState('networkidle')
  } finally {
    w.navigating = false
  }
  await settle(page, w)
}

export async function signIn(page, w, base, username, password) {
  await navigate(page, w, () => page.goto(`${base}/login`))
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await settle(page, w)
}

/** A JSON API client signed in as someone, for changes behind the UI's back. */
export async function apiClient(base, username, password) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!r.ok) throw new Error(`API login failed: ${r.status}`)
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await r.json()
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/api/v1/${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`)
    return data
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
    del: (path) => call('DELETE', path),
  }
}

export async function screenshot(page, name) {
  mkdirSync(OUT, { recursive: true })
  const vp = page.viewportSize()
  await page.screenshot({ path: join(OUT, `${name}-${vp.width}x${vp.height}.png`) })
}

// ---- 统一社会信用代码 (GB 32100) ----
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function usccCheck(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_CHARS[(31 - (sum % 31)) % 31]
}

/** A valid code: 91 + region + a random body + the check character. */
export function makeUscc(region = '320281') {
  let body = ''
  for (let i = 0; i < 9; i++) body += USCC_CHARS[Math.floor(Math.random() * 31)]
  const first = `91${region}${body}`
  return first + usccCheck(first)
}

/** The same code with a wrong check character. */
export function breakCheck(code) {
  const good = code[17]
  const bad = USCC_CHARS[(USCC_CHARS.indexOf(good) + 1) % 31]
  return code.slice(0, 17) + bad
}

// ---- Element Plus helpers ----

/** The dialog or message box currently open (the last one shown). */
export function dialog(page) {
  return page.locator('.el-dialog:visible').last()
}

export function messageBox(page) {
  return page.locator('.el-message-box:visible').last()
}

/** Types into a remote select inside `scope` and picks the option with `text`. */
export async function pickRemote(page, scope, text, search = text) {
  await scope.locator('.el-select__wrapper').click()
  await scope.locator('input').first().fill(search)
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor({ state: 'visible', timeout: 10_000 })
  await option.click()
}

const exactText = (s) => new RegExp(`^\\s*${s.replace(/[()]/g, '\\$&')}\\s*$`)

/** Opens a page from the left menu, expanding its work area if folded. */
export async function openMenu(page, w, label) {
  const item = page.locator('.el-menu-item').filter({ hasText: exactText(label) })
  if (!(await item.isVisible())) {
    await item
      .locator('xpath=ancestor::li[contains(@class,"el-sub-menu")][1]/div[contains(@class,"el-sub-menu__title")]')
      .click()
    await item.waitFor({ state: 'visible' })
  }
  await item.click()
  await settle(page, w)
}

/**
 * The set-up every browser test file shares, registered as node:test hooks
 * of the enclosing describe(): a server on a fresh demo database (`server`:
 * startServer's options), Debian Chromium with one zh-CN page (`context`:
 * extra newContext options, e.g. a viewport or acceptDownloads), a watch on
 * the page; after each test, no console error, page error, failed request
 * or unexpected HTTP error; at the end the browser closed and the server
 * stopped with a clean exit. Returns an object whose srv, browser, ctx, page
 * and w are set once the suite's before hook has run (register the file's
 * own before() after calling this, and read them there).
 */
export function browserSuite({ server = {}, context = {} } = {}) {
  const t = { srv: null, browser: null, ctx: null, page: null, w: null }
  before(async () => {
    t.srv = await startServer(server)
    t.browser = await launchBrowser()
    t.ctx = await t.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', ...context })
    t.page = await t.ctx.newPage()
    t.page.setDefaultTimeout(15_000)
    t.w = watch(t.page, t.srv.base)
  })
  after(async () => {
    try {
      await t.browser?.close()
    } finally {
      if (t.srv) assertCleanExit(await t.srv.stop())
    }
  })
  afterEach(() => {
    const problems = [...t.w.problems]
    t.w.reset()
    assert.deepEqual(problems, [], 'no console error, page error, failed request or unexpected HTTP error')
  })
  return t
}
