/* Fuzz target for the mailto: parser (ui/args.c, RFC 6068). Two halves:
 *   - the input as one command-line argument: accepted, or refused with
 *     a message; a URL sets only To, Cc, Bcc, Subject and body (other
 *     headers such as From are ignored), a body has no CR;
 *   - a round trip: To, Cc, Bcc, Subject and body taken from the input,
 *     every byte percent-encoded that RFC 3986 does not leave bare, put
 *     in a mailto: URL (hfields in input order, names in any case) and
 *     parsed back give the same values (lists trimmed of leading blanks
 *     and commas, the body's CR LF and CR as LF).
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/mailto. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzzlib.h"
#include "ui/args.h"

static void
pct(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		    (*u >= '0' && *u <= '9') || strchr("-._~!$'()*+,;:@", *u) != NULL)
			buf_addc(b, (char)*u);
		else
			buf_addf(b, "%%%02X", *u);
	}
}

/* What append_list keeps of a list added to an empty field. */
static char *
list_expect(const char *v)
{
	while (*v == ' ' || *v == ',')
		v++;
	return *v != '\0' ? xstrdup(v) : NULL;
}

static char *
body_expect(const char *v)
{
	char *o = xstrdup(v), *w = o;

	for (; *v != '\0'; v++) {
		if (*v == '\r') {
			*w++ = '\n';
			if (v[1] == '\n')
				v++;
		} else
			*w++ = *v;
	}
	*w = '\0';
	return o;
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
report(const char *what, const char *want, const char *got, const char *url)
{
	fprintf(stderr, "fuzz_mailto: %s `%s` came back as `%s` from %s\n", what,
	    want ? want : "(none)", got ? got : "(none)", url);
	abort();
}

static void
round_trip(struct fz *f)
{
	static const char *const names[] = { "cc", "bcc", "subject", "body" };
	static const char *const cased[] = { "Cc", "BCC", "Subject", "BODY" };
	char *to = fz_str(f, 300), *v[4], *want;
	uint8_t order = fz_u8(f), caps = fz_u8(f);
	struct prefill p;
	struct err e;
	struct buf url;
	size_t i;

	for (i = 0; i < 4; i++)
		v[i] = fz_str(f, 300);
	buf_init(&url);
	buf_adds(&url, "mailto:");
	pct(&url, to);
	for (i = 0; i < 4; i++) {
		size_t k = (i + order) % 4;

		buf_addc(&url, i == 0 ? '?' : '&');
		buf_adds(&url, caps & (1u << k) ? cased[k] : names[k]);
		buf_addc(&url, '=');
		pct(&url, v[k]);
	}
	memset(&p, 0, sizeof p);
	if (prefill_add(&p, buf_cstr(&url), &e) != 0) {
		fprintf(stderr, "fuzz_mailto: refused its own URL %s: %s\n", url.data, e.msg);
		abort();
	}
	want = list_expect(to);
	if (!same(p.to, want))
		report("To", want, p.to, url.data);
	free(want);
	want = list_expect(v[0]);
	if (!same(p.cc, want))
		report("Cc", want, p.cc, url.data);
	free(want);
	want = list_expect(v[1]);
	if (!same(p.bcc, want))
		report("Bcc", want, p.bcc, url.data);
	free(want);
	if (!same(p.subject, v[2]))
		report("Subject", v[2], p.subject, url.data);
	want = body_expect(v[3]);
	if (!same(p.body, want))
		report("body", want, p.body, url.data);
	free(want);
	prefill_free(&p);
	buf_free(&url);
	free(to);
	for (i = 0; i < 4; i++)
		free(v[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct prefill p;
	struct err e;
	char *arg;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		fz_u8(&f);
		round_trip(&f);
		return 0;
	}
	arg = fz_str(&f, 4096);
	memset(&p, 0, sizeof p);
	memset(&e, 0, sizeof e);
	if (prefill_add(&p, arg, &e) != 0)
		CHECK(e.msg[0] != '\0');
	else if (p.body != NULL)
		CHECK(strchr(p.body, '\r') == NULL);
	/* A second argument adds to the lists, never loses the first. */
	if (p.to != NULL) {
		char *first = xstrdup(p.to);

		if (prefill_add(&p, "second@example.org", &e) == 0)
			CHECK(strncmp(p.to, first, strlen(first)) == 0 &&
			    strstr(p.to, "second@example.org") != NULL);
		free(first);
	}
	prefill_free(&p);
	free(arg);
	return 0;
}
