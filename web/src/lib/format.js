// Number, date and value formatting for tables, cards and detail views.

const nf = new Map()
function numberFormat(min, max, grouping) {
  const key = `${min}/${max}/${grouping}`
  if (!nf.has(key)) {
    nf.set(
      key,
      new Intl.NumberFormat('zh-CN', {
        minimumFractionDigits: min,
        maximumFractionDigits: max,
        useGrouping: grouping,
      }),
    )
  }
  return nf.get(key)
}

export function isEmpty(v) {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
}

/** 1234567.5 → "1,234,567.5"; digits = max fraction digits. */
export function formatNumber(v, digits = 2, minDigits = 0) {
  if (isEmpty(v) || Number.isNaN(Number(v))) return '—'
  return numberFormat(minDigits, digits, true).format(Number(v))
}

/** An amount in 亿元: 19900 → "1.99万亿元", 4150.36 → "4,150.36亿元". */
export function formatYi(v, { unit = true } = {}) {
  if (isEmpty(v)) return '—'
  const n = Number(v)
  if (Math.abs(n) >= 10000) {
    return `${numberFormat(0, 2, true).format(n / 10000)}${unit ? '万亿元' : '万亿'}`
  }
  return `${numberFormat(2, 2, true).format(n)}${unit ? '亿元' : '亿'}`
}

/** 41.4047 → "41.4%". */
export function formatPercent(v, digits = 1) {
  if (isEmpty(v)) return '—'
  return `${numberFormat(digits, digits, false).format(Number(v))}%`
}

/** "2026-11-26T19:05:24Z" → "2026-11-26 19:05:24" in local time. */
export function formatDateTime(s) {
  if (isEmpty(s)) return '—'
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return String(s)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(
    d.getMinutes(),
  )}:${p(d.getSeconds())}`
}

// Integers that are codes or years rather than quantities.
function isCodeLike(field) {
  return (
    field.name === 'id' ||
    field.name.endsWith('_id') ||
    field.name === 'year' ||
    field.name === 'sort_order' ||
    /年度|ID|代码|编号|排序/.test(field.label || '')
  )
}

/**
 * A field's value as text for tables and detail views. row supplies
 * _labels for references; returns '—' for empty values.
 */
export function formatField(field, value, row) {
  if (field.type === 'ref') {
    if (isEmpty(value)) return '—'
    return (row && row._labels && row._labels[field.name]) || `#${value}`
  }
  if (isEmpty(value)) return '—'
  switch (field.type) {
    case 'bool':
      return value ? '是' : '否'
    case 'integer':
      return isCodeLike(field) ? String(value) : formatNumber(value, 0)
    case 'decimal':
      // money to the fen, other measures as precise as stored (2 places at most)
      return /元/.test(field.label || '') ? formatNumber(value, 2, 2) : formatNumber(value, 2)
    case 'datetime':
      return formatDateTime(value)
    case 'tags':
      return Array.isArray(value) ? value.join('、') : String(value)
    default:
      return Array.isArray(value) ? value.join('、') : String(value)
  }
}

/** Column width for a field type in list tables. */
export function columnWidth(field) {
  switch (field.type) {
    case 'bool':
      return { width: Math.max(88, 14 * (field.label || '').length + 28) }
    case 'date':
      return { width: 116 }
    case 'datetime':
      return { width: 170 }
    case 'uscc':
    case 'idcard':
      return { width: 184 }
    case 'mobile':
      return { width: 130 }
    case 'integer':
    case 'decimal': {
      // numbers are short: long labels wrap onto two header lines
      const chars = Math.min(Math.max((field.label || '').length, 4), 8)
      return { width: Math.max(field.type === 'integer' ? 90 : 110, 14 * chars + (field.sortable ? 60 : 32)) }
    }
    case 'enum':
      return { minWidth: 100 }
    case 'ref':
      return { minWidth: 120 }
    case 'tags':
      return { minWidth: 160 }
    default: {
      const len = field.max_len || 200
      if (len <= 20) return { minWidth: 110 }
      if (len <= 60) return { minWidth: 140 }
      if (len <= 100) return { minWidth: 200 }
      return { minWidth: 160 }
    }
  }
}

export function isNumeric(field) {
  return field.type === 'integer' || field.type === 'decimal'
}
