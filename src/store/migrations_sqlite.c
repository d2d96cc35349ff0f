/*
 * SQLite schema, as versioned migrations. Never edit a released migration:
 * append a new one. Entity tables carry id, version (optimistic
 * concurrency), created_at/updated_at and, when soft-deleted, deleted_at;
 * uniqueness among live rows is a partial unique index. Column names match
 * the descriptors in src/model/entities.c (a unit test checks this).
 */
#include "store/migrate.h"

#define ENTITY_COLS                                                                    \
	"id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1, "                 \
	"created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), "    \
	"updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), "

static const char v1[] =
	"CREATE TABLE region (" ENTITY_COLS
	" deleted_at TEXT, code TEXT NOT NULL, name TEXT NOT NULL, level TEXT NOT NULL,"
	" parent_id INTEGER REFERENCES region(id));"
	"CREATE UNIQUE INDEX region_code ON region(code) WHERE deleted_at IS NULL;"
	"CREATE INDEX region_parent ON region(parent_id);"

	"CREATE TABLE cluster (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, tier TEXT NOT NULL, target_2025 REAL,"
	" sort_order INTEGER, description TEXT);"
	"CREATE UNIQUE INDEX cluster_name ON cluster(name) WHERE deleted_at IS NULL;"

	"CREATE TABLE cluster_stat (" ENTITY_COLS
	" cluster_id INTEGER NOT NULL REFERENCES cluster(id), year INTEGER NOT NULL,"
	" revenue REAL NOT NULL, strategic_share REAL, hightech_share REAL,"
	" enterprise_count INTEGER);"
	"CREATE UNIQUE INDEX cluster_stat_key ON cluster_stat(cluster_id, year);"

	"CREATE TABLE chain (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, cluster_id INTEGER NOT NULL REFERENCES cluster(id),"
	" chain_leader TEXT, description TEXT);"
	"CREATE UNIQUE INDEX chain_name ON chain(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX chain_cluster ON chain(cluster_id);"

	"CREATE TABLE segment (" ENTITY_COLS
	" deleted_at TEXT, chain_id INTEGER NOT NULL REFERENCES chain(id),"
	" parent_id INTEGER REFERENCES segment(id), name TEXT NOT NULL, stage TEXT NOT NULL,"
	" bottleneck INTEGER NOT NULL DEFAULT 0, sort_order INTEGER, description TEXT);"
	"CREATE INDEX segment_chain ON segment(chain_id);"
	"CREATE INDEX segment_parent ON segment(parent_id);"

	"CREATE TABLE park (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES region(id),"
	" level TEXT, kind TEXT, address TEXT);"
	"CREATE UNIQUE INDEX park_name ON park(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX park_region ON park(region_id);"

	"CREATE TABLE enterprise (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, uscc TEXT NOT NULL,"
	" region_id INTEGER NOT NULL REFERENCES region(id), park_id INTEGER REFERENCES park(id),"
	" legal_rep TEXT, established TEXT, registered_capital REAL, employees INTEGER,"
	" revenue REAL, above_scale INTEGER NOT NULL DEFAULT 0,"
	" high_tech INTEGER NOT NULL DEFAULT 0, srdi INTEGER NOT NULL DEFAULT 0,"
	" main_products TEXT, address TEXT);"
	"CREATE UNIQUE INDEX enterprise_uscc ON enterprise(uscc) WHERE deleted_at IS NULL;"
	"CREATE INDEX enterprise_region ON enterprise(region_id);"
	"CREATE INDEX enterprise_park ON enterprise(park_id);"

	"CREATE TABLE enterprise_segment ("
	" enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
	" segment_id INTEGER NOT NULL REFERENCES segment(id),"
	" PRIMARY KEY (enterprise_id, segment_id)) WITHOUT ROWID;"
	"CREATE INDEX enterprise_segment_seg ON enterprise_segment(segment_id);"

	"CREATE TABLE institution (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, kind TEXT NOT NULL, level TEXT,"
	" region_id INTEGER NOT NULL REFERENCES region(id),"
	" cluster_id INTEGER REFERENCES cluster(id), description TEXT);"
	"CREATE UNIQUE INDEX institution_name ON institution(name) WHERE deleted_at IS NULL;"

	"";

