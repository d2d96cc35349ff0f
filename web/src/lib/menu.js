// The left menu: work areas in a fixed order, each holding the pages of
// the entities in that group (from the descriptors) plus the few
// purpose-built pages. A group the user can open nothing in is left out.
import { computed } from 'vue'
import { meta, canRead, entityMeta } from './meta.js'
import { hasPerm, session } from './session.js'

export const GROUPS = ['产业链', '人才', '干部', '组织', '台账', '系统']

export const GROUP_ICONS = {
  产业链: 'Connection',
  人才: 'User',
  干部: 'Avatar',
  组织: 'OfficeBuilding',
  台账: 'Notebook',
  系统: 'Setting',
}

// Purpose-built pages, shown first in their group when the entities they
// read exist and the user may read them. `replaces`: entities whose generic
// list the page stands in for in the menu (still reachable at /e/<name>).
export const SPECIAL_PAGES = [
  // 一张图 is a page of its own, not a tab of 首页: it drills city → cluster →
  // chain → enterprise with the level in the URL (back button, shared links),
  // and 首页 stays the quick 465 overview every reader lands on
  {
    path: '/onemap',
    label: '一张图',
    group: '产业链',
    needs: ['cluster', 'chain', 'enterprise', 'talent', 'need'],
  },
  { path: '/chains', label: '产业链图谱', group: '产业链', needs: ['chain', 'segment', 'enterprise'] },
  {
    path: '/catalog',
    label: '紧缺人才目录',
    group: '人才',
    needs: ['catalog', 'catalog_entry'],
    replaces: ['catalog', 'catalog_entry'],
  },
  { path: '/match', label: '人岗匹配', group: '人才', needs: ['need', 'talent'] },
  {
    path: '/recruit',
    label: '“531”引才地图',
    group: '人才',
    needs: ['source_point', 'recruit_event'],
  },
  {
    path: '/staffing',
    label: '干部配备',
    group: '干部',
    needs: ['project', 'cadre', 'staffing_plan'],
    replaces: ['staffing_plan'],
  },
  { path: '/ledger', label: '攻坚台账', group: '干部', needs: ['project', 'project_milestone'] },
  { path: '/posts', label: '岗位推荐', group: '干部', needs: ['post', 'cadre'] },
  {
    path: '/evaluation',
    label: '季季评',
    group: '干部',
    needs: ['eval_round', 'eval_subject', 'eval_score'],
    replaces: ['eval_subject', 'eval_score'],
  },
  {
    path: '/training',
    label: '干部培训',
    group: '干部',
    needs: ['training_class', 'enrollment', 'cadre'],
  },
  { path: '/tempering', label: '琢璞计划', group: '干部', needs: ['tempering', 'cadre'] },
  // 组织体系: the tree in both hierarchies, the org card and 学习教育 (a tab);
  // the health card per chain is also opened from 产业链图谱
  { path: '/orgs', label: '组织体系', group: '组织', needs: ['org', 'org_link', 'study_session'] },
  { path: '/chain-health', label: '产业链健康卡', group: '组织', needs: ['chain', 'org', 'chain_duty'] },
  // 进园助企大走访: the problem ledger stands in for the generic problem list
  { path: '/problems', label: '问题台账', group: '台账', needs: ['problem'], replaces: ['problem'] },
  {
    path: '/services',
    label: '人才服务',
    group: '人才',
    needs: ['service_request', 'talent'],
    replaces: ['service_request'],
  },
]

// The pages of the three separated administrator roles (三权分立), each
// shown to the holder of one permission only; the audit page stands in for
// the generic audit_log list.
export const ADMIN_PAGES = [
  { path: '/admin/users', label: '用户管理', group: '系统', perm: 'user.admin' },
  { path: '/admin/security', label: '安全策略', group: '系统', perm: 'security.admin' },
  { path: '/admin/audit', label: '审计日志', group: '系统', perm: 'audit.read', replaces: ['audit_log'] },
]

export const HOME = { path: '/', label: '首页', perm: 'data.read' }

function specialAllowed(p) {
  return p.needs.every((n) => {
    const e = entityMeta(n)
    return e && canRead(e)
  })
}

export const menuGroups = computed(() => {
  if (!session.user || !meta.loaded) return []
  const known = new Set(GROUPS)
  const extra = [...new Set(meta.entities.map((e) => e.group))].filter((g) => g && !known.has(g))
  const admin = ADMIN_PAGES.filter((p) => hasPerm(p.perm))
  const replaced = new Set(
    [...SPECIAL_PAGES.filter(specialAllowed), ...admin].flatMap((p) => p.replaces || []),
  )
  return [...GROUPS, ...extra]
    .map((g) => {
      const items = [
        ...SPECIAL_PAGES.filter((p) => p.group === g && specialAllowed(p)).map((p) => ({
          path: p.path,
          label: p.label,
        })),
        ...admin.filter((p) => p.group === g).map((p) => ({ path: p.path, label: p.label })),
        ...meta.entities
          .filter((e) => e.group === g && canRead(e) && !replaced.has(e.name))
          .map((e) => ({ path: `/e/${e.name}`, label: e.label })),
      ]
      return { name: g, icon: GROUP_ICONS[g] || 'Menu', items }
    })
    .filter((g) => g.items.length > 0)
})

export const homeAllowed = computed(() => hasPerm(HOME.perm))

/** Where to go after sign-in: 首页, or the first page the user may open. */
export function landingPath() {
  if (homeAllowed.value) return '/'
  const g = menuGroups.value[0]
  return g ? g.items[0].path : '/forbidden'
}
