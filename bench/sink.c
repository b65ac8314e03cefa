/*
 * sink.c: a small, fast SMTP sink for bench/run (OpenSSL). It accepts
 * every message and keeps only facts about it: size, SHA-256 of the exact
 * message bytes (DATA after dot-unstuffing, or the BDAT chunks joined),
 * and SHA-256 and length of the longest run of base64 lines decoded (the
 * attachment, so bench can check it without storing it). It offers EHLO
 * with PIPELINING, SIZE, 8BITMIME, SMTPUTF8, CHUNKING, ENHANCEDSTATUSCODES,
 * STARTTLS (and AUTH PLAIN after TLS with --auth), or implicit TLS.
 *
 * Replies are queued and written when the client's input runs dry (no
 * more bytes readable without waiting): a pipelined group is answered in
 * one write, in order. A "turn" is one such write after reading client
 * data (the greeting is not a turn).
 *
 * Usage: sink --cert PEM --key KEY [--port N] [--stats FILE] [--store DIR]
 *             [--delay-ms N] [--client-cipher-order] [--groups LIST]
 *             [--implicit] [--auth] [--idle-timeout S]
 *   --port N     listen on 127.0.0.1:N (default 0: pick one); prints "PORT n"
 *   --stats FILE one JSON line per connection, appended when it closes
 *   --store DIR  also write each message to DIR/msg-CONN-K.eml
 *   --delay-ms N sleep N ms before each reply (like smtpd.py --delay)
 *   --client-cipher-order  follow the client's cipher order (Postfix's
 *                default); without it the server's order wins (like smtpd.py)
 *   --groups L   OpenSSL group list, e.g. P-256 (default: OpenSSL's)
 *   --implicit   TLS from the first byte (SMTPS), no STARTTLS
 *   --auth       offer AUTH PLAIN after TLS; any credentials are accepted
 *
 * One process forked per connection; SIGTERM stops the server and, through
 * PR_SET_PDEATHSIG, its connections. Build: cc -O2 -Wall -Wextra sink.c
 * -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HOSTNAME "sink.bench.invalid"
#define INCAP (256 * 1024)
#define MAXLINE 4096

static struct {
	const char *cert, *key, *stats, *store, *groups;
	int port, delay_ms, implicit, client_order, auth, idle_s;
} opt = { .idle_s = 60 };

static SSL_CTX *ctx;
static volatile sig_atomic_t stopping;

/* --- small helpers ---------------------------------------------------- */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("sink: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* A growing string, for replies and the JSON record. */
struct str {
	char *p;
	size_t len, cap;
};

static void
str_add(struct str *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		if ((s->p = realloc(s->p, s->cap)) == NULL)
			die("out of memory");
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
str_fmt(struct str *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	str_add(s, buf, n < 0 ? 0 : (size_t)n >= sizeof buf ? sizeof buf - 1 : (size_t)n);
}

/* A JSON string literal (or null). */
static void
str_json(struct str *s, const char *v)
{
	if (v == NULL) {
		str_add(s, "null", 4);
		return;
	}
	str_add(s, "\"", 1);
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '"' || c == '\\')
			str_fmt(s, "\\%c", c);
		else if (c < 0x20)
			str_fmt(s, "\\u%04x", c);
		else
			str_add(s, (const char *)&c, 1);
	}
	str_add(s, "\"", 1);
}

static unsigned char b64val[256];	/* 0-63, 64 for '=', 0xff: not base64 */
static uint16_t b64pair[65536];		/* two characters c0 | c1 << 8: 12 bits,
					 * 0x8000 when either is not 0-63 */

static void
b64_init(void)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	memset(b64val, 0xff, sizeof b64val);
	for (int i = 0; i < 64; i++)
		b64val[(unsigned char)a[i]] = (unsigned char)i;
	b64val['='] = 64;
	for (unsigned i = 0; i < 65536; i++) {
		unsigned v0 = b64val[i & 0xff], v1 = b64val[i >> 8];
		b64pair[i] = v0 < 64 && v1 < 64 ? (uint16_t)(v0 << 6 | v1) : 0x8000;
	}
}

/* Decodes base64 text into out (room for 3/4 of n); -1 if malformed. */
static long
b64_decode(const char *in, size_t n, unsigned char *out)
{
	unsigned acc = 0, q = 0;
	long o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = b64val[(unsigned char)in[i]];
		if (v == 64)
			break;
		if (v == 0xff)
			return -1;
		acc = acc << 6 | v;
		if (++q == 4) {
			out[o++] = acc >> 16;
			out[o++] = acc >> 8;
			out[o++] = acc;
			q = acc = 0;
		}
	}
	if (q == 2)
		out[o++] = acc >> 4;
	else if (q == 3) {
		out[o++] = acc >> 10;
		out[o++] = acc >> 2;
	} else if (q == 1)
		return -1;
	return o;
}

