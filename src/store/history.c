/* Address history for completion; see history.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "store/history.h"

#define HISTORY_MAX	500

struct history {
	char *path;
	char **v;
	size_t n;
};

char *
history_path(void)
{
	return xdg_path("state", "history");
}

static bool
clean_entry(const char *s)
{
	const unsigned char *u;

	if (*s == '\0')
		return false;
	for (u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return false;
	return true;
}

struct history *
history_load(const char *path, struct err *e)
{
	struct history *h = xcalloc(1, sizeof *h);
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	h->path = path ? xstrdup(path) : history_path();
	if ((f = fopen(h->path, "r")) == NULL) {
		if (errno != ENOENT)
			err_set(e, _("cannot read %s: %s"), h->path,
			    strerror(errno));
		return h;
	}
	while ((len = getline(&line, &cap, f)) != -1 && h->n < HISTORY_MAX) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!clean_entry(line))
			continue;
		h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
		h->v[h->n++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	return h;
}

void
history_free(struct history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
	free(h->path);
	free(h);
}

size_t
history_count(const struct history *h)
{
	return h ? h->n : 0;
}

const char *
history_get(const struct history *h, size_t i)
{
	return i < h->n ? h->v[i] : NULL;
}

void
history_add(struct history *h, const char *addr)
{
	char *bare, *copy;
	size_t i;

	while (isspace((unsigned char)*addr))
		addr++;
	if (!clean_entry(addr))
		return;
	copy = xstrdup(addr);
	for (i = strlen(copy); i > 0 && isspace((unsigned char)copy[i - 1]); i--)
		copy[i - 1] = '\0';
	bare = addr_bare(copy);
	for (i = 0; i < h->n; i++) {
		char *b = addr_bare(h->v[i]);
		int same = strcasecmp(b, bare) == 0;

		free(b);
		if (same) {
			free(h->v[i]);
			memmove(h->v + i, h->v + i + 1, (h->n - i - 1) * sizeof *h->v);
			h->n--;
			break;
		}
	}
	free(bare);
	if (h->n == HISTORY_MAX)
		free(h->v[--h->n]);
	h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
	memmove(h->v + 1, h->v, h->n * sizeof *h->v);
	h->v[0] = copy;
	h->n++;
}

void
history_add_list(struct history *h, const char *list)
{
	size_t n, i;
	char **v;

	if (list == NULL)
		return;
	v = addr_split(list, &n);
	/* Backwards, so the list's first address ends up first. */
	for (i = n; i > 0; i--)
		history_add(h, v[i - 1]);
	strv_free(v, n);
}

int
history_save(struct history *h, struct err *e)
{
	struct buf b;
	size_t i;
	int rc;

	buf_init(&b);
	for (i = 0; i < h->n; i++) {
		buf_adds(&b, h->v[i]);
		buf_addc(&b, '\n');
	}
	rc = file_write_atomic(h->path, b.data ? b.data : "", b.len, 0600, e);
	buf_free(&b);
	return rc;
}
