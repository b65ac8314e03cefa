/* Small shared helpers; see util.h. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/util.h"

static void
oom(void)
{
	fputs("missive: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

static void
buf_grow(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 64;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_cstr(struct buf *b)
{
	buf_grow(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		mem_wipe(b->data, b->cap);
	buf_free(b);
}

size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Like utf8_len, but C1 controls (U+0080..U+009F), which act as escapes
 * on some terminals, do not count as printable. */
static size_t
utf8_len_shown(const unsigned char *s, size_t n)
{
	size_t l = utf8_len(s, n);

	return l == 2 && s[0] == 0xc2 && s[1] <= 0x9f ? 0 : l;
}

char *
str_escape(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, l;

	buf_init(&b);
	while (i < n) {
		if (u[i] == '\r')
			buf_adds(&b, "\\r");
		else if (u[i] == '\n')
			buf_adds(&b, "\\n");
		else if (u[i] == '\t')
			buf_adds(&b, "\\t");
		else if (u[i] == '\\')
			buf_adds(&b, "\\\\");
		else if (u[i] < 0x20 || u[i] == 0x7f)
			buf_addf(&b, "\\x%02x", u[i]);
		else if ((l = utf8_len_shown(u + i, n - i)) == 0)
			buf_addf(&b, "\\x%02x", u[i]);
		else {
			buf_add(&b, u + i, l);
			i += l;
			continue;
		}
		i++;
	}
	buf_cstr(&b);
	return b.data;
}

void
json_add_str(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, l;

	buf_addc(b, '"');
	while (i < n) {
		if (u[i] == '"')
			buf_adds(b, "\\\"");
		else if (u[i] == '\\')
			buf_adds(b, "\\\\");
		else if (u[i] == '\n')
			buf_adds(b, "\\n");
		else if (u[i] == '\r')
			buf_adds(b, "\\r");
		else if (u[i] == '\t')
			buf_adds(b, "\\t");
		else if (u[i] < 0x20 || u[i] == 0x7f)
			buf_addf(b, "\\u%04x", u[i]);
		else if ((l = utf8_len(u + i, n - i)) == 0)
			buf_adds(b, "\\ufffd");
		else if (l == 1)
			buf_addc(b, (char)u[i]);
		else {
			buf_add(b, u + i, l);
			i += l;
			continue;
		}
		i++;
	}
	buf_addc(b, '"');
}

void
mem_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	mem_wipe(s, strlen(s));
	free(s);
}

bool
str_has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

double
time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
