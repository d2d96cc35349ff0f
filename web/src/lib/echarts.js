// ECharts, with only the charts and components the UI draws. They are
// registered by their side-effect modules (echarts/lib/chart/bar …) rather
// than through the 'echarts/charts' and 'echarts/components' barrels: a
// barrel imported at start would make every chart look loaded at start, and
// the build (vite.config.js) keeps the parts only lazily loaded pages use
// (maps, treemaps) out of the start-up chunks.
import * as echarts from 'echarts/core'
import 'echarts/lib/chart/bar'
import 'echarts/lib/chart/tree'
import 'echarts/lib/component/grid'
import 'echarts/lib/component/tooltip'
import 'echarts/lib/component/legend'
import 'echarts/lib/component/markLine'
import 'echarts/lib/component/title'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([CanvasRenderer])

export default echarts
