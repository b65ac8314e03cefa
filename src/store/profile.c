/* Saved profiles: loads profiles.ini and profiles.d/NAME.ini (the lines
 * through profile_ini.c, each value through profile_keys.c), collects
 * every problem with its file and line, checks what spans keys and
 * sections (password and password_cmd, fallback and the policy,
 * default_profile), and hands out the profiles. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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
#include "net/smtp.h"
#include "store/profile_int.h"

#define REPORT_MAX		50	/* problems shown before "more not shown" */

/* Records one problem in the current file, prefixed with "FILE:LINE: ". */
void
problem(struct loader *ld, int line, const char *fmt, ...)
{
	char msg[sizeof ((struct err *)0)->msg - 64];
	char full[sizeof ((struct err *)0)->msg];
	struct problem *pr;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ld->rel == NULL)
		snprintf(full, sizeof full, "%s", msg);
	else if (line > 0)
		snprintf(full, sizeof full, "%s:%d: %s", ld->rel, line, msg);
	else
		snprintf(full, sizeof full, "%s: %s", ld->rel, msg);
	ld->cur_ok = false;
	/* Past the reporting limit only the count matters. */
	if (ld->nerr <= REPORT_MAX) {
		ld->problems = xrealloc(ld->problems,
		    (size_t)(ld->nerr + 1) * sizeof *ld->problems);
		pr = &ld->problems[ld->nerr];
		pr->file = ld->file;
		pr->line = line;
		pr->seq = (size_t)ld->nerr;
		pr->msg = xstrdup(full);
	}
	ld->nerr++;
}

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the problems by file and line, hands them to report, and returns
 * the first one (owned by ld). */
const char *
problems_flush(struct loader *ld, profiles_report_fn report, void *arg)
{
	size_t i, n;

	if (ld->nerr == 0)
		return NULL;
	n = ld->nerr <= REPORT_MAX ? (size_t)ld->nerr : REPORT_MAX + 1;
	qsort(ld->problems, n, sizeof *ld->problems, problem_cmp);
	for (i = 0; report != NULL && i < n; i++)
		report(arg, ld->problems[i].msg);
	if (report != NULL && ld->nerr > REPORT_MAX + 1)
		report(arg, _("(more problems not shown)"));
	return ld->problems[0].msg;
}

/* Checks between keys once a section is complete, then keeps it. */
void
section_end(struct loader *ld)
{
	struct profile *p = &ld->cur;
	int lp = ld->keyline[pkey_index("password")];
	int lc = ld->keyline[pkey_index("password_cmd")];
	int lf = ld->keyline[pkey_index("fallback_plaintext")];
	int lt = ld->keyline[pkey_index("tls")];
	const char *file;
	int i, line;

	if (ld->sec != SEC_PROFILE) {
		ld->sec = SEC_NONE;
		return;
	}
	if (lp > 0 && lc > 0)
		problem(ld, lp > lc ? lp : lc, "%s",
		    _("set either password or password_cmd, not both"));
	if (lf > 0 && lt > 0 && p->fallback_plaintext == 1 &&
	    p->tls != TLS_OPPORTUNISTIC)
		problem(ld, lf > lt ? lf : lt,
		    _("fallback_plaintext: applies only to tls = opportunistic, not %s"),
		    tls_mode_name((enum tls_mode)p->tls));
	for (i = 0; ld->check_files && i < 2; i++) {
		file = i == 0 ? p->ca_file : p->signature;
		line = ld->keyline[pkey_index(i == 0 ? "ca_file" : "signature")];
		if (file != NULL && access(file, R_OK) == -1) {
			char *esc = str_escape(file, strlen(file));

			problem(ld, line, "%s: %s: %s",
			    i == 0 ? "ca_file" : "signature", esc,
			    strerror(errno));
			free(esc);
		}
	}
	if (ld->cur_ok) {
		if (ld->ps->n == ld->ps->cap) {
			ld->ps->cap = ld->ps->cap ? ld->ps->cap * 2 : 8;
			ld->ps->v = xrealloc(ld->ps->v,
			    ld->ps->cap * sizeof *ld->ps->v);
		}
		ld->ps->v[ld->ps->n++] = *p;
		profile_init(p);
	} else
		profile_clear(p);
	ld->sec = SEC_NONE;
}

