// “531”引才地图 in a real browser on the small demo city: the page draws the
// world map with the overseas points and the China map with the cities and
// universities (both canvases painted, not blank), the plan strip shows the
// covered points per kind as the API counts them, the point table lists
// every point and filters by kind, the cluster table every cluster, and
// another year reloads the figures.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN_PASSWORD, apiClient, browserSuite, openMenu, screenshot, settle, signIn } from './harness.mjs'

const ROWS = (t) => `[data-test=${t}] .el-table__body-wrapper .el-table__row`

/** How many pixels of the chart's canvas differ from its background. */
async function painted(page, test) {
  return page.locator(`[data-test=${test}] canvas`).first().evaluate((c) => {
    const ctx = c.getContext('2d')
    const { data } = ctx.getImageData(0, 0, c.width, c.height)
    let n = 0
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240)) n++
    return n
  })
}

describe('“531”引才地图', () => {
  let srv, page, w, api
  const t = browserSuite()

  before(async () => {
    ;({ srv, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
  })

  it('draws both maps, the plan strip and every point', async () => {
    await openMenu(page, w, '“531”引才地图')
    assert.match(page.url(), /\/recruit$/)
    await page.locator('[data-test=recruit-world] canvas').first().waitFor()
    await page.locator('[data-test=recruit-china] canvas').first().waitFor()
    await settle(page, w, 800) // the maps' first frame and the ripple animation start
    assert.ok((await painted(page, 'recruit-world')) > 5000, 'world map painted')
    assert.ok((await painted(page, 'recruit-china')) > 5000, 'China map painted')

    const year = new Date().getFullYear()
    const k = await api.get(`recruit/kpis?year=${year}`)
    for (const p of k.plan) {
      const card = page.locator(`[data-test="plan-${p.kind}"]`)
      assert.equal((await card.locator('[data-test=covered]').innerText()).trim(), String(p.covered), p.kind)
      assert.ok((await card.innerText()).includes(`计划 ${p.planned} 个`), p.kind)
    }
    const totals = await page.locator('[data-test=recruit-totals]').innerText()
    assert.ok(totals.includes(`${k.totals.events}`) && totals.includes('场活动'), totals)

    const rows = page.locator(ROWS('points-table'))
    assert.equal(await rows.count(), k.points.length)
    const names = await page.locator(`${ROWS('points-table')} td:first-child`).allInnerTexts()
    for (const p of k.points) assert.ok(names.some((s) => s.trim() === p.name), p.name)
    assert.equal(await page.locator(ROWS('clusters-table')).count(), k.clusters.length)
    await screenshot(page, 'recruit-map')
  })

  it('filters the point table by kind', async () => {
    await page.locator('[data-test=kind-filter]').getByText('海外区域', { exact: true }).click()
    await settle(page, w)
    const rows = page.locator(ROWS('points-table'))
    assert.equal(await rows.count(), 5)
    for (const s of await rows.allInnerTexts()) assert.ok(s.includes('海外区域'), s)
    await page.locator('[data-test=kind-filter]').getByText('全部', { exact: true }).click()
    await settle(page, w)
  })

  it('another year reloads the figures', async () => {
    const last = new Date().getFullYear() - 1
    await page.locator('[data-test=recruit-year]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: `${last}年` }).click()
    await settle(page, w, 500)
    const k = await api.get(`recruit/kpis?year=${last}`)
    const card = page.locator('[data-test="plan-高校"]')
    assert.equal((await card.locator('[data-test=covered]').innerText()).trim(),
      String(k.plan.find((p) => p.kind === '高校').covered))
    assert.ok((await page.locator('[data-test=recruit-totals]').innerText()).includes(`${last}年合计`))
    assert.ok((await painted(page, 'recruit-china')) > 5000)
    await screenshot(page, 'recruit-map-last-year')
  })
})
