/* Fuzz target for the address parser. Any input must either be rejected
 * with a message, or parse to a list whose rendered header is safe (no
 * line break but folding, no line over 998 octets) and parses back to
 * the same addresses, names and groups, in both rendering modes. Valid
 * input is also tried as a Subject, which must decode back to itself.
 *
 * Fuzz with libFuzzer (clang): BUILD=builddir tests/fuzz/run-fuzzer address 300
 * make check links it with tests/fuzz/replay.c (gcc) to replay every file
 * of tests/fuzz/corpus/address through the same checks. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "mail/address.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_address: check failed: %s (line %d)\n", \
		    #cond, __LINE__);					\
		abort();						\
	}								\
} while (0)

static bool
same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Renders l, checks the header's shape, parses it back and compares. */
static void
round_trip(const struct addr_list *l, bool utf8)
{
	struct buf b, unf;
	struct enc_hdr h;
	struct addr_list l2;
	struct err e = { 0 };
	size_t i, line = 0;

	buf_init(&b);
	enc_hdr_begin(&h, &b, "To");
	addr_render(&h, l, utf8);
	enc_hdr_end(&h);
	buf_init(&unf);
	buf_adds(&unf, "");
	for (i = 0; i < b.len; i++) {
		char c = b.data[i];

		CHECK(c != '\0');
		if (c == '\r') {
			CHECK(b.data[i + 1] == '\n');
			/* A fold is CRLF then a blank; the header ends in CRLF. */
			CHECK(i + 2 == b.len || b.data[i + 2] == ' ' || b.data[i + 2] == '\t');
			i++;
			line = 0;
			continue;
		}
		CHECK(c != '\n');
		CHECK(++line <= 998);
		if (i >= 3)
			buf_addc(&unf, c);
	}
	if (addr_parse("To", unf.data, unf.len, &l2, &e) != 0) {
		fprintf(stderr, "fuzz_address: rendered form rejected: %s\n%s\n",
		    e.msg, b.data);
		abort();
	}
	CHECK(l2.n == l->n);
	for (i = 0; i < l->n; i++) {
		CHECK(l2.v[i].kind == l->v[i].kind);
		CHECK(l2.v[i].members == l->v[i].members);
		if (!same_name(l2.v[i].name, l->v[i].name)) {
			fprintf(stderr, "fuzz_address: name `%s` came back as `%s`\n%s\n",
			    l->v[i].name, l2.v[i].name, b.data);
			abort();
		}
		if (l->v[i].kind == ADDR_MAILBOX) {
			CHECK(strcmp(l2.v[i].local, l->v[i].local) == 0);
			CHECK(strcmp(l2.v[i].domain_ascii, l->v[i].domain_ascii) == 0);
			CHECK(l2.v[i].utf8 == l->v[i].utf8);
		}
	}
	addr_list_free(&l2);
	buf_free(&unf);
	buf_free(&b);
}

/* The same bytes as a Subject: rendered (encoded-words where needed),
 * unfolded and decoded, they must give back the trimmed text. */
static void
subject_round_trip(const char *s, size_t n, bool utf8)
{
	struct buf b, unf;
	struct enc_hdr h;
	char *text, *dec;
	const char *a = s, *z = s + n;
	size_t i, line = 0;

	while (a < z && (*a == ' ' || *a == '\t'))
		a++;
	while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
		z--;
	text = xstrndup(a, (size_t)(z - a));
	buf_init(&b);
	enc_hdr_begin(&h, &b, "Subject");
	enc_hdr_text(&h, text, utf8);
	enc_hdr_end(&h);
	buf_init(&unf);
	buf_adds(&unf, "");
	for (i = strlen("Subject:"); i < b.len; i++) {
		if (b.data[i] == '\r') {
			CHECK(b.data[i + 1] == '\n');
			CHECK(i + 2 == b.len || b.data[i + 2] == ' ' || b.data[i + 2] == '\t');
			i++;
			line = 0;
			continue;
		}
		CHECK(b.data[i] != '\n');
		CHECK(++line <= 998);
		if (!utf8)
			CHECK((unsigned char)b.data[i] < 0x80);
		buf_addc(&unf, b.data[i]);
	}
	dec = enc_ew_decode(unf.len > 0 && unf.data[0] == ' ' ? unf.data + 1 : unf.data);
	if (strcmp(dec, text) != 0) {
		fprintf(stderr, "fuzz_address: subject `%s` came back as `%s`\n%s\n",
		    text, dec, b.data);
		abort();
	}
	free(dec);
	free(text);
	buf_free(&unf);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr_list l;
	struct err e = { 0 };
	size_t i;

	if (addr_check_text("Subject", (const char *)data, size, NULL) == 0) {
		subject_round_trip((const char *)data, size, false);
		subject_round_trip((const char *)data, size, true);
	}
	if (addr_parse("To", (const char *)data, size, &l, &e) != 0) {
		CHECK(e.msg[0] != '\0');
		CHECK(strncmp(e.msg, "To: ", 4) == 0);
		CHECK(l.n == 0);
		return 0;
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].kind != ADDR_MAILBOX)
			continue;
		CHECK(strlen(l.v[i].local) <= 64);
		CHECK(strlen(l.v[i].local) + 1 + strlen(l.v[i].domain_ascii) <= 254);
		CHECK(!str_has_crlf(l.v[i].local) && !str_has_crlf(l.v[i].domain));
	}
	round_trip(&l, false);
	round_trip(&l, true);
	addr_list_free(&l);
	return 0;
}
