// The 紧缺人才目录 page in a real browser: compiling a catalog, its entries
// grouped by cluster and chain with stars and grades, filters, publishing
// (and the catalog frozen afterwards), a second compile after the needs
// changed and the diff between the two, the xlsx download and the printable
// page; a district user sees the catalog but cannot compile or publish.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  dialog,
  DISTRICT,
  messageBox,
  openMenu as openMenuOf,
  screenshot,
  settle,
  signIn,
  watch,
} from './harness.mjs'

const ROWS = '[data-test=entries] .el-table__body-wrapper .el-table__row'
const GRADES = ['一般紧缺', '紧缺', '非常紧缺']
const YEAR = 2026

describe('紧缺人才目录 page', () => {
  let srv, browser, ctx, page, w, api

  const t = browserSuite({ context: { acceptDownloads: true } })

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
  })

  async function both(name) {
    await page.waitForTimeout(300) // charts finish their animation
    await screenshot(page, name)
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.waitForTimeout(400)
    await screenshot(page, name)
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.waitForTimeout(100)
  }

  async function compileInUi() {
    await page.click('[data-test=compile]')
    const dlg = dialog(page)
    await dlg.waitFor()
    await dlg.locator('[data-test=compile-year] input').fill(String(YEAR))
    const post = page.waitForResponse((r) => r.url().endsWith('/api/v1/catalog/compile') && r.request().method() === 'POST')
    await dlg.locator('[data-test=compile-submit]').click()
    const res = await post
    assert.equal(res.status(), 201)
    const c = await res.json()
    await dlg.waitFor({ state: 'hidden' })
    await page.waitForURL((u) => u.searchParams.get('id') === String(c.id))
    await settle(page, w)
    return c
  }

  let first = null

  it('starts empty, then compiles a draft and shows its entries with stars and grades', async () => {
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
    await openMenuOf(page, w, '紧缺人才目录')
    assert.equal(new URL(page.url()).pathname, '/catalog')
    await page.locator('.el-empty__description', { hasText: '尚未编制紧缺人才目录' }).waitFor()
    await screenshot(page, 'catalog-empty')
    assert.equal(await page.locator('.el-menu-item', { hasText: '紧缺人才目录条目' }).count(), 0, 'the generic lists are replaced')

    first = await compileInUi()
    assert.equal(first.status, '草稿')
    assert.ok(first.entry_count > 0, 'the demo city has open needs')
    assert.equal((await page.locator('[data-test=catalog-status]').innerText()).trim(), '草稿')
    assert.equal((await page.locator('[data-test=catalog-title]').innerText()).trim(), first.title)
    assert.equal(await page.locator('[data-test=catalog-list] .el-table__body-wrapper .el-table__row').count(), 1)

    const entries = (await api.get(`catalog_entry?catalog_id=${first.id}&size=200&sort=sort_order`)).items
    assert.equal(entries.length, first.entry_count)
    const rows = page.locator(ROWS)
    assert.equal(await rows.count(), Math.min(50, entries.length))
    // the first row: grouped cluster and chain, the post, its stars and grade
    const e = entries[0]
    const cells = await rows.first().locator('td').allInnerTexts()
    assert.equal(cells[0].trim(), e._labels.cluster_id)
    assert.equal(cells[1].trim(), e._labels.chain_id)
    assert.equal(cells[2].trim(), e.post_name)
    assert.equal(cells[3].trim(), e.typical_education)
    const stars = (await rows.first().locator('[data-test=stars]').innerText()).trim()
    assert.equal(stars, '★'.repeat(e.stars) + '☆'.repeat(5 - e.stars))
    assert.equal((await rows.first().locator('[data-test=grade]').innerText()).trim(), e.grade)
    for (const g of await page.locator(`${ROWS} [data-test=grade]`).allInnerTexts()) assert.ok(GRADES.includes(g.trim()), g)
    // the cluster column is merged over the rows of a cluster
    const sameCluster = entries.slice(0, 50).filter((x) => x.cluster_id === e.cluster_id).length
    assert.equal(await rows.first().locator('td').first().getAttribute('rowspan'), String(sameCluster))

    const method = await page.locator('[data-test=method]').innerText()
    for (const s of ['供需缺口', '40%', '非常紧缺', 'v1']) assert.ok(method.includes(s), s)
    assert.equal(await page.locator('[data-test=grade-chart] canvas').count(), 1)
    assert.equal(await page.locator('[data-test=top-chart] canvas').count(), 1)
    await both('catalog')
    // the longer method notes fold out
    assert.ok(!method.includes('合格供给'))
    await page.click('[data-test=method-toggle]')
    assert.match(await page.locator('[data-test=method]').innerText(), /合格供给[\s\S]*在锡人才/)
    await page.click('[data-test=method-toggle]')
    // the table itself, scrolled into view
    await page.locator('[data-test=entries]').scrollIntoViewIfNeeded()
    await both('catalog-entries')
    await page.locator('[data-test=catalog-list]').scrollIntoViewIfNeeded()
  })

  it('filters the entries by grade and by chain', async () => {
    const grade = '非常紧缺'
    const want = await api.get(`catalog_entry?catalog_id=${first.id}&grade=${encodeURIComponent(grade)}&size=200`)
    await page.locator('[data-filter=grade] .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^\\s*${grade}\\s*$`) }).click()
    await settle(page, w)
    const grades = await page.locator(`${ROWS} [data-test=grade]`).allInnerTexts()
    assert.equal(grades.length, Math.min(50, want.total))
    assert.ok(grades.every((g) => g.trim() === grade))
    await page.getByRole('button', { name: '重置' }).click()

    const chain = want.items[0]
    const inChain = await api.get(`catalog_entry?catalog_id=${first.id}&chain_id=${chain.chain_id}&size=200`)
    await page.locator('[data-filter=chain] .el-select__wrapper').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: chain._labels.chain_id }).first().click()
    await settle(page, w)
    assert.equal(await page.locator(ROWS).count(), inChain.total)
    await page.getByRole('button', { name: '重置' }).click()
    await settle(page, w)
  })

  it('publishes after a confirmation; the published catalog cannot be published again', async () => {
    await page.click('[data-test=publish]')
    const box = messageBox(page)
    await box.waitFor()
    assert.match(await box.innerText(), /不再改动/)
    await page.waitForTimeout(300)
    await screenshot(page, 'catalog-publish-confirm')
    const post = page.waitForResponse((r) => r.url().endsWith(`/api/v1/catalog/${first.id}/publish`))
    await box.getByRole('button', { name: '确认发布' }).click()
    assert.equal((await post).status(), 200)
    await settle(page, w)
    assert.equal((await page.locator('[data-test=catalog-status]').innerText()).trim(), '已发布')
    assert.equal(await page.locator('[data-test=publish]').count(), 0, 'no publish button on a published catalog')
    const fresh = await api.get(`catalog/${first.id}`)
    assert.equal(fresh.status, '已发布')
    assert.ok(fresh.published_at)
    assert.match(await page.locator('[data-test=catalog-list]').innerText(), /已发布/)
  })

  it('compiles again after the needs changed and shows the diff against the published catalog', async () => {
    // two open needs are closed behind the page's back: their posts leave the catalog
    const open = (await api.get('need?status=%E5%BC%80%E6%94%BE&size=2')).items
    for (const n of open) await api.patch(`need/${n.id}`, { version: n.version, status: '已关闭' })
    const second = await compileInUi()
    assert.equal((await page.locator('[data-test=catalog-status]').innerText()).trim(), '草稿')
    assert.equal(await page.locator('[data-test=catalog-list] .el-table__body-wrapper .el-table__row').count(), 2)
    const want = await api.get(`catalog/${second.id}/diff?against=${first.id}`)
    assert.ok(want.gone.length + want.down.length + want.up.length > 0, 'closing needs changes the catalog')

    await page.click('[data-test=diff]')
    const dlg = dialog(page)
    await dlg.waitFor()
    await settle(page, w)
    assert.match(await dlg.locator('[data-test=diff-against]').innerText(), new RegExp(`编号 ${first.id}，已发布`))
    const note = await dlg.locator('.diff-note').innerText()
    for (const [k, label] of [['new', '新增'], ['gone', '移出'], ['up', '升高'], ['down', '降低']]) {
      assert.ok(note.replace(/\s+/g, '').includes(`${label}${want[k].length}个`), `${label}: ${note}`)
      assert.ok((await dlg.locator('.el-tabs__item').allInnerTexts()).some((t) => t.includes(`（${want[k].length}）`)))
    }
    if (want.gone.length) {
      await dlg.locator('.el-tabs__item', { hasText: '移出岗位' }).click()
      const pane = dlg.locator('.el-tab-pane:visible')
      assert.ok((await pane.innerText()).includes(want.gone[0].post_name))
    }
    await page.waitForTimeout(300)
    await screenshot(page, 'catalog-diff')
    await dlg.locator('.el-dialog__headerbtn').click()
    await dlg.waitFor({ state: 'hidden' })
  })

  it('downloads the Excel file and opens the printable page', async () => {
    const id = new URL(page.url()).searchParams.get('id')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-xlsx]')])
    assert.match(download.suggestedFilename(), /紧缺人才需求目录-\d+\.xlsx$/)
    assert.ok(download.url().endsWith(`/api/v1/catalog/${id}/export?format=xlsx`))

    const [popup] = await Promise.all([ctx.waitForEvent('page'), page.click('[data-test=print]')])
    await popup.waitForLoadState()
    assert.ok(popup.url().endsWith(`/api/v1/catalog/${id}/export?format=html`), popup.url())
    assert.match(await popup.locator('body').innerText(), /紧缺人才需求目录/)
    await popup.close()
    await settle(page, w)
  })

  it('shows a district user the catalogs without compile or publish', async () => {
    const other = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const p2 = await other.newPage()
    p2.setDefaultTimeout(15_000)
    const w2 = watch(p2, srv.base)
    try {
      await signIn(p2, w2, srv.base, DISTRICT.username, DISTRICT.password)
      await openMenuOf(p2, w2, '紧缺人才目录')
      await p2.locator(ROWS).first().waitFor()
      assert.equal(await p2.locator('[data-test=compile]').count(), 0)
      assert.equal(await p2.locator('[data-test=publish]').count(), 0)
      assert.equal(await p2.locator('[data-test=catalog-list] .el-table__body-wrapper .el-table__row').count(), 2)
      assert.deepEqual(w2.problems, [])
    } finally {
      await other.close()
    }
  })
})
