// 干部培训 in a real browser: open a class from the list, bulk-enrol by a
// filter (层级 县, pre-filled from the class) into a class of five seats and
// see added / skipped / refused; see the coverage by level and by region
// (chart and table); download the below-hours list as xlsx. Then 琢璞计划:
// the candidates with their reasons and a cadre's breadth card.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  dialog,
  openMenu,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const YEAR = new Date().getFullYear()

/** Clicks a tab of the page, scrolled to the top first (the top bar covers it otherwise). */
async function openTab(page, w, label) {
  await page.evaluate(() => {
    window.scrollTo(0, 0)
    for (const el of document.querySelectorAll('.el-main, main, .el-scrollbar__wrap')) el.scrollTop = 0
  })
  await page.locator('.el-tabs__item', { hasText: label }).click()
  await settle(page, w)
}

describe('干部培训 and 琢璞计划', () => {
  let srv, browser, ctx, page, w, admin, klass, county

  const t = browserSuite({ context: { acceptDownloads: true } })

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    admin = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    const city = (await admin.get('region?level=市')).items[0]
    klass = await admin.post('training_class', {
      name: '浏览器测试新质生产力专题班', kind: '新质生产力专题班', level: '县', start_date: `${YEAR}-01-02`,
      end_date: `${YEAR}-01-04`, hours: 24, capacity: 5, organizer: '中共无锡市委组织部', region_id: city.id,
    })
    county = (await admin.get('cadre?level=县&size=1')).total
  })

  it('bulk-enrols by filter into a class and respects its capacity', async () => {
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
    await openMenu(page, w, '干部培训')
    const row = page.locator('[data-test=class-table] .el-table__row', { hasText: klass.name })
    await row.click()
    await settle(page, w)
    await page.locator('[data-test=class-detail]').waitFor()
    assert.equal((await page.locator('[data-test=class-enrolled]').innerText()).trim(), '0')
    await page.locator('[data-test=enrol-open]').click()
    const box = dialog(page)
    await box.waitFor()
    assert.match(await box.locator('[data-test=enrol-level]').innerText(), /县/)
    await box.locator('[data-test=enrol-submit]').click()
    await box.locator('[data-test=enrol-result]').waitFor()
    await settle(page, w)
    const text = await box.locator('[data-test=enrol-result]').innerText()
    assert.ok(text.includes(`符合条件 ${county} 人`) && text.includes('新增 5 人')
      && text.includes(`超出计划人数未报 ${county - 5} 人`), text)
    await screenshot(page, 'training-enrol')
    await box.locator('.el-dialog__footer .el-button').first().click()
    await box.waitFor({ state: 'hidden' })
    assert.equal((await page.locator('[data-test=class-enrolled]').innerText()).trim(), '5')
    assert.equal(await page.locator('[data-test=member-table] .el-table__row').count(), 5)
    assert.equal((await admin.get(`enrollment?class_id=${klass.id}&size=1`)).total, 5)
    await screenshot(page, 'training-class')
  })

  it('shows the coverage by level and by region', async () => {
    await openTab(page, w, '覆盖情况')
    const total = await page.locator('[data-test=coverage-total]').innerText()
    assert.ok(total.includes('培训覆盖率') && total.includes('人均学时'), total)
    await page.locator('[data-test=coverage-chart] canvas').first().waitFor()
    const api = await admin.get(`training/coverage?year=${YEAR}&group=level`)
    const table = await page.locator('[data-test=coverage-table]').innerText()
    for (const item of api.items) assert.ok(table.includes(String(item.cadres)), table)
    await screenshot(page, 'training-coverage-level')
    await page.locator('[data-test=group-region]').click()
    await settle(page, w)
    const byRegion = await page.locator('[data-test=coverage-table]').innerText()
    assert.ok(byRegion.includes('江阴市') && byRegion.includes('无锡市（市本级）'), byRegion)
    await screenshot(page, 'training-coverage-region')
  })

  it('lists the cadres below the required hours and exports them', async () => {
    await openTab(page, w, '学时未达标')
    const api = await admin.get(`training/below?year=${YEAR}&size=1`)
    const summary = await page.locator('[data-test=below-summary]').innerText()
    assert.ok(summary.includes(String(api.total)) && summary.includes('50'), summary)
    await screenshot(page, 'training-below')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test=below-export]').click(),
    ])
    assert.match(download.suggestedFilename(), /培训学时未达标干部名单\.xlsx$/)
    const bytes = readFileSync(await download.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK')
    await settle(page, w)
  })

  it('琢璞计划 lists the candidates with reasons and opens a breadth card', async () => {
    await openMenu(page, w, '琢璞计划')
    const rows = page.locator('[data-test=cand-table] .el-table__body-wrapper .el-table__row')
    await rows.first().waitFor()
    const first = await rows.first().innerText()
    assert.ok(first.includes('尚未参加琢璞历练'), first)
    await screenshot(page, 'tempering-candidates')
    await rows.first().locator('.el-button').first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.locator('h4', { hasText: '任职经历' }).waitFor()
    await settle(page, w)
    const text = await drawer.innerText()
    assert.ok(text.includes('岗位类别') && text.includes('琢璞历练'), text)
    await screenshot(page, 'tempering-breadth')
  })
})