static void
hex(const unsigned char *d, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* --- the message: size, SHA-256, the longest base64 run ------------------ */

/* The attachment check of bench/verify.py, streaming: lines ending in CRLF
 * that are made only of base64 characters form runs; the longest run (in
 * lines) is decoded and hashed. Lines over 1000 bytes end a run. A line
 * that lies whole in what was fed is decoded in place, four characters at
 * a time; decoded bytes are hashed in batches. */
struct b64run {
	unsigned char line[1000];
	size_t linelen;
	int toolong;
	EVP_MD_CTX *cur;
	unsigned char pend[65536];	/* decoded, not yet hashed */
	size_t npend;
	long cur_lines;
	uint64_t cur_bytes;
	unsigned acc, q, padded;
	long best_lines;
	uint64_t best_bytes;
	char best_hex[65];
};

static void
run_end(struct b64run *b)
{
	unsigned char d[32];

	if (b->cur_lines > b->best_lines) {
		EVP_DigestUpdate(b->cur, b->pend, b->npend);
		EVP_DigestFinal_ex(b->cur, d, NULL);
		hex(d, 32, b->best_hex);
		b->best_lines = b->cur_lines;
		b->best_bytes = b->cur_bytes;
	}
	if (b->cur_lines > 0 || b->npend > 0)
		EVP_DigestInit_ex(b->cur, EVP_sha256(), NULL);
	b->npend = 0;
	b->cur_lines = 0;
	b->cur_bytes = 0;
	b->acc = b->q = b->padded = 0;
}

/* One line l[0..n) without its LF; it belongs to the run when it ends in
 * CR and all before is base64. */
static void
run_line(struct b64run *b, const unsigned char *l, size_t n)
{
	unsigned char *out;
	size_t i = 0, o;
	unsigned acc = b->acc, q = b->q, padded = b->padded;

	if (n < 2 || l[n - 1] != '\r') {
		run_end(b);
		return;
	}
	n--;
	if (b->npend + n > sizeof b->pend) {
		EVP_DigestUpdate(b->cur, b->pend, b->npend);
		b->npend = 0;
	}
	out = b->pend + b->npend;
	o = 0;
	/* Whole quads of plain base64 (no '=', nothing invalid). */
	while (q == 0 && !padded && i + 4 <= n) {
		unsigned p0 = b64pair[l[i] | l[i + 1] << 8];
		unsigned p1 = b64pair[l[i + 2] | l[i + 3] << 8];
		if ((p0 | p1) & 0x8000)
			break;
		unsigned x = p0 << 12 | p1;
		out[o++] = (unsigned char)(x >> 16);
		out[o++] = (unsigned char)(x >> 8);
		out[o++] = (unsigned char)x;
		i += 4;
	}
	/* The rest one by one: padding, a quad across lines, or not base64. */
	for (; i < n; i++) {
		unsigned v = b64val[l[i]];
		if (v == 0xff) {
			run_end(b);
			return;
		}
		if (padded)
			continue;
		if (v == 64) {
			if (q == 2)
				out[o++] = (unsigned char)(acc >> 4);
			else if (q == 3) {
				out[o++] = (unsigned char)(acc >> 10);
				out[o++] = (unsigned char)(acc >> 2);
			}
			padded = 1;
			continue;
		}
		acc = acc << 6 | v;
		if (++q == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			q = acc = 0;
		}
	}
	b->acc = acc;
	b->q = q;
	b->padded = padded;
	b->npend += o;
	b->cur_bytes += o;
	b->cur_lines++;
}

static void
run_feed(struct b64run *b, const unsigned char *p, size_t n)
{
	while (n > 0) {
		const unsigned char *nl = memchr(p, '\n', n);
		size_t k = nl != NULL ? (size_t)(nl - p) : n;

		if (nl != NULL && b->linelen == 0 && !b->toolong)
			run_line(b, p, k);	/* the common case: in place */
		else {
			if (b->linelen + k <= sizeof b->line) {
				memcpy(b->line + b->linelen, p, k);
				b->linelen += k;
			} else
				b->toolong = 1;
			if (nl == NULL)
				return;
			if (b->toolong)
				run_end(b);
			else
				run_line(b, b->line, b->linelen);
		}
		b->linelen = 0;
		b->toolong = 0;
		p += k + 1;
		n -= k + 1;
	}
}

struct msg {
	int open;
	const char *method;
	uint64_t size;
	long chunks;
	EVP_MD_CTX *sha;
	struct b64run b64;
	int fd;
	char path[4096];
};

/* --- the connection ------------------------------------------------------ */

enum state { S_CMD, S_DATA, S_BDAT };

struct conn {
	int fd, n;
	SSL *ssl;
	const char *tls_mode;	/* "none", "starttls", "implicit" */
	int tls_ok;		/* the handshake completed */
	unsigned char *in;
	size_t in_start, in_end;
	struct str out;
	enum state state;
	uint64_t bdat_left;
	int bdat_last, bdat_bad;
	int bol, prevcr;	/* DATA: at a line start; last byte seen was CR */
	int ehlo, mail, nrcpt, auth_wait, quit;
	char *from;
	struct msg m;
	/* what the record reports */
	long turns, replies, cmds, messages, hellos;
	uint64_t rx, msg_bytes, pre_tls;
	double t0, idle_since, idle_ms, idle_max_ms, hs_ms;
	char *auth_user, *groups_offered, *key_shares;
	const char *close;
	struct str msgs;	/* JSON objects, comma separated */
};

static void
reply(struct conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (opt.delay_ms > 0) {
		struct timespec ts = { opt.delay_ms / 1000, (opt.delay_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > sizeof buf - 3)
		n = sizeof buf - 3;
	memcpy(buf + n, "\r\n", 2);
	str_add(&c->out, buf, n + 2);
	c->replies++;
}

/* Waits until the socket is ready for what OpenSSL (or plain I/O) needs;
 * 0 on time-out. */
static int
wait_fd(struct conn *c, short ev)
{
	struct pollfd p = { .fd = c->fd, .events = ev };
	int r;

	while ((r = poll(&p, 1, opt.idle_s * 1000)) == -1 && errno == EINTR)
		;
	return r > 0;
}

/* Writes all queued replies; one write (TLS: one record) per flight. */
static int
flush(struct conn *c)
{
	size_t off = 0;

	if (c->out.len == 0)
		return 0;
	while (off < c->out.len) {
		ssize_t w;
		short ev = POLLOUT;
		if (c->ssl != NULL) {
			int r = SSL_write(c->ssl, c->out.p + off, (int)(c->out.len - off));
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);
				if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
					return -1;
				ev = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
				w = 0;
			} else
				w = r;
		} else {
			w = write(c->fd, c->out.p + off, c->out.len - off);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
		}
		if (w > 0)
			off += (size_t)w;
		else if (!wait_fd(c, ev))
			return -1;
	}
	c->out.len = 0;
	c->turns++;
	c->idle_since = now_ms();
	return 0;
}

/* Reads what is there: >0 bytes, 0 at the end, -1 nothing now (want), -2
 * error. *want says which poll event would help. */
static long
rd(struct conn *c, void *buf, size_t n, short *want)
{
	*want = POLLIN;
	errno = 0;
	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
		if (r > 0)
			return r;
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ: return -1;
		case SSL_ERROR_WANT_WRITE: *want = POLLOUT; return -1;
		case SSL_ERROR_ZERO_RETURN: return 0;
		case SSL_ERROR_SYSCALL: return errno == 0 ? 0 : -2;
		default: return -2;
		}
	}
	ssize_t r = read(c->fd, buf, n);
	if (r >= 0)
		return r;
	return errno == EAGAIN || errno == EINTR ? -1 : -2;
}

