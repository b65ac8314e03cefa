/* The SMTP session over the in-memory transport: exact bytes on the wire,
 * the policy decisions, and what reaches the event stream. */
#include "config.h"

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
#include "memconn.h"
#include "net/sasl.h"
#include "net/smtp.h"

/* Every event of a run, as JSON lines, plus the dialogue. */
static struct buf events, dialogue;

static void
collect(const struct event *ev, void *arg)
{
	(void)arg;
	if (ev->type == EV_DIALOGUE) {
		buf_addf(&dialogue, "%c %s\n", ev->dir, ev->text);
		return;
	}
	event_to_json(ev, &events);
	buf_addc(&events, '\n');
}

static struct result *
run(const struct mem_step *script, struct smtp_job *job)
{
	buf_free(&events);
	buf_free(&dialogue);
	buf_adds(&events, "");
	buf_adds(&dialogue, "");
	memconn_script(script);
	return smtp_run(job, collect, NULL, NULL, &memconn_ops);
}

static void
job_for(struct smtp_job *job, enum tls_mode mode, const char *to, const char *body)
{
	struct msg_spec spec;
	struct err e = { 0 };

	smtp_job_init(job);
	job->host = xstrdup("mem.example");
	job->port = 25;
	job->tls = mode;
	job->helo = xstrdup("client.example");
	job->timeout = 5;
	memset(&spec, 0, sizeof spec);
	spec.from = "Ann <ann@example.org>";
	spec.to = to;
	spec.subject = "Hi";
	spec.body = body;
	job->msg = msg_new(&spec, &e);
	if (job->msg == NULL)
		fail_msg("msg_new: %s", e.msg);
}

#define EHLO_PIPE "250-mem.example\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250 8BITMIME\r\n"

static void
test_pipelined_send(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example ESMTP\r\n" },
		{ "EHLO client.example\r\n", EHLO_PIPE },
		{ "DATA\r\n", "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n" },
		{ "\r\n.\r\n", "250 2.0.0 queued as X\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;
	const char *got;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", ".starts with a dot\n..two\nend");
	r = run(s, &job);
	assert_true(r->sent);
	assert_int_equal(r->exit_status, 0);
	assert_false(r->encrypted);
	got = memconn_received(NULL);
	/* MAIL, RCPT and DATA went in one write, with SIZE= */
	assert_non_null(strstr(got, "\r\nMAIL FROM:<ann@example.org> SIZE="));
	assert_non_null(strstr(got, "\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"));
	/* dot-stuffing, CRLF, and the final dot with QUIT in one go */
	assert_non_null(strstr(got, "\r\n..starts with a dot\r\n...two\r\nend"));
	assert_non_null(strstr(got, "\r\n.\r\nQUIT\r\n"));
	/* EHLO; MAIL+RCPT+DATA; message+dot+QUIT: three client writes */
	assert_int_equal(memconn_writes(), 3);
	assert_non_null(strstr(events.data, "\"event\":\"sent\""));
	assert_non_null(strstr(events.data, "\"event\":\"rcpt\",\"t\""));
	assert_non_null(strstr(events.data, "\"accepted\":true"));
	result_free(r);
	smtp_job_free(&job);
}

/* A sent copy lands in the profile's Maildir, in cur/, marked seen, with
 * LF line ends, and the result says where. */
static void
test_sent_copy_in_maildir(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example ESMTP\r\n" },
		{ "EHLO client.example\r\n", EHLO_PIPE },
		{ "DATA\r\n", "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n" },
		{ "\r\n.\r\n", "250 2.0.0 queued as X\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	char dir[] = "/tmp/missive-maildir-XXXXXX", text[4096];
	struct smtp_job job;
	struct result *r;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	job_for(&job, TLS_OFF, "bob@example.net", "line one\nline two");
	job.sent_maildir = xasprintf("%s/Sent", dir);
	r = run(s, &job);
	assert_true(r->sent);
	assert_non_null(r->sent_copy);
	assert_non_null(strstr(r->sent_copy, "/Sent/cur/"));
	assert_non_null(strstr(r->sent_copy, ":2,S"));
	assert_non_null(f = fopen(r->sent_copy, "r"));
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "Subject: Hi\n"));
	assert_non_null(strstr(text, "line one\nline two"));
	assert_null(strchr(text, '\r'));
	assert_non_null(strstr(events.data, "\"sent_copy\":"));
	unlink(r->sent_copy);
	result_free(r);
	smtp_job_free(&job);
}