static const char v2[] =
	"CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
	" display_name TEXT, password_hash TEXT NOT NULL, role TEXT NOT NULL,"
	" region_id INTEGER REFERENCES region(id), must_change_password INTEGER NOT NULL DEFAULT 0,"
	" disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, last_login_at TEXT);"

	"CREATE TABLE session (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL REFERENCES user(id), csrf_token TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" ip TEXT, user_agent TEXT);"
	"CREATE INDEX session_user ON session(user_id);"

	"CREATE TABLE api_token (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL REFERENCES user(id), name TEXT NOT NULL,"
	" created_at TEXT NOT NULL, expires_at INTEGER, last_used_at TEXT);"

	"CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, user_id INTEGER,"
	" username TEXT, ip TEXT, action TEXT NOT NULL, entity TEXT, entity_id INTEGER,"
	" result TEXT NOT NULL, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_entity ON audit_log(entity, entity_id);"

	"CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/* Sensitive columns (idcard, mobile, family) hold SM4-sealed text; idcard_hash
 * is the keyed lookup hash that uniqueness and search by 身份证号 use. */
static const char v3[] =
	"CREATE TABLE person (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, idcard TEXT NOT NULL, idcard_hash TEXT NOT NULL,"
	" gender TEXT, birth_date TEXT, ethnicity TEXT, native_place TEXT, mobile TEXT,"
	" education TEXT, degree TEXT, school TEXT, major TEXT, title TEXT,"
	" political_status TEXT, work_start TEXT,"
	" region_id INTEGER NOT NULL REFERENCES region(id), family TEXT);"
	"CREATE UNIQUE INDEX person_idcard ON person(idcard_hash) WHERE deleted_at IS NULL;"
	"CREATE INDEX person_region ON person(region_id);"
	"CREATE INDEX person_name ON person(name);"

	"CREATE TABLE person_photo (person_id INTEGER PRIMARY KEY REFERENCES person(id),"
	" mime TEXT NOT NULL, data BLOB NOT NULL);"

	"CREATE TABLE cadre (" ENTITY_COLS
	" deleted_at TEXT, person_id INTEGER NOT NULL REFERENCES person(id), unit TEXT NOT NULL,"
	" post TEXT NOT NULL, rank TEXT, position_level TEXT, level TEXT NOT NULL,"
	" region_id INTEGER NOT NULL REFERENCES region(id), expertise TEXT,"
	" chain_id INTEGER REFERENCES chain(id), appointed TEXT);"
	"CREATE UNIQUE INDEX cadre_person ON cadre(person_id) WHERE deleted_at IS NULL;"
	"CREATE INDEX cadre_region ON cadre(region_id);"

	"CREATE TABLE career (" ENTITY_COLS
	" person_id INTEGER NOT NULL REFERENCES person(id), start_date TEXT NOT NULL,"
	" end_date TEXT, unit_post TEXT NOT NULL, raw_line TEXT);"
	"CREATE INDEX career_person ON career(person_id);"

	"CREATE TABLE talent (" ENTITY_COLS
	" deleted_at TEXT, person_id INTEGER NOT NULL REFERENCES person(id),"
	" category TEXT NOT NULL, level TEXT, skills TEXT, field TEXT,"
	" chain_id INTEGER REFERENCES chain(id), enterprise_id INTEGER REFERENCES enterprise(id),"
	" experience_years INTEGER, source TEXT, status TEXT);"
	"CREATE UNIQUE INDEX talent_person ON talent(person_id) WHERE deleted_at IS NULL;"
	"CREATE INDEX talent_chain ON talent(chain_id);"

	"CREATE TABLE party_member (" ENTITY_COLS
	" deleted_at TEXT, person_id INTEGER NOT NULL REFERENCES person(id),"
	" org_name TEXT NOT NULL, join_date TEXT, status TEXT);"
	"CREATE UNIQUE INDEX party_member_person ON party_member(person_id) WHERE deleted_at IS NULL;"

	"CREATE TABLE skill (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, parent_id INTEGER REFERENCES skill(id),"
	" synonyms TEXT, cluster_id INTEGER REFERENCES cluster(id), description TEXT);"
	"CREATE UNIQUE INDEX skill_name ON skill(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX skill_parent ON skill(parent_id);"

	"CREATE TABLE need (" ENTITY_COLS
	" deleted_at TEXT, enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
	" segment_id INTEGER REFERENCES segment(id), post_name TEXT NOT NULL,"
	" post_category TEXT NOT NULL, headcount INTEGER NOT NULL, education TEXT, skills TEXT,"
	" experience TEXT, certificate TEXT, salary_min REAL, salary_max REAL,"
	" urgency TEXT NOT NULL, status TEXT NOT NULL, published TEXT, deadline TEXT,"
	" description TEXT);"
	"CREATE INDEX need_enterprise ON need(enterprise_id);"
	"CREATE INDEX need_segment ON need(segment_id);";

