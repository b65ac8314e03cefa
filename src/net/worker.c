/* The worker: one pthread runs smtp_run(); each event is deep-copied
 * into a mutex-protected queue and announced with one byte on a pipe so
 * the UI's poll() wakes. The UI thread only ever takes copies. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/tls.h"
#include "net/worker.h"

struct qitem {
	struct event *ev;
	struct qitem *next;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	struct qitem *head, *tail;	/* under lock */
	bool finished;			/* under lock: smtp_run returned */
	atomic_bool cancel;
	const struct conn_ops *ops;
	int pipe[2];
	struct smtp_job job;		/* owned by the thread while it runs */
};

static void
worker_push(const struct event *ev, void *arg)
{
	struct worker *w = arg;
	struct qitem *q = xmalloc(sizeof *q);
	char one = 1;

	q->ev = event_dup(ev);
	q->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = q;
	else
		w->head = q;
	w->tail = q;
	pthread_mutex_unlock(&w->lock);
	/* The pipe is non-blocking: when full, the UI is already awake. */
	while (write(w->pipe[1], &one, 1) == -1 && errno == EINTR)
		;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct result *r;
	char one = 1;

	r = smtp_run(&w->job, worker_push, w, &w->cancel, w->ops);
	result_free(r);
	tls_thread_cleanup();
	smtp_job_free(&w->job);
	pthread_mutex_lock(&w->lock);
	w->finished = true;
	pthread_mutex_unlock(&w->lock);
	while (write(w->pipe[1], &one, 1) == -1 && errno == EINTR)
		;
	return NULL;
}

struct worker *
worker_start(struct smtp_job *job, struct err *e)
{
	return worker_start_ops(job, NULL, e);
}

struct worker *
worker_start_ops(struct smtp_job *job, const struct conn_ops *ops, struct err *e)
{
	struct worker *w = xcalloc(1, sizeof *w);
	sigset_t all, old;
	int rc;

	w->ops = ops;
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		err_set(e, _("cannot create a pipe: %s"), strerror(errno));
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	atomic_init(&w->cancel, false);
	w->job = *job;
	memset(job, 0, sizeof *job);
	/* The thread starts with the asynchronous signals blocked, so that
	 * SIGWINCH, SIGTERM and the terminal's signals all go to the caller's
	 * thread; nothing else needs to know there is a second thread. A
	 * fault in the thread still reaches the process's crash handler. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(e, _("cannot start the worker thread: %s"), strerror(rc));
		*job = w->job;
		close(w->pipe[0]);
		close(w->pipe[1]);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

int
worker_fd(const struct worker *w)
{
	return w->pipe[0];
}

/* Takes the head of the queue, or NULL. */
static struct event *
queue_pop(struct worker *w)
{
	struct qitem *q;
	struct event *ev = NULL;

	pthread_mutex_lock(&w->lock);
	if ((q = w->head) != NULL) {
		w->head = q->next;
		if (w->head == NULL)
			w->tail = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	if (q != NULL) {
		ev = q->ev;
		free(q);
	}
	return ev;
}

struct event *
worker_next(struct worker *w)
{
	struct event *ev;
	char drain[64];

	/* The pipe is emptied only once the queue is: a caller that stops
	 * before NULL is woken again by the bytes still there. Draining
	 * first and looking again means an event pushed meanwhile is
	 * either returned now or announced by a byte written after. */
	if ((ev = queue_pop(w)) != NULL)
		return ev;
	while (read(w->pipe[0], drain, sizeof drain) > 0)
		;
	return queue_pop(w);
}

void
worker_cancel(struct worker *w)
{
	atomic_store(&w->cancel, true);
}

bool
worker_done(struct worker *w)
{
	bool done;

	pthread_mutex_lock(&w->lock);
	done = w->finished && w->head == NULL;
	pthread_mutex_unlock(&w->lock);
	return done;
}

void
worker_free(struct worker *w)
{
	struct qitem *q, *next;

	if (w == NULL)
		return;
	worker_cancel(w);
	pthread_join(w->thread, NULL);
	for (q = w->head; q != NULL; q = next) {
		next = q->next;
		event_free(q->ev);
		free(q);
	}
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