void
section_begin(struct loader *ld, const char *name, size_t n, bool header_ok)
{
	struct err e;
	char *esc, *nm;
	size_t i;
	bool ok = header_ok;

	section_end(ld);
	ld->cur_ok = true;
	memset(ld->keyline, 0, sizeof ld->keyline);
	ld->missive_keyline = 0;
	esc = str_escape(name, n);
	nm = xstrndup(name, n);
	err_clear(&e);
	if (ok && pkey_name_check(name, n, &e) == -1) {
		problem(ld, ld->lineno, "[%s]: %s", esc, e.msg);
		ok = false;
	}
	if (ok) {
		for (i = 0; i < ld->nseen; i++) {
			if (strcmp(ld->seen[i].name, nm) != 0)
				continue;
			problem(ld, ld->lineno,
			    strcmp(nm, "missive") == 0 ?
			    _("section [%s] is already defined at %s") :
			    _("profile `%s` is already defined at %s"),
			    esc, ld->seen[i].where);
			ok = false;
			break;
		}
	}
	if (ok) {
		ld->seen = xrealloc(ld->seen, (ld->nseen + 1) * sizeof *ld->seen);
		ld->seen[ld->nseen].name = xstrdup(nm);
		ld->seen[ld->nseen].where = xasprintf("%s:%d", REL(ld),
		    ld->lineno);
		ld->nseen++;
	}
	free(esc);
	if (strcmp(nm, "missive") == 0) {
		free(nm);
		ld->sec = SEC_MISSIVE;
		return;
	}
	/* A bad header still opens a section, so its keys are checked and
	 * not taken for the previous profile's; it is dropped at the end. */
	ld->sec = SEC_PROFILE;
	profile_init(&ld->cur);
	ld->cur.name = nm;
	ld->cur.file = xstrdup(ld->rel);
	ld->cur.line = ld->lineno;
	ld->cur_ok = ok;
}

