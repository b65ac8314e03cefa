/* Fuzz target for the encoders of mail/encode.c, each checked by
 * decoding what it wrote with an independent reader:
 *   - RFC 2231 parameters (enc_hdr_param): any value, as a quoted string
 *     or as percent-encoded UTF-8 continuations (name*0*=UTF-8''..;
 *     name*1*=..), reassembled by the decoder below, gives the value
 *     back; every line stays within 78 octets;
 *   - RFC 2047 encoded-words (enc_hdr_ew, phrase and text alphabets, and
 *     enc_hdr_text for unstructured headers): decode back to the text;
 *     no encoded-word over 75 characters; no line over 998 octets;
 *   - quoted strings (enc_quote), base64 (plain and MIME lines, with
 *     enc_b64_mime_size telling the exact length) and quoted-printable
 *     (lines of at most 76 characters, printable ASCII only) round-trip.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/encode. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "mail/address.h"
#include "mail/encode.h"

/* Unfolds a header (CRLF before a blank removed; the final CRLF
 * dropped), checking each line's length on the way. */
static char *
unfold(const struct buf *b, size_t maxline)
{
	struct buf u;
	size_t i, line = 0;

	buf_init(&u);
	buf_adds(&u, "");
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r') {
			CHECK(i + 1 < b->len && b->data[i + 1] == '\n');
			CHECK(i + 2 == b->len || b->data[i + 2] == ' ' ||
			    b->data[i + 2] == '\t');
			i++;
			line = 0;
			continue;
		}
		CHECK(b->data[i] != '\n');
		if (++line > maxline) {
			fprintf(stderr, "fuzz_encode: a line over %zu octets:\n%s\n",
			    maxline, b->data);
			abort();
		}
		buf_addc(&u, b->data[i]);
	}
	return buf_cstr(&u);
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Sections a parameter may have here: RFC 2231 sets no limit, and a
 * 4 KiB value of escapes takes about 200. */
#define MAXSEC	1024

/* RFC 2231 reader for the one parameter `name` of an unfolded
 * "X: v; name=..." header: the quoted form, the extended form, or its
 * numbered sections (each at most once, in any order). NULL when absent
 * or malformed. */
static char *
param_decode(const char *hdr, const char *name)
{
	static struct buf sec[MAXSEC];
	static bool have[MAXSEC];
	const char *p = strchr(hdr, ';');
	size_t nl = strlen(name), i, nsec = 0;
	char *out = NULL;

	memset(sec, 0, sizeof sec);
	memset(have, 0, sizeof have);
	while (p != NULL && *p == ';') {
		const char *a = p + 1, *eq;
		bool ext = false;
		unsigned num = 0;
		bool numbered = false;
		struct buf v;

		while (*a == ' ' || *a == '\t')
			a++;
		if ((eq = strchr(a, '=')) == NULL || (size_t)(eq - a) < nl ||
		    strncmp(a, name, nl) != 0)
			goto bad;
		for (const char *q = a + nl; q < eq; q++) {
			if (*q == '*' && q + 1 == eq)
				ext = true;
			else if (*q == '*' && q == a + nl && q[1] >= '0' && q[1] <= '9') {
				numbered = true;
				num = 0;
				for (q++; q < eq && *q >= '0' && *q <= '9'; q++)
					num = num * 10 + (unsigned)(*q - '0');
				q--;
				if (num >= MAXSEC)
					goto bad;
			} else
				goto bad;
		}
		buf_init(&v);
		buf_adds(&v, "");
		p = eq + 1;
		if (*p == '"') {
			if (ext)
				goto bad;
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					goto bad;
				if (*p == '\\')
					p++;
				if (*p == '\0')
					goto bad;
				buf_addc(&v, *p);
			}
			p++;
		} else {
			const char *z = p + strcspn(p, "; \t");

			if (ext && (!numbered || num == 0)) {
				/* charset'language' */
				if (strncmp(p, "UTF-8''", 7) != 0)
					goto bad;
				p += 7;
			}
			for (; p < z; p++) {
				if (ext && *p == '%') {
					if (hexv(p[1]) < 0 || hexv(p[2]) < 0)
						goto bad;
					buf_addc(&v, (char)(hexv(p[1]) * 16 + hexv(p[2])));
					p += 2;
				} else
					buf_addc(&v, *p);
			}
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (!numbered) {
			if (nsec > 0 || have[0])
				goto bad;
			have[0] = true;
			sec[0] = v;
			nsec = 1;
		} else {
			if (have[num])
				goto bad;
			have[num] = true;
			sec[num] = v;
			if (num + 1 > nsec)
				nsec = num + 1;
		}
		if (*p != '\0' && *p != ';')
			goto bad;
	}
	if (p != NULL && *p != '\0')
		goto bad;
	{
		struct buf all;

		buf_init(&all);
		buf_adds(&all, "");
		for (i = 0; i < nsec; i++) {
			if (!have[i])
				goto bad_all;
			buf_add(&all, sec[i].data, sec[i].len);
		}
		out = buf_cstr(&all);
		goto done;
bad_all:
		buf_free(&all);
	}
bad:
	out = NULL;
done:
	for (i = 0; i < MAXSEC; i++)
		buf_free(&sec[i]);
	return out;
}

