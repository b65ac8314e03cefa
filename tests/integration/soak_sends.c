/* The soak's sender (tests/integration/soak.sh): N sends in sequence from
 * one process, each through the worker thread over real TCP as the
 * composer sends (worker_start, poll on its wake pipe, worker_next until
 * done, worker_free), to a well-behaved test server or, for about one
 * send in ten chosen by a seeded random generator, to a server with a
 * fault scenario. One process for all sends is the point: a `missive
 * send` per message would hide a leaked descriptor or buffer, since each
 * process exits.
 *
 *   soak_sends --count N --seed S --ca CA.pem --out FILE --clean PORT
 *              [--fault NAME=PORT]...
 *
 * FILE gets one line per send: index, scenario ("clean" or the fault's
 * name), Message-ID, outcome ("sent", "not_sent", or "unknown" when the
 * whole message went out and the answer never came, result_maybe_sent),
 * the reason word, the exit status the command line would give.
 * Standard output: descriptors, heap bytes in use (mallinfo2) and RSS at
 * the start, after a warm-up of N/10 sends (wolfSSL and libc caches
 * settle there), and at the end. Exit status 1 when the descriptors or
 * the heap grew after the warm-up (by more than 64 KiB), 2 on a usage
 * error. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "mail/msg.h"
#include "net/event.h"
#include "net/smtp.h"
#include "net/tls.h"
#include "net/worker.h"

#define MAXFAULTS	32
#define HEAP_SLACK	(64 * 1024)

struct fault {
	char *name;
	int port;
};

static unsigned long long rng;

/* xorshift64*: the same sequence for the same seed everywhere. */
static unsigned
next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 2685821657736338717ull) >> 33);
}

static int
fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the folder's own descriptor */
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, res = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

struct sample {
	int fds;
	size_t heap;
	long rss;
};

static struct sample
sample(void)
{
	struct mallinfo2 mi = mallinfo2();
	struct sample s = { fd_count(), mi.uordblks, rss_kib() };

	return s;
}

/* One send through the worker; returns its result (caller frees). */
static struct result *
send_one(int port, int timeout, const char *ca, int i, char **msgid)
{
	struct smtp_job job;
	struct msg_spec spec;
	struct err e = { 0 };
	struct worker *w;
	struct result *res = NULL;
	struct buf body;
	char subject[64];
	int k;

	buf_init(&body);
	buf_addf(&body, "Soak message %d.\n", i);
	for (k = 0; k < i % 7; k++)
		buf_addf(&body, "%s line %d of a body that varies in length from one "
		    "message to the next\n", k % 3 == 0 ? "." : "-", k);
	snprintf(subject, sizeof subject, "soak %d", i);
	memset(&spec, 0, sizeof spec);
	spec.from = "Soak <soak@example.org>";
	spec.to = "rcpt@example.org";
	spec.subject = subject;
	spec.body = buf_cstr(&body);
	spec.helo = "soak.example";
	smtp_job_init(&job);
	job.host = xstrdup("127.0.0.1");
	job.port = port;
	job.tls = TLS_STARTTLS;
	job.ca_file = xstrdup(ca);
	job.helo = xstrdup("soak.example");
	job.user = xstrdup("ann");
	job.password = xstrdup("soak-secret");
	job.timeout = timeout;
	if ((job.msg = msg_new(&spec, &e)) == NULL) {
		fprintf(stderr, "soak_sends: msg_new: %s\n", e.msg);
		exit(2);
	}
	*msgid = xstrdup(msg_message_id(job.msg));
	buf_free(&body);
	if ((w = worker_start(&job, &e)) == NULL) {
		fprintf(stderr, "soak_sends: worker_start: %s\n", e.msg);
		exit(2);
	}
	while (!worker_done(w)) {
		struct pollfd p = { .fd = worker_fd(w), .events = POLLIN };
		struct event *ev;

		if (poll(&p, 1, 1000) == -1 && errno != EINTR) {
			perror("poll");
			exit(2);
		}
		while ((ev = worker_next(w)) != NULL) {
			if (ev->type == EV_RESULT) {
				result_free(res);
				res = ev->result;
				ev->result = NULL;
			}
			event_free(ev);
		}
	}
	worker_free(w);
	if (res == NULL) {
		fprintf(stderr, "soak_sends: send %d ended without a result\n", i);
		exit(1);
	}
	return res;
}

static void
print_sample(const char *when, struct sample s)
{
	printf("%-12s fds %d  heap %zu bytes  rss %ld KiB\n", when, s.fds, s.heap, s.rss);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct fault faults[MAXFAULTS];
	size_t nfaults = 0;
	long count = 0;
	int clean = 0, i, rc = 0;
	const char *ca = NULL, *out = NULL;
	struct sample s0, s1 = { 0, 0, 0 }, s2;
	FILE *f;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			goto usage;
		if (strcmp(a, "--count") == 0)
			count = strtol(v, NULL, 10);
		else if (strcmp(a, "--seed") == 0)
			rng = strtoull(v, NULL, 10);
		else if (strcmp(a, "--ca") == 0)
			ca = v;
		else if (strcmp(a, "--out") == 0)
			out = v;
		else if (strcmp(a, "--clean") == 0)
			clean = atoi(v);
		else if (strcmp(a, "--fault") == 0 && nfaults < MAXFAULTS &&
		    strchr(v, '=') != NULL) {
			faults[nfaults].name = xstrndup(v, (size_t)(strchr(v, '=') - v));
			faults[nfaults].port = atoi(strchr(v, '=') + 1);
			nfaults++;
		} else
			goto usage;
		i++;
	}
	if (count <= 0 || clean <= 0 || ca == NULL || out == NULL || rng == 0)
		goto usage;
	if ((f = fopen(out, "w")) == NULL) {
		perror(out);
		return 2;
	}
	if (tls_init() == -1)
		return 2;
	s0 = sample();
	print_sample("start", s0);
	for (i = 0; i < count; i++) {
		bool fault = nfaults > 0 && next_rand() % 10 == 0;
		struct fault *ft = fault ? &faults[next_rand() % nfaults] : NULL;
		char *msgid = NULL;
		struct result *r = send_one(ft ? ft->port : clean, ft ? 2 : 15, ca, i, &msgid);

		fprintf(f, "%d\t%s\t%s\t%s\t%s\t%d\n", i, ft ? ft->name : "clean", msgid,
		    r->sent ? "sent" : result_maybe_sent(r) ? "unknown" : "not_sent",
		    r->reason != NULL ? r->reason : "-", r->exit_status);
		fflush(f);
		free(msgid);
		result_free(r);
		if (i + 1 == (count + 9) / 10) {
			s1 = sample();
			print_sample("warm-up", s1);
		}
	}
	s2 = sample();
	print_sample("end", s2);
	fclose(f);
	if (s2.fds > s1.fds) {
		printf("descriptors grew from %d to %d\n", s1.fds, s2.fds);
		rc = 1;
	}
	if (s2.heap > s1.heap + HEAP_SLACK) {
		printf("heap grew by %zu bytes\n", s2.heap - s1.heap);
		rc = 1;
	}
	tls_cleanup();
	for (size_t k = 0; k < nfaults; k++)
		free(faults[k].name);
	return rc;
usage:
	fprintf(stderr, "usage: soak_sends --count N --seed S --ca CA --out FILE "
	    "--clean PORT [--fault NAME=PORT]...\n");
	return 2;
}