/* The shortage catalog: a catalog row records its method (weights, bands,
 * version) so a published one can be reproduced; entries are written once
 * at compile time and never changed (a published catalog is frozen, a new
 * compile makes a new draft). The entries' index column is shortage_index
 * because INDEX is an SQL keyword. */
static const char v4[] =
	"CREATE TABLE catalog (" ENTITY_COLS
	" year INTEGER NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, method TEXT NOT NULL,"
	" compiled_at TEXT NOT NULL, published_at TEXT, entry_count INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX catalog_year ON catalog(year);"

	"CREATE TABLE catalog_entry (" ENTITY_COLS
	" catalog_id INTEGER NOT NULL REFERENCES catalog(id),"
	" cluster_id INTEGER REFERENCES cluster(id), chain_id INTEGER NOT NULL REFERENCES chain(id),"
	" post_name TEXT NOT NULL, demand REAL NOT NULL, demand_count INTEGER NOT NULL,"
	" supply INTEGER NOT NULL, shortage_index REAL NOT NULL, stars INTEGER NOT NULL,"
	" grade TEXT NOT NULL, typical_education TEXT, typical_experience TEXT,"
	" typical_skills TEXT, salary_min REAL, salary_max REAL, sort_order INTEGER NOT NULL);"
	"CREATE INDEX catalog_entry_catalog ON catalog_entry(catalog_id, sort_order);";

/* 千名干部百项攻坚: key projects and the cadres staffing them. A member
 * row is unique per project and cadre (the natural key); expertise is a JSON
 * array of tags like the cadre's. */
static const char v5[] =
	"CREATE TABLE project (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, chain_id INTEGER NOT NULL REFERENCES chain(id),"
	" lead_unit TEXT, headcount INTEGER NOT NULL, expertise TEXT, start_date TEXT,"
	" end_date TEXT, status TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES region(id),"
	" description TEXT);"
	"CREATE UNIQUE INDEX project_name ON project(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX project_chain ON project(chain_id);"

	"CREATE TABLE project_member (" ENTITY_COLS
	" project_id INTEGER NOT NULL REFERENCES project(id),"
	" cadre_id INTEGER NOT NULL REFERENCES cadre(id), role TEXT NOT NULL, joined TEXT,"
	" source TEXT);"
	"CREATE UNIQUE INDEX project_member_pair ON project_member(project_id, cadre_id);"
	"CREATE INDEX project_member_cadre ON project_member(cadre_id);";

/* Saved staffing plans (配备方案): the request as solved on the server and
 * its result, both JSON text, so two plans can be compared and one applied
 * later exactly as it was shown. region_id is the saving user's region (NULL
 * for unrestricted users): the plan's data scope. */
