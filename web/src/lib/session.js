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
  mustEnrollTotp: false, // the role needs TOTP and this account has none yet
})

function remember(data) {
  session.user = data.user
  session.csrf = data.csrf_token || ''
  session.mustChange = !!data.must_change_password
  session.mustEnrollTotp = !!data.user?.must_enroll_totp
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
  session.mustEnrollTotp = false
  try {
    localStorage.removeItem(FLAG)
  } catch {
    /* ignore */
  }
}

/**
 * Signs in. With TOTP on for the account, the first call (no code) answers
 * {totp_required: true} and signs nobody in: the caller asks for the code
 * and calls again with it.
 */
export async function login(username, password, totp) {
  const body = { username, password }
  if (totp) body.totp = totp
  const data = await request('POST', 'auth/login', { body, auth: false })
  if (data && data.totp_required) return data
  remember(data)
  return data
}

/** Starts TOTP enrolment: {secret, otpauth_uri, qr_svg}. */
export function totpSetup() {
  return request('POST', 'auth/totp/setup', { body: {} })
}

/** Confirms enrolment with a code from the authenticator app. */
export async function totpEnable(code) {
  const data = await request('POST', 'auth/totp/enable', { body: { code } })
  remember(data)
  return data
}

/** The password policy in force and this account's TOTP state. */
export function securityInfo() {
  return request('GET', 'auth/security')
}

/** This user's live sessions. */
export async function listSessions() {
  return (await request('GET', 'auth/sessions')).items
}

/** Ends one of this user's sessions; {current} tells whether it was this one. */
export function endSession(id) {
  return request('DELETE', `auth/sessions/${id}`)
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