/* TLS record facts for the stats: ClientHellos seen (2 = HelloRetryRequest). */
static void
msg_cb(int write_p, int version, int type, const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);

	(void)version;
	(void)arg;
	if (c != NULL && !write_p && type == SSL3_RT_HANDSHAKE && len > 0 &&
	    ((const unsigned char *)buf)[0] == SSL3_MT_CLIENT_HELLO)
		c->hellos++;
}

static const char *
group_name(unsigned id, char *buf)
{
	static const struct { unsigned id; const char *name; } g[] = {
		{ 0x14, "secp224k1" }, { 0x15, "secp224r1" }, { 0x16, "secp256k1" },
		{ 0x1a, "brainpoolP256r1" }, { 0x1b, "brainpoolP384r1" },
		{ 0x1c, "brainpoolP512r1" }, { 0x17, "secp256r1" }, { 0x18, "secp384r1" }, { 0x19, "secp521r1" },
		{ 0x1d, "x25519" }, { 0x1e, "x448" }, { 0x100, "ffdhe2048" },
		{ 0x101, "ffdhe3072" }, { 0x102, "ffdhe4096" }, { 0x103, "ffdhe6144" },
		{ 0x104, "ffdhe8192" },
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
		if (g[i].id == id)
			return g[i].name;
	sprintf(buf, "0x%04x", id);
	return buf;
}

/* supported_groups (10) and key_share (51) of the first ClientHello. */
static int
hello_cb(SSL *ssl, int *al, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);
	const unsigned char *p;
	size_t n;
	char nb[8];

	(void)al;
	(void)arg;
	if (c == NULL || c->groups_offered != NULL)
		return SSL_CLIENT_HELLO_SUCCESS;
	struct str s = { 0 };
	str_add(&s, "", 0);
	if (SSL_client_hello_get0_ext(ssl, 10, &p, &n) == 1 && n >= 2)
		for (size_t i = 2; i + 1 < n; i += 2)
			str_fmt(&s, "%s%s", s.len ? "," : "", group_name(p[i] << 8 | p[i + 1], nb));
	c->groups_offered = s.p;
	struct str k = { 0 };
	str_add(&k, "", 0);
	if (SSL_client_hello_get0_ext(ssl, 51, &p, &n) == 1 && n >= 2)
		for (size_t i = 2; i + 3 < n; i += 4 + (p[i + 2] << 8 | p[i + 3]))
			str_fmt(&k, "%s%s", k.len ? "," : "", group_name(p[i] << 8 | p[i + 1], nb));
	c->key_shares = k.p;
	return SSL_CLIENT_HELLO_SUCCESS;
}