static const char v6[] =
	"CREATE TABLE staffing_plan (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, note TEXT, status TEXT NOT NULL,"
	" request TEXT NOT NULL, result TEXT NOT NULL, total INTEGER NOT NULL,"
	" filled INTEGER NOT NULL, unfilled INTEGER NOT NULL, created_by TEXT,"
	" region_id INTEGER REFERENCES region(id), applied_at TEXT, applied_by TEXT);"
	"CREATE INDEX staffing_plan_region ON staffing_plan(region_id);";

/* Sign-in security (等保): when the password was last set (periodic
 * change), consecutive failures and the lock they lead to, and the TOTP
 * second factor: the secret sealed with the key file (crypto_seal), a
 * pending secret during enrolment, and the last time step used so a code
 * cannot be used twice. */
static const char v7[] =
	"ALTER TABLE user ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE user ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE user ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE user ADD COLUMN totp_secret TEXT;"
	"ALTER TABLE user ADD COLUMN totp_pending TEXT;"
	"ALTER TABLE user ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE user ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;"
	"UPDATE user SET password_changed_at = CAST(strftime('%s', 'now') AS INTEGER);";

/* Workflows (one mechanism for approvals and ledgers): the history of every
 * step taken on any record, and the first user of it, 一建设、五争当 awards:
 * the kinds the city sets (seeded with the three named in the work plan) and
 * the nominations that go through 提交 → 审核 → 批准. */
static const char v8[] =
	"CREATE TABLE workflow_step (id INTEGER PRIMARY KEY, entity TEXT NOT NULL,"
	" entity_id INTEGER NOT NULL, action TEXT NOT NULL, label TEXT NOT NULL,"
	" from_state TEXT NOT NULL, to_state TEXT NOT NULL, user_id INTEGER, username TEXT,"
	" role TEXT, comment TEXT, ts TEXT NOT NULL);"
	"CREATE INDEX workflow_step_row ON workflow_step(entity, entity_id);"

	"CREATE TABLE award_kind (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, target TEXT NOT NULL,"
	" description TEXT, active INTEGER NOT NULL DEFAULT 1);"
	"CREATE UNIQUE INDEX award_kind_name ON award_kind(name) WHERE deleted_at IS NULL;"
	"INSERT INTO award_kind (name, target, description) VALUES"
	" ('好班子', '班子', '一建设：政治坚定、担当作为、团结协作、实绩突出的领导班子'),"
	" ('好班长', '个人', '五争当：带班子、抓落实成效突出的党政正职'),"
	" ('好助手', '个人', '五争当：分管工作走在前列、配合主要负责同志有力的班子成员');"

	"CREATE TABLE award (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, kind_id INTEGER NOT NULL REFERENCES award_kind(id),"
	" year INTEGER NOT NULL, team_name TEXT, cadre_id INTEGER REFERENCES cadre(id),"
	" unit TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES region(id), deeds TEXT NOT NULL,"
	" status TEXT NOT NULL DEFAULT '草稿');"
	"CREATE INDEX award_kind_year ON award(kind_id, year);"
	"CREATE INDEX award_cadre ON award(cadre_id);"
	"CREATE INDEX award_region ON award(region_id);";

/* 百项攻坚 milestones (progress and overdue detection for the project ledger)
 * and vacant posts (岗位) that the post recommendation ranks cadres for. */
static const char v9[] =
	"CREATE TABLE project_milestone (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, project_id INTEGER NOT NULL REFERENCES project(id),"
	" name TEXT NOT NULL, due_date TEXT NOT NULL, done_date TEXT, note TEXT);"
	"CREATE INDEX project_milestone_project ON project_milestone(project_id);"
	"CREATE UNIQUE INDEX project_milestone_name ON project_milestone(project_id, name)"
	" WHERE deleted_at IS NULL;"

	"CREATE TABLE post (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, unit TEXT NOT NULL,"
	" level TEXT NOT NULL, min_rank TEXT, expertise TEXT, chain_id INTEGER REFERENCES chain(id),"
	" region_id INTEGER NOT NULL REFERENCES region(id), status TEXT NOT NULL,"
	" description TEXT);"
	"CREATE INDEX post_region ON post(region_id);";

