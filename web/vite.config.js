import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The UI is served by `xinzhi serve --web web/dist` at "/", assets under
// /assets/ with long cache headers. `npm run dev` proxies the API to a
// local server (XINZHI_API, default http://127.0.0.1:8080).
// Libraries carry links to their own documentation in development
// warnings; the build drops them so the output names no outside address
// (XML namespace identifiers stay: they are names, not locations).
function dropDocLinks() {
  const doc = /https?:\/\/(?:element-plus\.org|vuejs\.org|github\.com|echarts\.apache\.org)[^'"`\s)]*/g
  return {
    name: 'xinzhi-drop-doc-links',
    renderChunk(code) {
      return code.search(doc) >= 0 ? { code: code.replace(doc, ''), map: null } : null
    },
  }
}

// Whether a module is reached from the entry by static imports alone.
const atStart = new Map()
function loadedAtStart(id, getModuleInfo) {
  if (atStart.has(id)) return atStart.get(id)
  const seen = new Set([id])
  const todo = [id]
  let found = false
  while (todo.length && !found) {
    const m = getModuleInfo(todo.pop())
    if (!m) continue
    if (m.isEntry) found = true
    for (const up of m.importers) {
      if (!seen.has(up)) {
        seen.add(up)
        todo.push(up)
      }
    }
  }
  atStart.set(id, found)
  return found
}

export default defineConfig({
  plugins: [vue(), dropDocLinks()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // ECharts in a chunk of its own, cached apart from the app. (Putting
        // Element Plus in a manual chunk defeats its tree-shaking.) Only the
        // parts the app loads at start go there: the map and treemap parts,
        // reached only from lazily loaded pages (一张图, 531 引才地图), stay
        // with those pages.
        manualChunks(id, { getModuleInfo }) {
          if (!/node_modules\/(echarts|zrender)\//.test(id)) return undefined
          return loadedAtStart(id, getModuleInfo) ? 'echarts' : undefined
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.XINZHI_API || 'http://127.0.0.1:8080',
      '/healthz': process.env.XINZHI_API || 'http://127.0.0.1:8080',
    },
  },
})
