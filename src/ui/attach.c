/* The Attach field's syntax; see attach.h. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>

#include "base/util.h"
#include "ui/attach.h"

/* Where the field is cut: a ',' outside quotes. Fed one character at a
 * time; true when c ends an entry. The one rule of the splitter and of
 * the entry around the cursor. */
struct scan {
	bool quote, escape;
};

static bool
scan_sep(struct scan *st, unsigned long c)
{
	if (st->escape)
		st->escape = false;
	else if (st->quote && c == '\\')
		st->escape = true;
	else if (c == '"')
		st->quote = !st->quote;
	else if (!st->quote && c == ',')
		return true;
	return false;
}

/* One entry's text without its quotes, blanks outside quotes at its ends
 * dropped. */
static char *
unquote(const char *s, size_t n)
{
	struct buf b;
	size_t i, keep = 0;	/* b.len up to the last kept character */
	bool quote = false, started = false;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (quote && c == '\\' && i + 1 < n) {
			buf_addc(&b, s[++i]);
			keep = b.len;
			continue;
		}
		if (c == '"') {
			quote = !quote;
			started = true;
			keep = b.len;
			continue;
		}
		if (!quote && (c == ' ' || c == '\t')) {
			if (started)
				buf_addc(&b, c);
			continue;
		}
		buf_addc(&b, c);
		started = true;
		keep = b.len;
	}
	b.len = keep;	/* blanks after the last character */
	buf_cstr(&b);
	return b.data;
}

char **
attach_split(const char *field, size_t *np)
{
	struct scan st = { false, false };
	char **v = NULL, *e;
	size_t n = 0;
	const char *p, *start = field;

	for (p = field;; p++) {
		if (*p == '\0' || scan_sep(&st, (unsigned char)*p)) {
			e = unquote(start, (size_t)(p - start));
			if (*e != '\0') {
				v = xrealloc(v, (n + 1) * sizeof *v);
				v[n++] = e;
			} else
				free(e);
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	*np = n;
	return v;
}

char *
attach_quote(const char *path)
{
	struct buf b;
	size_t n = strlen(path);
	const char *p;

	if (strpbrk(path, ",\"\\") == NULL && n > 0 && path[0] != ' ' &&
	    path[n - 1] != ' ')
		return xstrdup(path);
	buf_init(&b);
	buf_addc(&b, '"');
	for (p = path; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '"');
	buf_cstr(&b);
	return b.data;
}

char *
attach_expand(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && path[1] == '/' && home != NULL && *home != '\0')
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

void
attach_token_at(const wchar_t *s, size_t len, size_t cur, size_t *start,
    size_t *end, bool *quoted)
{
	struct scan st = { false, false };
	size_t i, st0 = 0;

	if (cur > len)
		cur = len;
	for (i = 0; i < len; i++) {
		if (scan_sep(&st, (unsigned long)s[i])) {
			if (i >= cur)
				break;
			st0 = i + 1;
		}
	}
	*end = i;
	while (st0 < *end && iswspace((wint_t)s[st0]))
		st0++;
	while (*end > st0 && iswspace((wint_t)s[*end - 1]))
		(*end)--;
	*start = st0;
	*quoted = st0 < *end && s[st0] == L'"';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
attach_complete(const char *prefix, size_t *np, char **common)
{
	char *path = attach_expand(prefix), *slash = strrchr(path, '/');
	char *dir, *base, **v = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0, bl, i, k;
	DIR *d;

	*np = 0;
	*common = NULL;
	dir = slash != NULL ? xstrndup(path, (size_t)(slash - path + 1)) :
	    xstrdup("");
	base = slash != NULL ? slash + 1 : path;
	bl = strlen(base);
	if ((d = opendir(*dir != '\0' ? dir : ".")) == NULL) {
		free(dir);
		free(path);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		char *full;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* Hidden files only when asked for by their dot. */
		if (de->d_name[0] == '.' && (bl == 0 || base[0] != '.'))
			continue;
		if (strncmp(de->d_name, base, bl) != 0)
			continue;
		full = xasprintf("%s%s", dir, de->d_name);
		v = xrealloc(v, (n + 1) * sizeof *v);
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
			v[n++] = xasprintf("%s/", full);
		else
			v[n++] = xstrdup(full);
		free(full);
	}
	closedir(d);
	/* Shown as typed: ~/ stays ~/. */
	if (strncmp(prefix, "~/", 2) == 0) {
		size_t hl = strlen(path) - strlen(prefix + 1);

		for (i = 0; i < n; i++) {
			char *t = xasprintf("~%s", v[i] + hl);

			free(v[i]);
			v[i] = t;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_str);
	if (n > 0) {
		k = strlen(v[0]);
		for (i = 1; i < n; i++) {
			size_t j = 0;

			while (j < k && v[i][j] == v[0][j])
				j++;
			k = j;
		}
		*common = xstrndup(v[0], k);
	}
	free(dir);
	free(path);
	*np = n;
	return v;
}

bool
attach_size(const char *path, uint64_t *size)
{
	char *p = attach_expand(path);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(p, R_OK) == 0;

	if (ok)
		*size = (uint64_t)st.st_size;
	free(p);
	return ok;
}
