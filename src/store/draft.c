/* Atomic draft files; see draft.h. A crash at any point leaves either the
 * old draft or the new one on disk, never a half-written file. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "store/draft.h"

#define DRAFT_MAX	(256 * 1024 * 1024)

static const struct {
	const char *name;
	size_t off;
} draft_keys[] = {
	{ "Server", offsetof(struct draft, server) },
	{ "From", offsetof(struct draft, from) },
	{ "To", offsetof(struct draft, to) },
	{ "Cc", offsetof(struct draft, cc) },
	{ "Bcc", offsetof(struct draft, bcc) },
	{ "Subject", offsetof(struct draft, subject) },
	{ "Attach", offsetof(struct draft, attach) },
	{ "Profile", offsetof(struct draft, profile) },
	{ "Reply-To", offsetof(struct draft, reply_to) },
	{ "In-Reply-To", offsetof(struct draft, in_reply_to) },
	{ "References", offsetof(struct draft, references) },
	/* One "Header: Name: value" line for each extra header. */
	{ "Header", offsetof(struct draft, headers) },
};
#define NKEYS (sizeof draft_keys / sizeof draft_keys[0])

static char **
slot(struct draft *d, size_t i)
{
	return (char **)((char *)d + draft_keys[i].off);
}

char *
draft_dir(void)
{
	return xdg_path("data", "drafts");
}

char *
draft_new_path(void)
{
	char *dir = draft_dir(), *p, stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	p = xasprintf("%s/draft-%s-%ld.txt", dir, stamp, (long)getpid());
	free(dir);
	return p;
}

int
draft_save(const char *path, const struct draft *d, struct err *e)
{
	struct buf b;
	size_t i;
	int rc;

	buf_init(&b);
	for (i = 0; i < NKEYS; i++) {
		const char *v = *slot((struct draft *)d, i);
		const char *c;

		if (v == NULL || *v == '\0')
			continue;
		buf_adds(&b, draft_keys[i].name);
		buf_adds(&b, ": ");
		/* Fields are single lines; never let one break the format.
		 * The header lines are one key line each. */
		for (c = v; *c; c++) {
			if (*c == '\n' && draft_keys[i].off ==
			    offsetof(struct draft, headers)) {
				if (c[1] != '\0')
					buf_addf(&b, "\n%s: ", draft_keys[i].name);
			} else
				buf_addc(&b, (*c == '\n' || *c == '\r') ? ' ' : *c);
		}
		buf_addc(&b, '\n');
	}
	buf_addc(&b, '\n');
	if (d->body != NULL)
		buf_adds(&b, d->body);
	rc = file_write_atomic(path, b.data, b.len, 0600, e);
	buf_wipe(&b);
	return rc;
}

int
draft_load(const char *path, struct draft *d, struct err *e)
{
	struct err fe;
	char *all, *p, *nl;
	size_t i;
	int rc;

	memset(d, 0, sizeof *d);
	err_clear(&fe);
	if ((rc = file_read(path, DRAFT_MAX, &all, NULL, NULL, &fe)) != 0)
		return err_set(e, _("cannot read %s: %s"), path,
		    rc == 1 ? strerror(ENOENT) : fe.msg);
	p = all;
	while (*p != '\0' && *p != '\n') {
		char *colon;

		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		colon = strchr(p, ':');
		if (colon != NULL) {
			*colon = '\0';
			for (i = 0; i < NKEYS; i++) {
				if (strcasecmp(p, draft_keys[i].name) == 0) {
					char *v = colon + 1;

					while (*v == ' ')
						v++;
					if (draft_keys[i].off == offsetof(struct draft,
					    headers) && *slot(d, i) != NULL) {
						char *all = xasprintf("%s\n%s",
						    *slot(d, i), v);

						free(*slot(d, i));
						*slot(d, i) = all;
						continue;
					}
					free(*slot(d, i));
					*slot(d, i) = xstrdup(v);
				}
			}
		}
		if (nl == NULL) {
			p += strlen(p);
			break;
		}
		p = nl + 1;
	}
	if (*p == '\n')
		p++;
	d->body = xstrdup(p);
	free(all);
	return 0;
}

void
draft_free(struct draft *d)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		free(*slot(d, i));
		*slot(d, i) = NULL;
	}
	free(d->body);
	d->body = NULL;
}

struct draft_lock {
	int fd;
};