/* Data scope variants (全部 / 自定义 / 本区划 / 本区划及下级 / 仅本人): the
 * user's scope kind ('' keeps the old rule: region_tree with a region, all
 * without), the custom region codes as a JSON array, and on every table the
 * engine creates rows in, the id of the user who created the row (NULL for
 * rows older than this migration and for system writes). staffing_plan
 * already shows its creator's name as created_by, so its id column is
 * created_by_id (see query_owner_column()). */
static const char v10[] =
	"ALTER TABLE user ADD COLUMN scope TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE user ADD COLUMN scope_regions TEXT;"
	"ALTER TABLE region ADD COLUMN created_by INTEGER;"
	"ALTER TABLE cluster ADD COLUMN created_by INTEGER;"
	"ALTER TABLE cluster_stat ADD COLUMN created_by INTEGER;"
	"ALTER TABLE chain ADD COLUMN created_by INTEGER;"
	"ALTER TABLE segment ADD COLUMN created_by INTEGER;"
	"ALTER TABLE park ADD COLUMN created_by INTEGER;"
	"ALTER TABLE enterprise ADD COLUMN created_by INTEGER;"
	"ALTER TABLE institution ADD COLUMN created_by INTEGER;"
	"ALTER TABLE person ADD COLUMN created_by INTEGER;"
	"ALTER TABLE cadre ADD COLUMN created_by INTEGER;"
	"ALTER TABLE career ADD COLUMN created_by INTEGER;"
	"ALTER TABLE talent ADD COLUMN created_by INTEGER;"
	"ALTER TABLE party_member ADD COLUMN created_by INTEGER;"
	"ALTER TABLE skill ADD COLUMN created_by INTEGER;"
	"ALTER TABLE need ADD COLUMN created_by INTEGER;"
	"ALTER TABLE project ADD COLUMN created_by INTEGER;"
	"ALTER TABLE project_member ADD COLUMN created_by INTEGER;"
	"ALTER TABLE staffing_plan ADD COLUMN created_by_id INTEGER;"
	"CREATE INDEX enterprise_created_by ON enterprise(created_by);"
	"CREATE INDEX person_created_by ON person(created_by);"
	"CREATE INDEX talent_created_by ON talent(created_by);"
	"CREATE INDEX need_created_by ON need(created_by);";

/* Cadre training (培训班次, 培训学员: a cadre once per class, hours credited
 * to 0.1) and 琢璞 secondments (琢璞历练); both reach a region through the
 * cadre (enrolments) or their own region (classes). */
static const char v11[] =
	"CREATE TABLE training_class (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,"
	" level TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT, hours REAL NOT NULL,"
	" organizer TEXT, capacity INTEGER, region_id INTEGER NOT NULL REFERENCES region(id),"
	" description TEXT);"
	"CREATE UNIQUE INDEX training_class_name ON training_class(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX training_class_start ON training_class(start_date);"
	"CREATE INDEX training_class_region ON training_class(region_id);"

	"CREATE TABLE enrollment (" ENTITY_COLS
	" created_by INTEGER, class_id INTEGER NOT NULL REFERENCES training_class(id),"
	" cadre_id INTEGER NOT NULL REFERENCES cadre(id), hours REAL, attendance TEXT, result TEXT,"
	" note TEXT);"
	"CREATE UNIQUE INDEX enrollment_pair ON enrollment(class_id, cadre_id);"
	"CREATE INDEX enrollment_cadre ON enrollment(cadre_id);"

	"CREATE TABLE tempering (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, cadre_id INTEGER NOT NULL REFERENCES cadre(id),"
	" destination_kind TEXT NOT NULL, destination TEXT NOT NULL, kind TEXT NOT NULL,"
	" start_date TEXT NOT NULL, end_date TEXT, assessment TEXT, note TEXT);"
	"CREATE INDEX tempering_cadre ON tempering(cadre_id);";

