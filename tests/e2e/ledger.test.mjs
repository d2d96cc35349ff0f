// 攻坚台账, 岗位推荐 and 干部画像 in a real browser on the small demo city: the ledger
// lists every key project with progress and the overdue ones first, each
// overdue milestone tagged; 只看逾期 keeps only those; the Excel link asks
// for the same rows. 岗位推荐: picking a vacant post shows its requirements
// and the ranked cadres with their reasons, as the API ranks them. A
// cadre's drawer leads to 干部画像: profile, the 专家型 verdict with its rule,
// the timeline and training hours as the API gives them.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  openMenu,
  pickRemote,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const ROWS = (t) => `[data-test=${t}] .el-table__body-wrapper .el-table__row`

describe('攻坚台账 and 岗位推荐', () => {
  let srv, browser, ctx, page, w, api

  const t = browserSuite()

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
  })

  it('lists the projects with the overdue ones first', async () => {
    await openMenu(page, w, '攻坚台账')
    await page.locator(ROWS('ledger-table')).first().waitFor()
    const ledger = await api.get('project/ledger')
    assert.equal(await page.locator(ROWS('ledger-table')).count(), ledger.total)
    const summary = await page.locator('[data-test=ledger-summary]').innerText()
    assert.ok(summary.includes(`共 ${ledger.total} 个项目`) && summary.includes(`${ledger.overdue} 个有逾期事项`), summary)
    const first = await page.locator(ROWS('ledger-table')).first().innerText()
    assert.ok(first.includes(ledger.items[0].name), 'same order as the API')
    assert.ok(first.includes('逾期'), 'an overdue project first')
    const href = await page.locator('[data-test=ledger-export]').getAttribute('href')
    assert.match(href, /project\/ledger\?.*format=xlsx/)
    await screenshot(page, 'ledger')
  })

  it('只看逾期 keeps the overdue projects only', async () => {
    await page.locator('[data-test=ledger-overdue]').click()
    await settle(page, w)
    const ledger = await api.get('project/ledger?overdue=1')
    const rows = page.locator(ROWS('ledger-table'))
    assert.equal(await rows.count(), ledger.items.length)
    for (let i = 0; i < (await rows.count()); i++) assert.ok((await rows.nth(i).innerText()).includes('逾期'))
    const href = await page.locator('[data-test=ledger-export]').getAttribute('href')
    assert.match(href, /overdue=1/)
  })

  it('ranks cadres for a vacant post with reasons', async () => {
    await openMenu(page, w, '岗位推荐')
    const post = (await api.get('post?size=50')).items.find((p) => p.min_rank)
    await pickRemote(page, page.locator('[data-test=post-select]'), post.name)
    await page.locator(ROWS('post-candidates')).first().waitFor()
    await settle(page, w)
    const want = await api.get(`post/${post.id}/candidates?k=10`)
    const names = await page.locator('[data-test=candidate-name]').allInnerTexts()
    assert.deepEqual(names.map((s) => s.trim()), want.items.map((c) => c.name))
    const first = await page.locator(ROWS('post-candidates')).first().innerText()
    for (const r of want.items[0].reasons) assert.ok(first.includes(r), r)
    const info = await page.locator('[data-test=post-info]').innerText()
    assert.ok(info.includes(post.unit) && info.includes(post.min_rank), info)
    await screenshot(page, 'post-candidates')
  })

  it('opens 干部画像 from a cadre\'s drawer', async () => {
    await openMenu(page, w, '干部')
    await page.locator('[data-test=entity-table] .el-table__body-wrapper .name-link').first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    await drawer.locator('[data-test=detail-portrait]').click()
    await page.waitForURL((u) => /^\/cadre\/\d+\/portrait$/.test(u.pathname))
    await page.locator('[data-test=portrait-timeline]').waitFor()
    await settle(page, w)
    const cadre = Number(new URL(page.url()).pathname.split('/')[2])
    const want = await api.get(`cadre/${cadre}/portrait`)
    const profile = await page.locator('[data-test=portrait-profile]').innerText()
    assert.ok(profile.includes(want.person.name) && profile.includes(want.cadre.unit), profile)
    assert.ok(profile.includes(want.expert.is_expert ? '专家型干部' : '非专家型'))
    assert.ok(profile.includes('认定规则'))
    const timeline = await page.locator('[data-test=portrait-timeline]').innerText()
    for (const t of want.timeline) assert.ok(timeline.includes(t.text), t.text)
    const training = await page.locator('[data-test=portrait-training]').innerText()
    assert.ok(training.includes(`合计 ${want.training.total.toFixed(1)} 学时`), training)
    await screenshot(page, 'cadre-portrait')
  })
})
