// Account security in a real browser, as the administrator whose role must
// use a second factor (the default totp_required_roles): the first sign-in
// leads to the forced TOTP enrolment page, the QR code made on the server is
// shown and the code computed here (RFC 6238, as an authenticator app does)
// confirms it; the 账号安全 page shows TOTP on and the current session; after
// signing out, sign-in asks for the code in a second step, refuses a wrong
// one and accepts the right one.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import {
  ADMIN_PASSWORD,
  browserSuite,
  messageBox,
  navigate,
  screenshot,
  settle,
} from './harness.mjs'

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const ch of text.replace(/=+$/, '')) {
    value = ((value << 5) | alphabet.indexOf(ch)) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

function totpCode(secret, step) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(step))
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const o = h[h.length - 1] & 15
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000
  return String(n).padStart(6, '0')
}

const nowStep = () => Math.floor(Date.now() / 30_000)

describe('account security in the browser: TOTP enrolment and two-step sign-in', () => {
  let srv, browser, page, w
  let secret = ''
  let usedStep = 0

  const t = browserSuite({ server: { settings: { login_rate_per_minute: 6000 } } })

  before(async () => {
    // TOTP stays required of admin (the default); only the rate limit is raised
    ;({ srv, browser, page, w } = t)
  })

  it('sends the administrator without TOTP to the enrolment page after the password', async () => {
    await navigate(page, w, () => page.goto(`${srv.base}/login`))
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', ADMIN_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => u.pathname === '/security/totp')
    await settle(page, w)
    assert.match(await page.locator('[data-test=totp-forced]').innerText(), /业务管理员.*双因素认证/)
    // other pages send back here
    await navigate(page, w, () => page.goto(`${srv.base}/e/enterprise`))
    assert.equal(new URL(page.url()).pathname, '/security/totp')
  })

  it('shows the QR code and binds TOTP with a code from the app', async () => {
    await page.click('[data-test=totp-start]')
    const qr = page.locator('[data-test=totp-qr]')
    await qr.waitFor()
    assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/)
    const box = await qr.boundingBox()
    assert.ok(box.width >= 150 && box.height >= 150, `QR code drawn (${box.width}×${box.height})`)
    secret = await page.locator('[data-test=totp-secret]').getAttribute('data-secret')
    assert.match(secret, /^[A-Z2-7]{32}$/)
    await screenshot(page, 'totp-enrol')

    // a wrong code is refused with the reason
    w.allow(422, '/api/v1/auth/totp/enable')
    const wrong = totpCode(secret, nowStep()) === '000000' ? '111111' : '000000'
    await page.fill('[data-test=totp-code]', wrong)
    await page.click('[data-test=totp-confirm]')
    await page.locator('[data-test=totp-error]').waitFor()
    assert.match(await page.locator('[data-test=totp-error]').innerText(), /验证码不正确/)

    usedStep = nowStep()
    await page.fill('[data-test=totp-code]', totpCode(secret, usedStep))
    await page.click('[data-test=totp-confirm]')
    await page.waitForURL((u) => !u.pathname.startsWith('/security/totp'))
    await settle(page, w)
    assert.match(await page.locator('.topbar').innerText(), /业务管理员/)
  })

  it('shows TOTP on and the current session on 账号安全', async () => {
    await page.click('[data-test=user-menu]')
    await page.locator('[data-test=menu-security]').click()
    await page.waitForURL((u) => u.pathname === '/security/account')
    await settle(page, w)
    assert.equal((await page.locator('[data-test=totp-state]').innerText()).trim(), '已启用')
    assert.match(await page.locator('[data-test=password-policy]').innerText(), /等保口令策略/)
    const rows = page.locator('[data-test=sessions] .el-table__body-wrapper .el-table__row')
    assert.equal(await rows.count(), 1)
    const row = await rows.first().innerText()
    assert.match(row, /127\.0\.0\.1/)
    assert.match(row, /当前会话/)
    assert.match(row, /结束会话/)
    await screenshot(page, 'account-security')
  })

  it('signs out, then signs in with the password and the code; a wrong code is refused', async () => {
    await page.click('[data-test=logout]')
    await messageBox(page).getByRole('button', { name: '退出' }).click()
    await page.waitForURL((u) => u.pathname.startsWith('/login'))
    await settle(page, w)

    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', ADMIN_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.locator('[data-test=login-totp-step]').waitFor()
    assert.match(await page.locator('[data-test=login-totp-step]').innerText(), /6位动态验证码/)
    await screenshot(page, 'login-totp')

    // the code that confirmed enrolment was used once: refused
    w.allow(401, '/api/v1/auth/login')
    await page.fill('[data-test=login-totp]', totpCode(secret, usedStep))
    await page.click('[data-test=login-submit]')
    await page.locator('[data-test=login-error]').waitFor()
    assert.match(await page.locator('[data-test=login-error]').innerText(), /动态验证码错误或已使用过/)
    assert.equal(await page.locator('[data-test=login-totp]').count(), 1, 'still on the code step')

    const step = Math.max(nowStep(), usedStep + 1)
    await page.fill('[data-test=login-totp]', totpCode(secret, step))
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    await settle(page, w)
    assert.match(await page.locator('.topbar').innerText(), /admin/)
  })
})