/* 季季评 quarterly evaluations: schemes with weighted dimensions and grade
 * quotas, rounds per quarter (草稿 → 评分中 → 已发布), their subjects in peer
 * groups, and one score per subject, evaluator and dimension. */
static const char v12[] =
	"CREATE TABLE eval_scheme (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, year INTEGER NOT NULL,"
	" target TEXT NOT NULL, grades TEXT NOT NULL, fail_below REAL,"
	" active INTEGER NOT NULL DEFAULT 0, description TEXT);"
	"CREATE UNIQUE INDEX eval_scheme_name ON eval_scheme(name) WHERE deleted_at IS NULL;"

	"CREATE TABLE eval_dimension (" ENTITY_COLS
	" created_by INTEGER, scheme_id INTEGER NOT NULL REFERENCES eval_scheme(id),"
	" name TEXT NOT NULL, weight REAL NOT NULL, sort_order INTEGER,"
	" from_projects INTEGER NOT NULL DEFAULT 0, description TEXT);"
	"CREATE UNIQUE INDEX eval_dimension_name ON eval_dimension(scheme_id, name);"

	"CREATE TABLE eval_round (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER,"
	" scheme_id INTEGER NOT NULL REFERENCES eval_scheme(id), year INTEGER NOT NULL,"
	" quarter INTEGER NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL DEFAULT '草稿',"
	" note TEXT);"
	"CREATE INDEX eval_round_year ON eval_round(year, quarter);"

	"CREATE TABLE eval_subject (" ENTITY_COLS
	" created_by INTEGER, round_id INTEGER NOT NULL REFERENCES eval_round(id),"
	" name TEXT NOT NULL, cadre_id INTEGER REFERENCES cadre(id), unit TEXT NOT NULL,"
	" peer_group TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES region(id));"
	"CREATE INDEX eval_subject_round ON eval_subject(round_id);"
	"CREATE INDEX eval_subject_region ON eval_subject(region_id);"
	"CREATE UNIQUE INDEX eval_subject_cadre ON eval_subject(round_id, cadre_id)"
	" WHERE cadre_id IS NOT NULL;"

	"CREATE TABLE eval_score (" ENTITY_COLS
	" created_by INTEGER, round_id INTEGER NOT NULL REFERENCES eval_round(id),"
	" subject_id INTEGER NOT NULL REFERENCES eval_subject(id), evaluator TEXT NOT NULL,"
	" dimension_id INTEGER NOT NULL REFERENCES eval_dimension(id), score REAL NOT NULL);"
	"CREATE UNIQUE INDEX eval_score_key ON eval_score(subject_id, evaluator, dimension_id);"
	"CREATE INDEX eval_score_round ON eval_score(round_id);";

/* The organization network along the chains (党组织 in two hierarchies, the
 * members of alliances and chain committees, people on duty on a chain), the
 * 进园助企大走访 visits and their problem ledger, 531 recruitment (source
 * points, events, the talents they brought), talent service requests and
 * study sessions. Problems and service requests move through workflows, so
 * their state columns default to the first state. */
