/* Printing engine events for the commands without UI: human lines on
 * stderr (server text escaped), JSON lines on stdout, and the dialogue to
 * a transcript file. */
#ifndef MISSIVE_PRINT_H
#define MISSIVE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "net/event.h"

struct printer {
	bool json;
	bool verbose;
	bool probe;
	bool progress_tty;	/* stderr is a terminal: redraw a progress bar */
	bool quiet;		/* only warnings, errors and a failure's verdict
				 * (sendmail: silent when all is well) */
	FILE *transcript;	/* or NULL */
	bool bar_shown;
	bool out_closed;	/* stdout failed (a reader gone): said once */
	char *memory;		/* probe: what the server memory says, or NULL */
	bool queue;		/* sendmail and the outbox: no session options
				 * to suggest (explain's FOR_QUEUE) */
};

/* The event_fn for smtp_run(): arg is a struct printer. */
void print_event(const struct event *ev, void *arg);
/* Prints the result of a failure that happened before any connection
 * (usage), in the chosen format. */
void print_usage_failure(struct printer *p, const char *message);
/* The same with another reason word and exit status (the sendmail
 * interface's: a malformed message, the outbox cannot be written). */
void print_failure(struct printer *p, const char *reason, const char *message,
    int status);
/* A warning of the front end's own (the server memory, the receipt), as
 * a `warning` event at t seconds. */
void print_warning(struct printer *p, const char *text, double t);

#endif
