/* Text line lists for the pagers; see lines.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "ui/lines.h"

void
lines_init(struct lines *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

static void
lines_push(struct lines *l, enum role role, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].role = role;
	l->v[l->n].text = text;
	l->n++;
}

void
lines_add(struct lines *l, enum role role, const char *text)
{
	lines_push(l, role, xstrdup(text ? text : ""));
}

void
lines_addf(struct lines *l, enum role role, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	lines_push(l, role, s);
}

void
lines_add_escaped(struct lines *l, enum role role, const char *prefix,
    const char *text)
{
	char *e = str_escape(text ? text : "", text ? strlen(text) : 0);

	lines_push(l, role, xasprintf("%s%s", prefix ? prefix : "", e));
	free(e);
}

void
lines_clear(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	lines_init(l);
}

int
lines_find(const struct lines *l, const char *needle)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strstr(l->v[i].text, needle) != NULL)
			return (int)i;
	return -1;
}