static const char v13[] =
	"CREATE TABLE org (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,"
	" parent_id INTEGER REFERENCES org(id), chain_id INTEGER REFERENCES chain(id),"
	" chain_org_id INTEGER REFERENCES org(id),"
	" region_id INTEGER NOT NULL REFERENCES region(id), secretary TEXT,"
	" member_count INTEGER, established TEXT, temporary INTEGER NOT NULL DEFAULT 0,"
	" project_id INTEGER REFERENCES project(id), end_date TEXT, description TEXT);"
	"CREATE UNIQUE INDEX org_name ON org(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX org_parent ON org(parent_id);"
	"CREATE INDEX org_chain_org ON org(chain_org_id);"
	"CREATE INDEX org_chain ON org(chain_id);"
	"CREATE INDEX org_region ON org(region_id);"

	"CREATE TABLE org_link (" ENTITY_COLS
	" created_by INTEGER, org_id INTEGER NOT NULL REFERENCES org(id),"
	" member_kind TEXT NOT NULL, enterprise_id INTEGER REFERENCES enterprise(id),"
	" institution_id INTEGER REFERENCES institution(id), park_id INTEGER REFERENCES park(id),"
	" member_org_id INTEGER REFERENCES org(id), role TEXT NOT NULL, start_date TEXT,"
	" end_date TEXT, note TEXT);"
	"CREATE INDEX org_link_org ON org_link(org_id);"
	"CREATE INDEX org_link_enterprise ON org_link(enterprise_id);"

	"CREATE TABLE chain_duty (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, kind TEXT NOT NULL,"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" chain_id INTEGER NOT NULL REFERENCES chain(id),"
	" enterprise_id INTEGER REFERENCES enterprise(id), org_id INTEGER REFERENCES org(id),"
	" start_date TEXT NOT NULL, end_date TEXT, tasks TEXT, outcomes TEXT);"
	"CREATE INDEX chain_duty_person ON chain_duty(person_id);"
	"CREATE INDEX chain_duty_chain ON chain_duty(chain_id, kind);"

	"CREATE TABLE visit (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, visit_date TEXT NOT NULL,"
	" enterprise_id INTEGER NOT NULL REFERENCES enterprise(id), visitors TEXT,"
	" summary TEXT NOT NULL);"
	"CREATE INDEX visit_date ON visit(visit_date);"
	"CREATE INDEX visit_enterprise ON visit(enterprise_id);"
	"CREATE TABLE visit_cadre (visit_id INTEGER NOT NULL REFERENCES visit(id),"
	" cadre_id INTEGER NOT NULL REFERENCES cadre(id), PRIMARY KEY (visit_id, cadre_id))"
	" WITHOUT ROWID;"
	"CREATE INDEX visit_cadre_cadre ON visit_cadre(cadre_id);"

	"CREATE TABLE problem (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, visit_id INTEGER REFERENCES visit(id),"
	" enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
	" chain_id INTEGER REFERENCES chain(id), category TEXT NOT NULL,"
	" description TEXT NOT NULL, countermeasure TEXT, resp_unit TEXT NOT NULL,"
	" owner_cadre_id INTEGER REFERENCES cadre(id), found_date TEXT NOT NULL,"
	" deadline TEXT NOT NULL, status TEXT NOT NULL DEFAULT '待受理', accepted_date TEXT,"
	" closed_date TEXT, result TEXT, satisfaction TEXT);"
	"CREATE INDEX problem_status ON problem(status, deadline);"
	"CREATE INDEX problem_enterprise ON problem(enterprise_id);"
	"CREATE INDEX problem_visit ON problem(visit_id);"
	"CREATE INDEX problem_owner ON problem(owner_cadre_id);"

	"CREATE TABLE source_point (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, name TEXT NOT NULL, kind TEXT NOT NULL,"
	" country TEXT, city TEXT, city_code TEXT, lng REAL, lat REAL, contact TEXT,"
	" established TEXT, note TEXT);"
	"CREATE UNIQUE INDEX source_point_name ON source_point(name) WHERE deleted_at IS NULL;"
	"CREATE TABLE source_point_cluster (point_id INTEGER NOT NULL REFERENCES source_point(id),"
	" cluster_id INTEGER NOT NULL REFERENCES cluster(id), PRIMARY KEY (point_id, cluster_id))"
	" WITHOUT ROWID;"

	"CREATE TABLE recruit_event (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER,"
	" point_id INTEGER NOT NULL REFERENCES source_point(id), event_date TEXT NOT NULL,"
	" kind TEXT NOT NULL, title TEXT NOT NULL, participants INTEGER,"
	" talents_signed INTEGER, projects_signed INTEGER, note TEXT);"
	"CREATE INDEX recruit_event_point ON recruit_event(point_id, event_date);"
	"ALTER TABLE talent ADD COLUMN source_point_id INTEGER REFERENCES source_point(id);"
	"CREATE INDEX talent_source_point ON talent(source_point_id);"

	"CREATE TABLE service_request (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER,"
	" talent_id INTEGER NOT NULL REFERENCES talent(id), kind TEXT NOT NULL,"
	" detail TEXT NOT NULL, amount REAL, submitted_date TEXT NOT NULL,"
	" promised_date TEXT, handler_unit TEXT, status TEXT NOT NULL DEFAULT '待受理',"
	" accepted_date TEXT, closed_date TEXT, result TEXT, satisfaction TEXT);"
	"CREATE INDEX service_request_talent ON service_request(talent_id);"
	"CREATE INDEX service_request_status ON service_request(status, promised_date);"

	"CREATE TABLE study_session (" ENTITY_COLS
	" deleted_at TEXT, created_by INTEGER, org_id INTEGER NOT NULL REFERENCES org(id),"
	" session_date TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL, speaker TEXT,"
	" expected INTEGER, attendance INTEGER, note TEXT);"
	"CREATE INDEX study_session_org ON study_session(org_id, session_date);"
	"ALTER TABLE party_member ADD COLUMN org_id INTEGER REFERENCES org(id);"
	"CREATE INDEX party_member_org ON party_member(org_id);";

