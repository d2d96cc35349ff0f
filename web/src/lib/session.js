// The signed-in user and the CSRF token. The session cookie itself is
// HttpOnly; a flag in localStorage only remembers that this browser was
// signed in, so a reload knows to ask /auth/me and can tell an expired
// session from a first visit.
import { reactive } from 'vue'
import { request } from './api.js'

const FLAG = 'xinzhi.signed_in'

export const session = reactive({
  user: null,
  csrf: '',
  mustChange: false,
})

function remember(data) {
  session.user = data.user
  session.csrf = data.csrf_token || ''
  session.mustChange = !!data.must_change_password
  try {
    localStorage.setItem(FLAG, '1')
  } catch {
    /* private mode: nothing to remember */
  }
}

export function clearSession() {
  session.user = null
  session.csrf = ''
  session.mustChange = false
  try {
    localStorage.removeItem(FLAG)
  } catch {
    /* ignore */
  }
}

export async function login(username, password) {
  const data = await request('POST', 'auth/login', { body: { username, password }, auth: false })
  remember(data)
  return data
}

/** 'ok' (signed in), 'none' (never signed in here) or 'expired'. */
export async function restore() {
  if (session.user) return 'ok'
  let flagged = false
  try {
    flagged = localStorage.getItem(FLAG) === '1'
  } catch {
    flagged = false
  }
  if (!flagged) return 'none'
  try {
    remember(await request('GET', 'auth/me', { auth: false }))
    return 'ok'
  } catch (e) {
    if (e.status === 401) {
      clearSession()
      return 'expired'
    }
    throw e
  }
}

export async function logout() {
  try {
    await request('POST', 'auth/logout', { auth: false })
  } finally {
    clearSession()
  }
}

export async function changePassword(oldPassword, newPassword) {
  const data = await request('POST', 'auth/password', {
    body: { old_password: oldPassword, new_password: newPassword },
  })
  remember(data)
  return data
}

export function hasPerm(p) {
  return !!session.user && (session.user.permissions || []).includes(p)
}