static void
test_helo_fallback_and_no_pipelining(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 old.example\r\n" },
		{ "EHLO", "502 5.5.1 what?\r\n" },
		{ "HELO client.example\r\n", "250 old.example\r\n" },
		{ "MAIL FROM:<ann@example.org>\r\n", "250 ok\r\n" },
		{ "RCPT TO:<bob@example.net>\r\n", "250 ok\r\n" },
		{ "RCPT TO:<cy@example.net>\r\n", "250 ok\r\n" },
		{ "DATA\r\n", "354 go\r\n" },
		{ "\r\n.\r\n", "250 queued\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net, cy@example.net", "hello");
	r = run(s, &job);
	assert_true(r->sent);
	assert_int_equal(r->naccepted, 2);
	assert_non_null(strstr(events.data, "\"event\":\"helo\""));
	/* one write per command: EHLO, HELO, MAIL, RCPT, RCPT, DATA, the
	 * message with its dot, QUIT */
	assert_int_equal(memconn_writes(), 8);
	/* no SIZE= for a server that did not offer it */
	assert_null(strstr(memconn_received(NULL), "SIZE="));
	result_free(r);
	smtp_job_free(&job);
}

/* A HELO name with a line break is refused before anything is sent: it
 * would smuggle a command into the session (doc/design.md, CR/LF). */
static void
test_helo_crlf_refused(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	free(job.helo);
	job.helo = xstrdup("client.example\r\nRSET");
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "usage");
	assert_int_equal(r->exit_status, 2);
	assert_null(strstr(memconn_received(NULL), "RSET"));
	assert_null(strstr(memconn_received(NULL), "MAIL FROM"));
	result_free(r);
	smtp_job_free(&job);
}

static void
test_starttls_required(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_STARTTLS, "bob@example.net", "x");
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "tls_required");
	assert_int_equal(r->exit_status, 1);
	assert_null(strstr(memconn_received(NULL), "MAIL FROM"));
	result_free(r);
	smtp_job_free(&job);
}

/* The server memory: under opportunistic, a remembered server that
 * offers no STARTTLS or refuses it gets nothing; the message says when
 * TLS was last seen, the detail how TLS went missing (what to do next is
 * app/explain.c's). */
static void
remember(struct smtp_job *job)
{
	job->memory.last_seen = xstrdup("2025-03-01T10:22:01Z");
	job->memory.pubkey = xstrdup("AB:CD");
}

static void
test_downgrade_stripped(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	job.fallback_plaintext = true;
	remember(&job);
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "tls_downgrade");
	assert_int_equal(r->exit_status, 1);
	assert_non_null(strstr(r->message, "mem.example:25 does not offer STARTTLS"));
	assert_non_null(strstr(r->message, "(2025-03-01T10:22:01Z)"));
	assert_string_equal(r->detail, "starttls_stripped");
	assert_null(strstr(r->message, "Nothing was sent"));
	assert_string_equal(r->tls_seen, "2025-03-01T10:22:01Z");
	assert_null(strstr(memconn_received(NULL), "MAIL FROM"));
	assert_non_null(strstr(events.data, "\"tls_remembered\":\"2025-03-01T10:22:01Z\""));
	result_free(r);
	smtp_job_free(&job);

	/* Not remembered: sent in plain text, as opportunistic says. */
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	{
		static const struct mem_step plain[] = {
			{ NULL, "220 mem.example\r\n" },
			{ "EHLO", EHLO_PIPE },
			{ "DATA\r\n", "250 ok\r\n250 ok\r\n354 go\r\n" },
			{ "\r\n.\r\n", "250 2.0.0 Ok: queued as Z9\r\n" },
			{ "QUIT\r\n", "221 bye\r\n" },
			{ NULL, NULL }
		};

		r = run(plain, &job);
	}
	assert_true(r->sent);
	assert_null(r->tls_seen);
	result_free(r);
	smtp_job_free(&job);
}

