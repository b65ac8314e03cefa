/* The reply parser: collects one line at a time into a fixed buffer and
 * checks each as it completes, so a hostile server can cost at most
 * REPLY_MAX_LINE * REPLY_MAX_LINES bytes. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/reply.h"

struct reply_parser {
	char line[REPLY_MAX_LINE + 2];	/* the line, its CR, a NUL */
	size_t len;
	struct reply cur;
};

struct reply_parser *
reply_parser_new(void)
{
	return xcalloc(1, sizeof(struct reply_parser));
}

void
reply_parser_free(struct reply_parser *p)
{
	if (p == NULL)
		return;
	reply_free(&p->cur);
	free(p);
}

void
reply_free(struct reply *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

/* Takes an enhanced status code ("2.1.0 ") off the front of text. */
static void
take_enhanced(struct reply *r, const char *text)
{
	const char *p = text;
	size_t n;

	if (p[0] != r->code / 100 + '0' || p[1] != '.')
		return;
	p += 2;
	for (n = 0; isdigit((unsigned char)*p) && n < 3; n++)
		p++;
	if (n == 0 || *p++ != '.')
		return;
	for (n = 0; isdigit((unsigned char)*p) && n < 3; n++)
		p++;
	if (n == 0 || (*p != ' ' && *p != '\0'))
		return;
	n = (size_t)(p - text);
	if (n < sizeof r->enh) {
		memcpy(r->enh, text, n);
		r->enh[n] = '\0';
	}
}

/* Checks one complete line (no line ending). Returns 1 when it was the
 * last line of the reply, 0 for a continuation, -1 on garbage. */
static int
line_take(struct reply_parser *p, struct err *e)
{
	const char *l = p->line;
	char *esc;
	size_t i;
	int code, last;

	if (p->len < 3 || !isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
	    !isdigit((unsigned char)l[2]) || l[0] < '2' || l[0] > '5' ||
	    (p->len > 3 && l[3] != ' ' && l[3] != '-')) {
		esc = str_escape(l, p->len > 80 ? 80 : p->len);
		err_setr(e, "protocol", _("the server sent something that is not an "
		    "SMTP reply: `%s'"), esc);
		free(esc);
		return -1;
	}
	for (i = 0; i < p->len; i++) {
		unsigned char c = (unsigned char)l[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			esc = str_escape(l, p->len > 80 ? 80 : p->len);
			err_setr(e, "protocol", _("the server's reply holds control "
			    "characters: `%s'"), esc);
			free(esc);
			return -1;
		}
	}
	code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (p->cur.nlines > 0 && code != p->cur.code) {
		err_setr(e, "protocol", _("the server's multi-line reply mixes codes "
		    "%d and %d"), p->cur.code, code);
		return -1;
	}
	if (p->cur.nlines == REPLY_MAX_LINES) {
		err_setr(e, "protocol", _("the server's reply has more than %d lines"),
		    REPLY_MAX_LINES);
		return -1;
	}
	last = p->len == 3 || l[3] == ' ';
	p->cur.code = code;
	p->cur.lines = xrealloc(p->cur.lines, (p->cur.nlines + 1) * sizeof *p->cur.lines);
	p->cur.lines[p->cur.nlines++] = xstrndup(p->len > 4 ? l + 4 : "",
	    p->len > 4 ? p->len - 4 : 0);
	if (p->cur.nlines == 1)
		take_enhanced(&p->cur, p->cur.lines[0]);
	return last;
}

enum reply_state
reply_feed(struct reply_parser *p, const char *data, size_t n, size_t *used,
    struct reply *out, struct err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		char c = data[i];

		if (c != '\n') {
			/* REPLY_MAX_LINE bytes before the line end; a CR after
			 * them is the CRLF's. */
			if (p->len == REPLY_MAX_LINE + 1 ||
			    (p->len == REPLY_MAX_LINE && c != '\r')) {
				*used = i;
				err_setr(e, "protocol", _("the server sent a reply line "
				    "longer than %d bytes"), REPLY_MAX_LINE);
				return REPLY_ERROR;
			}
			p->line[p->len++] = c;
			continue;
		}
		/* A bare LF ends a line too: tolerant of what we accept. */
		if (p->len > 0 && p->line[p->len - 1] == '\r')
			p->len--;
		p->line[p->len] = '\0';
		rc = line_take(p, e);
		p->len = 0;
		if (rc == -1) {
			*used = i + 1;
			reply_free(&p->cur);
			return REPLY_ERROR;
		}
		if (rc == 1) {
			*used = i + 1;
			*out = p->cur;
			memset(&p->cur, 0, sizeof p->cur);
			return REPLY_DONE;
		}
	}
	*used = n;
	return REPLY_MORE;
}

