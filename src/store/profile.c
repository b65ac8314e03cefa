/* Saved profiles: loads profiles.ini and profiles.d/NAME.ini (the lines
 * through profile_ini.c, each value through profile_keys.c), collects
 * every problem with its file and line, checks what spans keys and
 * sections (password and password_cmd, fallback and the policy,
 * default_profile), and hands out the profiles. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
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

/* A user's name for messages, or their number. */
static char *
user_name(uid_t uid)
{
	char pwbuf[4096];
	struct passwd pw, *res = NULL;

	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	return xasprintf("%ld", (long)uid);
}

/* Whether st (of path, a file or a folder of profiles) may be trusted the
 * way OpenSSH trusts ~/.ssh/config: ours or root's, and writable by
 * nobody else. A profile can run commands as the user (password_cmd).
 * Reports the problem with the command that fixes it. */
static bool
trusted(struct loader *ld, const char *path, const struct stat *st, bool folder)
{
	char *abs = path_absolute(path), *q = shell_quote(abs), *who, *me;
	const char *rel = ld->rel;
	bool ok = true;

	if (st->st_uid != getuid() && st->st_uid != 0) {
		who = user_name(st->st_uid);
		me = user_name(getuid());
		if (folder) {
			ld->rel = NULL;
			problem(ld, 0, _("the folder %s belongs to another user (%s): "
			    "they could replace your profiles, which can run commands "
			    "as you; run `chown %s %s`"), q, who, me, q);
		} else
			problem(ld, 0, _("the file belongs to another user (%s), and a "
			    "profile can run commands as you (password_cmd); run "
			    "`chown %s %s`"), who, me, q);
		free(who);
		free(me);
		ok = false;
	} else if ((st->st_mode & 022) != 0) {
		unsigned want = (unsigned)(st->st_mode & 07777 & ~022);

		if (folder) {
			ld->rel = NULL;
			problem(ld, 0, _("the folder %s is writable by other users "
			    "(mode %04o): anyone could replace your profiles, which "
			    "can run commands as you; run `chmod %03o %s`"), q,
			    (unsigned)(st->st_mode & 07777), want, q);
		} else
			problem(ld, 0, _("the file is writable by other users (mode "
			    "%04o), and a profile can run commands as you "
			    "(password_cmd); run `chmod %03o %s`"),
			    (unsigned)(st->st_mode & 07777), want, q);
		ok = false;
	}
	ld->rel = rel;
	free(abs);
	free(q);
	return ok;
}

/* The folders the profiles are read from, when they exist. */
static void
check_folder(struct loader *ld, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		(void)trusted(ld, path, &st, true);
}

static void
load_file(struct loader *ld, const char *rel)
{
	char *path, *data;
	struct err e;
	struct stat st;
	size_t len;
	int rc;

	path = xasprintf("%s/%s", ld->dir, rel);
	err_clear(&e);
	rc = file_read_stat(path, PROFILE_FILE_MAX, &data, &len, &st, &e);
	ld->rel = rel;
	if (rc == -1) {
		problem(ld, 0, "%s", e.msg);
	} else if (rc == 0 && !trusted(ld, path, &st, false)) {
		/* Not read at all: nothing of it may be used. */
		mem_wipe(data, len);
		free(data);
	} else if (rc == 0) {
		ini_load_buffer(ld, rel, path, st.st_mode, data, len);
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
	profile_init(&ps->defaults);
	ld.check_files = check_files;
	ld.dir = dir;

	check_folder(&ld, dir);
	{
		char *d = xasprintf("%s/profiles.d", dir);

		check_folder(&ld, d);
		free(d);
	}
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
	profile_clear(&ps->defaults);
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

const struct profile *
profiles_defaults(const struct profiles *ps)
{
	return ps != NULL ? &ps->defaults : NULL;
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

