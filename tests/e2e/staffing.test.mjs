// The 干部配备 page (千名干部百项攻坚) in a real browser: choose two demo key
// projects and solve, which shows the plan per project as the API solves it
// (staff with scores and reasons); exclude one cadre and solve again, which
// drops the cadre from that project; save the two plans, compare them (the
// excluded cadre only in the first), and apply the second after the
// confirmation, which reports the members written and marks it 已应用.
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  ADMIN_PASSWORD,
  apiClient,
  browserSuite,
  dialog,
  messageBox,
  openMenu,
  screenshot,
  settle,
  signIn,
} from './harness.mjs'

const PROJECT = '[data-test=plan-project]'
const PLAN_ROWS = '[data-test=plans] .el-table__body-wrapper .el-table__row'

describe('干部配备 page', () => {
  let srv, browser, ctx, page, w, api

  const t = browserSuite()

  before(async () => {
    ;({ srv, browser, ctx, page, w } = t)
    api = await apiClient(srv.base, 'admin', ADMIN_PASSWORD)
  })

  async function both(p, name) {
    await p.waitForTimeout(300)
    await screenshot(p, name)
    await p.setViewportSize({ width: 1920, height: 1080 })
    await p.waitForTimeout(400)
    await screenshot(p, name)
    await p.setViewportSize({ width: 1366, height: 768 })
    await p.waitForTimeout(100)
  }

  /** The plan as the page shows it: [{name, staff: [cadre ids]}]. */
  async function shownPlan() {
    const out = []
    const projects = page.locator(PROJECT)
    for (let i = 0; i < (await projects.count()); i++) {
      const p = projects.nth(i)
      const ids = await p.locator('[data-test=staff-name]').evaluateAll((els) => els.map((e) => Number(e.dataset.cadre)))
      out.push({ name: (await p.locator('[data-test=project-name]').innerText()).trim(), staff: ids })
    }
    return out
  }
  const expected = (plan) => plan.projects.map((p) => ({ name: p.name, staff: p.staff.map((m) => m.cadre_id) }))

  async function savePlan(name) {
    await page.locator('[data-test=save]').click()
    const d = dialog(page)
    await d.waitFor()
    await d.locator('.el-form-item', { hasText: '方案名称' }).locator('input').fill(name)
    await d.locator('[data-test=save-confirm]').click()
    await d.waitFor({ state: 'hidden' })
    await settle(page, w)
    await page.locator(PLAN_ROWS, { hasText: name }).waitFor()
  }

  async function pick(selector, text) {
    await page.locator(`${selector} .el-select__wrapper`).click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
    await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' })
  }

  it('solves, excludes a cadre, re-solves, saves and compares two plans, applies one', async () => {
    // two demo projects that the solver staffs
    const projects = (await api.get(`project?status=${encodeURIComponent('筹备,实施中')}&size=50&sort=id`)).items
    let chosen = null
    let want = null
    for (let i = 0; i + 1 < projects.length && !chosen; i++) {
      const ids = [projects[i].id, projects[i + 1].id]
      const r = await api.post('assignments/solve', { project_ids: ids })
      if (r.projects[0].staff.length >= 2) {
        chosen = [projects[i], projects[i + 1]]
        want = r
      }
    }
    assert.ok(chosen, 'the demo city has two key projects the solver staffs')

    await signIn(page, w, srv.base, 'admin', ADMIN_PASSWORD)
    await openMenu(page, w, '干部配备')
    assert.equal(new URL(page.url()).pathname, '/staffing')
    await page.locator('.el-empty__description', { hasText: '选择攻坚项目后点击“求解”' }).waitFor()

    for (const p of chosen) {
      await page.locator('[data-test=projects] .el-select__wrapper').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: p.name }).first().click()
    }
    await page.keyboard.press('Escape')
    await page.locator('[data-test=solve]').click()
    await settle(page, w)
    await page.locator(PROJECT).first().waitFor()
    assert.deepEqual(await shownPlan(), expected(want))
    assert.equal((await page.locator('[data-test=total]').innerText()).trim(), String(want.total))
    assert.equal((await page.locator('[data-test=filled]').innerText()).trim(), String(want.filled))
    const firstRow = page.locator(PROJECT).first().locator('.el-table__body-wrapper .el-table__row').first()
    const reasons = await firstRow.innerText()
    assert.match(reasons, /专业特长匹配 \[/)
    assert.ok(reasons.includes(String(want.projects[0].staff[0].score)))
    await both(page, 'staffing-plan')
    await savePlan('方案一')

    // exclude the first cadre of the first project and solve again
    const out = want.projects[0].staff[0]
    await firstRow.locator('[data-test=exclude]').click()
    await page.locator('[data-test=exclusion-tag]', { hasText: out.name }).waitFor()
    assert.ok(await page.locator('[data-test=save]').isDisabled(), 'a changed request must be solved before saving')
    await page.locator('[data-test=solve]').click()
    await settle(page, w)
    const want2 = await api.post('assignments/solve', {
      project_ids: chosen.map((p) => p.id),
      exclusions: [{ project_id: chosen[0].id, cadre_id: out.cadre_id }],
    })
    const shown2 = await shownPlan()
    assert.deepEqual(shown2, expected(want2))
    assert.ok(!shown2[0].staff.includes(out.cadre_id), 'the excluded cadre is off the project')
    await savePlan('方案二')

    const saved = (await api.get('staffing_plan?sort=-id')).items
    assert.deepEqual(saved.map((s) => s.name), ['方案二', '方案一'])
    assert.deepEqual(saved.map((s) => s.status), ['草稿', '草稿'])

    // compare 方案一 with 方案二
    await pick('[data-test=cmp-a]', '方案一')
    await pick('[data-test=cmp-b]', '方案二')
    await page.locator('[data-test=compare]').click()
    const cmp = dialog(page)
    await cmp.waitFor()
    await settle(page, w)
    const onlyA = await cmp.locator('[data-test=only-a]').allInnerTexts()
    assert.ok(onlyA.map((s) => s.trim()).includes(out.name), `${out.name} only in 方案一: ${onlyA}`)
    const delta = want2.total - want.total
    assert.ok((await cmp.locator('[data-test=compare-delta]').innerText()).includes(delta > 0 ? `+${delta}` : String(delta)))
    await both(page, 'staffing-compare')
    await cmp.locator('.el-dialog__footer button', { hasText: '关闭' }).click()
    await cmp.waitFor({ state: 'hidden' })

    // apply 方案二 after the confirmation
    const row = page.locator(PLAN_ROWS, { hasText: '方案二' })
    await row.locator('[data-test=apply]').click()
    const confirm = messageBox(page)
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /方案二/)
    await confirm.locator('.el-message-box__btns button', { hasText: '应用' }).click()
    const done = page.locator('.el-message-box:visible', { hasText: '应用完成' })
    await done.waitFor()
    assert.ok((await done.innerText()).includes(`新增 ${want2.filled} 名项目干部`), await done.innerText())
    await page.waitForTimeout(300)
    await screenshot(page, 'staffing-applied')
    await done.locator('button', { hasText: '知道了' }).click()
    await settle(page, w)
    assert.equal((await row.locator('[data-test=plan-status]').innerText()).trim(), '已应用')
    assert.equal(await row.locator('[data-test=apply]').count(), 0, 'an applied plan offers no 应用')
    const members = await api.get(`project_member?project_id=${chosen[0].id}&source=${encodeURIComponent('方案')}&size=200`)
    assert.deepEqual(
      members.items.map((m) => m.cadre_id).sort((a, b) => a - b),
      want2.projects[0].staff.map((m) => m.cadre_id).sort((a, b) => a - b),
    )
    await both(page, 'staffing-plans')
  })
})