static void
load_file(struct loader *ld, const char *rel)
{
	char *path, *data;
	struct err e;
	size_t len;
	mode_t mode;
	int rc;

	path = xasprintf("%s/%s", ld->dir, rel);
	err_clear(&e);
	rc = file_read(path, PROFILE_FILE_MAX, &data, &len, &mode, &e);
	if (rc == -1) {
		ld->rel = rel;
		problem(ld, 0, "%s", e.msg);
	} else if (rc == 0) {
		ini_load_buffer(ld, rel, path, mode, data, len);
		/* The file may hold a password. */
		mem_wipe(data, len);
		free(data);
	}
	free(path);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted byte-wise, so the order does not depend on the locale. */
char **
profile_dropins(const char *dir, size_t *n, struct err *e)
{
	char *path, **v = NULL;
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *d;

	*n = 0;
	path = xasprintf("%s/profiles.d", dir);
	if ((d = opendir(path)) == NULL) {
		free(path);
		if (errno == ENOENT)
			return NULL;
		err_set(e, "%s", strerror(errno));
		*n = SIZE_MAX;
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		free(path);
		path = xasprintf("%s/profiles.d/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xasprintf("profiles.d/%s", de->d_name);
	}
	closedir(d);
	free(path);
	if (*n > 0)
		qsort(v, *n, sizeof *v, name_cmp);
	return v;
}

void
loader_free(struct loader *ld)
{
	size_t i;

	for (i = 0; i < ld->nseen; i++) {
		free(ld->seen[i].name);
		free(ld->seen[i].where);
	}
	free(ld->seen);
	free(ld->default_where);
	for (i = 0; (int)i < ld->nerr && i <= REPORT_MAX; i++)
		free(ld->problems[i].msg);
	free(ld->problems);
	profile_clear(&ld->cur);
}

struct profiles *
profiles_load_all(const char *dir, bool check_files, profiles_report_fn report,
    void *arg, struct err *e)
{
	struct loader ld;
	struct profiles *ps;
	const char *first;
	char *owned = NULL, **files;
	struct err de;
	size_t i, n;

	if (dir == NULL)
		dir = owned = profiles_dir();
	memset(&ld, 0, sizeof ld);
	profile_init(&ld.cur);
	ld.ps = ps = xcalloc(1, sizeof *ps);
	ld.check_files = check_files;
	ld.dir = dir;

	load_file(&ld, "profiles.ini");
	err_clear(&de);
	files = profile_dropins(dir, &n, &de);
	if (n == SIZE_MAX) {
		ld.rel = "profiles.d";
		problem(&ld, 0, "%s", de.msg);
		n = 0;
	}
	for (i = 0; i < n; i++) {
		ld.file = (int)i + 1;
		load_file(&ld, files[i]);
		free(files[i]);
	}
	free(files);

	if (ps->default_name != NULL) {
		for (i = 0; i < ld.nseen; i++)
			if (strcmp(ld.seen[i].name, ps->default_name) == 0 &&
			    strcmp(ps->default_name, "missive") != 0)
				break;
		if (i == ld.nseen) {
			const char *names[64], *s;
			char *esc;
			size_t m = 0;

			for (i = 0; i < ld.nseen && m < 64; i++)
				if (strcmp(ld.seen[i].name, "missive") != 0)
					names[m++] = ld.seen[i].name;
			esc = str_escape(ps->default_name, strlen(ps->default_name));
			ld.rel = ld.default_where;
			ld.file = ld.default_file;
			if ((s = pkey_suggest(ps->default_name, names, m)) != NULL)
				problem(&ld, ld.default_line,
				    _("default_profile: there is no profile named `%s` (did you mean `%s`?)"),
				    esc, s);
			else
				problem(&ld, ld.default_line,
				    _("default_profile: there is no profile named `%s`"),
				    esc);
			free(esc);
		}
	}

	if (ld.nerr > 0) {
		first = problems_flush(&ld, report, arg);
		if (ld.nerr == 1)
			err_setr(e, "usage", "%s", first);
		else
			err_setr(e, "usage",
			    ngettext("%s (and %d more problem: see `missive profiles --check`)",
			    "%s (and %d more problems: see `missive profiles --check`)",
			    (unsigned long)(ld.nerr - 1)), first, ld.nerr - 1);
		profiles_free(ps);
		ps = NULL;
	}
	loader_free(&ld);
	free(owned);
	return ps;
}

struct profiles *
profiles_load(const char *dir, struct err *e)
{
	return profiles_load_all(dir, false, NULL, NULL, e);
}

void
profiles_free(struct profiles *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		profile_clear(&ps->v[i]);
	free(ps->v);
	free(ps->default_name);
	free(ps);
}

size_t
profiles_count(const struct profiles *ps)
{
	return ps != NULL ? ps->n : 0;
}

const struct profile *
profiles_get(const struct profiles *ps, size_t i)
{
	return ps != NULL && i < ps->n ? &ps->v[i] : NULL;
}

const struct profile *
profiles_find(const struct profiles *ps, const char *name)
{
	size_t i;

	if (ps == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

const struct profile *
profiles_default(const struct profiles *ps)
{
	if (ps == NULL)
		return NULL;
	if (ps->default_name != NULL)
		return profiles_find(ps, ps->default_name);
	return ps->n == 1 ? &ps->v[0] : NULL;
}

const char *
profiles_default_name(const struct profiles *ps)
{
	return ps != NULL ? ps->default_name : NULL;
}

char *
profiles_dir(void)
{
	return xdg_dir("config");
}