static void
check_param(const char *value)
{
	struct buf b;
	struct enc_hdr h;
	char *un, *dec;

	buf_init(&b);
	enc_hdr_begin(&h, &b, "Content-Disposition");
	enc_hdr_token(&h, " ", "attachment", 10);
	enc_hdr_param(&h, "filename", value);
	enc_hdr_end(&h);
	un = unfold(&b, ENC_FOLD);
	dec = param_decode(un, "filename");
	if (dec == NULL || strcmp(dec, value) != 0) {
		fprintf(stderr, "fuzz_encode: parameter `%s` came back as `%s`:\n%s\n",
		    value, dec ? dec : "(unreadable)", b.data);
		abort();
	}
	free(dec);
	free(un);
	buf_free(&b);
}

/* Every encoded-word in s is at most 75 characters. */
static void
check_ew_lengths(const char *s)
{
	const char *p = s;

	while ((p = strstr(p, "=?")) != NULL) {
		size_t n = strcspn(p, " \t");

		if (n > 4 && p[n - 2] == '?' && p[n - 1] == '=')
			CHECK(n <= 75);
		p += n;
	}
}

static void
check_ew(const char *text, size_t n, bool phrase)
{
	struct buf b;
	struct enc_hdr h;
	char *un, *dec, *t = xstrndup(text, n);

	buf_init(&b);
	enc_hdr_begin(&h, &b, "X");
	enc_hdr_ew(&h, " ", t, n, phrase);
	enc_hdr_end(&h);
	un = unfold(&b, ENC_MAXLINE);
	check_ew_lengths(un);
	for (const char *p = un; *p != '\0'; p++)
		CHECK((unsigned char)*p < 0x80 && (unsigned char)*p >= 0x20);
	dec = enc_ew_decode(un + (un[2] == ' ' ? 3 : 2));	/* after "X:" and its blank */
	if (strcmp(dec, t) != 0) {
		fprintf(stderr, "fuzz_encode: `%s` came back as `%s`:\n%s\n", t, dec, b.data);
		abort();
	}
	free(dec);
	free(un);
	free(t);
	buf_free(&b);
}

static void
check_text(const char *text, size_t n, bool utf8)
{
	struct buf b;
	struct enc_hdr h;
	char *un, *dec, *t;
	const char *a = text, *z = text + n;

	/* The message trims what it puts in a Subject. */
	while (a < z && (*a == ' ' || *a == '\t'))
		a++;
	while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
		z--;
	t = xstrndup(a, (size_t)(z - a));
	buf_init(&b);
	enc_hdr_begin(&h, &b, "Subject");
	enc_hdr_text(&h, t, utf8);
	enc_hdr_end(&h);
	un = unfold(&b, ENC_MAXLINE);
	check_ew_lengths(un);
	if (!utf8)
		for (const char *p = un; *p != '\0'; p++)
			CHECK((unsigned char)*p < 0x80);
	dec = enc_ew_decode(un[8] == ' ' ? un + 9 : un + 8);
	if (strcmp(dec, t) != 0) {
		fprintf(stderr, "fuzz_encode: subject `%s` came back as `%s`:\n%s\n",
		    t, dec, b.data);
		abort();
	}
	free(dec);
	free(un);
	free(t);
	buf_free(&b);
}

