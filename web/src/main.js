import { createApp } from 'vue'
import icons from './lib/icons.js'
import App from './App.vue'
import router from './router.js'
import element from './lib/element.js'
import { onUnauthorized } from './lib/api.js'
import { clearSession } from './lib/session.js'
import { resetMeta } from './lib/meta.js'
import './styles.css'

// A call answering 401 means the session ended: back to sign-in, once.
onUnauthorized(() => {
  const current = router.currentRoute.value
  if (current.name === 'login') return
  clearSession()
  resetMeta()
  router.replace({ name: 'login', query: { expired: '1', redirect: current.fullPath } })
})

const app = createApp(App)
app.use(element)
for (const [name, comp] of Object.entries(icons)) app.component(`Icon${name}`, comp)
app.use(router)
app.mount('#app')