static void
test_downgrade_refused(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n" },
		{ "STARTTLS\r\n", "454 4.7.0 TLS not available\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	remember(&job);
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "tls_downgrade");
	assert_non_null(strstr(r->message, "refused STARTTLS (454 4.7.0 TLS not available)"));
	assert_string_equal(r->detail, "starttls_refused");
	assert_null(strstr(memconn_received(NULL), "MAIL FROM"));
	result_free(r);
	smtp_job_free(&job);

	/* --tls off: no STARTTLS tried, the memory is not the engine's
	 * business then (the user chose plain text for this send). */
	{
		static const struct mem_step off[] = {
			{ NULL, "220 mem.example\r\n" },
			{ "EHLO", EHLO_PIPE },
			{ "DATA\r\n", "250 ok\r\n250 ok\r\n354 go\r\n" },
			{ "\r\n.\r\n", "250 2.0.0 Ok: queued as Z9\r\n" },
			{ "QUIT\r\n", "221 bye\r\n" },
			{ NULL, NULL }
		};

		job_for(&job, TLS_OFF, "bob@example.net", "x");
		remember(&job);
		r = run(off, &job);
	}
	assert_true(r->sent);
	result_free(r);
	smtp_job_free(&job);
}

/* What the result keeps for the receipt: the address, each RCPT's whole
 * answer, the size, the final reply and its queue id. */
static void
test_result_for_receipt(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example ESMTP\r\n" },
		{ "EHLO client.example\r\n", EHLO_PIPE },
		{ "DATA\r\n", "250 2.1.0 ok\r\n250-2.1.5 bob ok\r\n250 2.1.5 really\r\n"
		    "550 5.1.1 no such user\r\n354 go\r\n" },
		{ "\r\n.\r\n", "250-2.0.0 Thanks\r\n250 2.0.0 Ok: queued as 4QxY\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r, *d;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net, carl@example.net", "hi");
	job.partial = true;
	r = run(s, &job);
	assert_true(r->sent);
	assert_int_equal(r->nrcpts, 2);
	assert_string_equal(r->rcpts[0].address, "bob@example.net");
	assert_int_equal(r->rcpts[0].code, 250);
	assert_string_equal(r->rcpts[0].text, "2.1.5 bob ok\n2.1.5 really");
	assert_int_equal(r->rcpts[1].code, 550);
	assert_string_equal(r->rcpts[1].text, "5.1.1 no such user");
	assert_int_equal(r->final_code, 250);
	assert_string_equal(r->final_text, "2.0.0 Thanks\n2.0.0 Ok: queued as 4QxY");
	assert_string_equal(r->queue_id, "4QxY");
	assert_true(r->size > 0);
	assert_non_null(r->address);
	d = result_dup(r);
	assert_string_equal(d->rcpts[1].text, "5.1.1 no such user");
	assert_string_equal(d->queue_id, "4QxY");
	assert_int_equal(d->size, r->size);
	result_free(d);
	result_free(r);
	smtp_job_free(&job);
}

static void
test_injection_after_starttls(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 STARTTLS\r\n" },
		{ "STARTTLS\r\n", "220 go ahead\r\n250-PIPELINING\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "protocol");
	assert_non_null(strstr(r->message, "injection"));
	assert_null(strstr(memconn_received(NULL), "MAIL"));
	result_free(r);
	smtp_job_free(&job);
}

static const struct mem_step refuse_one[] = {
	{ NULL, "220 mem.example\r\n" },
	{ "EHLO", EHLO_PIPE },
	{ "DATA\r\n", "250 ok\r\n550 5.1.1 no such user\r\n250 ok\r\n354 go\r\n" },
	{ "\r\n.\r\n", "250 queued\r\n" },
	{ "QUIT\r\n", "221 bye\r\n" },
	{ NULL, NULL }
};

static void
test_refused_recipient_sends_nothing(void **state)
{
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "nobody@example.net, bob@example.net", "x");
	r = run(refuse_one, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "rcpt_refused");
	assert_int_equal(r->nrefused, 1);
	assert_string_equal(r->refused[0], "nobody@example.net");
	/* The server was waiting for data: the connection is dropped
	 * without the final dot, so nothing is delivered. */
	assert_null(strstr(memconn_received(NULL), "\r\n.\r\n"));
	assert_true(memconn_closed());
	result_free(r);
	smtp_job_free(&job);
}

