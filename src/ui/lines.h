/* A list of text lines, each with a colour role: what the pagers (help,
 * TLS diagnostics, dialogue) and the pure view builders exchange. */
#ifndef MISSIVE_LINES_H
#define MISSIVE_LINES_H

#include <stddef.h>

#include "ui/theme.h"

struct line {
	enum role role;
	char *text;		/* UTF-8, already safe to show */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

void lines_init(struct lines *l);
void lines_add(struct lines *l, enum role role, const char *text);
void lines_addf(struct lines *l, enum role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds untrusted text (server or certificate words) escaped. */
void lines_add_escaped(struct lines *l, enum role role, const char *prefix,
    const char *text);
void lines_clear(struct lines *l);
/* Whether some line contains needle (tests and searches). */
int lines_find(const struct lines *l, const char *needle);

#endif
