/* Files and folders the way missive keeps them; see fs.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"

int
mkdir_p(const char *path)
{
	char *p = xstrdup(path), *q;
	int rc = 0;

	for (q = p + 1; ; q++) {
		if (*q == '/' || *q == '\0') {
			char c = *q;

			*q = '\0';
			if (mkdir(p, 0700) == -1 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*q = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

char *
xdg_dir(const char *kind)
{
	const char *var, *fallback, *v, *home;

	if (strcmp(kind, "config") == 0) {
		var = "XDG_CONFIG_HOME";
		fallback = ".config";
	} else if (strcmp(kind, "data") == 0) {
		var = "XDG_DATA_HOME";
		fallback = ".local/share";
	} else {
		var = "XDG_STATE_HOME";
		fallback = ".local/state";
	}
	v = getenv(var);
	if (v != NULL && *v == '/')
		return xasprintf("%s/missive", v);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	return xasprintf("%s/%s/missive", home, fallback);
}

char *
xdg_path(const char *kind, const char *rel)
{
	char *d = xdg_dir(kind), *p = xasprintf("%s/%s", d, rel);

	free(d);
	return p;
}

char *
data_path(const char *rel)
{
	const char *d = getenv("MISSIVE_DATADIR");

	if (d == NULL || *d == '\0')
		d = PKGDATADIR;
	return xasprintf("%s/%s", d, rel);
}

int
tmpfile_make(const char *dir, const char *prefix, const char *suffix,
    char **path)
{
	struct buf b;
	int fd, i;

	buf_init(&b);
	buf_addf(&b, "%s/%s", dir, prefix);
	for (i = 0; i < 6; i++)	/* the six characters mkstemps replaces */
		buf_addc(&b, 'X');
	buf_adds(&b, suffix);
	if ((fd = mkstemps(buf_cstr(&b), (int)strlen(suffix))) == -1) {
		int saved = errno;

		buf_free(&b);
		errno = saved;
		*path = NULL;
		return -1;
	}
	*path = b.data;
	return fd;
}

void
fd_writeback_start(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	/* Its failures (EINVAL, ESPIPE: no file this works for) change
	 * nothing: the fsync later is what makes the file durable. */
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}

char *
self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
file_write_atomic(const char *path, const void *data, size_t len, int mode,
    struct err *e)
{
	char *copy = xstrdup(path), *dir, *tmp, *prefix;
	const char *p = data;
	int fd, saved;

	dir = dirname(copy);
	if (mkdir_p(dir) == -1) {
		err_set(e, _("cannot create %s: %s"), dir, strerror(errno));
		free(copy);
		return -1;
	}
	prefix = xasprintf(".%s.", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fd = tmpfile_make(dir, prefix, "", &tmp);
	free(prefix);
	if (fd == -1) {
		err_set(e, _("cannot write in %s: %s"), dir, strerror(errno));
		goto fail;
	}
	if (fchmod(fd, (mode_t)mode) == -1)
		goto fail_fd;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail_fd;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_fd;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail_fd;
	/* The rename is durable only once the folder itself is synced. */
	if (fsync_dir(dir) == -1)
		goto fail_fd;
	free(tmp);
	free(copy);
	return 0;

fail_fd:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	err_set(e, _("cannot save %s: %s"), path, strerror(saved));
fail:
	free(tmp);
	free(copy);
	return -1;
}

int
file_read(const char *path, size_t max, char **data, size_t *len,
    mode_t *mode, struct err *e)
{
	struct stat st;
	int rc = file_read_stat(path, max, data, len, &st, e);

	if (rc == 0 && mode != NULL)
		*mode = st.st_mode;
	return rc;
}

int
file_read_stat(const char *path, size_t max, char **data, size_t *len,
    struct stat *stp, struct err *e)
{
	struct stat st;
	ssize_t r;
	size_t n = 0;
	char *d;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return 1;
		return err_set(e, "%s", strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s", _("not a regular file"));
	}
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return err_set(e, _("larger than %ju bytes"), (uintmax_t)max);
	}
	d = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		r = read(fd, d + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(e, "%s", strerror(errno));
			mem_wipe(d, n);
			free(d);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	d[n] = '\0';
	*data = d;
	if (len != NULL)
		*len = n;
	*stp = st;
	return 0;
}

/* "~" and "~user" at the start of a path. */
char *
path_expand(const char *s, struct err *e)
{
	const char *slash, *home = NULL;
	char pwbuf[4096], *user, *h;
	struct passwd pw, *res = NULL;
	size_t hl;

	if (s[0] != '~') {
		if (s[0] != '/') {
			err_set(e, "%s", _("write the path from / or ~/ (a "
			    "relative path would depend on the current folder)"));
			return NULL;
		}
		return xstrdup(s);
	}
	slash = strchr(s, '/');
	user = xstrndup(s + 1, slash != NULL ? (size_t)(slash - s - 1) : strlen(s + 1));
	if (*user == '\0') {
		home = getenv("HOME");
		if ((home == NULL || *home != '/') &&
		    getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 &&
		    res != NULL)
			home = pw.pw_dir;
	} else if (getpwnam_r(user, &pw, pwbuf, sizeof pwbuf, &res) == 0 &&
	    res != NULL)
		home = pw.pw_dir;
	if (home == NULL || *home != '/') {
		err_set(e, _("cannot tell which folder `~%s` is"), user);
		free(user);
		return NULL;
	}
	free(user);
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (slash == NULL)
		return xstrndup(home, hl);
	if (hl == 1)
		return xstrdup(slash);
	h = xasprintf("%.*s%s", (int)hl, home, slash);
	return h;
}

/* The reverse for saving: $HOME/x is written ~/x. */
char *
path_unexpand(const char *s)
{
	const char *home = getenv("HOME");
	size_t hl;

	if (home == NULL || *home != '/')
		return xstrdup(s);
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(s, home, hl) == 0 && s[hl] == '/')
		return xasprintf("~%s", s + hl);
	return xstrdup(s);
}

int
file_read_input(const char *path, size_t max, char **data, size_t *len)
{
	bool in = strcmp(path, "-") == 0;
	struct buf b;
	struct stat st;
	char tmp[65536];
	ssize_t r;
	int fd, saved;

	*data = NULL;
	*len = 0;
	if (in)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (!in) {
		int fl;

		saved = fstat(fd, &st) == -1 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
		/* Back to blocking reads for pipes and the like. */
		if (saved == 0 && ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1))
			saved = errno;
		if (saved != 0) {
			close(fd);
			errno = saved;
			return -1;
		}
	}
	buf_init(&b);
	buf_adds(&b, "");
	for (;;) {
		r = read(fd, tmp, sizeof tmp);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 || (r > 0 && b.len + (size_t)r > max)) {
			saved = r == -1 ? errno : EFBIG;
			if (!in)
				close(fd);
			buf_free(&b);
			errno = saved;
			return -1;
		}
		if (r == 0)
			break;
		buf_add(&b, tmp, (size_t)r);
	}
	if (!in)
		close(fd);
	*data = b.data;
	*len = b.len;
	return 0;
}
