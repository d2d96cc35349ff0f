// The approval workflow in a real browser, on 评选推荐 (一建设、五争当): an
// operator's submitted nomination shows the reviewer 审核通过 / 退回修改 /
// 不予通过 in its drawer and no 编辑 (it is frozen); 退回修改 asks for a
// reason, moves it to 退回修改 and lists the step with the reason under
// 办理记录; the operator then sees 重新提交 and may edit again.
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

const OPERATOR = { username: 'op1', password: 'Operator-pass-1', role: 'operator' }
const ROWS = '[data-test=entity-table] .el-table__body-wrapper .el-table__row'

describe('approval workflow (评选推荐)', () => {
  let srv, browser, ctx, page, w, admin, op, award

  const t = browserSuite({ server: { users: [OPERATOR] } })

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    admin = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
    op = await apiClient(srv.base, OPERATOR.username, OPERATOR.password)
    const kind = (await admin.get('award_kind?name=好班长')).items[0]
    const cadre = (await admin.get('cadre?size=1')).items[0]
    const city = (await admin.get('region?level=市')).items[0]
    award = await op.post('award', {
      kind_id: kind.id, year: 2026, cadre_id: cadre.id, unit: '市发展和改革委员会', region_id: city.id,
      deeds: '牵头推进新能源产业链重大项目落地，年度目标全部完成。',
    })
    award = await op.post(`award/${award.id}/transition`, { action: 'submit' })
    assert.equal(award.status, '待审核')
  })

  async function openAward() {
    await openMenu(page, w, '评选推荐')
    // the list is the operator's first page load after signing in: give a
    // loaded machine time
    await page.locator(ROWS).first().waitFor({ timeout: 45_000 })
    await page.locator('[data-test=entity-table] .el-table__body-wrapper .name-link').first().click()
    const drawer = page.locator('.el-drawer:visible')
    await drawer.waitFor()
    await settle(page, w)
    return drawer
  }

  it('the reviewer sees the steps of 待审核 and no 编辑', async () => {
    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
    const drawer = await openAward()
    for (const a of ['review', 'return', 'reject'])
      assert.ok(await drawer.locator(`[data-test=step-${a}]`).isVisible(), a)
    assert.equal(await drawer.locator('[data-test=step-approve]').count(), 0)
    assert.equal(await drawer.locator('[data-test=detail-edit]').count(), 0, 'frozen: no 编辑')
    const hist = await drawer.locator('[data-test=workflow-history]').innerText()
    assert.ok(hist.includes('提交') && hist.includes('op1'), hist)
  })

  it('退回修改 asks for a reason and records it', async () => {
    const drawer = page.locator('.el-drawer:visible')
    await drawer.locator('[data-test=step-return]').click()
    const box = messageBox(page)
    await box.waitFor()
    await box.locator('textarea').fill('请补充项目投资额与税收贡献等量化指标')
    await screenshot(page, 'workflow-return')
    await box.locator('.el-button--primary').click()
    await box.waitFor({ state: 'hidden' })
    await settle(page, w)
    const hist = drawer.locator('[data-test=workflow-history]')
    await hist.getByText('请补充项目投资额').waitFor()
    const text = await drawer.innerText()
    assert.ok(text.includes('退回修改'), 'the state in the drawer')
    assert.equal((await admin.get(`award/${award.id}`)).status, '退回修改')
    await screenshot(page, 'workflow-history')
  })

  it('the operator sees 重新提交 and may edit again', async () => {
    await page.locator('.el-drawer:visible .el-drawer__close-btn').click()
    await page.context().clearCookies()
    await signIn(page, w, srv.base, OPERATOR.username, OPERATOR.password)
    const drawer = await openAward()
    const resubmit = drawer.locator('[data-test=step-submit]')
    assert.equal((await resubmit.innerText()).trim(), '重新提交')
    assert.ok(await drawer.locator('[data-test=detail-edit]').isEnabled())
    assert.equal(await drawer.locator('[data-test=step-review]').count(), 0, 'not a reviewer')
    await resubmit.click()
    const box = messageBox(page)
    await box.waitFor()
    await box.locator('.el-button--primary').click()
    await box.waitFor({ state: 'hidden' })
    await settle(page, w)
    assert.equal((await op.get(`award/${award.id}`)).status, '待审核')
  })
})
