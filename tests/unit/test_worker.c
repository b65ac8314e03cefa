/* The worker thread: events arrive in order through the queue and the
 * wake pipe, the result comes last, and cancelling stops a send that
 * waits on a silent server. Run under ThreadSanitizer by tools/test. */
#include "config.h"

#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "mail/msg.h"
#include "memconn.h"
#include "net/worker.h"

static struct msg *
one_msg(void)
{
	struct msg_spec spec;
	struct err e = { 0 };
	struct msg *m;

	memset(&spec, 0, sizeof spec);
	spec.from = "ann@example.org";
	spec.to = "bob@example.net";
	spec.subject = "s";
	spec.body = "b";
	m = msg_new(&spec, &e);
	if (m == NULL)
		fail_msg("msg_new: %s", e.msg);
	return m;
}

/* Drains the worker the way the UI does: poll, then take every event. */
static int
drain(struct worker *w, enum ev_type *types, int max, struct result **res)
{
	struct pollfd p = { .fd = worker_fd(w), .events = POLLIN };
	struct event *ev;
	int n = 0;

	while (!worker_done(w)) {
		assert_true(poll(&p, 1, 10000) > 0);
		while ((ev = worker_next(w)) != NULL) {
			if (ev->type != EV_DIALOGUE && n < max)
				types[n++] = ev->type;
			if (ev->type == EV_RESULT) {
				*res = ev->result;
				ev->result = NULL;
			}
			event_free(ev);
		}
	}
	return n;
}

static void
test_events_in_order(void **state)
{
	static const struct mem_step s[] = {
		{ NULL, "220 mem.example\r\n" },
		{ "EHLO", "250-mem.example\r\n250 PIPELINING\r\n" },
		{ "DATA\r\n", "250 ok\r\n250 ok\r\n354 go\r\n" },
		{ "\r\n.\r\n", "250 queued\r\n" },
		{ "QUIT", "221 bye\r\n" },
		{ NULL, NULL }
	};
	static const enum ev_type want[] = { EV_CONNECT, EV_GREETING, EV_EHLO,
	    EV_RCPT, EV_DATA, EV_SENT, EV_RESULT };
	struct smtp_job job;
	struct err e = { 0 };
	struct worker *w;
	struct result *res = NULL;
	enum ev_type got[32];
	int n, i;

	(void)state;
	smtp_job_init(&job);
	job.host = xstrdup("mem.example");
	job.port = 25;
	job.tls = TLS_OFF;
	job.msg = one_msg();
	memconn_script(s);
	w = worker_start_ops(&job, &memconn_ops, &e);
	assert_non_null(w);
	assert_null(job.msg);	/* the worker owns the job now */
	n = drain(w, got, 32, &res);
	assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	assert_non_null(res);
	assert_true(res->sent);
	result_free(res);
	worker_free(w);
}

static void
test_cancel_silent_server(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	struct smtp_job job;
	struct err e = { 0 };
	struct worker *w;
	struct result *res = NULL;
	enum ev_type got[32];
	double t0;
	int ls;

	(void)state;
	/* A listener that accepts (through the backlog) and never speaks. */
	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(ls, 4), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &len), 0);
	smtp_job_init(&job);
	job.host = xstrdup("127.0.0.1");
	job.port = ntohs(sa.sin_port);
	job.tls = TLS_OFF;
	job.timeout = 30;
	job.msg = one_msg();
	w = worker_start(&job, &e);
	assert_non_null(w);
	usleep(200000);
	t0 = time_now();
	worker_cancel(w);
	drain(w, got, 32, &res);
	assert_true(time_now() - t0 < 2.0);
	assert_non_null(res);
	assert_false(res->sent);
	assert_string_equal(res->reason, "cancelled");
	result_free(res);
	worker_free(w);
	close(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_in_order),
		cmocka_unit_test(test_cancel_silent_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
