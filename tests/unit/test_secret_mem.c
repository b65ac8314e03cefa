/* Secrets never survive in freed memory: every buffer that held a
 * password, or a form of it that goes on the wire (PLAIN's and LOGIN's
 * base64, the AUTH line), is wiped before it is freed or moved. The test
 * is linked with -Wl,--wrap=free,--wrap=realloc,--wrap=vasprintf (see
 * Makefile.am): every free() and every realloc() that moves a block is
 * checked for a piece of the secret first, and a secret formatted with
 * vasprintf counts too (glibc frees its growing buffers unwiped). The
 * session runs over a transport of this file that keeps what it reads in
 * a static buffer and wipes it, so only missive's own buffers are
 * judged. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "mail/encode.h"
#include "mail/msg.h"
#include "net/conn.h"
#include "net/sasl.h"
#include "net/smtp.h"

/* --- the allocator hooks */

void __real_free(void *p);
void *__real_realloc(void *p, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);

#define WINDOW	12	/* bytes of a secret form that count as a piece */
#define NFORMS	8

static char *forms[NFORMS];
static size_t nforms;
static int leaks;
static char first_leak[160];
static bool hooks_on;

static bool
holds_piece(const void *p, size_t n)
{
	size_t i, off, len;

	for (i = 0; i < nforms; i++) {
		len = strlen(forms[i]);
		for (off = 0; off + WINDOW <= len; off += 4)
			if (memmem(p, n, forms[i] + off, WINDOW) != NULL)
				return true;
	}
	return false;
}

static void
leak(const char *how, const void *p, size_t n)
{
	if (getenv("SECRET_MEM_VERBOSE") != NULL)
		fprintf(stderr, "# %s of %zu bytes: %.60s\n", how, n, (const char *)p);
	if (leaks++ == 0)
		snprintf(first_leak, sizeof first_leak, "%s of %zu bytes: %.60s",
		    how, n, (const char *)p);
}

void
__wrap_free(void *p)
{
	if (hooks_on && p != NULL) {
		size_t n = malloc_usable_size(p);

		hooks_on = false;
		if (holds_piece(p, n))
			leak("free", p, n);
		hooks_on = true;
	}
	__real_free(p);
}

void *
__wrap_realloc(void *p, size_t n)
{
	bool had = false;
	size_t old = 0;
	void *q;
	char copy[80] = "";

	if (hooks_on && p != NULL) {
		hooks_on = false;
		old = malloc_usable_size(p);
		had = holds_piece(p, old);
		if (had)
			snprintf(copy, sizeof copy, "%.60s", (const char *)p);
		hooks_on = true;
	}
	q = __real_realloc(p, n);
	/* Moved: the old block was freed as it was. */
	if (had && q != p)
		leak("realloc moving a block", copy, old);
	return q;
}

int
__wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	int rc = __real_vasprintf(out, fmt, ap);

	if (hooks_on && rc >= 0 && holds_piece(*out, (size_t)rc)) {
		hooks_on = false;
		leak("vasprintf (its growing buffers are freed unwiped)", *out,
		    (size_t)rc);
		hooks_on = true;
	}
	return rc;
}

static void
forms_clear(void)
{
	size_t i;

	hooks_on = false;
	for (i = 0; i < nforms; i++) {
		mem_wipe(forms[i], strlen(forms[i]));
		__real_free(forms[i]);
	}
	nforms = 0;
	leaks = 0;
	first_leak[0] = '\0';
}

static void
form_add_b64(const char *raw, size_t n, size_t skip)
{
	struct buf b;

	buf_init(&b);
	enc_b64_encode(&b, raw, n);
	forms[nforms++] = xstrdup(buf_cstr(&b) + skip);
	mem_wipe(b.data, b.cap);
	__real_free(b.data);
}

/* The password, and its base64 inside any longer text (PLAIN's
 * "\0user\0password", LOGIN's password alone, XOAUTH2's "user=...
 * auth=Bearer ..."): at each of the three alignments, without the first
 * group, which mixes in what came before. */
static void
forms_set(const char *pw)
{
	char raw[512];
	size_t pl = strlen(pw), k;

	forms[nforms++] = xstrdup(pw);
	for (k = 0; k < 3; k++) {
		memset(raw, 'x', k);
		memcpy(raw + k, pw, pl);
		form_add_b64(raw, k + pl, 4);
	}
	mem_wipe(raw, sizeof raw);
}

/* --- a transport that keeps nothing on the heap */

static char inbuf[65536], outbuf[4096];
static size_t inlen, outlen, outoff;
static bool in_data;
static int login_step;

static void
say(const char *s)
{
	size_t n = strlen(s);

	assert_true(outlen + n < sizeof outbuf);
	memcpy(outbuf + outlen, s, n);
	outlen += n;
}

/* Answers one complete line of the client. */
static void
answer(const char *l)
{
	if (in_data) {
		if (strcmp(l, ".") == 0) {
			in_data = false;
			say("250 2.0.0 queued\r\n");
		}
		return;
	}
	if (login_step == 1) {
		login_step = 2;
		say("334 UGFzc3dvcmQ6\r\n");
		return;
	}
	if (login_step == 2) {
		login_step = 0;
		say("235 2.7.0 ok\r\n");
		return;
	}
	if (strncmp(l, "EHLO", 4) == 0)
		say("250-mem.example\r\n250 AUTH PLAIN LOGIN XOAUTH2\r\n");
	else if (strcmp(l, "AUTH LOGIN") == 0) {
		login_step = 1;
		say("334 VXNlcm5hbWU6\r\n");
	} else if (strncmp(l, "AUTH ", 5) == 0)
		say("235 2.7.0 ok\r\n");
	else if (strcmp(l, "DATA") == 0) {
		in_data = true;
		say("354 go\r\n");
	} else if (strcmp(l, "QUIT") == 0)
		say("221 bye\r\n");
	else
		say("250 ok\r\n");
}