/* dir/NAME.txt -> dir/.NAME.lock (caller frees). */
static char *
lock_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t dl = base != NULL ? (size_t)(base - path) + 1 : 0;
	size_t bl = strlen(path + dl);

	if (bl > 4 && strcmp(path + dl + bl - 4, ".txt") == 0)
		bl -= 4;
	return xasprintf("%.*s.%.*s.lock", (int)dl, path, (int)bl, path + dl);
}

struct draft_lock *
draft_lock(const char *path, struct err *e)
{
	char *lp = lock_path(path), *dir = xstrdup(path);
	struct draft_lock *l;
	int fd, saved;

	if (mkdir_p(dirname(dir)) == -1) {
		saved = errno;
		err_set(e, _("cannot create %s: %s"), dir, strerror(saved));
		goto fail;
	}
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		saved = errno;
		err_set(e, _("cannot create %s: %s"), lp, strerror(saved));
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		saved = errno;
		close(fd);
		err_set(e, _("%s is open in another missive"), path);
		goto fail;
	}
	free(lp);
	free(dir);
	l = xmalloc(sizeof *l);
	l->fd = fd;
	return l;
fail:
	free(lp);
	free(dir);
	errno = saved;
	return NULL;
}

void
draft_unlock(struct draft_lock *l)
{
	if (l == NULL)
		return;
	close(l->fd);		/* drops the flock */
	free(l);
}

static bool
is_draft_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len >= 5 && strcmp(name + len - 4, ".txt") == 0;
}

static int
info_newest_first(const void *a, const void *b)
{
	const struct draft_info *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime > y->mtime ? -1 : 1;
	if (x->mtime_nsec != y->mtime_nsec)
		return x->mtime_nsec > y->mtime_nsec ? -1 : 1;
	return -strcmp(x->path, y->path);
}

/* The body's first words, on one line. */
static char *
body_start(const char *body)
{
	struct buf b;
	const char *p;

	buf_init(&b);
	for (p = body; *p != '\0' && b.len < 60; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_addc(&b, ' ');
		} else
			buf_addc(&b, *p);
	}
	buf_cstr(&b);
	return b.data;
}

size_t
draft_list(const char *dir, struct draft_info **out)
{
	DIR *dp = opendir(dir);
	struct draft_info *v = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0;

	*out = NULL;
	if (dp == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		struct draft_info *di;
		struct draft_lock *l;
		struct draft d;
		char *p, *lp, mark[8];
		int fd;
		ssize_t got;

		if (!is_draft_name(de->d_name))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) == -1 || !S_ISREG(st.st_mode) ||
		    draft_load(p, &d, NULL) == -1) {
			free(p);
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof *v);
		di = &v[n++];
		memset(di, 0, sizeof *di);
		di->path = p;
		di->mtime = st.st_mtim.tv_sec;
		di->mtime_nsec = st.st_mtim.tv_nsec;
		di->to = xstrdup(d.to != NULL ? d.to : "");
		di->subject = xstrdup(d.subject != NULL ? d.subject : "");
		di->start = body_start(d.body != NULL ? d.body : "");
		draft_free(&d);
		/* Held by a running composer? Asked without keeping it. */
		if ((l = draft_lock(p, NULL)) == NULL)
			di->busy = true;
		draft_unlock(l);
		lp = lock_path(p);
		if ((fd = open(lp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) != -1) {
			got = read(fd, mark, sizeof mark - 1);
			di->aside = got >= 5 && memcmp(mark, "aside", 5) == 0;
			close(fd);
		}
		free(lp);
	}
	closedir(dp);
	if (n > 1)
		qsort(v, n, sizeof *v, info_newest_first);
	*out = v;
	return n;
}

void
draft_list_free(struct draft_info *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].to);
		free(v[i].subject);
		free(v[i].start);
	}
	free(v);
}

int
draft_set_aside(const char *path, bool aside)
{
	char *lp = lock_path(path);
	int fd, rc = 0;

	/* A plain write: the mark is beside the claim, not part of it. */
	fd = open(lp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	free(lp);
	if (fd == -1)
		return -1;
	if (aside && write(fd, "aside\n", 6) != 6)
		rc = -1;
	if (close(fd) == -1)
		rc = -1;
	return rc;
}

int
draft_remove(const char *path, struct err *e)
{
	char *copy;
	int rc = 0;

	if (unlink(path) == -1 && errno != ENOENT)
		return err_set(e, _("cannot remove %s: %s"), path, strerror(errno));
	copy = lock_path(path);
	(void)unlink(copy);	/* only ever a claim on what is now gone */
	free(copy);
	copy = xstrdup(path);
	if (fsync_dir(dirname(copy)) == -1)
		rc = 0;		/* the file is gone either way */
	free(copy);
	return rc;
}
