/* The shared helpers of the fuzz targets; see fuzzlib.h. */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "fuzzlib.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

uint8_t
fz_u8(struct fz *f)
{
	uint8_t c;

	if (f->n == 0)
		return 0;
	c = *f->p++;
	f->n--;
	return c;
}

char *
fz_str(struct fz *f, size_t max)
{
	size_t i = 0;
	char *s;

	while (i < f->n && i < max && f->p[i] != 0)
		i++;
	s = malloc(i + 1);
	if (s == NULL)
		abort();
	memcpy(s, f->p, i);
	s[i] = '\0';
	if (i < f->n && f->p[i] == 0)
		i++;		/* the terminator */
	f->p += i;
	f->n -= i;
	return s;
}

const uint8_t *
fz_bytes(struct fz *f, size_t n, size_t *got)
{
	const uint8_t *p = f->p;

	if (n > f->n)
		n = f->n;
	f->p += n;
	f->n -= n;
	*got = n;
	return p;
}

/* --- JSON */

struct jp {
	const unsigned char *s, *end;
	const char *why;
	int depth;
};

static void
ws(struct jp *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' ||
	    *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static bool
bad(struct jp *j, const char *why)
{
	if (j->why == NULL)
		j->why = why;
	return false;
}

static int
hex4(const unsigned char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static bool
string(struct jp *j)
{
	size_t l;
	int u, u2;

	if (j->s >= j->end || *j->s != '"')
		return bad(j, "expected a string");
	j->s++;
	while (j->s < j->end && *j->s != '"') {
		if (*j->s < 0x20)
			return bad(j, "raw control character in a string");
		if (*j->s == '\\') {
			if (j->end - j->s < 2)
				return bad(j, "string ends in a backslash");
			switch (j->s[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				j->s += 2;
				continue;
			case 'u':
				if (j->end - j->s < 6 || (u = hex4(j->s + 2)) < 0)
					return bad(j, "bad \\u escape");
				j->s += 6;
				if (u >= 0xdc00 && u <= 0xdfff)
					return bad(j, "lone low surrogate escape");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (j->end - j->s < 6 || j->s[0] != '\\' ||
					    j->s[1] != 'u' || (u2 = hex4(j->s + 2)) < 0 ||
					    u2 < 0xdc00 || u2 > 0xdfff)
						return bad(j, "lone high surrogate escape");
					j->s += 6;
				}
				continue;
			default:
				return bad(j, "unknown escape");
			}
		}
		if ((l = utf8_len(j->s, (size_t)(j->end - j->s))) == 0)
			return bad(j, "invalid UTF-8 in a string");
		j->s += l;
	}
	if (j->s >= j->end)
		return bad(j, "unterminated string");
	j->s++;
	return true;
}

static bool
digits(struct jp *j)
{
	const unsigned char *a = j->s;

	while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
		j->s++;
	return j->s > a;
}

static bool
number(struct jp *j)
{
	if (j->s < j->end && *j->s == '-')
		j->s++;
	if (j->s < j->end && *j->s == '0')
		j->s++;
	else if (!digits(j))
		return bad(j, "bad number");
	if (j->s < j->end && *j->s == '.') {
		j->s++;
		if (!digits(j))
			return bad(j, "no digits after the decimal point");
	}
	if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
		j->s++;
		if (j->s < j->end && (*j->s == '+' || *j->s == '-'))
			j->s++;
		if (!digits(j))
			return bad(j, "bad exponent");
	}
	return true;
}

static bool
literal(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->s) < n || memcmp(j->s, w, n) != 0)
		return bad(j, "unexpected character");
	j->s += n;
	return true;
}

static bool value(struct jp *j);

static bool
compound(struct jp *j, char close)
{
	bool first = true;

	if (++j->depth > 64)
		return bad(j, "nested too deeply");
	j->s++;
	ws(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (!first) {
			ws(j);
			if (j->s < j->end && *j->s == close)
				break;
			if (j->s >= j->end || *j->s != ',')
				return bad(j, "expected , or the closing bracket");
			j->s++;
		}
		first = false;
		ws(j);
		if (close == '}') {
			if (!string(j))
				return false;
			ws(j);
			if (j->s >= j->end || *j->s != ':')
				return bad(j, "expected :");
			j->s++;
			ws(j);
		}
		if (!value(j))
			return false;
	}
	j->s++;
	j->depth--;
	return true;
}

static bool
value(struct jp *j)
{
	if (j->s >= j->end)
		return bad(j, "value expected");
	switch (*j->s) {
	case '{':
		return compound(j, '}');
	case '[':
		return compound(j, ']');
	case '"':
		return string(j);
	case 't':
		return literal(j, "true");
	case 'f':
		return literal(j, "false");
	case 'n':
		return literal(j, "null");
	default:
		if (*j->s == '-' || (*j->s >= '0' && *j->s <= '9'))
			return number(j);
		return bad(j, "unexpected character");
	}
}

bool
json_valid(const char *s, size_t n, bool object_only, const char **why)
{
	struct jp j = { (const unsigned char *)s, (const unsigned char *)s + n, NULL, 0 };
	bool ok;

	ws(&j);
	if (object_only && (j.s >= j.end || *j.s != '{'))
		ok = bad(&j, "not an object");
	else
		ok = value(&j);
	ws(&j);
	if (ok && j.s != j.end)
		ok = bad(&j, "text after the value");
	if (why != NULL)
		*why = j.why;
	return ok;
}

/* --- files */

static char dir[4096];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	if (dir[0] != '\0')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_dir(void)
{
	const char *base = getenv("TMPDIR");

	if (dir[0] != '\0')
		return dir;
	if (base == NULL || *base != '/')
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/missive-fuzz.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(cleanup);
	return dir;
}

void
fuzz_put(const char *path, const void *data, size_t n)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    (n > 0 && write(fd, data, n) != (ssize_t)n) || close(fd) == -1) {
		perror(path);
		abort();
	}
}
