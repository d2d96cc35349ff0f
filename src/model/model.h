/*
 * Entity descriptors: each entity is declared once, as data, and the engine,
 * import/export, validation, permissions, audit, OpenAPI and the UI's forms
 * all read the same declaration. A descriptor names its table, its fields
 * (type, zh-CN label, flags, enum values, referenced entity), its
 * many-to-many links, whether it is soft-deleted, which permission writing
 * it needs, and its scope path: the chain of reference fields by which a row
 * reaches a region ("region_id", "enterprise_id.region_id"), which the engine
 * turns into one data-scope filter for every read and write.
 *
 * Descriptors are static and immutable; nothing here is freed.
 */
#ifndef XZ_MODEL_H
#define XZ_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
	FT_TEXT,
	FT_INT,
	FT_DECIMAL,
	FT_DATE,
	FT_ENUM,
	FT_REF,
	FT_TAGS,
	FT_BOOL,
	FT_IDCARD, /* 身份证号, GB 11643 */
	FT_USCC,   /* 统一社会信用代码, GB 32100 */
	FT_MOBILE,
	FT_DATETIME, /* system-set timestamps, read-only */
};

enum field_flag {
	F_REQUIRED = 1u << 0,
	F_UNIQUE = 1u << 1,    /* unique among live rows */
	F_SEARCH = 1u << 2,    /* included in q text search */
	F_FILTER = 1u << 3,    /* offered as a list filter in the UI */
	F_SORT = 1u << 4,      /* offered as a sort key */
	F_SENSITIVE = 1u << 5, /* masked in lists and exports */
	F_NATKEY = 1u << 6,    /* part of the natural key (unique together) */
	F_READONLY = 1u << 7,  /* set by the system, never by a client */
	F_LIST = 1u << 8,      /* shown as a column in list views */
};

enum perm {
	PERM_NONE = 0,
	PERM_DATA_READ = 1u << 0,
	PERM_DATA_WRITE = 1u << 1,
	PERM_STRUCTURE_WRITE = 1u << 2, /* regions, clusters, chains, segments */
	PERM_USER_ADMIN = 1u << 3,
	PERM_AUDIT_READ = 1u << 4,
	PERM_PII_REVEAL = 1u << 5, /* see 身份证号, mobile, family in clear (audited) */
	PERM_SECURITY_ADMIN = 1u << 6, /* security policy settings, role/permission matrix */
	/* pseudo-permissions in the route table, resolved through the entity */
	PERM_ENTITY_READ = 1u << 29,
	PERM_ENTITY_WRITE = 1u << 30,
};

struct field {
	const char *name;
	enum field_type type;
	const char *label;
	unsigned flags;
	const char *const *enum_values; /* FT_ENUM: NULL-terminated */
	const char *ref;                /* FT_REF: referenced entity name */
	int max_len;                    /* FT_TEXT: max characters (0 = 200) */
	double min, max;                /* FT_INT/FT_DECIMAL bounds when min < max */
	const char *help;               /* zh-CN hint for forms */
};

/* A many-to-many link stored in its own table, exposed as an array of ids. */
struct link {
	const char *name;   /* JSON name, e.g. "segment_ids" */
	const char *label;  /* zh-CN */
	const char *table;  /* link table */
	const char *self;   /* column holding this entity's id */
	const char *other;  /* column holding the other entity's id */
	const char *entity; /* the other entity */
};

struct entity;
struct json_t;
struct model_errors;

/* Extra validation beyond field types: row is the merged record (existing
 * values overlaid with the change; id is 0 on create); report problems with
 * model_error(). Hooks live in src/domain/ and may read the database. */
struct store;
typedef void (*model_validate_hook)(const struct entity *e, struct store *db, long long id,
                                    json_t *row, struct model_errors *errs);

/* What a committed write did; see struct entity's changed hook. */
enum change_kind {
	CHANGE_CREATE,
	CHANGE_UPDATE,
	CHANGE_DELETE,
	CHANGE_MANY, /* an unknown set of rows (id 0): a whole import committed */
};

/* Called by the engine after a write of one row has committed (never after
 * a rollback or a no-op update), so that in-memory derivatives such as the
 * matching index can follow the data. A write nested in a larger
 * transaction (a row of an import) is not reported: the rows are not
 * visible to others until the outer commit, after which the importer
 * reports CHANGE_MANY. It must not write to the database. */
typedef void (*model_change_hook)(const struct entity *e, int64_t id, enum change_kind kind);

