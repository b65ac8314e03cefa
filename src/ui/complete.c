/* Address completion; see complete.h. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "base/util.h"
#include "mail/address.h"
#include "ui/complete.h"

struct completer {
	char **v;
	size_t n;
};

struct completer *
completer_new(void)
{
	return xcalloc(1, sizeof(struct completer));
}

void
completer_free(struct completer *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	free(c);
}

void
completer_add(struct completer *c, const char *cand)
{
	char *bare = addr_bare(cand);
	size_t i;

	for (i = 0; i < c->n; i++) {
		char *b = addr_bare(c->v[i]);
		int same = strcasecmp(b, bare) == 0;

		free(b);
		if (same)
			break;
	}
	free(bare);
	if (i < c->n || *cand == '\0')
		return;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = xstrdup(cand);
}

void
completer_add_list(struct completer *c, const char *list)
{
	size_t n, i;
	char **v;

	if (list == NULL)
		return;
	v = addr_split(list, &n);
	for (i = 0; i < n; i++)
		completer_add(c, v[i]);
	strv_free(v, n);
}

size_t
completer_count(const struct completer *c)
{
	return c->n;
}

const char *
completer_get(const struct completer *c, size_t i)
{
	return i < c->n ? c->v[i] : NULL;
}

static bool
prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

bool
completer_matches(const char *cand, const char *typed)
{
	const char *p, *lt;

	if (*typed == '\0')
		return false;
	if (prefix_ci(cand, typed))
		return true;
	if ((lt = strrchr(cand, '<')) != NULL && prefix_ci(lt + 1, typed))
		return true;
	/* Any word of the display name: "Bob" finds "Alice Bob <ab@x>". */
	for (p = cand; *p && p != lt; p++)
		if ((*p == ' ' || *p == '"' || *p == '.') && p[1] != '\0' &&
		    prefix_ci(p + 1, typed))
			return true;
	return false;
}

size_t
completer_match(const struct completer *c, const char *typed, size_t **out)
{
	size_t i, n = 0;

	*out = xmalloc((c->n + 1) * sizeof **out);
	for (i = 0; i < c->n; i++)
		if (completer_matches(c->v[i], typed))
			(*out)[n++] = i;
	return n;
}

void
addr_token_at(const wchar_t *s, size_t len, size_t cur, size_t *start,
    size_t *end)
{
	struct addr_scan sc = { 0 };
	size_t i, st = 0;

	if (cur > len)
		cur = len;
	/* The separators around cur: the last one before it starts the
	 * entry, the first one after it ends it. */
	for (i = 0; i < len; i++) {
		if (addr_scan_sep(&sc, (unsigned long)s[i])) {
			if (i >= cur)
				break;
			st = i + 1;
		}
	}
	*end = i;
	while (st < *end && iswspace((wint_t)s[st]))
		st++;
	while (*end > st && iswspace((wint_t)s[*end - 1]))
		(*end)--;
	*start = st;
}
