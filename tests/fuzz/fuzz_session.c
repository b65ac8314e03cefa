/* Fuzz target for the SMTP engine (net/smtp.c with reply.c, conn.c,
 * tls.c, event.c) driven by a hostile server: the input is a job's
 * settings and a script of what the server sends, turn by turn, on one or
 * more connections, read by the client in pieces of any size. The
 * handshake after STARTTLS (or for implicit TLS) reads the same script,
 * so TLS never completes: whatever the engine sends, it sends in the
 * clear, and that is what the oracle below judges.
 *
 * Input: byte 0 the job (bits 0-1 TLS policy, 2 --fallback-plaintext,
 * 3 a user and password, 4 --allow-plaintext-auth, 5 --partial, 6 probe,
 * 7 one recipient instead of To + Bcc), byte 1 the read size (its bits
 * 0-5; bit 7: the server memory remembers the server), then turns:
 * a length byte L (L & 0x80: two bytes, 15 bits) and L bytes; turn 0 of a
 * connection is sent at connect, turn k after the client's k-th write; a
 * turn of length 0 closes the connection, and the next turn opens the
 * next one (a fallback reconnects).
 *
 * Checks, for every input:
 *   - every event is one valid JSON line; EV_RESULT comes last, once;
 *     the result agrees with itself (sent -> exit 0/3 and accepted
 *     recipients; not sent -> a reason; refusals without --partial ->
 *     not sent);
 *   - response injection: a ClientHello follows only a 220 to STARTTLS
 *     that was the last byte the server had sent;
 *   - no MAIL under starttls/implicit (TLS never completes here); under
 *     opportunistic, none on a connection where STARTTLS was offered and
 *     not used, none after STARTTLS but on a later connection after a
 *     failed handshake with --fallback-plaintext; none at all, and no
 *     second connection, to a remembered server (the downgrade rule);
 *   - no AUTH in the clear without --allow-plaintext-auth; the password
 *     (plain, or base64 as PLAIN and LOGIN send it) in no event;
 *   - a recipient refused without --partial: no message data after it;
 *   - the message data is dot-stuffed (DATA) or exact (BDAT), ends in
 *     CRLF.CRLF, and has no Bcc field.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/session; FUZZ_VERBOSE=1 prints each input's events. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "mail/encode.h"
#include "mail/msg.h"
#include "net/conn.h"
#include "net/smtp.h"
#include "net/tls.h"

/* A trust anchor with no key anywhere: nothing can verify against it,
 * and loading it is cheaper than the system store. */
