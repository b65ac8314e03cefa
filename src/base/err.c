/* Errors as values. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"

static void
err_vset(struct err *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	err_vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_setr(struct err *e, const char *reason, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->reason = reason;
	va_start(ap, fmt);
	err_vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

void
err_clear(struct err *e)
{
	e->reason = NULL;
	e->detail = NULL;
	e->msg[0] = '\0';
}
