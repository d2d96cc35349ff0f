// The map parts of ECharts and the map data, for the pages that draw maps
// (loaded with those pages, never in the main bundle). The GeoJSON comes
// from npm: the world from @surbowl/world-geo-json-zh (Unlicense; Chinese
// names, Taiwan as part of China, the ten-dash line), China's provinces
// from china-geojson (MIT, 南海诸岛 included). Each file is fetched once,
// on first use, by a dynamic import, and registered as 'world' / 'china'.
import echarts from './echarts.js'
import 'echarts/lib/chart/map'
import 'echarts/lib/chart/scatter'
import 'echarts/lib/chart/effectScatter'
import 'echarts/lib/chart/lines'
import 'echarts/lib/component/geo'

let loading = null

/** Registers the 'world' and 'china' maps (once); resolves when both are. */
export function loadMaps() {
  if (!loading) {
    loading = Promise.all([
      import('@surbowl/world-geo-json-zh/world.zh.json'),
      import('china-geojson/src/geojson/china.json'),
    ]).then(([world, china]) => {
      echarts.registerMap('world', world.default)
      echarts.registerMap('china', china.default)
    })
    loading.catch(() => {
      loading = null // try again next time
    })
  }
  return loading
}

export default echarts