static const char anchor[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIBlDCCATmgAwIBAgIUQjoN1e+xQBcFBz5e+tL84c+ouXUwCgYIKoZIzj0EAwIw\n"
"HjEcMBoGA1UEAwwTbWlzc2l2ZS1mdXp6LWFuY2hvcjAgFw0yNjEyMDEyMzU1MzBa\n"
"GA8yMTI2MTEwNzIzNTUzMFowHjEcMBoGA1UEAwwTbWlzc2l2ZS1mdXp6LWFuY2hv\n"
"cjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNpyyABingptzmXobIaBRrLASx6p\n"
"e+9VVNtqHrSsA95GKkSrtpFZBsP9l/OBC75RfRK7dE8bmG4mt49fAj+Qe6KjUzBR\n"
"MB0GA1UdDgQWBBTOqE43Dzk+myAV1LLIKd4nwMMV6jAfBgNVHSMEGDAWgBTOqE43\n"
"Dzk+myAV1LLIKd4nwMMV6jAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kA\n"
"MEYCIQDLh+QY2GSDTNlbpL0QLlEOrzAbqa4WqKRO9J6OnT0mFgIhAMSXGifscZDS\n"
"+FCCp7mpb6Md84H8BwRkebmvRsnOtKF5\n"
"-----END CERTIFICATE-----\n";

#define PASSWORD	"s3cr3t-PW-x"
#define BODY		".\n..x\n.end\nlast"
#define STUFFED		"\r\n\r\n..\r\n...x\r\n..end\r\nlast\r\n.\r\n"
#define RAW		"\r\n\r\n.\r\n..x\r\n.end\r\nlast\r\n"
#define MAXCONN		4
#define MAXTURN		64

struct turn {
	const uint8_t *p;
	size_t n;
};

/* The server's side, and what the oracle learns from the wire. */
static struct {
	struct turn turns[MAXCONN][MAXTURN];
	size_t nturns[MAXCONN], nconn;
	size_t cur;			/* connection open now, +1 (0: none) */
	size_t released, off;		/* turns released; bytes read of them */
	struct buf avail;		/* released bytes of this connection */
	size_t chunk;
	/* oracle state */
	bool starttls_pending;		/* STARTTLS written, no write since */
	struct buf since_starttls;	/* bytes read since then */
	int starttls_conn;		/* connection of the last STARTTLS, or -1 */
	bool hello_on[MAXCONN];		/* a ClientHello was written there */
	bool offered_starttls[MAXCONN];
	struct buf wire[MAXCONN];	/* what the client wrote, per connection */
	const struct smtp_job *job;
	bool refused;			/* an EV_RCPT refusal was reported */
	bool result_seen;
	size_t events_after_result;
	struct buf json;		/* every event's JSON, one per line */
} S;

static void
release(void)
{
	size_t c = S.cur - 1;

	if (S.released < S.nturns[c]) {
		buf_add(&S.avail, S.turns[c][S.released].p, S.turns[c][S.released].n);
		S.released++;
	}
}

static void *
f_open(const char *host, int port, int timeout, atomic_bool *cancel,
    char *addr, size_t addrlen, struct err *e)
{
	(void)host; (void)port; (void)timeout; (void)cancel;
	if (S.cur >= S.nconn) {
		err_setr(e, "network", "cannot connect: no more connections in the script");
		return NULL;
	}
	S.cur++;
	S.released = S.off = 0;
	S.avail.len = 0;
	S.starttls_pending = false;
	snprintf(addr, addrlen, "fuzz");
	release();
	return &S;
}

static ssize_t
f_read(void *h, void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	size_t left = S.avail.len - S.off;

	(void)h; (void)timeout; (void)cancel;
	if (left == 0) {
		if (S.released < S.nturns[S.cur - 1]) {
			errno = ETIMEDOUT;	/* the server waits for the client */
			return -1;
		}
		return 0;
	}
	if (n > left)
		n = left;
	if (n > S.chunk)
		n = S.chunk;
	memcpy(buf, S.avail.data + S.off, n);
	if (S.starttls_pending)
		buf_add(&S.since_starttls, S.avail.data + S.off, n);
	S.off += n;
	return (ssize_t)n;
}

/* Whether b is exactly one complete reply with code 220. */
static bool
one_220(const struct buf *b)
{
	size_t i = 0;

	if (b->len < 4 || memcmp(b->data, "220", 3) != 0)
		return false;
	while (i < b->len) {
		const char *nl = memchr(b->data + i, '\n', b->len - i);
		size_t ll;

		if (nl == NULL)
			return false;
		ll = (size_t)(nl - (b->data + i));
		if (ll > 0 && b->data[i + ll - 1] == '\r')
			ll--;
		if (ll == 3 || (ll > 3 && b->data[i + 3] == ' '))
			return (size_t)(nl - b->data) + 1 == b->len;
		i = (size_t)(nl - b->data) + 1;
	}
	return false;
}

static bool
starts(const void *p, size_t n, const char *w)
{
	return n >= strlen(w) && strncasecmp(p, w, strlen(w)) == 0;
}

static ssize_t
f_write(void *h, const void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	const struct smtp_job *j = S.job;
	size_t c = S.cur - 1;

	(void)h; (void)timeout; (void)cancel;
	if (S.starttls_pending) {
		S.starttls_pending = false;
		if (n > 0 && ((const uint8_t *)buf)[0] == 0x16) {
			/* The ClientHello: after a lone 220, nothing more sent. */
			if (!one_220(&S.since_starttls) || S.off != S.avail.len) {
				fprintf(stderr, "fuzz_session: TLS started though the "
				    "server sent more than its 220 to STARTTLS\n");
				abort();
			}
			S.hello_on[c] = true;
		}
	}
	if (n == 10 && memcmp(buf, "STARTTLS\r\n", 10) == 0) {
		S.starttls_pending = true;
		S.since_starttls.len = 0;
		S.starttls_conn = (int)c;
	}
	if (starts(buf, n, "MAIL FROM:")) {
		CHECK(!j->probe);
		CHECK(j->tls != TLS_STARTTLS && j->tls != TLS_IMPLICIT);
		if (j->tls == TLS_OPPORTUNISTIC) {
			if (j->memory.last_seen != NULL) {
				fprintf(stderr, "fuzz_session: MAIL in the clear to a "
				    "server remembered for TLS\n");
				abort();
			}
			if (S.starttls_conn == (int)c) {
				fprintf(stderr, "fuzz_session: MAIL on the connection "
				    "where STARTTLS failed\n");
				abort();
			}
			if (S.starttls_conn >= 0)
				/* A fallback: asked for, after a handshake. */
				CHECK(j->fallback_plaintext && S.hello_on[S.starttls_conn]);
			else if (S.offered_starttls[c]) {
				fprintf(stderr, "fuzz_session: STARTTLS offered, not used\n");
				abort();
			}
		}
	}
	if (starts(buf, n, "AUTH ") && !j->allow_plaintext_auth) {
		fprintf(stderr, "fuzz_session: AUTH in the clear\n");
		abort();
	}
	if (S.refused && !j->partial && (starts(buf, n, "BDAT") ||
	    (n >= 5 && memcmp((const char *)buf + n - 5, "\r\n.\r\n", 5) == 0) ||
	    (n >= 11 && memmem(buf, n, "\r\n.\r\nQUIT\r\n", 11) != NULL))) {
		fprintf(stderr, "fuzz_session: message sent after a refused "
		    "recipient without --partial\n");
		abort();
	}
	buf_add(&S.wire[c], buf, n);
	release();
	return (ssize_t)n;
}

static bool
f_pending(void *h)
{
	(void)h;
	return S.avail.len > S.off;
}

static void
f_close(void *h)
{
	(void)h;
}

static const struct conn_ops fuzz_ops = { f_open, f_read, f_write, f_pending, f_close };

/* A search that libFuzzer does not hook, so it cannot learn the secret
 * from the check itself. */
static bool
holds(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static void
on_event(const struct event *ev, void *arg)
{
	struct buf b;
	const char *why = NULL;

	(void)arg;
	if (S.result_seen)
		S.events_after_result++;
	buf_init(&b);
	buf_adds(&b, "");
	event_to_json(ev, &b);
	if (memchr(b.data, '\n', b.len) != NULL || !json_valid(b.data, b.len, true, &why)) {
		fprintf(stderr, "fuzz_session: not one JSON line (%s): %s\n",
		    why ? why : "newline", b.data);
		abort();
	}
	buf_add(&S.json, b.data, b.len);
	buf_addc(&S.json, '\n');
	buf_free(&b);
	if (ev->type == EV_RCPT && !ev->accepted)
		S.refused = true;
	if (ev->type == EV_EHLO && !ev->tls && S.cur > 0)
		for (size_t i = 0; i < ev->ncaps; i++)
			if (strncasecmp(ev->caps[i], "STARTTLS", 8) == 0 &&
			    (ev->caps[i][8] == '\0' || ev->caps[i][8] == ' '))
				S.offered_starttls[S.cur - 1] = true;
	if (ev->type == EV_DIALOGUE && ev->dir == '<')
		for (const char *p = ev->text; *p != '\0'; p++)
			CHECK(((unsigned char)*p >= 0x20 || *p == '\t') && *p != 0x7f);
	if (ev->type == EV_RESULT) {
		CHECK(!S.result_seen);
		S.result_seen = true;
	}
}

/* Checks the message data on one connection's wire: after DATA up to
 * CRLF.CRLF (still stuffed), or the BDAT chunks put together. */
static void
check_data(const struct buf *w)
{
	const char *d, *end, *p;
	struct buf chunks;
	bool bdat = false;

	if (w->len == 0)
		return;
	d = w->data;
	end = d + w->len;
	/* Message data follows the last DATA or the first BDAT. */
	buf_init(&chunks);
	buf_adds(&chunks, "");
	for (p = d; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		if (starts(p, (size_t)(end - p), "BDAT ")) {
			unsigned long long n = strtoull(p + 5, NULL, 10);

			bdat = true;
			p = nl + 1;
			CHECK(n <= (unsigned long long)(end - p));
			buf_add(&chunks, p, (size_t)n);
			p += n;
			continue;
		}
		if ((size_t)(nl - p) == 5 && memcmp(p, "DATA\r", 5) == 0) {
			const char *dot = memmem(nl + 1, (size_t)(end - nl - 1), "\r\n.\r\n", 5);

			if (dot != NULL) {
				/* Dot-stuffed: no line is a lone dot before the end. */
				CHECK(!starts(nl + 1, (size_t)(end - nl - 1), ".\r\n"));
				CHECK(memcmp(dot + 5 - strlen(STUFFED), STUFFED,
				    strlen(STUFFED)) == 0);
				CHECK(!holds(nl + 1, (size_t)(dot - nl), "\r\nBcc:"));
				CHECK(!starts(nl + 1, (size_t)(end - nl - 1), "Bcc:"));
			}
			break;
		}
		p = nl + 1;
	}
	if (bdat && chunks.len > 0) {
		CHECK(chunks.len >= strlen(RAW) &&
		    memcmp(chunks.data + chunks.len - strlen(RAW), RAW, strlen(RAW)) == 0);
		CHECK(!holds(chunks.data, chunks.len, "\r\nBcc:"));
		CHECK(!starts(chunks.data, chunks.len, "Bcc:"));
	}
	buf_free(&chunks);
}

static void
parse_script(struct fz *f)
{
	memset(S.nturns, 0, sizeof S.nturns);
	S.nconn = 1;
	while (f->n > 0) {
		size_t len = fz_u8(f), got, c = S.nconn - 1;
		const uint8_t *p;

		if (len & 0x80)
			len = ((len & 0x7f) << 8) | fz_u8(f);
		if (len == 0) {
			if (S.nconn == MAXCONN)
				break;
			S.nconn++;
			continue;
		}
		p = fz_bytes(f, len, &got);
		if (S.nturns[c] < MAXTURN) {
			S.turns[c][S.nturns[c]].p = p;
			S.turns[c][S.nturns[c]].n = got;
			S.nturns[c]++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *ca;
	struct fz f = { data, size };
	struct smtp_job job;
	struct msg_spec spec;
	struct err e = { 0 };
	struct result *r;
	uint8_t cfg = fz_u8(&f), rd = fz_u8(&f);
	size_t i;
	char *plain_b64, *login_b64, *shown;
	struct buf b;

	if (ca == NULL) {
		tls_init();
		ca = xasprintf("%s/anchor.pem", fuzz_dir());
		fuzz_put(ca, anchor, strlen(anchor));
	}
	for (i = 0; i < MAXCONN; i++)
		buf_free(&S.wire[i]);
	buf_free(&S.avail);
	buf_free(&S.since_starttls);
	buf_free(&S.json);
	memset(&S, 0, sizeof S);
	buf_adds(&S.json, "");
	S.starttls_conn = -1;
	S.chunk = rd == 0 ? 1 : rd % 64 == 0 ? 16384 : rd % 64;
	parse_script(&f);

	smtp_job_init(&job);
	job.host = xstrdup("mx.fuzz.example");
	job.port = 25;
	job.tls = (enum tls_mode)(cfg & 3);
	job.fallback_plaintext = cfg & 4;
	if (rd & 0x80) {
		job.memory.last_seen = xstrdup("2025-03-01T10:22:01Z");
		job.memory.pubkey = xstrdup("AB:CD");
	}
	if (cfg & 8) {
		job.user = xstrdup("ann");
		job.password = xstrdup(PASSWORD);
	}
	job.allow_plaintext_auth = cfg & 16;
	job.partial = cfg & 32;
	job.probe = cfg & 64;
	job.ca_file = xstrdup(ca);
	job.helo = xstrdup("client.example");
	job.timeout = 1;
	if (!job.probe) {
		memset(&spec, 0, sizeof spec);
		spec.from = "Ann <ann@example.org>";
		spec.to = "Bob <bob@example.net>";
		spec.bcc = cfg & 128 ? NULL : "hidden@example.net";
		spec.subject = "fuzz";
		spec.body = BODY;
		if ((job.msg = msg_new(&spec, &e)) == NULL) {
			fprintf(stderr, "msg_new: %s\n", e.msg);
			abort();
		}
	}
	S.job = &job;
	r = smtp_run(&job, on_event, NULL, NULL, &fuzz_ops);

	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "%s", S.json.data);
	CHECK(S.result_seen && S.events_after_result == 0);
	/* A remembered server gets no fallback connection. */
	if (job.memory.last_seen != NULL && job.tls == TLS_OPPORTUNISTIC)
		CHECK(S.cur <= 1);
	CHECK(r->exit_status >= 0 && r->exit_status <= 3);
	if (r->sent) {
		CHECK(!job.probe);
		CHECK(r->exit_status == 0 || r->exit_status == 3);
		CHECK(r->naccepted > 0);
		CHECK(r->nrefused == 0 || job.partial);
		CHECK(r->reason == NULL);
	} else if (!job.probe) {
		CHECK(r->exit_status == 1 || r->exit_status == 2);
		CHECK(r->reason != NULL);
	}
	for (i = 0; i < S.nconn; i++)
		check_data(&S.wire[i]);

	/* The password, as typed or as PLAIN and LOGIN carry it, is in no
	 * event, unless the script itself holds it (a server echoing it),
	 * raw or as its text is shown: escaping a server's byte can end in
	 * the same letters ("\\xcc" then "jN0..." holds "cjN0..."). */
	buf_init(&b);
	buf_add(&b, "\0ann\0" PASSWORD, 5 + strlen(PASSWORD));
	{
		struct buf enc;

		buf_init(&enc);
		buf_adds(&enc, "");
		enc_b64_encode(&enc, b.data, b.len);
		plain_b64 = buf_cstr(&enc);
		buf_init(&enc);
		buf_adds(&enc, "");
		enc_b64_encode(&enc, PASSWORD, strlen(PASSWORD));
		login_b64 = buf_cstr(&enc);
	}
	/* Escaping keeps printable ASCII as it is: what the raw script
	 * holds, its shown text holds too. */
	shown = str_escape((const char *)data, size);
	if (!holds(shown, strlen(shown), "s3cr3t") &&
	    !holds(shown, strlen(shown), "czNjcjN0") &&
	    !holds(shown, strlen(shown), plain_b64 + 4) &&
	    !holds(shown, strlen(shown), login_b64 + 4)) {
		CHECK(!holds(S.json.data, S.json.len, PASSWORD));
		CHECK(!holds(S.json.data, S.json.len, plain_b64 + 4));
		CHECK(!holds(S.json.data, S.json.len, login_b64 + 4));
	}
	free(shown);
	free(plain_b64);
	free(login_b64);
	buf_free(&b);
	result_free(r);
	smtp_job_free(&job);
	return 0;
}
