/* Sends the way the composer does, twice in a row to one server from one
 * process: the first send makes a full TLS handshake, the second resumes
 * its session (net/tls.h, struct tls_resume). Prints each send's wall
 * and CPU time and whether it resumed, one JSON line per pair, for
 * bench/run. Built by `make check` (a smoke test that it still builds),
 * never run there.
 *
 * Usage: twosend PAIRS HOST PORT CAFILE BODYFILE FROM TO... */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/err.h"
#include "base/util.h"
#include "mail/msg.h"
#include "net/event.h"
#include "net/smtp.h"
#include "net/tls.h"

static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One send; its wall and CPU seconds, whether it resumed. -1 unless sent. */
static int
one(char **argv, int argc, struct tls_resume *r, double *wall, double *cpu,
    bool *resumed)
{
	struct smtp_job job;
	struct msg_spec spec;
	struct result *res;
	struct buf to;
	struct err e = { 0 };
	double w0 = wall_now(), c0 = cpu_now();
	int i, rc;

	buf_init(&to);
	for (i = 6; i < argc; i++) {
		if (to.len > 0)
			buf_adds(&to, ", ");
		buf_adds(&to, argv[i]);
	}
	memset(&spec, 0, sizeof spec);
	spec.from = argv[5];
	spec.to = buf_cstr(&to);
	spec.subject = "s";
	spec.body_file = argv[4];
	smtp_job_init(&job);
	job.host = xstrdup(argv[1]);
	job.port = atoi(argv[2]);
	job.tls = TLS_STARTTLS;
	job.ca_file = xstrdup(argv[3]);
	job.resume = r;
	if ((job.msg = msg_new(&spec, &e)) == NULL) {
		fprintf(stderr, "twosend: %s\n", e.msg);
		exit(2);
	}
	res = smtp_run(&job, NULL, NULL, NULL, NULL);
	*wall = wall_now() - w0;
	*cpu = cpu_now() - c0;
	*resumed = res->tls != NULL && res->tls->resumed;
	rc = res->sent ? 0 : -1;
	if (rc == -1)
		fprintf(stderr, "twosend: not sent: %s\n", res->message ? res->message : "?");
	result_free(res);
	smtp_job_free(&job);
	buf_free(&to);
	return rc;
}

int
main(int argc, char **argv)
{
	int pairs, p;

	if (argc < 8) {
		fputs("usage: twosend PAIRS HOST PORT CAFILE BODYFILE FROM TO...\n", stderr);
		return 2;
	}
	pairs = atoi(argv[0 + 1]);
	/* The arguments after PAIRS, as one() reads them. */
	argv++;
	argc--;
	if (tls_init() == -1)
		return 1;
	for (p = 0; p < pairs; p++) {
		struct tls_resume *r = tls_resume_new();
		double w1, c1, w2, c2;
		bool r1, r2;

		if (one(argv, argc, r, &w1, &c1, &r1) == -1 ||
		    one(argv, argc, r, &w2, &c2, &r2) == -1)
			return 1;
		printf("{\"first_wall\":%.6f,\"first_cpu\":%.6f,\"first_resumed\":%s,"
		    "\"second_wall\":%.6f,\"second_cpu\":%.6f,\"second_resumed\":%s}\n",
		    w1, c1, r1 ? "true" : "false", w2, c2, r2 ? "true" : "false");
		tls_resume_free(r);
	}
	tls_cleanup();
	return 0;
}
