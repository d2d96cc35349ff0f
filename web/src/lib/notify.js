// Error and success toasts in Chinese. Errors already handled (a 401 that
// sent the user to the sign-in page) are not shown again; anything that is
// not an API error is a bug and is logged as such.
import { ElMessage } from 'element-plus'
import { ApiError } from './api.js'

export function showError(e, fallback = '操作失败，请稍后重试') {
  if (e && e.handled) return
  let message = fallback
  if (e instanceof ApiError) message = e.message || fallback
  else console.error(e)
  ElMessage({ type: 'error', message, grouping: true, showClose: true, duration: 4000 })
}

export function showSuccess(message) {
  ElMessage({ type: 'success', message, grouping: true })
}
