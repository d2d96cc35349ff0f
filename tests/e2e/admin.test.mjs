// The web UI in a real browser, as the city-wide administrator: sign-in,
// every menu page, the dashboard figures, creating / editing / deleting an
// enterprise through the dialog (server validation, the check-digit
// warning, a stale edit), the chain page, session expiry and sign-out.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  breakCheck,
  browserSuite,
  dialog,
  makeUscc,
  messageBox,
  navigate,
  openMenu as openMenuOf,
  pickRemote,
  screenshot,
  settle,
} from './harness.mjs'

const ROWS = '[data-test=entity-table] .el-table__body-wrapper .el-table__row'
const exact = (s) => new RegExp(`^\\s*${s.replace(/[()]/g, '\\$&')}\\s*$`)

describe('web UI as the city-wide administrator', () => {
  let srv, browser, page, w, api

  const t = browserSuite()

  before(async () => {
    ;({ srv, browser, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
  })

  const openMenu = (label) => openMenuOf(page, w, label)

  it('sends a visitor to sign-in, shows the API error for a wrong password, then signs in', async () => {
    await navigate(page, w, () => page.goto(`${srv.base}/e/enterprise`))
    assert.match(new URL(page.url()).pathname, /^\/login/)
    assert.equal(await page.locator('[data-test=expired]').count(), 0)
    await screenshot(page, 'login')

    w.allow(401, '/api/v1/auth/login')
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('[data-test=login-submit]')
    await page.locator('[data-test=login-error]').waitFor()
    assert.match(await page.locator('[data-test=login-error]').innerText(), /用户名或密码错误/)

    await page.fill('input[name=password]', ADMIN_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => u.pathname === '/e/enterprise')
    await settle(page, w)
    const top = await page.locator('.topbar').innerText()
    for (const s of ['新质·产业链组织保障平台', 'admin', '业务管理员', '全市', '退出']) assert.ok(top.includes(s), s)
  })

  it('shows the 465 clusters and the city figures on 首页', async () => {
    await openMenu('首页')
    const overview = await api.get('dashboard/overview')
    assert.equal(overview.clusters.length, 15)
    await page.locator('[data-test=cluster-card]').first().waitFor()
    assert.equal(await page.locator('[data-test=cluster-card]').count(), overview.clusters.length)
    assert.match(await page.locator('[data-test=kpi-revenue]').innerText(), /1\.99万亿元/)
    assert.match(await page.locator('[data-test=kpi-strategic]').innerText(), /41\.4%/)
    assert.match(await page.locator('[data-test=kpi-hightech]').innerText(), /51\.8%/)
    for (const [name, n] of Object.entries(overview.counts)) {
      const text = await page.locator(`[data-test=count-${name}]`).innerText()
      assert.match(text.replace(/,/g, ''), new RegExp(`^${n}\\s`), `${name}: ${text}`)
    }
    for (const tier of ['地标产业', '优势产业', '未来产业']) {
      assert.ok((await page.locator('.tier .panel-title').allInnerTexts()).some((t) => t.includes(tier)), tier)
    }
    assert.equal(await page.locator('[data-test=revenue-chart] canvas').count(), 1)
    assert.equal(await page.locator('[data-test=share-chart] canvas').count(), 1)
    const card = page.locator('[data-test=cluster-card]').filter({ hasText: '物联网' }).first()
    assert.match(await card.innerText(), /4,150\.36亿元/)
  })

  it('opens every menu page without a console error or failed request', async () => {
    // the menu is the descriptors: every entity the admin may read, by work area
    // (only what admin, the 业务管理员, may read: the audit log is the audit
    // administrator's, 三权分立)
    const perms = (await api.get('auth/me')).user.permissions
    const all = await api.get('meta/entities')
    const meta = { entities: all.entities.filter((e) => perms.includes(e.read_permission)) }
    const order = ['产业链', '人才', '干部', '组织', '台账', '系统']
    const groups = order.filter((g) => meta.entities.some((e) => e.group === g))
    const expected = ['首页']
    // purpose-built pages come first in their work area and stand in for the
    // generic lists they replace (src/lib/menu.js SPECIAL_PAGES)
    const special = { 产业链: ['一张图', '产业链图谱'], 人才: ['紧缺人才目录', '人岗匹配', '“531”引才地图', '人才服务'], 干部: ['干部配备', '攻坚台账', '岗位推荐', '季季评', '干部培训', '琢璞计划'], 组织: ['组织体系', '产业链健康卡'], 台账: ['问题台账'] }
    const replaced = new Set(['catalog', 'catalog_entry', 'staffing_plan', 'eval_subject', 'eval_score', 'problem', 'service_request'])
    for (const g of groups) {
      expected.push(...(special[g] || []))
      expected.push(...meta.entities.filter((e) => e.group === g && !replaced.has(e.name)).map((e) => e.label))
    }
    const labels = (await page.locator('.el-menu-item').allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(labels, expected)
    const shown = (await page.locator('.el-sub-menu__title').allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(shown, groups, 'work areas without pages are not shown')
    for (const label of expected) {
      await openMenu(label)
      const path = new URL(page.url()).pathname
      if (path.startsWith('/e/')) {
        assert.equal((await page.locator('.page-head h2').innerText()).trim(), label)
        await page.locator('[data-test=entity-table] .el-table__body-wrapper').waitFor()
      }
      const name = path === '/' ? 'home' : path.slice(1).replace(/\//g, '-')
      await screenshot(page, name)
      await page.setViewportSize({ width: 1920, height: 1080 })
      await page.waitForTimeout(300)
      await screenshot(page, name)
      await page.setViewportSize({ width: 1366, height: 768 })
      await page.waitForTimeout(100)
    }
  })

  it('filters, searches, sorts and pages a list', async () => {
    await openMenu('企业')
    const all = await api.get('enterprise?size=1')
    assert.match(await page.locator('.page-head .sub').innerText(), new RegExp(`共 ${all.total.toLocaleString('en-US')} 条`))
    // a yes/no filter
    const srdi = await api.get('enterprise?size=1&srdi=true')
    await page.locator('[data-filter=srdi] .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: exact('是') }).click()
    await settle(page, w)
    assert.match(await page.locator('.page-head .sub').innerText(), new RegExp(`共 ${srdi.total} 条`))
    // a reference filter with remote search
    await pickRemote(page, page.locator('[data-filter=region_id]'), '江阴市', '江阴')
    await settle(page, w)
    const both = await api.get(`enterprise?size=1&srdi=true&region_id=${new URL(page.url()).searchParams.get('region_id')}`)
    assert.match(await page.locator('.page-head .sub').innerText(), new RegExp(`共 ${both.total} 条`))
    // reset, then sort by revenue descending (two clicks on the header)
    await page.getByRole('button', { name: '重置' }).click()
    await settle(page, w)
    const header = page.locator('[data-test=entity-table] th').filter({ hasText: '上年营收' })
    await header.locator('.caret-wrapper .descending').click()
    await settle(page, w)
    assert.equal(new URL(page.url()).searchParams.get('sort'), '-revenue')
    const top = await api.get('enterprise?size=1&sort=-revenue')
    const firstName = await page.locator(ROWS).first().locator('td').nth(1).innerText()
    assert.equal(firstName.trim(), top.items[0].name)
    // page size 50 and page 2
    await page.locator('.pager .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '50条/页' }).click()
    await settle(page, w)
    assert.equal(await page.locator(ROWS).count(), 50)
    await page.locator('.pager .el-pager li', { hasText: exact('2') }).click()
    await settle(page, w)
    assert.equal(new URL(page.url()).searchParams.get('page'), '2')
    // text search
    await page.fill('.filters .search input', top.items[0].name.slice(2, 6))
    await page.keyboard.press('Enter')
    await settle(page, w)
    assert.ok((await page.locator('[data-test=entity-table] .el-table__body-wrapper').innerText()).includes(top.items[0].name))
  })

  let created = null

  it('creates an enterprise: server validation beside the field, then the check-digit warning confirmed', async () => {
    await openMenu('企业')
    await page.getByRole('button', { name: '重置' }).click()
    await settle(page, w)
    await page.click('[data-test=create]')
    const dlg = dialog(page)
    await dlg.waitFor()
    assert.match(await dlg.locator('.el-dialog__title').innerText(), /新增企业/)
    const name = `无锡新质测试科技有限公司${Date.now() % 100000}`
    await dlg.locator('[data-field=name] input').fill(name)
    await dlg.locator('[data-field=uscc] input').fill('91320281ABC')
    await pickRemote(page, dlg.locator('[data-field=region_id]'), '江阴市', '江阴')
    await dlg.locator('[data-field=legal_rep] input').fill('王小明')
    await dlg.locator('[data-field=established] input').fill('2020-05-01')
    await dlg.locator('[data-field=established] input').press('Enter')
    await dlg.locator('[data-field=employees] input').fill('120')
    await dlg.locator('[data-field=revenue] input').fill('5000.5')
    await dlg.locator('[data-field=high_tech] .el-switch').click()
    await pickRemote(page, dlg.locator('[data-field=segment_ids]'), '传感器芯片设计', '传感器芯片')
    await page.keyboard.press('Escape') // close the multi-select's list, not the dialog
    await dlg.locator('.el-dialog__title').click()

    // 1) a malformed code: 422, shown beside the field
    w.allow(422, '/api/v1/enterprise')
    await dlg.locator('[data-test=form-save]').click()
    const err = dlg.locator('[data-field=uscc] .el-form-item__error')
    await err.waitFor()
    assert.match(await err.innerText(), /统一社会信用代码/)
    assert.ok(await err.isVisible(), 'the field in error is scrolled into view')
    await page.waitForTimeout(300)
    await screenshot(page, 'form-validation')

    // 2) a wrong check digit: offered for confirmation, stored with ?confirm=1
    const code = breakCheck(makeUscc('320281'))
    await dlg.locator('[data-field=uscc] input').fill(code)
    await err.waitFor({ state: 'detached' }) // the error goes away once the field changes
    w.allow(422, '/api/v1/enterprise')
    await dlg.locator('[data-test=form-save]').click()
    const box = messageBox(page)
    await box.waitFor()
    assert.match(await box.innerText(), /校验位/)
    const post = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/v1/enterprise?confirm=1'))
    await box.getByRole('button', { name: '确认无误，继续保存' }).click()
    const req = await post
    const body = req.postDataJSON()
    assert.equal(body.uscc, code)
    assert.equal(body.employees, 120)
    assert.equal(body.high_tech, true)
    assert.equal(body.established, '2020-05-01')
    assert.equal(body.segment_ids.length, 1)
    await dlg.waitFor({ state: 'hidden' })
    await settle(page, w)

    const found = await api.get(`enterprise?q=${encodeURIComponent(name)}`)
    assert.equal(found.total, 1)
    created = found.items[0]
    assert.equal(created._labels.region_id, '江阴市')
    assert.equal(created.revenue, 5000.5)
    await page.fill('.filters .search input', name)
    await page.keyboard.press('Enter')
    await settle(page, w)
    const row = await page.locator(ROWS).first().innerText()
    assert.ok(row.includes(name) && row.includes('江阴市') && row.includes('5,000.50') && row.includes('高新技术'), row)
  })

  it('edits the enterprise, sending only the changed fields and the version', async () => {
    assert.ok(created, 'created in the previous test')
    await page.locator(ROWS).first().locator('[data-test=row-edit]').click()
    const dlg = dialog(page)
    await dlg.waitFor()
    await settle(page, w)
    assert.equal(await dlg.locator('[data-field=name] input').inputValue(), created.name)
    assert.match(await dlg.locator('[data-field=region_id]').innerText(), /江阴市/)
    assert.match(await dlg.locator('[data-field=segment_ids]').innerText(), /传感器芯片设计/)
    await dlg.locator('[data-field=employees] input').fill('150')
    await dlg.locator('[data-field=legal_rep] input').fill('张三')
    const patch = page.waitForRequest((r) => r.method() === 'PATCH')
    await dlg.locator('[data-test=form-save]').click()
    const body = (await patch).postDataJSON()
    assert.deepEqual(Object.keys(body).sort(), ['employees', 'legal_rep', 'version'])
    assert.equal(body.version, created.version)
    await dlg.waitFor({ state: 'hidden' })
    await settle(page, w)
    const row = await page.locator(ROWS).first().innerText()
    assert.ok(row.includes('150'), row)
    const fresh = await api.get(`enterprise/${created.id}`)
    assert.equal(fresh.legal_rep, '张三')
    created = fresh
  })

  it('explains a stale edit (409) and reloads the form with the fresh row', async () => {
    await page.locator(ROWS).first().locator('[data-test=row-edit]').click()
    const dlg = dialog(page)
    await dlg.waitFor()
    await settle(page, w)
    // someone else changes the row meanwhile
    await api.patch(`enterprise/${created.id}`, { version: created.version, legal_rep: '李四' })
    await dlg.locator('[data-field=employees] input').fill('200')
    w.allow(409, `/api/v1/enterprise/${created.id}`)
    await dlg.locator('[data-test=form-save]').click()
    const box = messageBox(page)
    await box.waitFor()
    assert.match(await box.innerText(), /该记录已被他人修改/)
    await page.waitForTimeout(400) // let the box finish fading in
    await screenshot(page, 'form-conflict')
    await box.getByRole('button', { name: '知道了' }).click()
    await settle(page, w)
    assert.equal(await dlg.locator('[data-field=legal_rep] input').inputValue(), '李四')
    assert.equal(await dlg.locator('[data-field=employees] input').inputValue(), '150')
    await dlg.locator('[data-field=employees] input').fill('200')
    await dlg.locator('[data-test=form-save]').click()
    await dlg.waitFor({ state: 'hidden' })
    await settle(page, w)
    const fresh = await api.get(`enterprise/${created.id}`)
    assert.equal(fresh.employees, 200)
    assert.equal(fresh.legal_rep, '李四')
  })

  it('shows an enterprise in the detail drawer', async () => {
    await page.locator('[data-test=entity-table] .el-table__body-wrapper .name-link').first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    const text = await drawer.innerText()
    for (const s of [created.name, created.uscc, '江阴市', '李四', '传感器芯片设计', '2020-05-01']) assert.ok(text.includes(s), s)
    assert.ok(!/[{}[\]"]/.test(text.replace(/（|）/g, '')), 'no raw JSON')
    await screenshot(page, 'detail-drawer')
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })
  })

  it('deletes the enterprise after confirmation', async () => {
    await page.locator(ROWS).first().locator('[data-test=row-delete]').click()
    const box = messageBox(page)
    await box.waitFor()
    assert.ok((await box.innerText()).includes(created.name))
    await box.getByRole('button', { name: '删除' }).click()
    await settle(page, w)
    await page.locator('.el-table__empty-text', { hasText: '没有符合条件的记录' }).waitFor()
    const found = await api.get(`enterprise?q=${encodeURIComponent(created.name)}`)
    assert.equal(found.total, 0)
  })

  it('explains why a referenced record cannot be deleted (409)', async () => {
    await openMenu('行政区划')
    await page.fill('.filters .search input', '江阴市')
    await page.keyboard.press('Enter')
    await settle(page, w)
    const row = page.locator(ROWS).filter({ hasText: '320281' })
    await row.locator('[data-test=row-delete]').click()
    w.allow(409, '/api/v1/region/')
    await messageBox(page).getByRole('button', { name: '删除' }).click()
    const box = page.locator('.el-message-box:visible', { hasText: '无法删除' })
    await box.waitFor()
    assert.match(await box.innerText(), /被引用|引用/)
    await box.getByRole('button', { name: '知道了' }).click()
    await settle(page, w)
  })

  it('shows a chain as a tree with the enterprises of a segment, and opens an enterprise', async () => {
    await openMenu('产业链图谱')
    await page.locator('[data-test=chain-tree] canvas').waitFor()
    const q = new URL(page.url()).searchParams
    const tree = await api.get(`chain/${q.get('chain')}/tree?per_segment=10`)
    const seg = tree.segments.find((s) => String(s.id) === q.get('segment'))
    assert.ok(seg && seg.enterprise_count > 0, 'a segment with enterprises is selected')
    const panel = page.locator('[data-test=segment-enterprises]')
    assert.ok((await panel.locator('.seg-name').innerText()).includes(seg.name))
    const rows = panel.locator('.el-table__body-wrapper .el-table__row')
    assert.equal(await rows.count(), Math.min(20, seg.enterprise_count))
    assert.ok((await rows.first().innerText()).includes(seg.enterprises[0].name))

    // another cluster and chain, a 卡脖子 segment from the address bar
    const chain = (await api.get('chain?size=200')).items.find((c) => c.name === '集成电路产业链')
    const ic = await api.get(`chain/${chain.id}/tree?per_segment=10`)
    const bn = ic.segments.find((s) => s.bottleneck && s.enterprise_count > 0)
    await navigate(page, w, () => page.goto(`${srv.base}/chains?chain=${chain.id}&segment=${bn.id}`))
    await page.locator('[data-test=chain-tree] canvas').waitFor()
    assert.match(await page.locator('[data-test=pick-cluster]').innerText(), /集成电路/)
    assert.match(await page.locator('[data-test=pick-chain]').innerText(), /集成电路产业链/)
    assert.ok((await panel.locator('.panel-title').innerText()).includes('卡脖子'))
    assert.equal(await rows.count(), Math.min(20, bn.enterprise_count))
    await screenshot(page, 'chains-bottleneck')

    // click-through to the enterprise
    await rows.first().locator('.ent-link').click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    const ent = await api.get(`enterprise/${bn.enterprises[0].id}`)
    const text = await drawer.innerText()
    assert.ok(text.includes(ent.name) && text.includes(ent.uscc), text)
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })

    // picking a cluster picks its first chain
    await page.locator('[data-test=pick-cluster] .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '生物医药' }).click()
    await settle(page, w)
    await page.locator('[data-test=chain-tree] canvas').waitFor()
    const picked = new URL(page.url()).searchParams.get('chain')
    const bio = (await api.get(`chain?cluster_id=${new URL(page.url()).searchParams.get('cluster')}`)).items
    assert.equal(picked, String(bio[0].id))
  })

  it('sends the user back to sign-in with a message when the session expires', async () => {
    await page.context().clearCookies()
    w.allow(401, '/api/v1/', 5)
    await openMenu('企业')
    await page.waitForURL((u) => u.pathname === '/login')
    await page.locator('[data-test=expired]').waitFor()
    assert.equal((await page.locator('[data-test=expired]').innerText()).trim(), '登录已过期，请重新登录')
    await screenshot(page, 'login-expired')
    // signing in again returns to where the user was
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', ADMIN_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => u.pathname === '/e/enterprise')
    await settle(page, w)

    // a reload after expiry says the same
    await page.context().clearCookies()
    w.allow(401, '/api/v1/auth/me')
    await navigate(page, w, () => page.goto(`${srv.base}/chains`))
    assert.equal(new URL(page.url()).pathname, '/login')
    await page.locator('[data-test=expired]').waitFor()
  })

  it('signs out', async () => {
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', ADMIN_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.waitForURL((u) => u.pathname === '/chains')
    await settle(page, w)
    await page.click('[data-test=logout]')
    await messageBox(page).getByRole('button', { name: '退出' }).click()
    await page.waitForURL((u) => u.pathname === '/login')
    assert.equal(await page.locator('[data-test=expired]').count(), 0)
    // the session is gone on the server too
    await navigate(page, w, () => page.goto(`${srv.base}/`))
    assert.equal(new URL(page.url()).pathname, '/login')
  })
})
