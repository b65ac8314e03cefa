/* An error carried as a value: a human message (already translated) and a
 * machine reason from the JSON contract. Core code never exits; it fills
 * one of these and returns -1. */
#ifndef MISSIVE_ERR_H
#define MISSIVE_ERR_H

#include <stddef.h>

struct err {
	const char *reason;	/* JSON `reason` word, or NULL */
	const char *detail;	/* a finer cause (static word, JSON `detail`)
				 * that app/explain.c has words for, or NULL */
	char msg[1024];
};

/* Sets e->msg from a printf format (when e is not NULL) and returns -1. */
int err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* As err_set, also recording the JSON reason word. */
int err_setr(struct err *e, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void err_clear(struct err *e);

#endif
