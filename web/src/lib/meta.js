// The entity descriptors from /api/v1/meta/entities, loaded once per
// sign-in, and the rules deriving menus and buttons from them and from the
// user's permissions. Nothing here names a business entity except the
// stop-gap fallbacks below.
import { reactive } from 'vue'
import { api } from './api.js'
import { session, hasPerm } from './session.js'

export const meta = reactive({
  entities: [],
  roles: [],
  loaded: false,
})

let pending = null

export function loadMeta(force = false) {
  if (meta.loaded && !force) return Promise.resolve(meta)
  if (!pending) {
    pending = api
      .get('meta/entities')
      .then((data) => {
        meta.entities = data.entities || []
        meta.roles = data.roles || []
        meta.loaded = true
        return meta
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

export function resetMeta() {
  meta.entities = []
  meta.roles = []
  meta.loaded = false
}

export function entityMeta(name) {
  return meta.entities.find((e) => e.name === name) || null
}

export function entityLabel(name) {
  const e = entityMeta(name)
  return e ? e.label : name
}

export function fieldMeta(entity, name) {
  const e = typeof entity === 'string' ? entityMeta(entity) : entity
  if (!e) return null
  return e.fields.find((f) => f.name === name) || e.links.find((l) => l.name === name) || null
}

// The descriptors do not (yet) say which permission reads or writes an
// entity. Until they carry read_permission / write_permission, these
// fallbacks follow the server's role table.
const READ_PERM_FALLBACK = { audit_log: 'audit.read' }
const WRITE_PERM_FALLBACK = { region: 'structure.write' }

export function readPermission(e) {
  return e.read_permission || READ_PERM_FALLBACK[e.name] || 'data.read'
}

export function writePermission(e) {
  return (
    e.write_permission ||
    WRITE_PERM_FALLBACK[e.name] ||
    (e.scoped ? 'data.write' : 'structure.write')
  )
}

export function canRead(e) {
  return !!e && hasPerm(readPermission(e))
}

/** Create, edit and delete: scoped data needs data.write; city-wide
 *  reference data needs structure.write and a user not bound to a district. */
export function canWrite(e) {
  if (!e || e.readonly || !session.user) return false
  if (!hasPerm(writePermission(e))) return false
  return e.scoped || !!session.user.city_wide
}

/** A row's display name, as pickers and labels show it. */
export function displayOf(e, row) {
  if (!row) return ''
  const v = row[e.display]
  return v === null || v === undefined || v === '' ? `#${row.id}` : String(v)
}

/** The first reference label of a row, shown as a hint beside its name
 *  (a segment's chain, a town's district). */
export function hintOf(e, row) {
  if (!row || !row._labels) return ''
  for (const f of e.fields) {
    if (f.type === 'ref' && f.ref !== e.name && row._labels[f.name]) return row._labels[f.name]
  }
  for (const f of e.fields) {
    if (f.type === 'ref' && row._labels[f.name]) return row._labels[f.name]
  }
  return ''
}
