/* The address book query; see abook.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/run.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/address.h"
#include "mail/answer.h"
#include "store/abook.h"

/* A field of a query line, trimmed, controls made blanks. */
static char *
field(const char *s, size_t n)
{
	char *r;
	size_t i;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	r = xstrndup(s, n);
	for (i = 0; r[i] != '\0'; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			r[i] = ' ';
	return r;
}

/* The typed form of one "address<TAB>name..." line, or NULL. */
static char *
entry(const char *s, size_t n, char **bare)
{
	const char *t1 = memchr(s, '\t', n), *t2;
	struct addr_list l;
	struct err e;
	char *addr, *name = NULL, *r = NULL;

	*bare = NULL;
	if (t1 == NULL)
		return NULL;
	addr = field(s, (size_t)(t1 - s));
	t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s));
	name = field(t1 + 1, (size_t)((t2 != NULL ? t2 : s + n) - (t1 + 1)));
	if (!enc_utf8_valid(name, strlen(name), NULL)) {
		free(name);
		name = NULL;
	}
	/* The address as the message layer reads it, or not at all. */
	if (addr_parse("To", addr, strlen(addr), &l, &e) == 0 && l.n == 1 &&
	    l.v[0].kind == ADDR_MAILBOX) {
		*bare = addr_spec(&l.v[0], false);
		r = answer_typed_addr(name, *bare);
	}
	addr_list_free(&l);
	free(addr);
	free(name);
	return r;
}

char **
abook_parse(const char *out, size_t len, size_t *n, char **msg)
{
	const char *p = out, *end = out + len, *nl;
	char **v = NULL, **bares = NULL, *one, *bare;
	size_t i, ln = 0;

	*n = 0;
	if (msg != NULL)
		*msg = NULL;
	for (; p < end; p = nl + 1, ln++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		one = entry(p, (size_t)(nl - p), &bare);
		if (one == NULL) {
			/* mutt's first line is a message; scripts that print
			 * none start with a match, which is taken. */
			if (ln == 0 && msg != NULL && nl > p) {
				*msg = field(p, (size_t)(nl - p));
				if (!enc_utf8_valid(*msg, strlen(*msg), NULL) ||
				    **msg == '\0') {
					free(*msg);
					*msg = NULL;
				}
			}
			continue;
		}
		for (i = 0; i < *n && strcasecmp(bares[i], bare) != 0; i++)
			;
		if (i < *n) {
			free(one);
			free(bare);
			continue;
		}
		v = xrealloc(v, (*n + 1) * sizeof *v);
		bares = xrealloc(bares, (*n + 1) * sizeof *bares);
		v[*n] = one;
		bares[(*n)++] = bare;
		if (nl == end)
			break;
	}
	strv_free(bares, *n);
	return v;
}

/* cmd with every %s (bare or in quotes) as "$1", or "$1" added. */
static char *
with_arg(const char *cmd)
{
	static const char *const forms[] = { "'%s'", "\"%s\"", "%s" };
	struct buf b;
	const char *p = cmd;
	bool any = false;
	size_t i;

	buf_init(&b);
	while (*p != '\0') {
		for (i = 0; i < 3; i++)
			if (strncmp(p, forms[i], strlen(forms[i])) == 0)
				break;
		if (i < 3) {
			buf_adds(&b, "\"$1\"");
			p += strlen(forms[i]);
			any = true;
		} else
			buf_addc(&b, *p++);
	}
	if (!any)
		buf_adds(&b, " \"$1\"");
	return buf_cstr(&b);
}

int
abook_query(const char *cmd, const char *typed, int timeout, char ***v,
    size_t *n, char **msg, struct err *e)
{
	char *full, *out, *line;
	size_t len;
	int status, rc;

	*v = NULL;
	*n = 0;
	if (msg != NULL)
		*msg = NULL;
	full = with_arg(cmd);
	rc = run_cmd("query_cmd", "usage", full, cmd, typed, timeout,
	    ABOOK_OUT_MAX, false, &out, &len, &line, &status, e);
	free(full);
	if (rc == -1)
		return -1;
	if (status == 1 && *line == '\0') {
		/* abook and khard say "not found" so. */
		*v = abook_parse(out, len, n, msg);
		rc = 0;
	} else if (status != 0) {
		char *shown = str_escape(cmd, strlen(cmd));

		rc = err_setr(e, "usage", _("%s `%s` failed with exit status "
		    "%d%s%s"), "query_cmd", shown, status, *line ? ": " : "", line);
		free(shown);
	} else
		*v = abook_parse(out, len, n, msg);
	free(out);
	free(line);
	return rc;
}