static int
handshake(struct conn *c, const char *mode)
{
	double t = now_ms();

	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	SSL_set_app_data(c->ssl, c);
	c->tls_mode = mode;
	for (;;) {
		int r = SSL_accept(c->ssl), e;
		if (r == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
		    !wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) {
			c->close = "tls handshake failed";
			return -1;
		}
	}
	c->hs_ms = now_ms() - t;
	c->idle_since = now_ms();
	c->tls_ok = 1;
	return 0;
}

/* --- messages ---------------------------------------------------------- */

static void
msg_begin(struct conn *c, const char *method)
{
	struct msg *m = &c->m;

	m->open = 1;
	m->method = method;
	m->size = 0;
	m->chunks = 0;
	if (m->sha == NULL) {
		m->sha = EVP_MD_CTX_new();
		m->b64.cur = EVP_MD_CTX_new();
	}
	EVP_DigestInit_ex(m->sha, EVP_sha256(), NULL);
	m->b64.linelen = m->b64.toolong = 0;
	m->b64.cur_lines = 0;
	m->b64.npend = 0;
	EVP_DigestInit_ex(m->b64.cur, EVP_sha256(), NULL);
	run_end(&m->b64);
	m->b64.best_lines = 0;
	m->b64.best_bytes = 0;
	strcpy(m->b64.best_hex, "");
	m->fd = -1;
	if (opt.store != NULL) {
		snprintf(m->path, sizeof m->path, "%s/msg-%d-%ld.eml", opt.store, c->n,
		    c->messages + 1);
		if ((m->fd = open(m->path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
			die("%s: %s", m->path, strerror(errno));
	}
}

static void
msg_feed(struct conn *c, const unsigned char *p, size_t n)
{
	struct msg *m = &c->m;

	if (n == 0)
		return;
	m->size += n;
	EVP_DigestUpdate(m->sha, p, n);
	run_feed(&m->b64, p, n);
	if (m->fd != -1 && write(m->fd, p, n) != (ssize_t)n)
		die("%s: %s", m->path, strerror(errno));
}

/* Closes the message; keep = delivered (else aborted by RSET or the end). */
static void
msg_end(struct conn *c, int keep)
{
	struct msg *m = &c->m;
	unsigned char d[32];
	char h[65];

	if (!m->open)
		return;
	m->open = 0;
	if (m->b64.linelen > 0) {	/* a last line without CRLF */
		run_feed(&m->b64, (const unsigned char *)"\r\n", 2);
	}
	run_end(&m->b64);
	EVP_DigestFinal_ex(m->sha, d, NULL);
	hex(d, 32, h);
	if (m->fd != -1)
		close(m->fd);
	if (!keep) {
		if (m->fd != -1)
			unlink(m->path);
		return;
	}
	c->messages++;
	c->msg_bytes += m->size;
	if (c->msgs.len)
		str_add(&c->msgs, ",", 1);
	str_fmt(&c->msgs, "{\"method\":\"%s\",\"size\":%llu,\"sha256\":\"%s\","
	    "\"b64_bytes\":%llu,\"b64_lines\":%ld,\"b64_sha256\":\"%s\",\"chunks\":%ld,"
	    "\"rcpts\":%d,\"from\":", m->method, (unsigned long long)m->size, h,
	    (unsigned long long)m->b64.best_bytes, m->b64.best_lines, m->b64.best_hex,
	    m->chunks, c->nrcpt);
	str_json(&c->msgs, c->from);
	if (m->fd != -1) {
		str_add(&c->msgs, ",\"file\":", 8);
		str_json(&c->msgs, m->path);
	}
	str_add(&c->msgs, "}", 1);
}

static void
reset_txn(struct conn *c)
{
	msg_end(c, 0);
	c->mail = 0;
	c->nrcpt = 0;
	free(c->from);
	c->from = NULL;
}

/* --- commands ---------------------------------------------------------- */

static int
verb_is(const char *line, const char *verb, const char **arg)
{
	size_t n = strlen(verb);

	if (strncasecmp(line, verb, n) != 0 || (line[n] != '\0' && line[n] != ' '))
		return 0;
	for (*arg = line + n; **arg == ' '; (*arg)++)
		;
	return 1;
}

/* <path> after FROM: or TO:, copied into a new string; NULL if malformed. */
static char *
path_of(const char *arg, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *a, *b;

	if (strncasecmp(arg, prefix, n) != 0)
		return NULL;
	for (a = arg + n; *a == ' '; a++)
		;
	if (*a != '<' || (b = strchr(a, '>')) == NULL)
		return NULL;
	return strndup(a + 1, (size_t)(b - a - 1));
}

static void
auth_plain(struct conn *c, const char *b64)
{
	unsigned char buf[MAXLINE];
	long n = b64_decode(b64, strlen(b64), buf);
	unsigned char *u, *p;

	if (n < 0 || (u = memchr(buf, 0, (size_t)n)) == NULL ||
	    (p = memchr(u + 1, 0, (size_t)(buf + n - u - 1))) == NULL) {
		reply(c, "501 5.5.2 Malformed AUTH PLAIN response");
		return;
	}
	c->auth_user = strndup((char *)u + 1, (size_t)(p - u - 1));
	reply(c, "235 2.7.0 Authentication successful");
}

static void
command(struct conn *c, char *line)
{
	const char *arg;
	char *addr;

	c->cmds++;
	if (c->auth_wait) {
		c->auth_wait = 0;
		if (strcmp(line, "*") == 0)
			reply(c, "501 5.7.0 Authentication cancelled");
		else
			auth_plain(c, line);
		return;
	}
	if (verb_is(line, "EHLO", &arg) || verb_is(line, "HELO", &arg)) {
		if (*arg == '\0') {
			reply(c, "501 5.5.4 EHLO needs a domain");
			return;
		}
		reset_txn(c);
		c->ehlo = 1;
		if (toupper((unsigned char)line[0]) == 'H') {
			reply(c, "250 %s greets %s", HOSTNAME, arg);
			return;
		}
		reply(c, "250-%s greets %s\r\n250-PIPELINING\r\n250-SIZE\r\n250-8BITMIME\r\n"
		    "250-SMTPUTF8\r\n250-CHUNKING%s%s\r\n250 ENHANCEDSTATUSCODES", HOSTNAME, arg,
		    c->ssl == NULL && opt.cert != NULL ? "\r\n250-STARTTLS" : "",
		    c->ssl != NULL && opt.auth ? "\r\n250-AUTH PLAIN" : "");
	} else if (verb_is(line, "STARTTLS", &arg)) {
		if (c->ssl != NULL || opt.cert == NULL)
			reply(c, "502 5.5.1 STARTTLS not available");
		else if (*arg != '\0')
			reply(c, "501 5.5.4 STARTTLS takes no parameters");
		else {
			reply(c, "220 2.0.0 Ready to start TLS");
			/* Bytes pipelined after STARTTLS are discarded (RFC 3207). */
			c->pre_tls += c->in_end - c->in_start;
			c->in_start = c->in_end;
			if (flush(c) == -1 || handshake(c, "starttls") == -1) {
				c->quit = 1;
				if (c->close == NULL)
					c->close = "tls handshake failed";
				return;
			}
			reset_txn(c);
			c->ehlo = 0;
		}
	} else if (verb_is(line, "AUTH", &arg)) {
		if (!opt.auth || c->ssl == NULL)
			reply(c, "502 5.5.1 AUTH not available");
		else if (c->auth_user != NULL)
			reply(c, "503 5.5.1 Already authenticated");
		else if (strncasecmp(arg, "PLAIN", 5) != 0 || (arg[5] != '\0' && arg[5] != ' '))
			reply(c, "504 5.5.4 Unrecognized authentication type");
		else if (arg[5] == ' ' && arg[6] != '\0')
			auth_plain(c, arg + 6);
		else {
			c->auth_wait = 1;
			reply(c, "334 ");
		}
	} else if (verb_is(line, "MAIL", &arg)) {
		if (!c->ehlo)
			reply(c, "503 5.5.1 Send EHLO/HELO first");
		else if (c->mail)
			reply(c, "503 5.5.1 Nested MAIL command");
		else if ((addr = path_of(arg, "FROM:")) == NULL)
			reply(c, "501 5.5.4 Syntax: MAIL FROM:<address>");
		else {
			c->mail = 1;
			c->from = addr;
			reply(c, "250 2.1.0 Sender <%s> ok", addr);
		}
	} else if (verb_is(line, "RCPT", &arg)) {
		if (!c->mail)
			reply(c, "503 5.5.1 Need MAIL before RCPT");
		else if ((addr = path_of(arg, "TO:")) == NULL || *addr == '\0') {
			reply(c, "501 5.5.4 Syntax: RCPT TO:<address>");
			free(addr);
		} else {
			c->nrcpt++;
			reply(c, "250 2.1.5 Recipient <%s> ok", addr);
			free(addr);
		}
	} else if (verb_is(line, "DATA", &arg)) {
		if (!c->mail)
			reply(c, "503 5.5.1 Need MAIL command");
		else if (c->nrcpt == 0)
			reply(c, "554 5.5.1 No valid recipients");
		else if (c->m.open)
			reply(c, "503 5.5.1 BDAT in progress");
		else {
			reply(c, "354 End data with <CR><LF>.<CR><LF>");
			msg_begin(c, "DATA");
			c->state = S_DATA;
			c->bol = 1;
			c->prevcr = 0;
		}
	} else if (verb_is(line, "BDAT", &arg)) {
		char *end;
		unsigned long long n = strtoull(arg, &end, 10);
		if (end == arg || (*end != '\0' && strcasecmp(end, " LAST") != 0)) {
			reply(c, "501 5.5.4 Syntax: BDAT size [LAST]");
			return;
		}
		c->state = S_BDAT;
		c->bdat_left = n;
		c->bdat_last = *end != '\0';
		c->bdat_bad = !c->mail || c->nrcpt == 0;
		if (!c->bdat_bad && !c->m.open)
			msg_begin(c, "BDAT");
		if (!c->bdat_bad)
			c->m.chunks++;
	} else if (verb_is(line, "RSET", &arg)) {
		reset_txn(c);
		reply(c, "250 2.0.0 Ok");
	} else if (verb_is(line, "NOOP", &arg)) {
		reply(c, "250 2.0.0 Ok");
	} else if (verb_is(line, "QUIT", &arg)) {
		reply(c, "221 2.0.0 Bye");
		c->quit = 1;
		c->close = "quit";
	} else
		reply(c, "500 5.5.2 Command not recognized");
}

/* End of a BDAT chunk's data. */
static void
bdat_done(struct conn *c)
{
	c->state = S_CMD;
	if (c->bdat_bad)
		reply(c, "503 5.5.1 Need MAIL and RCPT before BDAT");
	else if (c->bdat_last) {
		msg_end(c, 1);
		reply(c, "250 2.0.0 Ok: queued as %d.%ld", c->n, c->messages);
		reset_txn(c);
	} else
		reply(c, "250 2.0.0 %llu octets received", (unsigned long long)c->m.size);
}

/* DATA: dot-unstuffing and the end of data, span by span (the message
 * bytes between two removed dots are fed in one piece). */
static void
data_in(struct conn *c)
{
	unsigned char *in = c->in;
	size_t i = c->in_start, s = i, start = i, end = c->in_end;

	while (i < end) {
		if (c->bol) {
			if (in[i] == '.') {
				if (end - i < 2 || (in[i + 1] == '\r' && end - i < 3))
					break;	/* need more to decide */
				if (in[i + 1] == '\r' && in[i + 2] == '\n') {
					msg_feed(c, in + s, i - s);
					c->in_start = i + 3;
					c->state = S_CMD;
					msg_end(c, 1);
					reply(c, "250 2.0.0 Ok: queued as %d.%ld", c->n, c->messages);
					reset_txn(c);
					return;
				}
				msg_feed(c, in + s, i - s);
				s = ++i;	/* drop the stuffed dot */
			}
			c->bol = 0;
		}
		unsigned char *nl = memchr(in + i, '\n', end - i);
		if (nl == NULL) {
			c->prevcr = in[end - 1] == '\r';
			i = end;
			break;
		}
		size_t at = (size_t)(nl - in);
		c->bol = at > start ? in[at - 1] == '\r' : c->prevcr;
		c->prevcr = 0;
		i = at + 1;
	}
	msg_feed(c, in + s, i - s);
	c->in_start = i;
}

/* Consumes what the input buffer holds, queuing replies. */
static void
process(struct conn *c)
{
	while (c->in_start < c->in_end && !c->quit) {
		if (c->state == S_DATA) {
			size_t before = c->in_start;
			data_in(c);
			if (c->state == S_DATA && c->in_start == before)
				break;	/* a dot at a line start, undecided */
		} else if (c->state == S_BDAT) {
			size_t take = c->in_end - c->in_start;
			if (take > c->bdat_left)
				take = (size_t)c->bdat_left;
			if (!c->bdat_bad)
				msg_feed(c, c->in + c->in_start, take);
			c->in_start += take;
			c->bdat_left -= take;
			if (c->bdat_left == 0)
				bdat_done(c);
		} else {
			unsigned char *p = c->in + c->in_start;
			unsigned char *nl = memchr(p, '\n', c->in_end - c->in_start);
			if (nl == NULL) {
				if (c->in_end - c->in_start > MAXLINE) {
					reply(c, "500 5.5.2 Line too long");
					c->in_start = c->in_end;
				}
				break;
			}
			size_t n = (size_t)(nl - p);
			c->in_start += n + 1;
			if (n > MAXLINE) {
				reply(c, "500 5.5.2 Line too long");
				continue;
			}
			char line[MAXLINE + 1];
			memcpy(line, p, n);
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			command(c, line);
		}
		/* A BDAT chunk of size 0 needs no bytes. */
		if (c->state == S_BDAT && c->bdat_left == 0)
			bdat_done(c);
	}
	if (c->in_start == c->in_end)
		c->in_start = c->in_end = 0;
	else if (c->in_start > INCAP / 2) {
		memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
		c->in_end -= c->in_start;
		c->in_start = 0;
	}
}

static void
write_stats(struct conn *c)
{
	struct str s = { 0 };
	const char *ver = NULL, *cipher = NULL, *group = NULL;
	char gb[32];
	struct rusage ru;
	int fd;

	if (c->tls_ok) {	/* OpenSSL crashes on these after a failed handshake */
		int nid = SSL_get_negotiated_group(c->ssl);
		ver = SSL_get_version(c->ssl);
		cipher = SSL_get_cipher_name(c->ssl);
		group = nid > 0 ? SSL_group_to_name(c->ssl, nid) : NULL;
		if (group == NULL && nid > 0) {
			snprintf(gb, sizeof gb, "nid %d", nid);
			group = gb;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	str_fmt(&s, "{\"conn\":%d,\"close\":", c->n);
	str_json(&s, c->close ? c->close : "?");
	str_fmt(&s, ",\"ms\":%.2f,\"turns\":%ld,\"replies\":%ld,\"cmds\":%ld,\"rx_bytes\":%llu,"
	    "\"msg_bytes\":%llu,\"messages\":%ld,\"pre_tls_bytes\":%llu,"
	    "\"idle_ms\":%.2f,\"idle_max_ms\":%.2f,\"tls\":%s,\"tls_mode\":\"%s\",\"tls_version\":",
	    now_ms() - c->t0, c->turns, c->replies, c->cmds, (unsigned long long)c->rx,
	    (unsigned long long)c->msg_bytes, c->messages, (unsigned long long)c->pre_tls,
	    c->idle_ms, c->idle_max_ms, c->tls_ok ? "true" : "false", c->tls_mode);
	str_json(&s, ver);
	str_add(&s, ",\"cipher\":", 10);
	str_json(&s, cipher);
	str_add(&s, ",\"group\":", 9);
	str_json(&s, group);
	str_fmt(&s, ",\"server_cpu_ms\":%.1f", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	str_fmt(&s, ",\"hrr\":%s,\"client_hellos\":%ld,\"handshake_ms\":%.2f,\"resumed\":%s,"
	    "\"groups_offered\":", c->hellos > 1 ? "true" : "false", c->hellos, c->hs_ms,
	    c->tls_ok && SSL_session_reused(c->ssl) ? "true" : "false");
	str_json(&s, c->groups_offered);
	str_add(&s, ",\"key_shares\":", 14);
	str_json(&s, c->key_shares);
	str_add(&s, ",\"auth_user\":", 13);
	str_json(&s, c->auth_user);
	str_add(&s, ",\"msgs\":[", 9);
	if (c->msgs.len)
		str_add(&s, c->msgs.p, c->msgs.len);
	str_add(&s, "]}\n", 3);
	if (opt.stats == NULL)
		return;
	/* One write with O_APPEND: lines of concurrent connections never mix. */
	if ((fd = open(opt.stats, O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1 ||
	    write(fd, s.p, s.len) != (ssize_t)s.len)
		die("%s: %s", opt.stats, strerror(errno));
	close(fd);
}

static void
serve(int fd, int n)
{
	struct conn c = { .fd = fd, .n = n, .tls_mode = "none" };
	int one = 1;

	c.t0 = now_ms();
	if ((c.in = malloc(INCAP)) == NULL)
		die("out of memory");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (opt.implicit && handshake(&c, "implicit") == -1)
		goto out;
	reply(&c, "220 %s ESMTP bench sink", HOSTNAME);
	if (flush(&c) == -1)
		goto out;
	c.turns = 0;	/* the greeting is not a turn */
	for (;;) {
		process(&c);
		if (c.quit)
			break;
		short want;
		long r = rd(&c, c.in + c.in_end, INCAP - c.in_end, &want);
		if (r > 0) {
			if (c.idle_since > 0) {
				double w = now_ms() - c.idle_since;
				c.idle_ms += w;
				if (w > c.idle_max_ms)
					c.idle_max_ms = w;
				c.idle_since = 0;
			}
			c.in_end += (size_t)r;
			c.rx += (uint64_t)r;
			continue;
		}
		if (r == 0) {
			c.close = "eof";
			break;
		}
		if (r == -2) {
			c.close = "read error";
			break;
		}
		/* Nothing more to read now: answer what was asked, then wait. */
		if (flush(&c) == -1) {
			c.close = "write error";
			break;
		}
		if (!wait_fd(&c, want)) {
			c.close = "idle timeout";
			break;
		}
	}
	if (c.out.len && flush(&c) == -1 && c.close == NULL)
		c.close = "write error";
out:
	msg_end(&c, 0);
	write_stats(&c);
	if (c.tls_ok)
		SSL_shutdown(c.ssl);
	close(fd);
}

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(void)
{
	fputs("usage: sink --cert PEM --key KEY [--port N] [--stats FILE] [--store DIR]\n"
	    "            [--delay-ms N] [--client-cipher-order] [--groups LIST]\n"
	    "            [--implicit] [--auth] [--idle-timeout S]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	struct sigaction act = { .sa_handler = on_term };
	int lfd, one = 1, nconn = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (strcmp(a, name) == 0 && (v != NULL || (usage(), 0)) && ++i)
		if (ARG("--cert")) opt.cert = v;
		else if (ARG("--key")) opt.key = v;
		else if (ARG("--port")) opt.port = atoi(v);
		else if (ARG("--stats")) opt.stats = v;
		else if (ARG("--store")) opt.store = v;
		else if (ARG("--delay-ms")) opt.delay_ms = atoi(v);
		else if (ARG("--groups")) opt.groups = v;
		else if (ARG("--idle-timeout")) opt.idle_s = atoi(v);
		else if (strcmp(a, "--client-cipher-order") == 0) opt.client_order = 1;
		else if (strcmp(a, "--implicit") == 0) opt.implicit = 1;
		else if (strcmp(a, "--auth") == 0) opt.auth = 1;
		else usage();
#undef ARG
	}
	if ((opt.cert == NULL) != (opt.key == NULL) || (opt.implicit && opt.cert == NULL))
		usage();
	b64_init();
	if (opt.cert != NULL) {
		if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
			die("SSL_CTX_new failed");
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
		if (SSL_CTX_use_certificate_chain_file(ctx, opt.cert) != 1)
			die("cannot load %s", opt.cert);
		if (SSL_CTX_use_PrivateKey_file(ctx, opt.key, SSL_FILETYPE_PEM) != 1)
			die("cannot load %s", opt.key);
		if (!opt.client_order)
			SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
		if (opt.groups != NULL && SSL_CTX_set1_groups_list(ctx, opt.groups) != 1)
			die("--groups %s: not accepted by OpenSSL", opt.groups);
		SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		SSL_CTX_set_read_ahead(ctx, 1);
		SSL_CTX_set_default_read_buffer_len(ctx, 64 * 1024);
		SSL_CTX_set_msg_callback(ctx, msg_cb);
		SSL_CTX_set_client_hello_cb(ctx, hello_cb, NULL);
	}
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)opt.port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) == -1 || listen(lfd, 64) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1)
		die("cannot listen on 127.0.0.1:%d: %s", opt.port, strerror(errno));
	printf("PORT %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* children are reaped by the kernel */
	sigaction(SIGTERM, &act, NULL);	/* no SA_RESTART: accept returns EINTR */
	sigaction(SIGINT, &act, NULL);
	while (!stopping) {
		int fd = accept(lfd, NULL, NULL);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %s", strerror(errno));
		}
		nconn++;
		pid_t pid = fork();
		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);
			close(lfd);
			serve(fd, nconn);
			_exit(0);
		}
		if (pid == -1)
			fprintf(stderr, "sink: fork: %s\n", strerror(errno));
		close(fd);
	}
	return 0;
}
