import { createRouter, createWebHistory } from 'vue-router'
import { session, restore, hasPerm } from './lib/session.js'
import { loadMeta } from './lib/meta.js'
import { homeAllowed, landingPath } from './lib/menu.js'
import AppLayout from './layout/AppLayout.vue'
import LoginPage from './pages/LoginPage.vue'
import PasswordPage from './pages/PasswordPage.vue'
import TotpEnrolPage from './pages/TotpEnrolPage.vue'
import AccountSecurityPage from './pages/AccountSecurityPage.vue'
import DashboardPage from './pages/DashboardPage.vue'
import ChainsPage from './pages/ChainsPage.vue'
import CatalogPage from './pages/CatalogPage.vue'
import MatchPage from './pages/MatchPage.vue'
import StaffingPage from './pages/StaffingPage.vue'
import LedgerPage from './pages/LedgerPage.vue'
import PostPage from './pages/PostPage.vue'
import CadrePortraitPage from './pages/CadrePortraitPage.vue'
import EvaluationPage from './pages/EvaluationPage.vue'
import TrainingPage from './pages/TrainingPage.vue'
import TemperingPage from './pages/TemperingPage.vue'
import EntityPage from './pages/EntityPage.vue'
import StatusPage from './pages/StatusPage.vue'
import UsersPage from './pages/UsersPage.vue'
import SecurityPolicyPage from './pages/SecurityPolicyPage.vue'
import AuditLogPage from './pages/AuditLogPage.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: '登录' } },
  { path: '/password', name: 'password', component: PasswordPage, meta: { title: '修改密码' } },
  {
    path: '/security/totp',
    name: 'totp-enrol',
    component: TotpEnrolPage,
    meta: { title: '绑定动态验证码' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: DashboardPage, meta: { title: '首页' } },
      { path: 'chains', name: 'chains', component: ChainsPage, meta: { title: '产业链图谱', perm: 'data.read' } },
      { path: 'catalog', name: 'catalog', component: CatalogPage, meta: { title: '紧缺人才目录', perm: 'data.read' } },
      { path: 'match', name: 'match', component: MatchPage, meta: { title: '人岗匹配', perm: 'data.read' } },
      { path: 'staffing', name: 'staffing', component: StaffingPage, meta: { title: '干部配备', perm: 'data.read' } },
      { path: 'ledger', name: 'ledger', component: LedgerPage, meta: { title: '攻坚台账', perm: 'data.read' } },
      { path: 'posts', name: 'posts', component: PostPage, meta: { title: '岗位推荐', perm: 'data.read' } },
      {
        path: 'cadre/:id/portrait',
        name: 'cadre-portrait',
        component: CadrePortraitPage,
        props: true,
        meta: { title: '干部画像', perm: 'data.read' },
      },
      { path: 'evaluation', name: 'evaluation', component: EvaluationPage, meta: { title: '季季评', perm: 'data.read' } },
      { path: 'training', name: 'training', component: TrainingPage, meta: { title: '干部培训', perm: 'data.read' } },
      { path: 'tempering', name: 'tempering', component: TemperingPage, meta: { title: '琢璞计划', perm: 'data.read' } },
      // 组织体系 (issue #7): the two hierarchies, 学习教育, and each chain's health card
      {
        path: 'orgs',
        name: 'orgs',
        component: () => import('./pages/OrgsPage.vue'),
        meta: { title: '组织体系', perm: 'data.read' },
      },
      {
        path: 'chain-health/:id?',
        name: 'chain-health',
        component: () => import('./pages/ChainHealthPage.vue'),
        props: true,
        meta: { title: '产业链健康卡', perm: 'data.read' },
      },
      {
        path: 'problems',
        name: 'problems',
        component: () => import('./pages/ProblemLedgerPage.vue'),
        meta: { title: '问题台账', perm: 'data.read' },
      },
      {
        path: 'services',
        name: 'services',
        component: () => import('./pages/ServicePage.vue'),
        meta: { title: '人才服务', perm: 'data.read' },
      },
      // loaded on first visit: the map data and chart types stay out of the main bundle
      {
        path: 'recruit',
        name: 'recruit',
        component: () => import('./pages/RecruitPage.vue'),
        meta: { title: '“531”引才地图', perm: 'data.read' },
      },
      {
        path: 'onemap',
        name: 'onemap',
        component: () => import('./pages/OneMapPage.vue'),
        meta: { title: '一张图', perm: 'data.read' },
      },
      { path: 'e/:entity', name: 'entity', component: EntityPage, props: true },
      // 三权分立: the pages of the three administrator roles
      { path: 'admin/users', name: 'admin-users', component: UsersPage, meta: { title: '用户管理', perm: 'user.admin' } },
      {
        path: 'admin/security',
        name: 'admin-security',
        component: SecurityPolicyPage,
        meta: { title: '安全策略', perm: 'security.admin' },
      },
      { path: 'admin/audit', name: 'admin-audit', component: AuditLogPage, meta: { title: '审计日志', perm: 'audit.read' } },
      {
        path: 'security/account',
        name: 'account-security',
        component: AccountSecurityPage,
        meta: { title: '账号安全' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: StatusPage,
        props: { kind: 'forbidden' },
        meta: { title: '无权访问' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'notfound',
        component: StatusPage,
        props: { kind: 'notfound' },
        meta: { title: '页面不存在' },
      },
    ],
  },
]

const router = createRouter({ history: createWebHistory(), routes })

/** Only same-site paths are accepted as a place to return to. */
export function safeRedirect(r) {
  return typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') && !r.startsWith('/login')
    ? r
    : null
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  let state
  try {
    state = await restore()
  } catch {
    state = 'none'
  }
  if (state !== 'ok') {
    const query = { redirect: to.fullPath }
    if (state === 'expired') query.expired = '1'
    return { name: 'login', query }
  }
  if (session.mustChange) {
    return to.name === 'password' ? true : { name: 'password', query: { redirect: to.fullPath } }
  }
  if (session.mustEnrollTotp) {
    return to.name === 'totp-enrol' ? true : { name: 'totp-enrol', query: { redirect: to.fullPath } }
  }
  if (to.name === 'totp-enrol') return true
  try {
    await loadMeta()
  } catch {
    /* the layout shows the failure; 401 has been handled */
  }
  if (to.name === 'home' && !homeAllowed.value) return landingPath()
  // a page the role may not use shows 无权访问 (the API would refuse it anyway)
  if (to.meta.perm && !hasPerm(to.meta.perm)) return { name: 'forbidden' }
  return true
})

router.afterEach((to) => {
  const t = to.meta.title
  document.title = t ? `${t} - 新质·产业链组织保障平台` : '新质·产业链组织保障平台'
})

export default router
