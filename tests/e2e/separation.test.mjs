// 三权分立 in the browser: the system administrator creates a user and resets
// a password in 用户管理 (the one-time passwords are shown once and work,
// with a forced change); the audit administrator searches the audit log and
// verifies its hash chain in 审计日志; the security administrator changes
// the password policy in 安全策略 and reads the role × route matrix. Each
// sees only its own page in the menu and gets 无权访问 on business pages.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  apiClient,
  browserSuite,
  dialog,
  messageBox,
  navigate,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const SYS = { username: 'sys1', password: 'Sys-admin-pass-1', role: 'sysadmin' }
const SEC = { username: 'sec1', password: 'Sec-admin-pass-1', role: 'secadmin' }
const AUD = { username: 'aud1', password: 'Aud-admin-pass-1', role: 'auditadmin' }
const ROWS = '.el-table__body-wrapper .el-table__row'

describe('三权分立: the three administrator pages', () => {
  let srv, browser, page, w

  const t = browserSuite({ server: { users: [SYS, SEC, AUD] } })

  before(async () => {
    ;({ srv, browser, page, w } = t)
  })

  const menuLabels = async () => (await page.locator('.el-menu-item').allInnerTexts()).map((s) => s.trim())

  async function signOut() {
    await page.click('[data-test=logout]')
    await messageBox(page).getByRole('button', { name: '退出' }).click()
    await page.waitForURL((u) => u.pathname === '/login')
    await settle(page, w)
  }

  async function expectForbidden(path) {
    await navigate(page, w, () => page.goto(`${srv.base}${path}`))
    assert.match(await page.locator('.status').innerText(), /无权访问/, path)
  }

  it('sysadmin creates a user and resets a password in 用户管理', async () => {
    await signIn(page, w, srv.base, SYS.username, SYS.password)
    assert.equal(new URL(page.url()).pathname, '/admin/users')
    assert.match(await page.locator('.topbar').innerText(), /系统管理员/)
    assert.deepEqual(await menuLabels(), ['用户管理'])
    await page.locator('[data-test=user-table]').waitFor()
    assert.ok((await page.locator(`[data-test=user-table] ${ROWS}`).count()) >= 4)

    await page.click('[data-test=user-create]')
    const dlg = dialog(page)
    await dlg.waitFor()
    await dlg.locator('input[data-test=user-username]').fill('wang_wu')
    await dlg.locator('input[data-test=user-display]').fill('王五')
    await dlg.locator('[data-test=user-role]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '业务经办人员' }).click()
    await dlg.locator('[data-test=user-region]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '江阴市（320281）' }).click()
    await screenshot(page, 'separation-user-create')
    await dlg.locator('[data-test=user-save]').click()
    const pw = page.locator('[data-test=password-dialog] [data-test=one-time-password]')
    await pw.waitFor()
    const first = (await pw.innerText()).trim()
    assert.match(first, /^[A-Za-z2-9]{16}$/)
    await screenshot(page, 'separation-one-time-password')
    await page.click('[data-test=password-done]')
    await settle(page, w)
    const row = page.locator(`[data-test=user-table] ${ROWS}`, { hasText: 'wang_wu' })
    const text = await row.innerText()
    for (const s of ['王五', '业务经办人员', '江阴市', '待改密码']) assert.ok(text.includes(s), s)

    // reset: a new one-time password, the first no longer works
    await page.click('[data-test=reset-wang_wu]')
    await messageBox(page).getByRole('button', { name: '确定' }).click()
    await pw.waitFor()
    const second = (await pw.innerText()).trim()
    assert.match(second, /^[A-Za-z2-9]{16}$/)
    assert.notEqual(second, first)
    await screenshot(page, 'separation-password-reset')
    await page.click('[data-test=password-done]')
    await settle(page, w)
    const old = await fetch(`${srv.base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'wang_wu', password: first }),
    })
    assert.equal(old.status, 401)
    const fresh = await fetch(`${srv.base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'wang_wu', password: second }),
    })
    assert.equal(fresh.status, 200)
    assert.equal((await fresh.json()).must_change_password, true)
    await screenshot(page, 'separation-users')

    // business pages and the other administrators' pages: 无权访问
    for (const p of ['/chains', '/e/person', '/e/enterprise', '/admin/audit', '/admin/security']) await expectForbidden(p)
    await signOut()
  })

  it('auditadmin searches the audit log and verifies the hash chain in 审计日志', async () => {
    await signIn(page, w, srv.base, AUD.username, AUD.password)
    assert.equal(new URL(page.url()).pathname, '/admin/audit')
    assert.match(await page.locator('.topbar').innerText(), /审计管理员/)
    assert.deepEqual(await menuLabels(), ['审计日志'])
    await page.locator('[data-filter=action] input').fill('user_create')
    await page.locator('[data-filter=action] input').press('Enter')
    await settle(page, w)
    const rows = page.locator(`[data-test=entity-table] ${ROWS}`)
    assert.ok((await rows.count()) >= 1)
    const texts = await rows.allInnerTexts()
    assert.ok(texts.some((t) => t.includes('sys1') && t.includes('新建用户')), texts.join('\n'))
    assert.ok(texts.every((t) => t.includes('新建用户')), texts.join('\n'))
    const href = await page.locator('[data-test=audit-export-xlsx]').getAttribute('href')
    assert.match(href, /\/api\/v1\/audit_log\/export\?.*action=user_create/)
    assert.match(href, /format=xlsx/)

    await page.click('[data-test=audit-verify]')
    const result = page.locator('[data-test=audit-verify-result]')
    await result.waitFor()
    assert.match(await result.innerText(), /哈希链校验通过：共 \d+ 条记录/)
    await screenshot(page, 'separation-audit-log')
    for (const p of ['/match', '/e/person', '/staffing', '/admin/users']) await expectForbidden(p)
    await signOut()
  })

  it('secadmin changes the password policy in 安全策略 and reads the role matrix', async () => {
    await signIn(page, w, srv.base, SEC.username, SEC.password)
    assert.equal(new URL(page.url()).pathname, '/admin/security')
    assert.match(await page.locator('.topbar').innerText(), /安全管理员/)
    assert.deepEqual(await menuLabels(), ['安全策略'])
    await page.locator('[data-test=setting-password_policy]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'ASVS' }).click()
    const failures = page.locator('[data-test=setting-login_max_failures] input')
    await failures.fill('6')
    await failures.press('Tab')
    await page.click('[data-test=settings-save]')
    await page.locator('.el-message--success', { hasText: '安全策略已保存' }).waitFor()
    await settle(page, w)
    await screenshot(page, 'separation-security-policy')
    const sec = await apiClient(srv.base, SEC.username, SEC.password)
    const values = Object.fromEntries((await sec.get('settings/security')).items.map((x) => [x.key, x.value]))
    assert.equal(values.password_policy, 'asvs')
    assert.equal(values.login_max_failures, '6')

    await page.getByRole('tab', { name: '角色权限' }).click()
    await settle(page, w)
    const matrix = page.locator('[data-test=role-perm-matrix]')
    const head = await matrix.locator('thead').innerText()
    for (const s of ['系统管理员', '安全管理员', '审计管理员', '业务管理员', '查看个人信息原文']) assert.ok(head.includes(s) || (await matrix.innerText()).includes(s), s)
    assert.ok((await page.locator(`[data-test=route-matrix] ${ROWS}`).count()) >= 50)
    await screenshot(page, 'separation-role-matrix')
    await expectForbidden('/e/audit_log')
    await expectForbidden('/admin/users')
    await signOut()
  })
})