static void
test_partial(void **state)
{
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "nobody@example.net, bob@example.net", "x");
	job.partial = true;
	r = run(refuse_one, &job);
	assert_true(r->sent);
	assert_int_equal(r->exit_status, 3);
	assert_int_equal(r->naccepted, 1);
	result_free(r);
	smtp_job_free(&job);
}

static void
test_auth_plaintext_refused(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 AUTH PLAIN LOGIN\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	job.user = xstrdup("ann");
	job.password = xstrdup("s3cret");
	r = run(s, &job);
	assert_string_equal(r->reason, "auth_plaintext_refused");
	assert_null(strstr(memconn_received(NULL), "AUTH"));
	result_free(r);
	smtp_job_free(&job);
}

static void
test_auth_secrets_redacted(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 AUTH LOGIN\r\n" },
		{ "AUTH LOGIN\r\n", "334 VXNlcm5hbWU6\r\n" },
		{ "YW5u\r\n", "334 UGFzc3dvcmQ6\r\n" },
		{ "czNjcmV0\r\n", "235 2.7.0 ok\r\n" },
		{ "MAIL", "250 ok\r\n" },
		{ "RCPT", "250 ok\r\n" },
		{ "DATA", "354 go\r\n" },
		{ "\r\n.\r\n", "250 queued\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	job.user = xstrdup("ann");
	job.password = xstrdup("s3cret");
	job.allow_plaintext_auth = true;
	r = run(s, &job);
	assert_true(r->sent);
	/* on the wire, as LOGIN needs ... */
	assert_non_null(strstr(memconn_received(NULL), "czNjcmV0\r\n"));
	/* ... but never in the dialogue or the events */
	assert_null(strstr(dialogue.data, "czNjcmV0"));
	assert_null(strstr(dialogue.data, "s3cret"));
	assert_null(strstr(events.data, "s3cret"));
	assert_non_null(strstr(dialogue.data, "<redacted>"));
	assert_non_null(strstr(events.data, "\"mechanism\":\"LOGIN\",\"ok\":true"));
	result_free(r);
	smtp_job_free(&job);
}

static void
test_size_limit(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 SIZE 100\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;
	char body[400];

	(void)state;
	memset(body, 'a', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	job_for(&job, TLS_OFF, "bob@example.net", body);
	r = run(s, &job);
	assert_string_equal(r->reason, "size");
	assert_null(strstr(memconn_received(NULL), "MAIL"));
	result_free(r);
	smtp_job_free(&job);
}

static void
test_silent_server_times_out(void **state)
{
	static const struct mem_step s[] = {
		{ "never", "220 x\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	r = run(s, &job);
	assert_string_equal(r->reason, "timeout");
	assert_non_null(strstr(events.data, "\"event\":\"result\""));
	result_free(r);
	smtp_job_free(&job);
}

/* The message went out but the server never confirmed it: the result
 * says where it stopped, so nobody claims it was certainly not sent. */
static void
test_no_final_reply_is_uncertain(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "DATA\r\n", "250 ok\r\n250 ok\r\n354 go\r\n" },
		{ "never", "250 late\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	r = run(s, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "timeout");
	assert_string_equal(r->stage, "data_end");
	assert_non_null(strstr(events.data, "\"stage\":\"data_end\""));
	result_free(r);
	smtp_job_free(&job);

	/* A refusal of the DATA command is not uncertain. */
	static const struct mem_step d[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "DATA\r\n", "250 ok\r\n250 ok\r\n554 no\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL }
	};
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	r = run(d, &job);
	assert_false(r->sent);
	assert_string_equal(r->stage, "data");
	result_free(r);
	smtp_job_free(&job);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Review findings: a refused final reply after a pipelined DATA must not
 * send QUIT twice; a MAIL refused inside a pipelined flight must not
 * take the RCPT answers for QUIT's; a 454 to STARTTLS is no handshake
 * failure and never falls back. */
static void
test_reply_accounting_after_failures(void **state)
{
	static const struct mem_step late552[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "DATA\r\n", "250 ok\r\n250 ok\r\n354 go\r\n" },
		{ "QUIT\r\n", "552 5.3.4 too big\r\n221 bye\r\n" },
		{ NULL, NULL }
	};
	static const struct mem_step mailfail[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", EHLO_PIPE },
		{ "DATA\r\n", "530 5.7.0 auth first\r\n503 5.5.1 no MAIL\r\n"
		    "503 5.5.1 no MAIL\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	static const struct mem_step refuse454[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 STARTTLS\r\n" },
		{ "STARTTLS\r\n", "454 4.7.0 TLS not available\r\n" },
		{ "QUIT\r\n", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", "x");
	r = run(late552, &job);
	assert_false(r->sent);
	assert_string_equal(r->reason, "size");
	assert_false(result_maybe_sent(r));	/* refused, not unknown */
	assert_int_equal(count(memconn_received(NULL), "QUIT\r\n"), 1);
	result_free(r);
	smtp_job_free(&job);

	job_for(&job, TLS_OFF, "bob@example.net", "x");
	r = run(mailfail, &job);
	assert_string_equal(r->reason, "server_error");
	/* the reply read after QUIT is QUIT's own */
	assert_non_null(strstr(dialogue.data, "> QUIT\n< 221 bye\n"));
	result_free(r);
	smtp_job_free(&job);

	job_for(&job, TLS_OPPORTUNISTIC, "bob@example.net", "x");
	job.fallback_plaintext = true;
	r = run(refuse454, &job);
	assert_false(r->sent);
	assert_false(r->fell_back);
	assert_string_equal(r->reason, "tls_handshake");
	assert_null(strstr(events.data, "\"event\":\"fallback\""));
	assert_null(strstr(memconn_received(NULL), "MAIL"));
	result_free(r);
	smtp_job_free(&job);
}

static void
test_bdat_joins_flight(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n" },
		{ " LAST\r\n", "250 ok\r\n250 ok\r\n250 2.0.0 queued\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;
	const char *got;

	(void)state;
	job_for(&job, TLS_OFF, "bob@example.net", ".dot stays\n");
	r = run(s, &job);
	assert_true(r->sent);
	got = memconn_received(NULL);
	assert_non_null(strstr(got, "RCPT TO:<bob@example.net>\r\nBDAT "));
	/* BDAT carries the message as is: no dot-stuffing */
	assert_non_null(strstr(got, "\r\n.dot stays\r\n"));
	assert_null(strstr(got, "DATA\r\n"));
	/* EHLO; then MAIL, RCPT, BDAT with the message, and QUIT at once */
	assert_int_equal(memconn_writes(), 2);
	assert_non_null(strstr(got, "\r\nQUIT\r\n"));
	result_free(r);
	smtp_job_free(&job);
}

/* Several chunks: with PIPELINING they go back to back. The scripted
 * server answers only once LAST has arrived, so waiting for a reply
 * between chunks would time out. */
static void
test_bdat_chunks_pipelined(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250-PIPELINING\r\n250 CHUNKING\r\n" },
		{ "RCPT TO:<cy@example.net>\r\n", "250 ok\r\n250 ok\r\n250 ok\r\n" },
		{ " LAST\r\n", "250 c1\r\n250 c2\r\n250 2.0.0 queued\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;
	char *body = xmalloc(600001);
	const char *got, *p;
	int chunks = 0;

	(void)state;
	memset(body, 'x', 600000);
	for (size_t i = 70; i < 600000; i += 71)
		body[i] = '\n';
	body[600000] = '\0';
	job_for(&job, TLS_OFF, "bob@example.net, cy@example.net", body);
	r = run(s, &job);
	assert_true(r->sent);
	got = memconn_received(NULL);
	for (p = got; (p = strstr(p, "BDAT ")) != NULL; p++)
		chunks++;
	assert_int_equal(chunks, 3);
	result_free(r);
	smtp_job_free(&job);
	free(body);
}

static void
test_server_parse(void **state)
{
	struct err e = { 0 };
	enum tls_mode m = TLS_OPPORTUNISTIC;
	char *h;
	int port;

	(void)state;
	assert_int_equal(smtp_server_parse("mail.example", false, &h, &port, &m, &e), 0);
	assert_string_equal(h, "mail.example");
	assert_int_equal(port, 25);
	assert_int_equal(m, TLS_OPPORTUNISTIC);
	free(h);
	assert_int_equal(smtp_server_parse("mail.example:465", false, &h, &port, &m, &e), 0);
	assert_int_equal(m, TLS_IMPLICIT);
	free(h);
	assert_int_equal(smtp_server_parse("[::1]:2525", false, &h, &port, &m, &e), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(port, 2525);
	assert_int_equal(m, TLS_STARTTLS);
	free(h);
	m = TLS_STARTTLS;
	assert_int_equal(smtp_server_parse("mail.example", true, &h, &port, &m, &e), 0);
	assert_int_equal(port, 587);
	free(h);
	m = TLS_IMPLICIT;
	assert_int_equal(smtp_server_parse("mail.example", true, &h, &port, &m, &e), 0);
	assert_int_equal(port, 465);
	free(h);
	assert_int_equal(smtp_server_parse("mail.example:0", false, &h, &port, &m, &e), -1);
	assert_non_null(strstr(e.msg, "1 to 65535"));
	assert_int_equal(smtp_server_parse("::1", false, &h, &port, &m, &e), -1);
	assert_non_null(strstr(e.msg, "brackets"));
	assert_int_equal(smtp_server_parse("a\r\nb", false, &h, &port, &m, &e), -1);
}

/* RFC 7677's example exchange, with its fixed nonce. */
static void
test_scram_rfc7677(void **state)
{
	struct err e = { 0 };
	struct sasl *s = sasl_new("SCRAM-SHA-256", "user", "pencil", "h", 25, &e);
	char *out;

	(void)state;
	sasl_set_nonce(s, "rOprNGfwEbeRWgbNEkqO");
	assert_int_equal(sasl_step(s, NULL, &out, &e), 0);
	/* "n,,n=user,r=rOprNGfwEbeRWgbNEkqO" */
	assert_string_equal(out, "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=");
	secret_free(out);
	/* r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,
	 * s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096 */
	assert_int_equal(sasl_step(s, "cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1"
	    "eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=", &out, &e), 0);
	/* c=biws,r=...,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ= */
	assert_string_equal(out, "Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFU"
	    "Q0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3Ft"
	    "bWl6N0FuZFZRPQ==");
	secret_free(out);
	assert_false(sasl_done_ok(s));
	/* v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4= */
	assert_int_equal(sasl_step(s, "dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJz"
	    "amw5NUc0PQ==", &out, &e), 0);
	assert_true(sasl_done_ok(s));
	secret_free(out);
	sasl_free(s);

	/* A server that cannot prove the password is refused. */
	s = sasl_new("SCRAM-SHA-256", "user", "pencil", "h", 25, &e);
	sasl_set_nonce(s, "rOprNGfwEbeRWgbNEkqO");
	assert_int_equal(sasl_step(s, NULL, &out, &e), 0);
	secret_free(out);
	assert_int_equal(sasl_step(s, "cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1"
	    "eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=", &out, &e), 0);
	secret_free(out);
	assert_int_equal(sasl_step(s, "dj1BQUFB", &out, &e), -1);
	assert_non_null(strstr(e.msg, "signature"));
	sasl_free(s);
}

/* RFC 5802 5.1: a server-first-message with a mandatory extension (m=)
 * aborts the exchange; RFC 7677 4: fewer than 4096 iterations are
 * refused; the server-first attributes come in their order, i= digits
 * only. Each case answers the RFC 7677 exchange's first step. */
static int
scram_second(const char *server_first, struct err *e)
{
	struct sasl *s = sasl_new("SCRAM-SHA-256", "user", "pencil", "h", 25, e);
	struct buf b;
	char *out = NULL;
	int rc;

	sasl_set_nonce(s, "rOprNGfwEbeRWgbNEkqO");
	assert_int_equal(sasl_step(s, NULL, &out, e), 0);
	secret_free(out);
	out = NULL;
	buf_init(&b);
	enc_b64_encode(&b, server_first, strlen(server_first));
	err_clear(e);
	rc = sasl_step(s, buf_cstr(&b), &out, e);
	if (rc == 0)
		assert_non_null(out);
	else
		assert_null(out);
	secret_free(out);
	buf_free(&b);
	sasl_free(s);
	return rc;
}

#define SF_NONCE "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define SF_SALT "s=W22ZaJ0SNY7soEsUEjb6gQ=="

static void
test_scram_strict(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=4096", &e), 0);
	/* an extension the client does not know may follow */
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=4096,x=y", &e), 0);

	assert_int_equal(scram_second("m=ext," SF_NONCE "," SF_SALT ",i=4096", &e), -1);
	assert_string_equal(e.reason, "auth");
	assert_non_null(strstr(e.msg, "mandatory extension (m=)"));

	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=1", &e), -1);
	assert_non_null(strstr(e.msg, "only 1 iteration"));
	assert_non_null(strstr(e.msg, "at least 4096"));
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=4095", &e), -1);
	assert_non_null(strstr(e.msg, "4095"));

	/* malformed: out of order, not digits, another nonce, no salt */
	assert_int_equal(scram_second(SF_SALT "," SF_NONCE ",i=4096", &e), -1);
	assert_non_null(strstr(e.msg, "malformed"));
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=4096x", &e), -1);
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=", &e), -1);
	assert_int_equal(scram_second(SF_NONCE "," SF_SALT ",i=-5000", &e), -1);
	assert_int_equal(scram_second("r=someoneelse," SF_SALT ",i=4096", &e), -1);
	assert_int_equal(scram_second(SF_NONCE ",i=4096", &e), -1);
}

/* The engine's own guard: credentials without a user are a usage error
 * before any connection, never a send without AUTH. */
static void
test_credentials_need_a_user(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ NULL, NULL }
	};
	struct smtp_job job;
	struct result *r;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		job_for(&job, TLS_OFF, "bob@example.net", "x");
		if (i == 0)
			job.password = xstrdup("s3cret");
		else if (i == 1)
			job.password_cmd = xstrdup("echo s3cret");
		else
			job.auth_mech = xstrdup("PLAIN");
		r = run(s, &job);
		assert_false(r->sent);
		assert_string_equal(r->reason, "usage");
		assert_int_equal(r->exit_status, 2);
		assert_non_null(strstr(r->message, "no user to log in as"));
		assert_int_equal(memconn_writes(), 0);
		result_free(r);
		smtp_job_free(&job);
	}
}

static void
test_sasl_pick(void **state)
{
	(void)state;
	assert_string_equal(sasl_pick("LOGIN PLAIN"), "PLAIN");
	assert_string_equal(sasl_pick("login scram-sha-256 plain"), "SCRAM-SHA-256");
	assert_string_equal(sasl_pick("LOGIN XOAUTH2"), "LOGIN");
	assert_null(sasl_pick("XOAUTH2 CRAM-MD5 PLAINX"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipelined_send),
		cmocka_unit_test(test_sent_copy_in_maildir),
		cmocka_unit_test(test_helo_fallback_and_no_pipelining),
		cmocka_unit_test(test_helo_crlf_refused),
		cmocka_unit_test(test_starttls_required),
		cmocka_unit_test(test_downgrade_stripped),
		cmocka_unit_test(test_downgrade_refused),
		cmocka_unit_test(test_result_for_receipt),
		cmocka_unit_test(test_injection_after_starttls),
		cmocka_unit_test(test_refused_recipient_sends_nothing),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_auth_plaintext_refused),
		cmocka_unit_test(test_auth_secrets_redacted),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_no_final_reply_is_uncertain),
		cmocka_unit_test(test_reply_accounting_after_failures),
		cmocka_unit_test(test_bdat_joins_flight),
		cmocka_unit_test(test_bdat_chunks_pipelined),
		cmocka_unit_test(test_server_parse),
		cmocka_unit_test(test_scram_rfc7677),
		cmocka_unit_test(test_scram_strict),
		cmocka_unit_test(test_credentials_need_a_user),
		cmocka_unit_test(test_sasl_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
