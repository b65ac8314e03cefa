/* Saving profiles: one section of profiles.ini set or replaced in place,
 * under a lock and atomically, every other line (comments, other
 * sections, the user's layout and line ends) kept byte for byte; what is
 * written is first loaded back through the reader itself. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "store/profile_int.h"

/* One key = value line for saving; value NULL removes the key. */
struct kv {
	const char *key;
	char *value;
};

/* One line of a file being edited. */
struct line {
	const char *p;
	size_t n;		/* with its line end */
	int type;		/* LINE_* */
	const char *name;	/* section name or key */
	size_t name_len;
};
enum { LINE_OTHER, LINE_SECTION, LINE_KEY };

static void
line_classify(struct line *l)
{
	const char *p = l->p;
	size_t n = l->n, close, sep;
	bool comment;

	l->type = LINE_OTHER;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	while (n > 0 && ini_space((unsigned char)*p)) {
		p++;
		n--;
	}
	if (n == 0 || *p == ';' || *p == '#')
		return;
	if (*p == '[') {
		close = 1 + ini_scan(p + 1, n - 1, "]", &comment);
		if (close < n && p[close] == ']') {
			l->type = LINE_SECTION;
			l->name = p + 1;
			l->name_len = close - 1;
		}
		return;
	}
	sep = ini_scan(p, n, "=:", &comment);
	if (sep == n || comment)
		return;
	while (sep > 0 && ini_space((unsigned char)p[sep - 1]))
		sep--;
	l->type = LINE_KEY;
	l->name = p;
	l->name_len = sep;
}

static bool
line_is(const struct line *l, int type, const char *name)
{
	return l->type == type && l->name_len == strlen(name) &&
	    memcmp(l->name, name, l->name_len) == 0;
}

static bool
line_blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!ini_space((unsigned char)l->p[i]))
			return false;
	return true;
}

static void
out_line(struct buf *b, const char *eol, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds one line of ours, after ending the user's last line if it had no
 * line end. */
static void
out_line(struct buf *b, const char *eol, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (b->len > 0 && b->data[b->len - 1] != '\n')
		buf_adds(b, eol);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_adds(b, line);
	buf_adds(b, eol);
}

static struct line *
lines_split(const char *data, size_t len, size_t *n)
{
	struct line *v = NULL;
	const char *p = data, *nl;
	size_t cap = 0;

	*n = 0;
	while (p < data + len) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[*n].p = p;
		v[*n].n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(data + len - p);
		line_classify(&v[*n]);
		p += v[*n].n;
		(*n)++;
	}
	return v;
}

/* profiles.ini replaced atomically; errors are configuration errors. */
static int
file_replace(const char *path, const char *data, size_t len, mode_t mode,
    struct err *e)
{
	if (file_write_atomic(path, data, len, (int)(mode & 07777), e) == -1) {
		e->reason = "usage";
		return -1;
	}
	return 0;
}

/* Sets the keys of set (and removes the keys of drop that set does not
 * hold) in [section] of dir/profiles.ini, keeping every other line as it
 * is; a missing section is added at the end, or at the top with top. */
static int
ini_edit(const char *dir, const char *section, const struct kv *set,
    size_t nset, const char *const *drop, size_t ndrop, bool top,
    struct err *e)
{
	char *path, *real = NULL, *data = NULL;
	struct err fe;
	const char *eol = "\n";
	struct line *lines = NULL;
	size_t len = 0, n = 0, i, j, start = SIZE_MAX, end = 0, last;
	bool *done = NULL, keep;
	struct buf out;
	mode_t mode = S_IFREG | 0600;
	struct stat st;
	int rc = -1, r, lock;

