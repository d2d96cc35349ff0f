// 一张图 in a real browser on the small demo city: the city level lists the
// 15 clusters with their figures and draws the revenue treemap; clicking a
// cluster, then a chain, drills down (the URL and the breadcrumb follow, the
// rows are the API's), an enterprise opens its detail drawer, and the
// breadcrumb climbs back to the city. A district user sees the district's
// counts.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  DISTRICT,
  apiClient,
  browserSuite,
  navigate,
  openMenu,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const ROWS = '[data-test=onemap-table] .el-table__body-wrapper .el-table__row'
const DRILL = `${ROWS} [data-test=onemap-drill]`

describe('一张图', () => {
  let srv, page, w, api
  const t = browserSuite()

  before(async () => {
    ;({ srv, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
  })

  const crumbs = async () =>
    (await page.locator('[data-test=onemap-crumbs] .el-breadcrumb__item').allInnerTexts()).map((s) =>
      s.replace(/›/g, '').trim())

  it('shows the city: a row per cluster, the cards and the treemap', async () => {
    await openMenu(page, w, '一张图')
    assert.match(page.url(), /\/onemap$/)
    const city = await api.get('onemap')
    await page.locator(ROWS).first().waitFor()
    assert.equal(await page.locator(ROWS).count(), city.rows.length)
    const names = (await page.locator(DRILL).allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(names, city.rows.map((r) => r.name))
    await page.locator('[data-test=onemap-chart] canvas').first().waitFor()
    const talents = await page.locator('[data-test=onemap-talents]').innerText()
    assert.ok(talents.includes(String(city.totals.talents)), talents)
    assert.deepEqual(await crumbs(), [city.name])
    await screenshot(page, 'onemap-city')
  })

  it('drills city → cluster → chain → enterprise and back', async () => {
    const city = await api.get('onemap')
    const cluster = city.rows.find((r) => r.chains >= 2) || city.rows[0]
    await page.locator(DRILL).filter({ hasText: cluster.name }).first().click()
    await page.waitForURL(/level=cluster/)
    await settle(page, w)
    const cl = await api.get(`onemap?level=cluster&id=${cluster.id}`)
    assert.deepEqual(await crumbs(), [city.name, cluster.name])
    assert.deepEqual((await page.locator(DRILL).allInnerTexts()).map((s) => s.trim()), cl.rows.map((r) => r.name))
    assert.ok((await page.locator('[data-test=onemap-enterprises]').innerText()).includes(String(cl.totals.enterprises)))
    await screenshot(page, 'onemap-cluster')

    const chain = cl.rows.find((r) => r.enterprises > 0)
    await page.locator(DRILL).filter({ hasText: chain.name }).first().click()
    await page.waitForURL(/level=chain/)
    await settle(page, w)
    const ch = await api.get(`onemap?level=chain&id=${chain.id}`)
    assert.deepEqual(await crumbs(), [city.name, cluster.name, chain.name])
    assert.equal(await page.locator(ROWS).count(), ch.rows.length)
    assert.equal((await page.locator(DRILL).first().innerText()).trim(), ch.rows[0].name)
    await page.locator('[data-test=onemap-chart] canvas').first().waitFor()
    await screenshot(page, 'onemap-chain')

    await page.locator(DRILL).first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    assert.ok((await drawer.innerText()).includes(ch.rows[0].name))
    await screenshot(page, 'onemap-enterprise')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // back up: the browser's back button to the cluster, the breadcrumb to the city
    await page.goBack()
    await page.waitForURL(/level=cluster/)
    await settle(page, w)
    assert.deepEqual(await crumbs(), [city.name, cluster.name])
    await page.locator('[data-test=onemap-crumbs] a').first().click()
    await page.waitForURL((u) => !u.search)
    await settle(page, w)
    assert.equal(await page.locator(ROWS).count(), city.rows.length)
  })

  it('a district user sees the district\'s counts', async () => {
    await page.context().clearCookies()
    await signIn(page, w, srv.base, DISTRICT.username, DISTRICT.password)
    const mine = await apiClient(srv.base, DISTRICT.username, DISTRICT.password)
    const city = await mine.get('onemap')
    const all = await api.get('onemap')
    assert.ok(city.totals.enterprises < all.totals.enterprises)
    await navigate(page, w, () => page.goto(`${srv.base}/onemap`))
    await page.locator(ROWS).first().waitFor()
    const ents = await page.locator('[data-test=onemap-enterprises]').innerText()
    assert.ok(ents.includes(`${city.totals.enterprises} 家`), ents)
    assert.ok((await page.locator('.page-head').innerText()).includes('320281'))
    await screenshot(page, 'onemap-district')
  })
})