/* Refuses a write for a reason outside the row's own state, e.g. a score of
 * a published evaluation round: returns true, with a Chinese message in msg,
 * when the write (what: "新增", "修改", "删除") must be refused as a conflict
 * (409). row is the stored row (update, delete) or the new row (create). It
 * may read the database, never write it. */
typedef bool (*model_frozen_hook)(const struct entity *e, struct store *db, json_t *row,
                                  const char *what, char *msg, size_t n);

enum entity_flag {
	E_SOFT_DELETE = 1u << 0,
	E_READONLY = 1u << 1, /* no create/update/delete through the API */
	E_NO_TIMESTAMPS = 1u << 2,
};

/*
 * A workflow: the states of one enum field and the steps between them, each
 * taken by the roles it names (approval flows, the problem ledger). The
 * field is read-only to create/update; a new row starts in the state given
 * as the column's default in its migration; only engine_transition() moves
 * it, writing a history row and an audit row.
 */
enum wf_flag {
	WF_COMMENT = 1u << 0,    /* a comment is required (returns, rejections) */
	WF_OTHER_USER = 1u << 1, /* not by the user who took the previous step */
};

struct wf_step {
	const char *action; /* stable code: "submit", "approve" … */
	const char *label;  /* zh-CN: 提交, 批准 … */
	const char *from, *to;
	const char *roles; /* comma-separated role names that may take it */
	unsigned flags;    /* enum wf_flag */
	/* What else the step writes into the row, all optional (NULL: nothing),
	 * each a field of the entity, checked by model_check():
	 * input   — a read-only field the step sets from the request body's member
	 *           of the same name, required and checked against the field's type
	 *           (an enum's values): 回访 records the enterprise's satisfaction;
	 * stamp   — a read-only date field set to the current date (UTC+8, the
	 *           test clock in test builds) when the step is taken: 受理日期;
	 * comment_to — a read-only text field the step's comment is copied into:
	 *           办结 keeps its comment as the 办理结果;
	 * clear   — a read-only field emptied by the step: 重新办理 clears the
	 *           办结日期. */
	const char *input;
	const char *stamp;
	const char *comment_to;
	const char *clear;
};

struct workflow {
	const char *field; /* the state field */
	const struct wf_step *steps;
	size_t nsteps;
	/* states in which the record may still be edited or deleted (a
	 * submitted nomination is frozen); NULL: always */
	const char *const *editable;
};

struct entity {
	const char *name;  /* API path segment and descriptor key */
	const char *table;
	const char *label; /* zh-CN */
	const char *group; /* UI work area: 产业链, 人才, 干部, 组织, 台账, 系统 */
	const struct field *fields;
	size_t nfields;
	const struct link *links;
	size_t nlinks;
	unsigned flags;
	const char *display;      /* field naming a row in pickers and labels */
	const char *default_sort; /* e.g. "-id" */
	/* Scope path to a region reference; "" marks the region entity itself;
	 * NULL means unscoped (city-wide reference data). */
	const char *scope;
	unsigned perm_read, perm_write;
	model_validate_hook validate;
	/* A reference whose target is imported and exported in the same row:
	 * a talent's sheet carries the person's columns too ("person_id"). */
	const char *embed;
	model_change_hook changed; /* NULL: nobody listens */
	const struct workflow *workflow; /* NULL: no states */
	model_frozen_hook frozen;        /* NULL: no outside reason to refuse a write */
};

/* Validation errors collected by the engine and hooks. */
struct model_errors {
	json_t *details; /* array of {field, code, message[, row]} */
	json_t *warnings; /* array of {field, code, message} that a confirm may accept */
};

void model_error(struct model_errors *errs, const char *field, const char *code,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void model_warning(struct model_errors *errs, const char *field, const char *code,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

const struct entity *model_find(const char *name);
const struct entity *model_at(size_t i); /* NULL past the end */
size_t model_count(void);
const struct field *model_field(const struct entity *e, const char *name);
const struct link *model_link(const struct entity *e, const char *name);
const char *model_type_name(enum field_type t);
/* "data.read", "structure.write" …: a single permission's name, NULL for none */
const char *model_perm_name(unsigned perm);

/* Checks every descriptor for internal consistency (references resolve,
 * scope paths end at region, enums have values, display field exists).
 * Returns the number of problems, each printed to stderr. */
int model_check(void);

/* The descriptors as JSON, for /api/v1/meta/entities. Caller owns the result. */
json_t *model_to_json(void);

#endif
