// 进园助企大走访 in a real browser on the small demo city: 问题台账 (in the menu
// instead of the generic problem list) shows the summary cards and the
// breakdowns as the API computes them, the problems with the open overdue
// ones first and in red, and an Excel link that downloads the workbook; a
// problem is accepted (受理) in its drawer, and 回访 asks for the
// enterprise's satisfaction in a dialog with a select; a visit's drawer lists
// the problems found on it; the 干部画像 lists a cadre's problems; 人才服务
// shows the service board.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  dialog,
  messageBox,
  navigate,
  openMenu,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const OPERATOR = { username: 'op1', password: 'Operator-pass-1', role: 'operator' }
const ROWS = '[data-test=problems-table] .el-table__body-wrapper .el-table__row'

describe('问题台账 and 人才服务', () => {
  let srv, page, w, admin, op, mine

  const t = browserSuite({ server: { users: [OPERATOR] } })

  before(async () => {
    ;({ srv, page, w } = t)
    admin = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    op = await apiClient(srv.base, OPERATOR.username, OPERATOR.password)
    const ent = (await admin.get('enterprise?size=1')).items[0]
    mine = await op.post('problem', {
      enterprise_id: ent.id, category: '审批', description: '浏览器测试：环评审批周期长', resp_unit: '市行政审批局',
      found_date: '2026-11-20', deadline: '2099-12-31',
    })
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
  })

  /** Sets the ledger's select filter `name` to value and waits for the list to follow. */
  async function pick(name, value, query) {
    await page.locator(`[data-test=problems-${name}] .el-select__wrapper`).click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^\\s*${value}\\s*$`) }).click()
    await settle(page, w)
    const want = (await admin.get(`problem/ledger?${query}`)).items.length
    await page.locator('[data-test=problems-count]').filter({ hasText: `共 ${want} 条` }).waitFor({ timeout: 30_000 })
  }

  it('lists the problems with the overdue first, in red, and the KPIs of the API', async () => {
    await openMenu(page, w, '问题台账')
    await page.locator(ROWS).first().waitFor()
    await settle(page, w)
    const ledger = await admin.get('problem/ledger')
    assert.equal(await page.locator(ROWS).count(), Math.min(50, ledger.items.length))
    const cards = await page.locator('[data-test=problems-summary]').innerText()
    assert.ok(cards.includes(String(ledger.summary.total)), cards)
    assert.ok(cards.includes(`${ledger.summary.closure_rate}%`), cards)
    assert.ok(cards.includes(String(ledger.summary.overdue)), cards)
    assert.ok(ledger.items[0].overdue, 'the demo has overdue problems')
    const first = page.locator(ROWS).first()
    assert.match(await first.getAttribute('class'), /overdue/, 'the overdue row is highlighted')
    assert.ok((await first.innerText()).includes(`逾期${ledger.items[0].days_overdue}天`))
    const color = await first.locator('td').nth(2).evaluate((el) => getComputedStyle(el).color)
    assert.match(color, /rgb\(245, 108, 108\)/, `red text: ${color}`)
    const overdueRows = await page.locator(`${ROWS}.overdue`).count()
    assert.equal(overdueRows, Math.min(50, ledger.items.filter((i) => i.overdue).length))
    const breakdown = await page.locator('[data-test=problems-breakdown]').innerText()
    assert.ok(breakdown.includes(ledger.by_region[0].name), breakdown)
    // the generic list is gone from the menu, the ledger stands in for it
    assert.equal(await page.locator('.el-menu-item', { hasText: /^\s*问题台账\s*$/ }).count(), 1, 'one 问题台账 entry')
    await screenshot(page, 'problems')
  })

  it('the export link downloads the workbook of the filtered ledger', async () => {
    await page.locator('[data-test=problems-overdue]').click()
    await settle(page, w)
    const ledger = await admin.get('problem/ledger?overdue=1')
    assert.equal(await page.locator(ROWS).count(), Math.min(50, ledger.items.length))
    const href = await page.locator('[data-test=problems-export]').getAttribute('href')
    assert.match(href, /problem\/ledger\.xlsx\?.*overdue=1/)
    const r = await page.request.get(new URL(href, srv.base).toString())
    assert.equal(r.status(), 200)
    assert.match(r.headers()['content-type'], /spreadsheetml/)
    assert.equal((await r.body()).subarray(0, 2).toString(), 'PK')
    await page.locator('[data-test=problems-overdue]').click()
    await settle(page, w)
  })

  it('受理 in the drawer stamps the date; 回访 asks for the satisfaction', async () => {
    // the problems waiting for 受理 (a fresh page: no other filter): ours is due last
    await navigate(page, w, () => page.goto(`${srv.base}/problems`))
    await page.locator(ROWS).first().waitFor()
    await pick('status', '待受理', `status=${encodeURIComponent('待受理')}`)
    await page.locator(ROWS).filter({ hasText: '浏览器测试' }).click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    await drawer.locator('[data-test=step-accept]').click()
    const box = messageBox(page)
    await box.waitFor()
    await box.locator('.el-button--primary').click()
    await box.waitFor({ state: 'hidden' })
    await settle(page, w)
    const accepted = await admin.get(`problem/${mine.id}`)
    assert.equal(accepted.status, '办理中')
    assert.ok(accepted.accepted_date, 'stamped')
    await drawer.getByText(accepted.accepted_date).first().waitFor()

    // the unit closes it; the department visits the enterprise again
    await op.post(`problem/${mine.id}/transition`, { action: 'close', comment: '已开辟绿色通道，环评批复已下达' })
    await page.locator('.el-drawer:visible .el-drawer__close-btn').click()
    await pick('category', '审批', `status=${encodeURIComponent('待受理')}&category=${encodeURIComponent('审批')}`)
    await pick('status', '已办结', `category=${encodeURIComponent('审批')}&status=${encodeURIComponent('已办结')}`)
    await page.locator(ROWS).filter({ hasText: '浏览器测试' }).click()
    await drawer.waitFor()
    await settle(page, w)
    await drawer.locator('[data-test=step-revisit]').click()
    const dlg = dialog(page)
    await dlg.waitFor()
    assert.ok(await dlg.locator('[data-test=step-confirm]').isDisabled(), 'the satisfaction is required')
    await dlg.locator('[data-test=step-input] .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^\s*满意\s*$/ }).click()
    await screenshot(page, 'problem-revisit')
    await dlg.locator('[data-test=step-confirm]').click()
    await dlg.waitFor({ state: 'hidden' })
    await settle(page, w)
    const done = await admin.get(`problem/${mine.id}`)
    assert.equal(done.status, '已回访')
    assert.equal(done.satisfaction, '满意')
    assert.equal(done.result, '已开辟绿色通道，环评批复已下达')
    const hist = await drawer.locator('[data-test=workflow-history]').innerText()
    assert.ok(hist.includes('回访') && hist.includes('op1'), hist)
    await page.locator('.el-drawer:visible .el-drawer__close-btn').click()
  })

  it('a visit\'s drawer lists the problems found on it', async () => {
    await openMenu(page, w, '走访记录')
    await page.locator('[data-test=entity-table] .el-table__body-wrapper .name-link').first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    const visits = await admin.get('visit?size=1')
    const problems = await admin.get(`problem?visit_id=${visits.items[0].id}&size=200`)
    const related = drawer.locator('[data-test=related-problem]')
    await related.waitFor()
    assert.ok((await related.innerText()).includes(`发现的问题（${problems.total}）`))
    assert.equal(await related.locator('.el-table__body-wrapper .el-table__row').count(), problems.items.length)
    await screenshot(page, 'visit-problems')
    await page.locator('.el-drawer:visible .el-drawer__close-btn').click()
  })

  it('干部画像 shows the problems a cadre is responsible for', async () => {
    const owned = (await admin.get('problem/ledger?overdue=1')).items.find((i) => i.owner_cadre_id)
    await navigate(page, w, () => page.goto(`${srv.base}/cadre/${owned.owner_cadre_id}/portrait`))
    const card = page.locator('[data-test=portrait-problems]')
    await card.waitFor()
    const want = (await admin.get(`cadre/${owned.owner_cadre_id}/portrait`)).problems
    const text = await card.innerText()
    assert.ok(text.includes(`共 ${want.total} 件`) && text.includes(`逾期未办结 ${want.open_overdue}`), text)
    assert.ok(text.includes(owned.description), 'an overdue problem is listed')
    await card.scrollIntoViewIfNeeded()
    await screenshot(page, 'portrait-problems')
  })

  it('人才服务 shows the board and the requests', async () => {
    await openMenu(page, w, '人才服务')
    await page.locator('[data-test=service-summary]').waitFor()
    await settle(page, w)
    const board = await admin.get('service_request/board')
    const text = await page.locator('[data-test=service-summary]').innerText()
    assert.ok(text.includes(String(board.summary.total)) && text.includes(String(board.summary.overdue)), text)
    const kinds = await page.locator('[data-test=service-by-kind]').innerText()
    for (const k of board.by_kind) assert.ok(kinds.includes(k.name), k.name)
    await page.locator('[data-test=entity-table]').waitFor()
    await screenshot(page, 'services')
  })
})