static void
check_quote(const char *s, size_t n)
{
	struct buf b, u;
	size_t i;

	buf_init(&b);
	enc_quote(&b, s, n);
	CHECK(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');
	buf_init(&u);
	buf_adds(&u, "");
	for (i = 1; i + 1 < b.len; i++) {
		CHECK(b.data[i] != '"');
		if (b.data[i] == '\\')
			i++;
		CHECK(i + 1 < b.len);
		buf_addc(&u, b.data[i]);
	}
	CHECK(u.len == n && memcmp(u.data, s, n) == 0);
	buf_free(&u);
	buf_free(&b);
}

static void
check_b64(const uint8_t *d, size_t n)
{
	struct buf b, dec;
	uint64_t msize = enc_b64_mime_size(n);
	char *mime = xmalloc(msize + 1);
	size_t got, i, line = 0;

	buf_init(&b);
	buf_adds(&b, "");
	enc_b64_encode(&b, d, n);
	CHECK(b.len == enc_b64_len(n));
	buf_init(&dec);
	buf_adds(&dec, "");
	CHECK(enc_b64_decode(&dec, b.data, b.len) == 0);
	CHECK(dec.len == n && (n == 0 || memcmp(dec.data, d, n) == 0));
	buf_free(&dec);
	buf_free(&b);

	/* MIME lines, encoded in blocks of whole lines as msg.c does. */
	got = 0;
	for (i = 0; i < n; i += ENC_B64_LINE_IN * 3) {
		size_t k = n - i < ENC_B64_LINE_IN * 3 ? n - i : ENC_B64_LINE_IN * 3;

		got += enc_b64_mime(mime + got, d + i, k);
		CHECK(got <= msize);
	}
	CHECK(got == msize);
	for (i = 0; i < got; i++) {
		if (mime[i] == '\r') {
			CHECK(i + 1 < got && mime[i + 1] == '\n');
			i++;
			line = 0;
			continue;
		}
		CHECK(++line <= 76);
	}
	buf_init(&dec);
	buf_adds(&dec, "");
	CHECK(enc_b64_decode(&dec, mime, got) == 0);
	CHECK(dec.len == n && (n == 0 || memcmp(dec.data, d, n) == 0));
	buf_free(&dec);
	free(mime);
}

static void
check_qp(const char *s, size_t n)
{
	struct buf b, dec;
	size_t i, line = 0;

	buf_init(&b);
	buf_adds(&b, "");
	enc_qp_encode(&b, s, n);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c == '\r') {
			CHECK(i + 1 < b.len && b.data[i + 1] == '\n');
			/* No blank before a line end: transports strip them. */
			CHECK(i == 0 || (b.data[i - 1] != ' ' && b.data[i - 1] != '\t'));
			i++;
			line = 0;
			continue;
		}
		CHECK((c >= 0x20 && c < 0x7f) || c == '\t');
		CHECK(++line <= 76);
	}
	buf_init(&dec);
	buf_adds(&dec, "");
	CHECK(enc_qp_decode(&dec, b.data, b.len) == 0);
	/* A last line without LF comes back with one. */
	CHECK(dec.len == n + (n > 0 && s[n - 1] != '\n'));
	CHECK(n == 0 || memcmp(dec.data, s, n) == 0);
	buf_free(&dec);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	size_t n = size > 0 ? size - 1 : 0;
	char *z;

	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		/* A parameter value is a C string: up to the first NUL. */
		z = xstrndup(s, n);
		check_param(z);
		free(z);
		break;
	case 1:
		if (enc_utf8_valid(s, n, NULL) && memchr(s, '\0', n) == NULL) {
			check_ew(s, n, data[0] & 8);
		}
		break;
	case 2:
		if (addr_check_text("Subject", s, n, NULL) == 0)
			check_text(s, n, data[0] & 8);
		break;
	case 3:
		check_quote(s, n);
		check_b64(data + 1, n);
		break;
	case 4:
		check_qp(s, n);
		break;
	}
	return 0;
}
