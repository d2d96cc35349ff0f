// The web UI for users with less than the whole city: a district operator
// (江阴市) sees only 江阴's rows and cannot change city-wide reference data;
// a user whose password must be changed sees that form before anything else.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  dialog,
  DISTRICT,
  makeUscc,
  navigate,
  openMenu as openMenuOf,
  pickRemote,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const ROWS = '[data-test=entity-table] .el-table__body-wrapper .el-table__row'
const exact = (s) => new RegExp(`^\\s*${s}\\s*$`)
const NEWBIE = { username: 'newbie', password: 'Initial-pass-1', role: 'viewer', mustChange: true }

describe('web UI for a district operator and a first sign-in', () => {
  let srv, browser, page, w, admin, district

  const t = browserSuite({ server: { users: [DISTRICT, NEWBIE] } })

  before(async () => {
    ;({ srv, browser, page, w } = t)
    admin = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    district = await apiClient(srv.base, DISTRICT.username, DISTRICT.password)
  })

  const openMenu = (label) => openMenuOf(page, w, label)

  it('asks for a new password before anything else when one must be changed', async () => {
    await navigate(page, w, () => page.goto(`${srv.base}/login`))
    await page.fill('input[name=username]', NEWBIE.username)
    await page.fill('input[name=password]', NEWBIE.password)
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => u.pathname === '/password')
    await settle(page, w)
    assert.match(await page.locator('.password-page').innerText(), /请先修改密码/)
    await screenshot(page, 'password-change')
    const inputs = page.locator('.password-page input[type=password]')
    await inputs.nth(0).fill(NEWBIE.password)
    await inputs.nth(1).fill('Changed-pass-2')
    await inputs.nth(2).fill('Changed-pass-2')
    await page.getByRole('button', { name: '确认修改' }).click()
    await page.waitForURL((u) => u.pathname === '/')
    await settle(page, w)
    // a viewer: pages to read, nothing to change
    assert.equal(await page.locator('[data-test=cluster-card]').count(), 15)
    await openMenu('企业')
    assert.equal(await page.locator('[data-test=create]').count(), 0)
    assert.equal(await page.locator(`${ROWS} [data-test=row-edit]`).count(), 0)
    await page.click('[data-test=logout]')
    await page.locator('.el-message-box:visible').getByRole('button', { name: '退出' }).click()
    await page.waitForURL((u) => u.pathname === '/login')
  })

  it('signs in the district operator, shows the district in the top bar and only readable pages', async () => {
    await signIn(page, w, srv.base, DISTRICT.username, DISTRICT.password)
    const top = await page.locator('.topbar').innerText()
    for (const s of [DISTRICT.username, '业务经办人员', '江阴市']) assert.ok(top.includes(s), s)
    const labels = (await page.locator('.el-menu-item').allInnerTexts()).map((s) => s.trim())
    assert.ok(labels.includes('企业') && labels.includes('产业链图谱'))
    assert.ok(!labels.includes('审计日志'), 'no audit log without audit.read')
    const overview = await district.get('dashboard/overview')
    const text = await page.locator('[data-test=count-enterprise]').innerText()
    assert.match(text.replace(/,/g, ''), new RegExp(`^${overview.counts.enterprise}\\s`))
    assert.equal(await page.locator('[data-test=cluster-card]').count(), 15)
    // a page the user may not read says so, without asking the server
    await navigate(page, w, () => page.goto(`${srv.base}/e/audit_log`))
    assert.match(await page.locator('.status').innerText(), /无权访问/)
  })

  it('lists only 江阴 enterprises', async () => {
    const mine = await district.get('enterprise?size=1')
    const everyone = await admin.get('enterprise?size=1')
    assert.ok(mine.total > 0 && mine.total < everyone.total)
    const regions = new Set((await district.get('region?size=200')).items.map((r) => r.name))
    assert.ok(regions.has('江阴市') && !regions.has('锡山区'))
    await openMenu('企业')
    assert.match(await page.locator('.page-head .sub').innerText(), new RegExp(`共 ${mine.total} 条`))
    await navigate(page, w, () => page.goto(`${srv.base}/e/enterprise?size=200`))
    const cells = await page.locator(`${ROWS} td:nth-child(4)`).allInnerTexts()
    assert.equal(cells.length, mine.total)
    for (const c of cells) assert.ok(regions.has(c.trim()), `${c} is in 江阴`)
    // an enterprise elsewhere is not found by name
    const other = (await admin.get('enterprise?size=200')).items.find((e) => !regions.has(e._labels.region_id))
    await page.fill('.filters .search input', other.name)
    await page.keyboard.press('Enter')
    await settle(page, w)
    await page.locator('.el-table__empty-text', { hasText: '没有符合条件的记录' }).waitFor()
    await screenshot(page, 'district-enterprise-search')
  })

  it('creates an enterprise in 江阴 with a valid code, picking only 江阴 regions', async () => {
    await page.getByRole('button', { name: '重置' }).click()
    await settle(page, w)
    await page.click('[data-test=create]')
    const dlg = dialog(page)
    await dlg.waitFor()
    const name = `江阴新质测试材料有限公司${Date.now() % 100000}`
    await dlg.locator('[data-field=name] input').fill(name)
    await dlg.locator('[data-field=uscc] input').fill(makeUscc('320281'))
    // the region picker offers 江阴's regions only
    await dlg.locator('[data-field=region_id] .el-select__wrapper').click()
    await dlg.locator('[data-field=region_id] input').fill('镇')
    await page.locator('.el-select-dropdown__item:visible').first().waitFor()
    await settle(page, w)
    const regions = new Set((await district.get('region?size=200')).items.map((r) => r.name))
    // the remote search re-renders the list as answers arrive: read it once it
    // holds still (the same, non-empty, twice 150 ms apart)
    let offered = []
    for (let i = 0, prev = null; i < 40; i++) {
      offered = await page.locator('.el-select-dropdown__item:visible > span:first-child').allInnerTexts()
      if (offered.length && offered.join('\n') === prev) break
      prev = offered.join('\n')
      await page.waitForTimeout(150)
    }
    assert.ok(offered.length > 0)
    for (const o of offered) assert.ok(regions.has(o.trim()), `${o} is in 江阴`)
    await pickRemote(page, dlg.locator('[data-field=region_id]'), '华士镇', '华士')
    await dlg.locator('[data-field=employees] input').fill('35')
    await dlg.locator('[data-test=form-save]').click()
    await dlg.waitFor({ state: 'hidden' })
    await settle(page, w)
    const found = await district.get(`enterprise?q=${encodeURIComponent(name)}`)
    assert.equal(found.total, 1)
    assert.equal(found.items[0]._labels.region_id, '华士镇')
  })

  it('offers no create, edit or delete on city-wide reference data', async () => {
    for (const label of ['产业集群', '产业链', '产业链环节', '行政区划']) {
      await openMenu(label)
      assert.equal(await page.locator('[data-test=create]').count(), 0, `${label}: no create`)
      assert.equal(await page.locator(`${ROWS} [data-test=row-edit]`).count(), 0, `${label}: no edit`)
      assert.equal(await page.locator(`${ROWS} [data-test=row-delete]`).count(), 0, `${label}: no delete`)
    }
    await openMenu('园区')
    assert.equal(await page.locator('[data-test=create]').count(), 1, 'scoped data can be added')
  })

  it('opens every menu page without a console error or failed request', async () => {
    const labels = (await page.locator('.el-menu-item').allInnerTexts()).map((s) => s.trim())
    for (const label of labels) {
      await openMenu(label)
      const path = new URL(page.url()).pathname
      const name = `district-${path === '/' ? 'home' : path.slice(1).replace(/\//g, '-')}`
      await screenshot(page, name)
      await page.setViewportSize({ width: 1920, height: 1080 })
      await page.waitForTimeout(300)
      await screenshot(page, name)
      await page.setViewportSize({ width: 1366, height: 768 })
      await page.waitForTimeout(100)
    }
  })
})