	if (mkdir_p(dir) == -1)
		return err_setr(e, "usage", _("cannot create %s: %s"), dir,
		    strerror(errno));
	/* Two missives saving at once (the composer, an import) must not
	 * lose one's change: read, edit and replace under a lock. */
	path = xasprintf("%s/.profiles.lock", dir);
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (lock == -1)
		return err_setr(e, "usage", _("cannot create a file in %s: %s"),
		    dir, strerror(errno));
	while (flock(lock, LOCK_EX) == -1 && errno == EINTR)
		;
	path = xasprintf("%s/profiles.ini", dir);
	/* A symlinked profiles.ini (a dotfile manager's) stays a link: the
	 * file it points to is the one replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if ((real = realpath(path, NULL)) == NULL) {
			err_setr(e, "usage", _("cannot follow the link %s: %s"),
			    path, strerror(errno));
			goto out;
		}
		free(path);
		path = real;
	}
	err_clear(&fe);
	r = file_read(path, PROFILE_FILE_MAX, &data, &len, &mode, &fe);
	if (r == -1) {
		err_setr(e, "usage", "%s: %s", path, fe.msg);
		goto out;
	}
	if (r == 1) {
		data = xstrdup("");
		len = 0;
		mode = S_IFREG | 0600;
	}
	lines = lines_split(data, len, &n);
	if (n > 0 && lines[0].n >= 2 &&
	    memcmp(lines[0].p + lines[0].n - 2, "\r\n", 2) == 0)
		eol = "\r\n";
	for (i = 0; i < n; i++) {
		if (!line_is(&lines[i], LINE_SECTION, section))
			continue;
		if (start != SIZE_MAX) {
			err_setr(e, "usage",
			    _("%s defines [%s] twice (lines %zu and %zu); fix that first"),
			    path, section, start + 1, i + 1);
			goto out;
		}
		start = i;
	}

	buf_init(&out);
	done = xcalloc(nset + 1, sizeof *done);
	if (start == SIZE_MAX) {
		if (!top) {
			buf_add(&out, data, len);
			if (n > 0 && !line_blank(&lines[n - 1]))
				out_line(&out, eol, "%s", "");
		}
		out_line(&out, eol, "[%s]", section);
		for (j = 0; j < nset; j++)
			if (set[j].value != NULL)
				out_line(&out, eol, "%s = %s", set[j].key,
				    set[j].value);
		if (top) {
			if (n > 0)
				out_line(&out, eol, "%s", "");
			buf_add(&out, data, len);
		}
	} else {
		for (end = start + 1; end < n && lines[end].type != LINE_SECTION;
		    end++)
			;
		last = start;
		for (i = start + 1; i < end; i++)
			if (lines[i].type == LINE_KEY)
				last = i;
		for (i = 0; i < n; i++) {
			keep = true;
			if (i > start && i < end && lines[i].type == LINE_KEY) {
				for (j = 0; j < nset; j++)
					if (line_is(&lines[i], LINE_KEY, set[j].key))
						break;
				if (j < nset) {
					keep = false;
					if (!done[j] && set[j].value != NULL)
						out_line(&out, eol, "%s = %s",
						    set[j].key, set[j].value);
					done[j] = true;
				}
				for (j = 0; keep && j < ndrop; j++)
					if (line_is(&lines[i], LINE_KEY, drop[j]))
						keep = false;
			}
			if (keep)
				buf_add(&out, lines[i].p, lines[i].n);
			if (i != last)
				continue;
			for (j = 0; j < nset; j++)
				if (!done[j] && set[j].value != NULL) {
					out_line(&out, eol, "%s = %s",
					    set[j].key, set[j].value);
					done[j] = true;
				}
		}
	}
	rc = file_replace(path, out.data != NULL ? out.data : "", out.len,
	    mode, e);
	buf_wipe(&out);
out:
	if (data != NULL) {
		mem_wipe(data, len);
		free(data);
	}
	free(lines);
	free(done);
	free(path);
	close(lock);
	return rc;
}

/* Whether a profiles.d file has [name]: profiles_save would then make a
 * duplicate. */
static char *
dropin_defining(const char *dir, const char *name)
{
	char **files, *path, *data, *found = NULL;
	struct line *lines;
	size_t n, i, j, nl, len;

	files = profile_dropins(dir, &n, NULL);
	if (n == SIZE_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		if (found == NULL &&
		    file_read(path, PROFILE_FILE_MAX, &data, &len, NULL, NULL) == 0) {
			lines = lines_split(data, len, &nl);
			for (j = 0; j < nl; j++)
				if (line_is(&lines[j], LINE_SECTION, name))
					found = xstrdup(files[i]);
			free(lines);
			mem_wipe(data, len);
			free(data);
		}
		free(path);
		free(files[i]);
	}
	free(files);
	return found;
}

int
profile_name_check(const char *name, struct err *e)
{
	if (ini_name_check(name, strlen(name), e) == -1)
		return -1;
	if (strcmp(name, "missive") == 0)
		return err_setr(e, "usage", "%s",
		    _("`missive` names the settings section, not a profile"));
	return 0;
}

int
profiles_save(const char *dir, const struct profile *p, struct err *e)
{
	struct kv *set;
	const char *drop[PROFILE_KEYS_MAX + 1];
	char *owned = NULL, *where, *v;
	const char *bad = NULL;
	struct loader ld;
	struct buf text;
	size_t i, nset = 0, ndrop = 0;
	int rc = -1;

	if (p == NULL || p->name == NULL)
		return err_setr(e, "usage", "%s", _("the profile has no name"));
	if (profile_name_check(p->name, e) == -1)
		return -1;
	if (dir == NULL)
		dir = owned = profiles_dir();
	if ((where = dropin_defining(dir, p->name)) != NULL) {
		err_setr(e, "usage",
		    _("profile `%s` is defined in %s; change it there"),
		    p->name, where);
		free(where);
		free(owned);
		return -1;
	}

	/* One entry a key, and one a line of the keys given more than once. */
	nset = profile_nkeys;
	if (p->headers != NULL)
		for (v = p->headers; *v != '\0'; v++)
			nset += *v == '\n';
	set = xcalloc(nset, sizeof *set);
	nset = 0;
	buf_init(&text);
	buf_addf(&text, "[%s]\n", p->name);
	for (i = 0; i < profile_nkeys; i++) {
		const struct pkey *k = &profile_keys[i];

		if (k->kind == K_HEADER) {
			char *all = pkey_render(k, p), *line, *save = NULL;

			drop[ndrop++] = k->name;
			for (line = all != NULL ? strtok_r(all, "\n", &save) : NULL;
			    line != NULL; line = strtok_r(NULL, "\n", &save)) {
				set[nset].key = k->name;
				set[nset++].value = xstrdup(line);
				buf_addf(&text, "%s = %s\n", k->name, line);
			}
			free(all);
			continue;
		}

		/* The password is never written; a literal one already in
		 * the file stays, unless password_cmd takes its place. */
		if (k->kind == K_PASSWORD) {
			if (p->password_cmd != NULL)
				drop[ndrop++] = k->name;
			continue;
		}
		drop[ndrop++] = k->name;
		set[nset].key = k->name;
		set[nset].value = pkey_render(k, p);
		v = set[nset++].value;
		if (v == NULL)
			continue;
		/* Such values would not read back as they are. */
		if (str_has_control(v) || *v == '\0' ||
		    ini_space((unsigned char)v[0]) ||
		    ini_space((unsigned char)v[strlen(v) - 1])) {
			if (bad == NULL)
				bad = k->name;
			continue;
		}
		buf_addf(&text, "%s = %s\n", k->name, v);
	}

	/* What is written must load back as it is: check the new section
	 * with the loader itself. */
	memset(&ld, 0, sizeof ld);
	profile_init(&ld.cur);
	ld.ps = xcalloc(1, sizeof *ld.ps);
	profile_init(&ld.ps->defaults);
	ld.dir = dir;
	ini_load_buffer(&ld, NULL, "profiles.ini", 0600, text.data, text.len);
	if (bad != NULL)
		err_setr(e, "usage",
		    _("cannot save profile `%s`: %s: a value with a control character or spaces at its ends cannot be written"),
		    p->name, bad);
	else if (ld.nerr > 0)
		err_setr(e, "usage", _("cannot save profile `%s`: %s"), p->name,
		    problems_flush(&ld, NULL, NULL));
	else
		rc = ini_edit(dir, p->name, set, nset, drop, ndrop, false, e);
	profiles_free(ld.ps);
	loader_free(&ld);
	buf_free(&text);
	for (i = 0; i < nset; i++)
		free(set[i].value);
	free(set);
	free(owned);
	return rc;
}

int
profiles_set_key(const char *dir, const char *section, const char *key,
    const char *value, struct err *e)
{
	const struct pkey *k = pkey_find(key);
	bool missive = strcmp(section, "missive") == 0;
	struct loader ld;
	struct profile scratch;
	struct kv set[1];
	const char *drop[1] = { key };
	char *owned = NULL;
	int rc = -1;

	if (missive && strcmp(key, "default_profile") == 0) {
		if (value != NULL && ini_name_check(value, strlen(value), e) == -1)
			return -1;
	} else if (k == NULL || k->kind == K_PASSWORD)
		return err_setr(e, "usage", _("`%s` is not a key missive writes"),
		    key);
	else if (value != NULL) {
		/* The value as the loader will check it. */
		memset(&ld, 0, sizeof ld);
		ld.mode = 0600;
		profile_init(&scratch);
		rc = pkey_set(&ld, &scratch, k, value, e);
		profile_clear(&scratch);
		if (rc == -1)
			return -1;
	}
	if (!missive && ini_name_check(section, strlen(section), e) == -1)
		return -1;
	if (dir == NULL)
		dir = owned = profiles_dir();
	set[0].key = key;
	set[0].value = value != NULL ? xstrdup(value) : NULL;
	rc = ini_edit(dir, section, set, 1, drop, 1, missive, e);
	free(set[0].value);
	free(owned);
	return rc;
}

int
profiles_set_default(const char *dir, const char *name, struct err *e)
{
	return profiles_set_key(dir, "missive", "default_profile", name, e);
}
