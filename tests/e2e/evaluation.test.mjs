// 季季评 in a real browser: on a round in 评分中 (made through the API on the
// demo scheme), an administrator enters one evaluator's scores in the grid,
// sees the weighted totals, ranks within the peer group (a tie shares rank
// 2) and the quota grades (the tie at the 较好 boundary drops to 一般),
// filters by peer group, publishes after a confirmation (the 评分录入 tab and
// the 发布 button disappear), and reads the yearly roll-up.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  messageBox,
  openMenu,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const TITLE = '2025年第四季度浏览器测试'

describe('季季评', () => {
  let srv, browser, ctx, page, w, admin, round, subjects, dims

  const t = browserSuite({ context: { viewport: { width: 1440, height: 900 } } })

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    admin = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    const scheme = (await admin.get('eval_scheme?active=1')).items[0]
    dims = (await admin.get(`eval_dimension?scheme_id=${scheme.id}&sort=sort_order`)).items
    round = await admin.post('eval_round', { scheme_id: scheme.id, year: 2025, quarter: 4, title: TITLE })
    const cadres = (await admin.get('cadre?level=市&size=3')).items
    const town = (await admin.get('cadre?level=乡&size=1')).items[0]
    subjects = []
    for (const [c, group] of [...cadres.map((c) => [c, '市直单位']), [town, '乡镇']]) {
      subjects.push(await admin.post('eval_subject', {
        round_id: round.id, name: `测试干部${subjects.length + 1}`, cadre_id: c.id, unit: c.unit,
        peer_group: group, region_id: c.region_id,
      }))
    }
    await admin.post(`eval_round/${round.id}/transition`, { action: 'start' })
  })

  const tabItem = (label) => page.locator('.el-tabs__item', { hasText: label })
  const resultRows = () => page.locator('[data-test=eval-results] .el-table__body-wrapper .el-table__row')

  it('enters scores in the grid and shows totals, ranks and grades', async () => {
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
    await openMenu(page, w, '季季评')
    await page.locator('[data-test=eval-round]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: TITLE }).click()
    await settle(page, w)
    assert.equal((await page.locator('[data-test=eval-status]').innerText()).trim(), '评分中')
    await tabItem('评分录入').click()
    // el-input passes data-test to its <input>
    const evaluator = page.locator('input[data-test=eval-evaluator], [data-test=eval-evaluator] input').first()
    await evaluator.fill('评委甲')
    await evaluator.press('Enter')
    await settle(page, w)
    const values = [90, 80, 80, 70] // S2 and S3 tie
    for (const [k, s] of subjects.entries()) {
      for (const d of dims) {
        const input = page.locator(`[data-test=score-${s.id}-${d.id}] input`)
        await input.fill(String(values[k]))
        await input.press('Tab')
      }
    }
    await screenshot(page, 'evaluation-entry')
    await page.locator('[data-test=eval-save]').click()
    await page.locator('.el-message--success').waitFor()
    await settle(page, w)
    await tabItem('评价结果').click()
    await settle(page, w)
    const row = (name) => resultRows().filter({ hasText: name })
    const cells = async (name) => (await row(name).innerText()).split(/\s+/).filter(Boolean)
    const s1 = await cells('测试干部1')
    assert.ok(s1.includes('90.00') && s1.includes('1') && s1.includes('好'), s1.join(' '))
    for (const name of ['测试干部2', '测试干部3']) {
      assert.equal((await row(name).locator('[data-test=eval-rank]').innerText()).replace(/\s/g, ''), '2/3')
      assert.equal((await row(name).locator('[data-test=eval-grade]').innerText()).trim(), '一般')
    }
    assert.equal((await row('测试干部4').locator('[data-test=eval-grade]').innerText()).trim(), '好')
    await screenshot(page, 'evaluation-results')
    // the peer-group filter
    await page.locator('[data-test=eval-group]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '乡镇' }).click()
    await settle(page, w)
    assert.equal(await resultRows().count(), 1)
  })

  it('publishes after a confirmation; the round no longer takes scores', async () => {
    await page.locator('[data-test=eval-publish]').click()
    const box = messageBox(page)
    await box.waitFor()
    assert.ok((await box.innerText()).includes('不再改变'))
    await screenshot(page, 'evaluation-publish-confirm')
    await box.locator('.el-button--primary').click()
    await box.waitFor({ state: 'hidden' })
    await settle(page, w)
    assert.equal((await page.locator('[data-test=eval-status]').innerText()).trim(), '已发布')
    assert.equal(await page.locator('[data-test=eval-publish]').count(), 0)
    assert.equal(await tabItem('评分录入').count(), 0)
    assert.equal((await admin.get(`eval_round/${round.id}`)).status, '已发布')
    await screenshot(page, 'evaluation-published')
  })

  it('shows the yearly roll-up', async () => {
    await tabItem('年度汇总').click()
    await settle(page, w)
    const year = page.locator('[data-test=eval-year] input')
    await year.fill('2025')
    await page.locator('[data-test=eval-yearly-load]').click()
    await settle(page, w)
    const table = page.locator('[data-test=eval-yearly]')
    const text = await table.innerText()
    assert.ok(text.includes('测试干部1') && text.includes('第四季度'), text.slice(0, 400))
    const href = await page.locator('[data-test=eval-yearly-export]').getAttribute('href')
    assert.ok(href.includes('format=xlsx') && href.includes('year=2025'), href)
    await screenshot(page, 'evaluation-yearly')
  })
})