/* Indexes for the list filters people use most on the two largest tables:
 * a filtered count over 500,000 talents read the whole table (0.2 s, and
 * seconds under load); only live rows, as every list asks for them. */
static const char v14[] =
	"CREATE INDEX talent_category ON talent(category) WHERE deleted_at IS NULL;"
	"CREATE INDEX talent_level ON talent(level) WHERE deleted_at IS NULL;"
	"CREATE INDEX talent_status ON talent(status) WHERE deleted_at IS NULL;"
	"CREATE INDEX person_education ON person(education) WHERE deleted_at IS NULL;";

/* The change feed (src/engine/changes.c): one row per write of an entity
 * that in-memory data follows, so that every server process over the same
 * database sees the writes of the others. */
static const char v15[] =
	"CREATE TABLE change_log (seq INTEGER PRIMARY KEY, origin INTEGER NOT NULL,"
	" entity TEXT NOT NULL, entity_id INTEGER NOT NULL, kind TEXT NOT NULL);";

/* 三权分立 across time: the administrator role an account ever held, so that
 * it never takes another one, not even after a detour through a business
 * role. Existing administrator accounts keep the one they hold. */
static const char v16[] =
	"ALTER TABLE user ADD COLUMN admin_role TEXT;"
	"UPDATE user SET admin_role = role WHERE role IN ('sysadmin', 'secadmin', 'auditadmin');";

const struct migration migrations_sqlite[] = {
	{1, "regions, clusters, chains, segments, parks, enterprises, institutions", v1},
	{2, "users, sessions, api tokens, audit log, settings", v2},
	{3, "people, cadres, careers, talents, party members, skills, needs", v3},
	{4, "talent-shortage catalogs and their entries", v4},
	{5, "key projects and their cadres", v5},
	{6, "saved staffing plans", v6},
	{7, "password age, login lockout, TOTP second factor", v7},
	{8, "workflow history; 一建设、五争当 award kinds and nominations", v8},
	{9, "project milestones; vacant posts", v9},
	{10, "data scope variants: user scope, custom regions, row creators", v10},
	{11, "cadre training classes and enrolments; 琢璞 secondments", v11},
	{12, "季季评: evaluation schemes, dimensions, rounds, subjects, scores", v12},
	{13, "party organizations, chain duties, visits and problems, 531 recruitment, talent services, study sessions", v13},
	{14, "indexes for the talent and person list filters", v14},
	{15, "the change feed that keeps several server processes in step", v15},
	{16, "the administrator role each account ever held", v16},
};

const size_t migrations_sqlite_count = sizeof(migrations_sqlite) / sizeof(migrations_sqlite[0]);
