/* mailto: URLs and addresses on the command line; see args.h. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/util.h"
#include "ui/args.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *
pct_decode(const char *s, size_t n)
{
	char *o = xmalloc(n + 1), *p = o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			if (i + 2 >= n) {
				free(o);
				return NULL;
			}
			h = hexval((unsigned char)s[i + 1]);
			l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0) {
				free(o);
				return NULL;
			}
			*p++ = (char)(h << 4 | l);
			i += 2;
		} else
			*p++ = s[i];
	}
	*p = '\0';
	return o;
}

/* Appends a comma-separated list to *dst. */
static void
append_list(char **dst, const char *add)
{
	char *n;

	while (*add == ' ' || *add == ',')
		add++;
	if (*add == '\0')
		return;
	if (*dst == NULL || **dst == '\0') {
		free(*dst);
		*dst = xstrdup(add);
		return;
	}
	n = xasprintf("%s, %s", *dst, add);
	free(*dst);
	*dst = n;
}

/* CR LF and lone CR in a body become LF. */
static void
unix_newlines(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '\r') {
			*w++ = '\n';
			r += r[1] == '\n' ? 2 : 1;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

static int
mailto(struct prefill *p, const char *url, struct err *e)
{
	const char *q = strchr(url, '?'), *path = url + 7;
	size_t plen = q ? (size_t)(q - path) : strlen(path);
	char *to, *hdrs, *h, *save = NULL;
	int rc = 0;

	if ((to = pct_decode(path, plen)) == NULL)
		return err_set(e, _("%s: a bad %%-escape in the address part"),
		    url);
	append_list(&p->to, to);
	free(to);
	if (q == NULL)
		return 0;
	hdrs = xstrdup(q + 1);
	for (h = strtok_r(hdrs, "&", &save); h != NULL;
	    h = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(h, '='), *name, *val;

		if (eq == NULL)
			continue;
		name = pct_decode(h, (size_t)(eq - h));
		val = pct_decode(eq + 1, strlen(eq + 1));
		if (name == NULL || val == NULL) {
			rc = err_set(e, _("%s: a bad %%-escape in `%s`"), url, h);
			free(name);
			free(val);
			break;
		}
		if (strcasecmp(name, "to") == 0)
			append_list(&p->to, val);
		else if (strcasecmp(name, "cc") == 0)
			append_list(&p->cc, val);
		else if (strcasecmp(name, "bcc") == 0)
			append_list(&p->bcc, val);
		else if (strcasecmp(name, "subject") == 0) {
			free(p->subject);
			p->subject = val;
			val = NULL;
		} else if (strcasecmp(name, "body") == 0) {
			unix_newlines(val);
			free(p->body);
			p->body = val;
			val = NULL;
		} else if (strcasecmp(name, "in-reply-to") == 0) {
			/* RFC 6068 6: safe, and it keeps a thread (a list
			 * archive's "reply" link). Checked when sent. */
			free(p->in_reply_to);
			p->in_reply_to = val;
			val = NULL;
		}
		/* Other headers are ignored, as RFC 6068 allows: a link must
		 * not set arbitrary headers. */
		free(name);
		free(val);
	}
	free(hdrs);
	return rc;
}

int
prefill_add(struct prefill *p, const char *arg, struct err *e)
{
	if (strncasecmp(arg, "mailto:", 7) == 0)
		return mailto(p, arg, e);
	append_list(&p->to, arg);
	return 0;
}

void
prefill_free(struct prefill *p)
{
	free(p->to);
	free(p->cc);
	free(p->bcc);
	free(p->subject);
	free(p->body);
	free(p->in_reply_to);
	memset(p, 0, sizeof *p);
}