char *
reply_text(const struct reply *r)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < r->nlines; i++) {
		if (i > 0)
			buf_addc(&b, '\n');
		buf_adds(&b, r->lines[i]);
	}
	return buf_cstr(&b);
}

/* A line's text without the reply's enhanced code in front. */
static const char *
line_text(const struct reply *r, size_t i)
{
	const char *t = i < r->nlines ? r->lines[i] : "";
	size_t n = strlen(r->enh);

	if (n > 0 && strncmp(t, r->enh, n) == 0 && (t[n] == ' ' || t[n] == '\0')) {
		t += n;
		while (*t == ' ')
			t++;
	}
	return t;
}

const char *
reply_first(const struct reply *r)
{
	return line_text(r, 0);
}

/* --- the queue id of a final reply */

#define QUEUE_ID_MAX	128

static bool
id_char(unsigned char c)
{
	return isalnum(c) || strchr("-._@+=/:<>", c) != NULL;
}

/* The id-shaped word that starts at p (trailing dots and commas are the
 * sentence's), or NULL. */
static char *
id_at(const char *p)
{
	size_t n = 0;

	while (p[n] != '\0' && id_char((unsigned char)p[n]) && n <= QUEUE_ID_MAX)
		n++;
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ',' || p[n - 1] == ':'))
		n--;
	if (n == 0 || n > QUEUE_ID_MAX)
		return NULL;
	return xstrndup(p, n);
}

/* The word that ends just before p in line (one or more spaces between). */
static char *
id_before(const char *line, const char *p, const char *enh)
{
	const char *end = p, *st;
	char *w;

	while (end > line && end[-1] == ' ')
		end--;
	st = end;
	while (st > line && id_char((unsigned char)st[-1]))
		st--;
	if (st == end || (size_t)(end - st) > QUEUE_ID_MAX)
		return NULL;
	w = xstrndup(st, (size_t)(end - st));
	/* "250 2.0.0 Message accepted": the enhanced code is no id. */
	if (strcmp(w, enh) == 0 || strcasecmp(w, "ok") == 0) {
		free(w);
		return NULL;
	}
	return w;
}

static const char *
find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/* The queue id one line of the reply names, or NULL. */
static char *
line_queue_id(const char *l, const char *enh)
{
	const char *p;

	if ((p = find_ci(l, "queued as ")) != NULL)
		return id_at(p + 10);			/* Postfix and most */
	if ((p = find_ci(l, "id=")) != NULL && (p == l || p[-1] == ' '))
		return id_at(p + 3);			/* Exim */
	if ((p = find_ci(l, " message accepted")) != NULL ||
	    (p = find_ci(l, " mail accepted")) != NULL)
		return id_before(l, p, enh);		/* Sendmail, OpenSMTPD */
	if ((p = find_ci(l, " - gsmtp")) != NULL)
		return id_before(l, p, enh);		/* Gmail */
	return NULL;
}

/* The line that names the queue id, from the last (where servers put
 * it), and the id; -1 and NULL when none does. */
static long
queue_line(const struct reply *r, char **id)
{
	size_t i;

	for (i = r->nlines; i-- > 0;)
		if ((*id = line_queue_id(r->lines[i], r->enh)) != NULL)
			return (long)i;
	*id = NULL;
	return -1;
}

char *
reply_queue_id(const struct reply *r)
{
	char *id;

	(void)queue_line(r, &id);
	return id;
}

const char *
reply_queue_line(const struct reply *r)
{
	char *id;
	long i = queue_line(r, &id);

	free(id);
	if (i < 0)
		return line_text(r, r->nlines > 0 ? r->nlines - 1 : 0);
	return line_text(r, (size_t)i);
}
