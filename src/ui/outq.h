/* The composer's side of the outbox: how many messages wait there (the
 * title shows it), a background flush of the due ones every so often
 * (app/deliver.c runs `missive outbox flush --due`; every entry keeps its
 * own backoff, and its lock keeps a timer's flush from sending it too),
 * and "put in the outbox" after a send failed for a reason that waiting
 * mends. UI thread. */
#ifndef MISSIVE_OUTQ_H
#define MISSIVE_OUTQ_H

struct ui;
struct result;

/* Counts, and starts or reaps the background flush, when it is time. */
void outq_tick(struct ui *u, double now);
/* Seconds until outq_tick has work. */
double outq_due_in(const struct ui *u, double now);
/* After a failed send: offers the outbox when deliver_class says the
 * failure is temporary and the message can be sent later as it is
 * (its profile's server, no password typed for this session only). */
void outq_offer(struct ui *u, const struct result *r);

#endif
