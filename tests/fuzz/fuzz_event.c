/* Fuzz target for the JSON event writer (net/event.c) and the terminal
 * escaper (base/text.c): every event type, with arbitrary bytes from the
 * input as the server's greeting and reply text, capabilities, the
 * certificate's subject, issuer, names and dates, error messages and
 * addresses, must give exactly one line (no raw newline) that is one valid
 * JSON object starting with its "event" name, as doc/design.md promises
 * for `--json` whatever the server sent. The same text through
 * str_escape must come out as valid UTF-8 with no control character.
 *
 * libFuzzer: make fuzz-build, then build/tests/fuzz/clang/fuzz_event
 * (tests/fuzz/README). make check replays tests/fuzz/corpus/event. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "net/event.h"

#define MAXS	600

static char *
str_or_null(struct fz *f)
{
	/* 0x01 first means NULL, where the writer allows it. */
	if (f->n > 0 && f->p[0] == 1) {
		fz_u8(f);
		return NULL;
	}
	return fz_str(f, MAXS);
}

static char **
strv(struct fz *f, size_t *n)
{
	size_t i, k = fz_u8(f) % 5;
	char **v = k ? xcalloc(k, sizeof *v) : NULL;

	for (i = 0; i < k; i++)
		v[i] = fz_str(f, MAXS);
	*n = k;
	return v;
}

static struct tls_info *
tls_of(struct fz *f)
{
	struct tls_info *ti = xcalloc(1, sizeof *ti);
	uint8_t flags = fz_u8(f);
	size_t i;

	ti->version = str_or_null(f);
	ti->cipher = str_or_null(f);
	ti->group = str_or_null(f);
	ti->verify_error = str_or_null(f);
	ti->verified = flags & 1;
	ti->insecure = flags & 2;
	ti->pinned = flags & 4;
	ti->resumed = flags & 8;
	ti->nchain = fz_u8(f) % 4;
	ti->chain = ti->nchain ? xcalloc(ti->nchain, sizeof *ti->chain) : NULL;
	for (i = 0; i < ti->nchain; i++) {
		struct cert_info *c = &ti->chain[i];

		/* cert_fill always sets these (empty when absent). */
		c->subject = fz_str(f, MAXS);
		c->issuer = fz_str(f, MAXS);
		c->not_before = fz_str(f, MAXS);
		c->not_after = fz_str(f, MAXS);
		c->sans = fz_str(f, MAXS);
		c->fingerprint = fz_str(f, MAXS);
		c->days_left = (long)(int8_t)fz_u8(f);
	}
	return ti;
}

static const char *const reasons[] = { NULL, "network", "timeout", "protocol",
	"tls_handshake", "cert_verify", "usage" };
static const char *const stages[] = { NULL, "connect", "greeting", "tls",
	"data_end" };

static struct result *
result_of(struct fz *f)
{
	struct result *r = xcalloc(1, sizeof *r);
	uint8_t flags = fz_u8(f);

	r->sent = flags & 1;
	r->encrypted = flags & 2;
	r->fell_back = flags & 4;
	r->reason = reasons[fz_u8(f) % 7];
	r->stage = stages[fz_u8(f) % 5];
	r->message = str_or_null(f);
	r->accepted = strv(f, &r->naccepted);
	r->refused = strv(f, &r->nrefused);
	r->exit_status = fz_u8(f) % 4;
	r->sent_copy = str_or_null(f);
	if (flags & 8)
		r->tls = tls_of(f);
	return r;
}

static void
check_escape(const char *s)
{
	char *esc = str_escape(s, strlen(s));
	const unsigned char *u = (const unsigned char *)esc;
	size_t i, n = strlen(esc), l;

	for (i = 0; i < n; i += l) {
		l = utf8_len(u + i, n - i);
		CHECK(l > 0);
		CHECK(u[i] >= 0x20 && u[i] != 0x7f);
		/* No C1 control (a terminal escape on some terminals). */
		CHECK(!(l == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0));
	}
	free(esc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct event ev, *dup;
	struct buf b, b2;
	const char *why = NULL;
	char name[64];

	memset(&ev, 0, sizeof ev);
	ev.type = (enum ev_type)(fz_u8(&f) % (EV_RESULT + 1));
	ev.t = (double)fz_u8(&f) * 0.37;
	ev.host = str_or_null(&f);
	ev.address = str_or_null(&f);
	ev.port = (int)fz_u8(&f) * 257;
	ev.code = (int)fz_u8(&f) * 3;
	ev.text = str_or_null(&f);
	ev.caps = strv(&f, &ev.ncaps);
	ev.tls = fz_u8(&f) & 1;
	ev.dir = fz_u8(&f) & 1 ? '>' : '<';
	ev.mechanism = str_or_null(&f);
	ev.ok = fz_u8(&f) & 1;
	ev.accepted = fz_u8(&f) & 1;
	ev.sent_bytes = fz_u8(&f) * 1000003ull;
	ev.total_bytes = fz_u8(&f) * 1000003ull;
	ev.stage = stages[fz_u8(&f) % 5];
	ev.reason = reasons[fz_u8(&f) % 7];
	if (ev.type == EV_TLS)
		ev.tls_info = tls_of(&f);
	if (ev.type == EV_RESULT)
		ev.result = result_of(&f);
	if (ev.text != NULL)
		check_escape(ev.text);

	buf_init(&b);
	buf_adds(&b, "");
	event_to_json(&ev, &b);
	if (memchr(b.data, '\n', b.len) != NULL || !json_valid(b.data, b.len, true, &why)) {
		fprintf(stderr, "fuzz_event: not one JSON line (%s):\n%s\n",
		    why != NULL ? why : "a newline", b.data);
		abort();
	}
	snprintf(name, sizeof name, "{\"event\":\"");
	CHECK(strncmp(b.data, name, strlen(name)) == 0);

	/* The worker's copy writes the same line. */
	dup = event_dup(&ev);
	buf_init(&b2);
	buf_adds(&b2, "");
	event_to_json(dup, &b2);
	CHECK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
	event_free(dup);
	buf_free(&b2);
	buf_free(&b);

	free(ev.host);
	free(ev.address);
	free(ev.text);
	strv_free(ev.caps, ev.ncaps);
	free(ev.mechanism);
	tls_info_free(ev.tls_info);
	result_free(ev.result);
	return 0;
}
