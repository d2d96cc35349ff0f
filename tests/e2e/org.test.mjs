// 组织体系 in a real browser on the small demo city: the tree loads in the
// territorial hierarchy, the switch to 链上 regroups it by chain, finding an
// alliance and clicking it shows its card with the member units the API
// lists and the subtree totals; the 学习教育 tab counts sessions per quarter
// and 只看… keeps the flagged orgs; 产业链图谱 opens the chain's 健康卡 with
// the coverage, duties and problems the API gives; the 干部画像 lists a
// cadre's chain duties.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN_PASSWORD, apiClient, browserSuite, navigate, openMenu, screenshot, settle, signIn } from './harness.mjs'

const ROWS = (t) => `[data-test=${t}] .el-table__body-wrapper .el-table__row`

describe('组织体系 and 产业链健康卡', () => {
  let srv, page, w, api

  const t = browserSuite()

  before(async () => {
    ;({ srv, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
  })

  it('loads the tree, switches hierarchy and shows an alliance card with its members', async () => {
    await openMenu(page, w, '组织体系')
    const tree = page.locator('[data-test=org-tree]')
    await tree.locator('.org-node').first().waitFor()
    const territory = await api.get('org/tree?hierarchy=territory')
    const city = territory.items.find((o) => o.parent === null && o.kind === '党委')
    assert.ok(await tree.locator(`.org-node[data-org="${city.id}"]`).isVisible(), 'the city committee is a root')
    // a card is shown from the start
    await page.locator('[data-test=org-card] .card-title').waitFor()

    await page.locator('[data-test=hierarchy-switch] label', { hasText: '链上' }).click()
    await settle(page, w)
    assert.match(page.url(), /hierarchy=chain/)
    await tree.locator('.chain-node').first().waitFor()
    const chainTree = await api.get('org/tree?hierarchy=chain')
    const chains = new Set(chainTree.items.filter((o) => o.parent === null).map((o) => o.chain_name))
    assert.equal(await tree.locator('.chain-node').count(), chains.size, 'one group per chain')

    const alliance = chainTree.items.find((o) => o.kind === '党建联盟')
    const links = await api.get(`org_link?org_id=${alliance.id}&size=50`)
    assert.ok(links.total > 0, 'the demo alliance has member units')
    await page.locator('.tree-tools .tree-filter input').fill(alliance.name)
    await settle(page, w)
    await tree.locator(`.org-node[data-org="${alliance.id}"]`).click()
    await settle(page, w)
    const card = page.locator('[data-test=org-card]')
    assert.equal((await card.locator('.card-title h3').innerText()).trim(), alliance.name)
    assert.equal(await page.locator(ROWS('org-members')).count(), links.total)
    const first = links.items.find((l) => l.member_kind === '企业')
    assert.ok((await page.locator('[data-test=org-members]').innerText()).includes(first._labels.enterprise_id))
    const sub = await api.get(`org/${alliance.id}/subtree?hierarchy=chain`)
    const totals = await page.locator('[data-test=org-totals]').innerText()
    assert.ok(totals.includes(`${sub.totals.orgs} 个组织`), totals)
    assert.ok(totals.includes('链上下级合计'), totals)
    assert.match(page.url(), new RegExp(`org=${alliance.id}`))
    await screenshot(page, 'orgs-alliance')

    // the same org's territorial subtree after switching back
    await page.locator('[data-test=hierarchy-switch] label', { hasText: '属地' }).click()
    await settle(page, w)
    assert.ok((await page.locator('[data-test=org-totals]').innerText()).includes('属地下级合计'))
  })

  it('counts study sessions per quarter and keeps the flagged orgs', async () => {
    await page.locator('.el-tabs__item', { hasText: '学习教育' }).click()
    await settle(page, w)
    const year = new Date().getFullYear()
    const q = await api.get(`study_session/quarterly?year=${year}`)
    await page.locator(ROWS('study-table')).first().waitFor()
    const summary = await page.locator('[data-test=study-summary]').innerText()
    assert.ok(summary.includes(`${q.orgs} 个组织`) && summary.includes(`${q.flagged} 个有季度未开展第一议题`), summary)
    assert.equal(await page.locator(ROWS('study-table')).count(), Math.min(50, q.orgs))
    await page.locator('[data-test=flagged-only]').click()
    await settle(page, w)
    const rows = await page.locator(ROWS('study-table')).count()
    assert.equal(rows, Math.min(50, q.flagged))
    assert.equal(await page.locator('[data-test=study-table] [data-test=study-flag]').count(), rows)
    await screenshot(page, 'orgs-study')
  })

  it('opens a chain\'s health card from 产业链图谱', async () => {
    await openMenu(page, w, '产业链图谱')
    await page.locator('[data-test=open-health]').click()
    await settle(page, w)
    const m = /chain-health\/(\d+)/.exec(page.url())
    assert.ok(m, page.url())
    const h = await api.get(`chain/${m[1]}/health`)
    await page.locator('[data-test=health-coverage]').waitFor()
    const committee = await page.locator('[data-test=health-committee]').innerText()
    assert.ok(committee.includes(h.committee.name), committee)
    const coverage = await page.locator('[data-test=health-coverage]').innerText()
    assert.ok(coverage.includes(`${h.key_enterprises.covered} / ${h.key_enterprises.total} 家`), coverage)
    assert.equal(await page.locator(ROWS('health-uncovered')).count(), h.key_enterprises.uncovered_list.length)
    const duty = await page.locator('[data-test=health-duty]').innerText()
    for (const [kind, n] of Object.entries(h.on_duty.by_kind)) assert.ok(duty.includes(`${n}\n${kind}`), duty)
    assert.equal((await page.locator('[data-test=health-overdue]').innerText()).trim(), String(h.problems.overdue))
    await screenshot(page, 'chain-health')

    // another chain from the picker
    const chains = await api.get('chain?size=2&sort=id')
    const other = chains.items.find((c) => String(c.id) !== m[1])
    await page.locator('[data-test=health-chain]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: other.name }).first().click()
    await settle(page, w)
    assert.match(page.url(), new RegExp(`chain-health/${other.id}$`))
  })

  it('shows a cadre\'s chain duties on the 干部画像', async () => {
    const duty = (await api.get('chain_duty?kind=干部挂链服务&size=50')).items[0]
    const cadre = (await api.get(`cadre?person_id=${duty.person_id}`)).items[0]
    assert.ok(cadre, 'a demo 挂链 duty belongs to a cadre')
    await navigate(page, w, () => page.goto(`${srv.base}/cadre/${cadre.id}/portrait`))
    const box = page.locator('[data-test=portrait-duties]')
    await box.waitFor()
    const text = await box.innerText()
    assert.ok(text.includes('干部挂链服务') && text.includes(duty._labels.chain_id), text)
  })
})
