/* Fuzz target for the message renderer (mail/msg.c): a spec built from
 * the input (From, To, Cc, Bcc, Reply-To, Subject, In-Reply-To,
 * References, the body, format=flowed, up to two attachments whose names
 * and contents come from the input) either is refused with a message, or
 * renders, under every combination of 8BITMIME and SMTPUTF8, into:
 * CRLF-only lines (no bare CR or LF, no NUL), none over 998 octets, a
 * header section of well-formed fields with no Bcc field, exactly
 * msg_size() bytes read in pieces of any size, 7-bit bytes only when the
 * server offers neither extension, msg_is_8bit() telling the truth, and
 * the same bytes again after a restart. Envelope addresses carry no CR,
 * LF or control, and a blank or angle bracket only in a quoted local part.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/msg. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/util.h"
#include "fuzzlib.h"
#include "mail/msg.h"

#define MAXS	1200

static char *
opt_str(struct fz *f, bool present)
{
	return present ? fz_str(f, MAXS) : NULL;
}

/* Reads the whole message in pieces of varying size. */
static char *
read_all(struct msg *m, uint8_t seed, size_t *len)
{
	struct buf b;
	struct err e = { 0 };
	char piece[9000];
	size_t want = (size_t)seed * 37 % sizeof piece + 1;
	ssize_t n;

	buf_init(&b);
	buf_adds(&b, "");
	while ((n = msg_read(m, piece, want, &e)) > 0) {
		CHECK((size_t)n <= want);
		buf_add(&b, piece, (size_t)n);
		want = want * 7 % sizeof piece + 1;
	}
	if (n < 0) {
		fprintf(stderr, "fuzz_msg: msg_read failed: %s\n", e.msg);
		abort();
	}
	CHECK(msg_read(m, piece, sizeof piece, &e) == 0);
	*len = b.len;
	return buf_cstr(&b);
}

static void
check_wire(const char *s, size_t n, unsigned flags, bool is8bit)
{
	size_t i, line = 0, start = 0;
	bool in_head = true, high = false, first = true;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		CHECK(c != '\0');
		if (c >= 0x80)
			high = true;
		if (c == '\n')
			CHECK(i > 0 && s[i - 1] == '\r');
		if (c == '\r') {
			CHECK(i + 1 < n && s[i + 1] == '\n');
			if (in_head) {
				const char *l = s + start;
				size_t ll = i - start;

				if (ll == 0)
					in_head = false;
				else if (l[0] == ' ' || l[0] == '\t') {
					/* A fold continues a field. */
					CHECK(!first);
				} else {
					const char *colon = memchr(l, ':', ll);

					CHECK(colon != NULL && colon > l);
					for (const char *p = l; p < colon; p++)
						CHECK(*p > ' ' && *p < 0x7f);
					if ((size_t)(colon - l) == 3)
						CHECK(strncasecmp(l, "Bcc", 3) != 0);
					first = false;
				}
			}
			i++;
			line = 0;
			start = i + 1;
			continue;
		}
		CHECK(++line <= 998);
	}
	/* The message ends with a line end. */
	CHECK(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
	CHECK(!in_head);
	CHECK(is8bit == high);
	if (!(flags & (MSG_8BIT | MSG_UTF8)))
		CHECK(!high);
}

/* An envelope address: never CR, LF or a control; a blank or an angle
 * bracket only inside a quoted local part ("Ann, E."@example.org is
 * valid in MAIL FROM). */
static void
check_env(const char *a)
{
	const char *at, *p;

	CHECK(a != NULL && *a != '\0');
	CHECK((at = strrchr(a, '@')) != NULL);
	for (p = a; *p != '\0'; p++)
		CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	if (a[0] == '"')
		CHECK(at > a + 1 && at[-1] == '"');
	else
		CHECK(strcspn(a, " <>") >= (size_t)(at - a));
	CHECK(strpbrk(at, " <>") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct msg_spec spec;
	struct msg *m;
	struct err e = { 0 };
	char *from, *to, *cc, *bcc, *subject, *body, *reply_to, *irt, *refs;
	char *att_path[2] = { NULL, NULL };
	const char *attach[3] = { NULL, NULL, NULL };
	uint8_t present = fz_u8(&f), flags0 = fz_u8(&f), seed = fz_u8(&f);
	size_t i, natt = fz_u8(&f) % 3;
	unsigned flags;

	from = fz_str(&f, MAXS);
	to = opt_str(&f, present & 0x01);
	cc = opt_str(&f, present & 0x02);
	bcc = opt_str(&f, present & 0x04);
	subject = opt_str(&f, present & 0x08);
	reply_to = opt_str(&f, present & 0x10);
	irt = opt_str(&f, present & 0x20);
	refs = opt_str(&f, present & 0x40);
	for (i = 0; i < natt; i++) {
		char *name = fz_str(&f, 120), *p;
		size_t got;
		const uint8_t *content = fz_bytes(&f, fz_u8(&f) * 13u, &got);

		for (p = name; *p != '\0'; p++)
			if (*p == '/')
				*p = '_';
		att_path[i] = xasprintf("%s/%zu-%s", fuzz_dir(), i, name);
		free(name);
		fuzz_put(att_path[i], content, got);
		attach[i] = att_path[i];
	}
	body = fz_str(&f, 20000);

	memset(&spec, 0, sizeof spec);
	spec.from = from;
	spec.to = to;
	spec.cc = cc;
	spec.bcc = bcc;
	spec.subject = subject;
	spec.body = body;
	spec.reply_to = reply_to;
	spec.in_reply_to = irt;
	spec.references = refs;
	spec.attach = natt > 0 ? attach : NULL;
	spec.flowed = present & 0x80;
	spec.helo = "client.example";

	if ((m = msg_new(&spec, &e)) == NULL) {
		CHECK(e.msg[0] != '\0');
		goto out;
	}
	check_env(msg_env_from(m));
	CHECK(msg_env_count(m) > 0);
	for (i = 0; i < msg_env_count(m); i++)
		check_env(msg_env_rcpt(m, i));
	msg_set_fixed(m, "Thu, 1 Jan 2026 00:00:00 +0000",
	    "<fixed.1@client.example>", "=_missive_fixed");
	for (flags = flags0 & 3; ; flags = (flags + 1) & 3) {
		char *wire, *again;
		size_t n, n2;

		if (msg_start(m, flags, &e) == -1) {
			/* Only a UTF-8 address without SMTPUTF8 is refused here. */
			CHECK(!(flags & MSG_UTF8));
			CHECK(e.msg[0] != '\0');
		} else {
			wire = read_all(m, seed, &n);
			if ((uint64_t)n != msg_size(m)) {
				fprintf(stderr, "fuzz_msg: announced %llu bytes, produced %zu\n",
				    (unsigned long long)msg_size(m), n);
				abort();
			}
			check_wire(wire, n, flags, msg_is_8bit(m));
			/* A retry with the same flags gives the same bytes. */
			CHECK(msg_start(m, flags, &e) == 0);
			again = read_all(m, (uint8_t)(seed + 1), &n2);
			CHECK(n2 == n && memcmp(wire, again, n) == 0);
			free(again);
			free(wire);
		}
		if (((flags + 1) & 3) == (flags0 & 3))
			break;
	}
	msg_free(m);
out:
	for (i = 0; i < natt; i++) {
		unlink(att_path[i]);
		free(att_path[i]);
	}
	free(from);
	free(to);
	free(cc);
	free(bcc);
	free(subject);
	free(body);
	free(reply_to);
	free(irt);
	free(refs);
	return 0;
}
