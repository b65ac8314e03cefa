/* Runs one SMTP job on a background thread and hands its events to the UI
 * through a queue and a wake pipe. The only module that knows of threads. */
#ifndef MISSIVE_WORKER_H
#define MISSIVE_WORKER_H

#include <stdbool.h>

#include "base/err.h"
#include "net/event.h"
#include "net/smtp.h"

struct worker;
struct conn_ops;

/* Starts a thread running job; the worker takes ownership of *job (its
 * members; the struct itself is copied). The thread blocks every signal,
 * so they all reach the caller's thread. UI thread. NULL with e on
 * error. */
struct worker *worker_start(struct smtp_job *job, struct err *e);
/* As worker_start, over another transport (unit tests). */
struct worker *worker_start_ops(struct smtp_job *job, const struct conn_ops *ops,
    struct err *e);
/* Read end of the wake pipe: readable when events are queued. */
int worker_fd(const struct worker *w);
/* Pops the next queued event (caller frees with event_free), or NULL. Also
 * drains the wake pipe. UI thread. */
struct event *worker_next(struct worker *w);
/* Asks the engine to stop at its next wait. Any thread. */
void worker_cancel(struct worker *w);
/* True once the job ended and every event was taken. */
bool worker_done(struct worker *w);
/* Cancels if still running, joins the thread, frees queued events. */
void worker_free(struct worker *w);

#endif