static void *
t_open(const char *host, int port, int timeout, atomic_bool *cancel,
    char *addr, size_t addrlen, struct err *e)
{
	(void)host; (void)port; (void)timeout; (void)cancel; (void)e;
	snprintf(addr, addrlen, "mem");
	inlen = outlen = outoff = 0;
	in_data = false;
	login_step = 0;
	say("220 mem.example ESMTP\r\n");
	return inbuf;
}

static ssize_t
t_read(void *h, void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	(void)h; (void)timeout; (void)cancel;
	if (outoff == outlen) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (n > outlen - outoff)
		n = outlen - outoff;
	memcpy(buf, outbuf + outoff, n);
	outoff += n;
	if (outoff == outlen)
		outoff = outlen = 0;
	return (ssize_t)n;
}

static ssize_t
t_write(void *h, const void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	char *nl;
	size_t len;

	(void)h; (void)timeout; (void)cancel;
	assert_true(inlen + n < sizeof inbuf);
	memcpy(inbuf + inlen, buf, n);
	inlen += n;
	while ((nl = memchr(inbuf, '\n', inlen)) != NULL) {
		len = (size_t)(nl - inbuf) + 1;
		*nl = '\0';
		if (nl > inbuf && nl[-1] == '\r')
			nl[-1] = '\0';
		answer(inbuf);
		memmove(inbuf, inbuf + len, inlen - len);
		inlen -= len;
		mem_wipe(inbuf + inlen, len);
	}
	return (ssize_t)n;
}

static bool
t_pending(void *h)
{
	(void)h;
	return outlen > outoff;
}

static void
t_close(void *h)
{
	(void)h;
	mem_wipe(inbuf, sizeof inbuf);
}

static const struct conn_ops wiping_ops = {
	t_open, t_read, t_write, t_pending, t_close
};

/* --- the tests */

/* Long enough that every buffer on its way grows more than once. */
static const char long_pw[] = "Tr0ub4dor&3-correct-horse-battery-staple-"
    "0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
    "the-end-of-a-long-passphrase-typed-by-someone-careful";

static void
send_with(const char *mech, bool from_cmd, const char *pw)
{
	struct msg_spec spec;
	struct smtp_job job;
	struct result *r;
	struct err e = { 0 };

	smtp_job_init(&job);
	job.host = xstrdup("mem.example");
	job.port = 25;
	job.tls = TLS_OFF;
	job.helo = xstrdup("client.example");
	job.timeout = 5;
	job.user = xstrdup("ann");
	if (from_cmd) {
		/* The command names a file, so it holds no secret itself. */
		char path[] = "/tmp/missive-secret-XXXXXX";
		int fd = mkstemp(path);

		/* write(2), not stdio: its buffer would be freed by libc with
		 * the password in it, and reused by missive's own blocks. */
		assert_true(fd != -1);
		assert_int_equal(write(fd, pw, strlen(pw)), (ssize_t)strlen(pw));
		assert_int_equal(close(fd), 0);
		job.password_cmd = xasprintf("cat %s; rm -f %s", path, path);
	} else
		job.password = xstrdup(pw);
	job.auth_mech = xstrdup(mech);
	job.allow_plaintext_auth = true;
	memset(&spec, 0, sizeof spec);
	spec.from = "ann@example.org";
	spec.to = "bob@example.net";
	spec.subject = "Hi";
	spec.body = "x";
	job.msg = msg_new(&spec, &e);
	assert_non_null(job.msg);

	forms_clear();
	forms_set(pw);
	hooks_on = true;
	r = smtp_run(&job, NULL, NULL, NULL, &wiping_ops);
	smtp_job_free(&job);
	hooks_on = false;
	if (!r->sent)
		fail_msg("%s: not sent: %s", mech, r->message);
	result_free(r);
	if (leaks > 0) {
		int n = leaks;

		leaks = 0;
		fail_msg("AUTH %s%s: %d freed or moved blocks held the secret; the "
		    "first: %s", mech, from_cmd ? " (password_cmd)" : "", n,
		    first_leak);
		(void)n;
	}
	forms_clear();
}

/* The hooks see what they must: a copy freed unwiped is caught. */
static void
test_hooks_catch_a_leak(void **state)
{
	char *copy;

	(void)state;
	forms_set(long_pw);
	hooks_on = true;
	copy = xstrdup(long_pw);
	free(copy);
	copy = xstrdup(long_pw);
	secret_free(copy);
	hooks_on = false;
	assert_int_equal(leaks, 1);
	forms_clear();
}

/* Every length from 100 to 200 bytes: the buffers cross their growth
 * steps (64, 128, 256) at different points, the AUTH line among them. */
static void
each_length(const char *mech, bool from_cmd)
{
	char pw[sizeof long_pw];
	size_t n;

	for (n = 100; n <= 200 && n < sizeof long_pw; n++) {
		memcpy(pw, long_pw, n);
		pw[n] = '\0';
		send_with(mech, from_cmd, pw);
	}
	mem_wipe(pw, sizeof pw);
}

static void
test_plain(void **state)
{
	(void)state;
	each_length("PLAIN", false);
}

static void
test_login(void **state)
{
	(void)state;
	each_length("LOGIN", false);
}

static void
test_xoauth2(void **state)
{
	(void)state;
	each_length("XOAUTH2", false);
}

static void
test_password_cmd(void **state)
{
	(void)state;
	send_with("PLAIN", true, long_pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks_catch_a_leak),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_xoauth2),
		cmocka_unit_test(test_password_cmd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
