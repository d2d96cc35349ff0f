/*
 * libFuzzer harness for the 任免审批表 parser (src/io/lrmx.c): the bytes are
 * one .lrmx document. What lrmx.h promises is checked on every parse that
 * succeeds: writing the person and parsing the result gives back an equal
 * person (lrmx_person_equal), so an import, export and re-import loses
 * nothing; every 简历 line that is not blank ends up in a career period or
 * in the unparsed list, with periods that are real months in order; a date
 * that lrmx_date_in() reads survives lrmx_date_out() and back; the photo
 * survives base64 both ways.
 */
#include "fuzz.h"

#include "core/buf.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "io/lrmx.h"

/* Blank as lrmx.c's space_len() sees it: ASCII white space, U+3000, U+00A0. */
static bool blank(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
			u++;
		else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
			u += 3;
		else if (u[0] == 0xC2 && u[1] == 0xA0)
			u += 2;
		else
			return false;
	}
	return true;
}

static void check_date(const char *s)
{
	char iso[11], out[9], back[11];
	if (!s || !lrmx_date_in(s, iso))
		return;
	FUZZ_CHECK(strlen(iso) == 10);
	FUZZ_CHECK(lrmx_date_out(iso, out));
	FUZZ_CHECK(lrmx_date_in(out, back));
	FUZZ_CHECK(!strcmp(iso, back));
}

static void check_resume(const struct lrmx_person *p)
{
	struct lrmx_resume r;
	lrmx_resume_parse(p->resume, p->nresume, &r);
	size_t lines = 0, nonblank = 0;
	for (size_t i = 0; i < p->nresume; i++)
		nonblank += !blank(p->resume[i]);
	size_t last_line = 0;
	for (size_t i = 0; i < r.nperiods; i++) {
		const struct lrmx_period *q = &r.periods[i];
		lines++;
		for (const char *c = q->raw; (c = strchr(c, '\n')); c++)
			lines++;
		FUZZ_CHECK(q->start && strlen(q->start) == 10);
		FUZZ_CHECK(!q->end || strcmp(q->end, q->start) >= 0);
		FUZZ_CHECK(q->text && *q->text);
		FUZZ_CHECK(q->line > last_line && q->line <= p->nresume);
		last_line = q->line;
		/* one period written back as the table prints it reads as the same period */
		struct buf b = BUF_INIT;
		lrmx_resume_format(q->start, q->end, q->text, &b);
		char *one = buf_steal(&b);
		struct lrmx_resume again;
		lrmx_resume_parse(&one, 1, &again);
		FUZZ_CHECK(again.nperiods == 1);
		FUZZ_CHECK(!strcmp(again.periods[0].start, q->start));
		FUZZ_CHECK(!q->end == !again.periods[0].end);
		FUZZ_CHECK(!q->end || !strcmp(again.periods[0].end, q->end));
		if (strcmp(again.periods[0].text, q->text))
			fprintf(stderr, "period text \"%s\" written as \"%s\" reads \"%s\"\n",
			        q->text, one, again.periods[0].text);
		FUZZ_CHECK(!strcmp(again.periods[0].text, q->text));
		lrmx_resume_free(&again);
		free(one);
	}
	size_t after = 0;
	for (size_t i = 0; i < r.nunparsed; i++) {
		FUZZ_CHECK(r.unparsed[i].text != NULL);
		FUZZ_CHECK(r.unparsed[i].after >= after && r.unparsed[i].after <= r.nperiods);
		after = r.unparsed[i].after;
	}
	/* nothing a user typed is lost */
	FUZZ_CHECK(lines + r.nunparsed == nonblank);
	lrmx_resume_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lrmx_person p;
	char msg[256];
	memset(msg, 'z', sizeof(msg));
	enum xz_result rc = lrmx_parse(data, size, &p, msg, sizeof(msg));
	if (rc != XZ_OK) {
		fuzz_check_msg(msg, sizeof(msg));
		return 0;
	}
	const char *const dates[] = {p.birth, p.party_date, p.work_start, p.age_date, p.fill_date};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		check_date(dates[i]);
	for (size_t i = 0; i < p.nfamily; i++)
		check_date(p.family[i].birth);
	check_resume(&p);

	struct buf b64 = BUF_INIT;
	lrmx_base64_encode(p.photo, p.photo_len, &b64);
	unsigned char *photo = NULL;
	size_t photo_len = 0;
	FUZZ_CHECK(lrmx_base64_decode(b64.data ? b64.data : "", b64.len, &photo, &photo_len));
	FUZZ_CHECK(photo_len == p.photo_len && (!photo_len || !memcmp(photo, p.photo, photo_len)));
	free(photo);
	buf_free(&b64);

	/* parse(write(p)) == p */
	char *doc = NULL;
	size_t len = 0;
	rc = lrmx_write(&p, &doc, &len, msg, sizeof(msg));
	FUZZ_CHECK(rc == XZ_OK); /* the parser hands out UTF-8 only */
	FUZZ_CHECK(strlen(doc) == len && util_utf8_valid(doc, len));
	struct lrmx_person q;
	rc = lrmx_parse(doc, len, &q, msg, sizeof(msg));
	if (rc != XZ_OK)
		fprintf(stderr, "re-parse failed: %s\n%s\n", msg, doc);
	FUZZ_CHECK(rc == XZ_OK);
	if (!lrmx_person_equal(&p, &q))
		fprintf(stderr, "round trip differs:\n%s\n", doc);
	FUZZ_CHECK(lrmx_person_equal(&p, &q));
	lrmx_person_free(&q);
	free(doc);
	lrmx_person_free(&p);
	return 0;
}
