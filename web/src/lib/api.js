// The one way the UI talks to the server: a fetch wrapper that sends the
// CSRF token on every change, turns the API's error body into an ApiError
// carrying the Chinese message, and reports a lost session (401) once.
import { session } from './session.js'

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message)
    this.status = status
    this.code = code
    this.details = Array.isArray(details) ? details : []
    this.handled = false // true once the 401 handler took care of it
  }
}

const STATUS_MESSAGES = {
  400: '请求格式不正确',
  401: '登录已过期，请重新登录',
  403: '没有执行此操作的权限',
  404: '记录不存在或无权访问',
  409: '数据冲突，请刷新后重试',
  413: '提交的内容过大',
  422: '提交的数据未通过校验',
  500: '系统内部错误，请稍后重试',
  502: '服务暂不可用，请稍后重试',
  503: '系统繁忙，请稍后重试',
}

let unauthorizedHandler = null
/** Called (once per burst) when an authenticated call answers 401. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

/** Builds /api/v1/<path>?<query>, dropping empty values. */
export function apiUrl(path, query) {
  const url = path.startsWith('/') ? path : `/api/v1/${path}`
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, Array.isArray(v) ? v.join(',') : String(v))
  }
  const qs = params.toString()
  return qs ? `${url}?${qs}` : url
}

/**
 * request('GET', 'enterprise', { query, body, auth })
 * auth: false for calls where 401 is an answer, not an expired session
 * (login, the session probe on page load).
 */
export async function request(method, path, { query, body, auth = true } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  let res
  try {
    res = await fetch(apiUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) return data
  const e = data && data.error ? data.error : {}
  const err = new ApiError(
    res.status,
    e.code || `http_${res.status}`,
    e.message || STATUS_MESSAGES[res.status] || `请求失败（${res.status}）`,
    e.details,
  )
  // the server asks for a second factor first (role in totp_required_roles):
  // the router takes the user to enrolment on the next navigation
  if (res.status === 403 && err.code === 'totp_enrollment_required') session.mustEnrollTotp = true
  if (res.status === 401 && auth && unauthorizedHandler) {
    err.handled = true
    unauthorizedHandler(err)
  }
  throw err
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, query, opts) => request('POST', path, { ...opts, body, query }),
  patch: (path, body, query) => request('PATCH', path, { body, query }),
  del: (path) => request('DELETE', path),
}
