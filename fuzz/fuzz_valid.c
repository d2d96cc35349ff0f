/*
 * libFuzzer harness for the validators (src/core/valid.c) and the field
 * coercion built on them (query_coerce_text / query_coerce in
 * src/engine/query.c, which every form, filter and import cell goes
 * through). The first byte sizes the message buffer (1 to 64 bytes, exactly
 * allocated, so an overflow is an ASan report); the rest is the value.
 * Invariants: a 身份证号 or credit code that validates has the check
 * character valid_*_check() computes, a birth date that valid_date()
 * accepts, and validates again upper-cased; one that fails only on its
 * checksum validates once that character is replaced; a valid date makes a
 * valid 身份证号; a value a field accepts is accepted again, unchanged,
 * once normalised (coercion is idempotent), and the JSON and text paths
 * agree on the checked kinds; messages are whole UTF-8 inside the buffer.
 */
#include "fuzz.h"

#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "engine/query.h"
#include "model/model.h"

#include <ctype.h>

static const char today[] = "2026-01-01";

/* A cut message may end inside a character (the engine cleans that, model.c
 * utf8_clean); it must end inside the buffer. */
static void check_msg(const char *msg, size_t n)
{
	fuzz_check_msg(msg, n);
}

static void check_idcard(const char *s, char *msg, size_t n)
{
	enum valid_result v = valid_idcard(s, today, msg, n);
	if (v != VALID_OK)
		check_msg(msg, n); /* written only on failure */
	if (v == VALID_BAD)
		return;
	FUZZ_CHECK(strlen(s) == 18);
	char birth[11];
	valid_idcard_birth(s, birth);
	FUZZ_CHECK(valid_date(birth) && strcmp(birth, today) <= 0);
	const char *g = valid_idcard_gender(s);
	FUZZ_CHECK(!strcmp(g, "男") || !strcmp(g, "女"));
	char fixed[19];
	memcpy(fixed, s, 19);
	fixed[17] = (char)toupper((unsigned char)fixed[17]);
	if (v == VALID_OK) {
		FUZZ_CHECK(valid_idcard_check(s) == fixed[17]);
		FUZZ_CHECK(valid_idcard(fixed, today, msg, n) == VALID_OK);
		FUZZ_CHECK(valid_idcard(fixed, NULL, msg, n) == VALID_OK);
	} else {
		fixed[17] = valid_idcard_check(s);
		FUZZ_CHECK(valid_idcard(fixed, today, msg, n) == VALID_OK);
	}
}

static void check_uscc(const char *s, char *msg, size_t n)
{
	enum valid_result v = valid_uscc(s, msg, n);
	if (v != VALID_OK)
		check_msg(msg, n);
	if (v == VALID_BAD)
		return;
	FUZZ_CHECK(strlen(s) == 18);
	char want = valid_uscc_check(s);
	FUZZ_CHECK(want != 0);
	if (v == VALID_OK) {
		FUZZ_CHECK(want == s[17]);
	} else {
		char fixed[19];
		memcpy(fixed, s, 19);
		fixed[17] = want;
		FUZZ_CHECK(valid_uscc(fixed, msg, n) == VALID_OK);
	}
}

static void check_date(const char *s)
{
	if (!valid_date(s))
		return;
	/* the same calendar as the 身份证号 birth date */
	char id[19];
	snprintf(id, sizeof(id), "320281%.4s%.2s%.2s00", s, s + 5, s + 8);
	id[16] = '1';
	id[17] = valid_idcard_check(id);
	id[18] = '\0';
	char msg[256];
	FUZZ_CHECK(valid_idcard(id, NULL, msg, sizeof(msg)) == VALID_OK);
	char birth[11];
	valid_idcard_birth(id, birth);
	FUZZ_CHECK(!strcmp(birth, s));
}

/* One field of each type, taken from the model so the harness follows it. */
static const struct field *fields[FT_DATETIME + 1];

static void pick_fields(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *e = model_at(i);
		for (size_t k = 0; k < e->nfields; k++) {
			const struct field *f = &e->fields[k];
			/* prefer bounded numbers: their range check is code too */
			if (!fields[f->type] ||
			    ((f->type == FT_INT || f->type == FT_DECIMAL) && f->min < f->max &&
			     !(fields[f->type]->min < fields[f->type]->max)))
				fields[f->type] = f;
		}
	}
}

static void check_errors(struct model_errors *errs)
{
	size_t i;
	json_t *d;
	json_array_foreach(errs->details, i, d)
	{
		const char *m = json_string_value(json_object_get(d, "message"));
		FUZZ_CHECK(m && util_utf8_valid(m, strlen(m)));
	}
}

static void check_coerce(const struct field *f, const char *s)
{
	struct model_errors errs = {json_array(), json_array()};
	struct sqlval v;
	bool ok = query_coerce_text(f, s, &v, &errs);
	check_errors(&errs);
	FUZZ_CHECK(ok == (json_array_size(errs.details) == 0));
	/* tags are stored as a JSON array, not as text that reads back as itself */
	if (ok && v.type == SV_TEXT && f->type != FT_TAGS) {
		struct sqlval again;
		FUZZ_CHECK(util_utf8_valid(v.s, strlen(v.s)) || f->type == FT_TEXT);
		FUZZ_CHECK(query_coerce_text(f, v.s, &again, &errs));
		if (again.type != SV_TEXT || strcmp(again.s, v.s))
			fprintf(stderr, "%s (%s): \"%s\" -> \"%s\" -> \"%s\"\n", f->name,
			        model_type_name(f->type), s, v.s,
			        again.type == SV_TEXT ? again.s : "?");
		FUZZ_CHECK(again.type == SV_TEXT && !strcmp(again.s, v.s));
		free(again.s);
	}
	bool checked = f->type == FT_IDCARD || f->type == FT_USCC || f->type == FT_MOBILE ||
	               f->type == FT_DATE;
	if (checked && util_utf8_valid(s, strlen(s))) {
		/* a JSON string of the same text: the same verdict */
		json_t *j = json_string(s);
		struct model_errors jerrs = {json_array(), json_array()};
		struct sqlval jv;
		bool jok = query_coerce(f, j, &jv, &jerrs);
		check_errors(&jerrs);
		if (jok != ok)
			fprintf(stderr, "%s: text %d, JSON %d for \"%s\"\n", f->name, ok, jok, s);
		FUZZ_CHECK(jok == ok);
		if (ok && jok && v.type == SV_TEXT && jv.type == SV_TEXT)
			FUZZ_CHECK(!strcmp(v.s, jv.s));
		free(jv.s);
		json_decref(j);
		json_decref(jerrs.details);
		json_decref(jerrs.warnings);
	}
	free(v.s);
	json_decref(errs.details);
	json_decref(errs.warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	size_t n = 1 + data[0] % 64;
	char *s = fuzz_cstr(data + 1, size - 1);
	char *msg = xmalloc(n);
	memset(msg, 'z', n);

	check_date(s);
	check_idcard(s, msg, n);
	check_uscc(s, msg, n);
	if (valid_mobile(s, msg, n) != VALID_OK)
		check_msg(msg, n);
	if (strlen(s) >= 17) {
		/* valid_idcard_check() is defined for 17 digits only (its callers build them) */
		if (strspn(s, "0123456789") >= 17)
			valid_idcard_check(s);
		valid_uscc_check(s);
	}

	pick_fields();
	for (size_t t = 0; t < FT_DATETIME; t++)
		if (fields[t])
			check_coerce(fields[t], s);
	free(msg);
	free(s);
	return 0;
}
