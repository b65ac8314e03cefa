/* The server memory file; see servers.h and doc/design.md (Files). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "net/server.h"
#include "store/servers.h"

#define SERVERS_FILE_MAX	(4 * 1024 * 1024)

static const char header[] =
    "# missive's memory of servers that negotiated TLS with a verified or\n"
    "# pinned certificate: an opportunistic send that later finds no TLS at\n"
    "# one of them sends nothing (missive(1), FILES). One server a line:\n"
    "# SERVER TLS CERTIFICATE FIRST-SEEN LAST-SEEN PUBLIC-KEY-SHA256 GROUP\n"
    "# `missive servers` lists them, `missive servers forget HOST[:PORT]`\n"
    "# removes one.\n";

/* One line of the file: an entry, or text kept as it is. */
struct item {
	bool entry;
	struct server_mem m;
	char *text;		/* a line that is not an entry, without its LF */
};

struct servers {
	struct item *v;
	size_t n;
	size_t nbad, bad_line;
	const char *bad_why;
	struct server_mem **entries;	/* the entries, for servers_get */
	size_t nentries;
};

char *
servers_path(void)
{
	return xdg_path("state", "servers");
}

char *
servers_name(const char *host, int port)
{
	return strchr(host, ':') != NULL ? xasprintf("[%s]:%d", host, port) :
	    xasprintf("%s:%d", host, port);
}

bool
servers_time_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (strlen(s) != SERVERS_TIME_LEN)
		return false;
	for (i = 0; i < SERVERS_TIME_LEN; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

void
servers_time_now(char *buf)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, SERVERS_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool
servers_group_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SERVERS_GROUP_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool
pubkey_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 95)
		return false;
	for (i = 0; i < 95; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]) ||
		    islower((unsigned char)s[i]))
			return false;
	return true;
}

void
servers_mem_free(struct server_mem *m)
{
	free(m->host);
	free(m->pubkey);
	memset(m, 0, sizeof *m);
}

static void
mem_copy(struct server_mem *to, const struct server_mem *from)
{
	*to = *from;
	to->host = xstrdup(from->host);
	to->pubkey = xstrdup(from->pubkey);
}

/* Parses one line; NULL on success, else what is wrong. */
static const char *
parse_line(char *line, struct server_mem *m)
{
	char *f[8], *save = NULL, *w;
	struct err e;
	int n = 0;

	/* GROUP came later: a line of six fields is from before it. */
	for (w = strtok_r(line, " \t", &save); w != NULL && n < 8;
	    w = strtok_r(NULL, " \t", &save))
		f[n++] = w;
	if (n != 6 && n != 7)
		return _("not seven fields (SERVER TLS CERTIFICATE FIRST-SEEN "
		    "LAST-SEEN PUBLIC-KEY-SHA256 GROUP)");
	memset(m, 0, sizeof *m);
	if (server_split(f[0], &m->host, &m->port, &e) == -1 || m->port == 0) {
		servers_mem_free(m);
		return _("the server is not HOST:PORT");
	}
	if (strcmp(f[1], "starttls") != 0 && strcmp(f[1], "implicit") != 0) {
		servers_mem_free(m);
		return _("TLS is neither starttls nor implicit");
	}
	if (strcmp(f[2], "verified") != 0 && strcmp(f[2], "pinned") != 0) {
		servers_mem_free(m);
		return _("the certificate is neither verified nor pinned");
	}
	if (!servers_time_ok(f[3]) || !servers_time_ok(f[4])) {
		servers_mem_free(m);
		return _("a date is not YYYY-MM-DDTHH:MM:SSZ");
	}
	if (strcmp(f[5], "-") != 0 && !pubkey_ok(f[5])) {
		servers_mem_free(m);
		return _("the public key is not a SHA-256 as AB:CD:... (or -)");
	}
	if (n == 7 && strcmp(f[6], "-") != 0 && !servers_group_ok(f[6])) {
		servers_mem_free(m);
		return _("the group is not a name such as x25519 (or -)");
	}
	snprintf(m->how, sizeof m->how, "%s", f[1]);
	snprintf(m->trust, sizeof m->trust, "%s", f[2]);
	snprintf(m->first_seen, sizeof m->first_seen, "%s", f[3]);
	snprintf(m->last_seen, sizeof m->last_seen, "%s", f[4]);
	m->pubkey = strcmp(f[5], "-") == 0 ? NULL : xstrdup(f[5]);
	if (n == 7 && strcmp(f[6], "-") != 0)
		snprintf(m->group, sizeof m->group, "%s", f[6]);
	return NULL;
}

static void
index_entries(struct servers *s)
{
	size_t i;

	free(s->entries);
	s->entries = xcalloc(s->n + 1, sizeof *s->entries);
	s->nentries = 0;
	for (i = 0; i < s->n; i++)
		if (s->v[i].entry)
			s->entries[s->nentries++] = &s->v[i].m;
}

static void
add_item(struct servers *s, const struct item *it)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = *it;
}

static struct servers *
parse(const char *data, size_t len)
{
	struct servers *s = xcalloc(1, sizeof *s);
	const char *p = data, *end = data + len;
	size_t lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n), *copy, *t;
		struct item it;
		const char *why;

		lineno++;
		memset(&it, 0, sizeof it);
		for (t = line; *t == ' ' || *t == '\t'; t++)
			;
		if (*t == '\0' || *t == '#' || *t == '\r') {
			it.text = line;
		} else {
			copy = xstrdup(line);
			if ((why = parse_line(copy, &it.m)) == NULL) {
				it.entry = true;
				free(line);
			} else {
				it.text = line;
				if (s->nbad++ == 0) {
					s->bad_line = lineno;
					s->bad_why = why;
				}
			}
			free(copy);
		}
		add_item(s, &it);
		p = nl != NULL ? nl + 1 : end;
	}
	index_entries(s);
	return s;
}

struct servers *
servers_load(const char *path, struct err *e)
{
	char *own = path == NULL ? servers_path() : NULL, *data = NULL;
	struct servers *s;
	struct err fe;
	size_t len = 0;
	int r;

	if (own != NULL)
		path = own;
	err_clear(&fe);
	r = file_read(path, SERVERS_FILE_MAX, &data, &len, NULL, &fe);
	if (r == -1) {
		err_set(e, _("cannot read %s: %s"), path, fe.msg);
		free(own);
		return NULL;
	}
	s = parse(r == 1 ? "" : data, r == 1 ? 0 : len);
	free(data);
	free(own);
	return s;
}

void
servers_free(struct servers *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		servers_mem_free(&s->v[i].m);
		free(s->v[i].text);
	}
	free(s->v);
	free(s->entries);
	free(s);
}

size_t
servers_count(const struct servers *s)
{
	return s->nentries;
}

const struct server_mem *
servers_get(const struct servers *s, size_t i)
{
	return i < s->nentries ? s->entries[i] : NULL;
}

static bool
same(const struct server_mem *m, const char *host, int port)
{
	return strcasecmp(m->host, host) == 0 && (port == 0 || m->port == port);
}

const struct server_mem *
servers_find(const struct servers *s, const char *host, int port)
{
	size_t i;

	for (i = 0; i < s->nentries; i++)
		if (same(s->entries[i], host, port))
			return s->entries[i];
	return NULL;
}

size_t
servers_bad(const struct servers *s, size_t *line, const char **why)
{
	if (line != NULL)
		*line = s->bad_line;
	if (why != NULL)
		*why = s->bad_why;
	return s->nbad;
}

static void
write_entry(struct buf *b, const struct server_mem *m)
{
	char *name = servers_name(m->host, m->port);

	buf_addf(b, "%s %s %s %s %s %s %s\n", name, m->how, m->trust,
	    m->first_seen, m->last_seen, m->pubkey != NULL ? m->pubkey : "-",
	    m->group[0] != '\0' ? m->group : "-");
	free(name);
}

static int
save(const char *path, const struct servers *s, struct err *e)
{
	struct buf b;
	size_t i;
	int rc;

	buf_init(&b);
	for (i = 0; i < s->n; i++) {
		if (s->v[i].entry)
			write_entry(&b, &s->v[i].m);
		else {
			buf_adds(&b, s->v[i].text);
			buf_addc(&b, '\n');
		}
	}
	rc = file_write_atomic(path, b.data != NULL ? b.data : "", b.len, 0600, e);
	buf_free(&b);
	return rc;
}

/* Takes the lock beside the file (it is replaced, so it cannot carry the
 * lock itself) and reads the file; -1 with e. */
static int
lock_load(const char *path, int *lock, struct servers **s, struct err *e)
{
	char *copy = xstrdup(path), *dir = dirname(copy), *lp;

	if (mkdir_p(dir) == -1) {
		err_set(e, _("cannot create %s: %s"), dir, strerror(errno));
		free(copy);
		return -1;
	}
	lp = xasprintf("%s/.servers.lock", dir);
	*lock = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*lock == -1) {
		err_set(e, _("cannot create %s: %s"), lp, strerror(errno));
		free(lp);
		free(copy);
		return -1;
	}
	free(lp);
	free(copy);
	while (flock(*lock, LOCK_EX) == -1 && errno == EINTR)
		;
	if ((*s = servers_load(path, e)) == NULL) {
		close(*lock);
		return -1;
	}
	return 0;
}

int
servers_remember(const char *path, const struct server_mem *seen,
    struct err *e)
{
	char *own = path == NULL ? servers_path() : NULL;
	struct servers *s;
	struct server_mem *m = NULL;
	struct item it;
	size_t i;
	int lock, rc;

	if (own != NULL)
		path = own;
	if (lock_load(path, &lock, &s, e) == -1) {
		free(own);
		return -1;
	}
	for (i = 0; i < s->n && m == NULL; i++)
		if (s->v[i].entry && same(&s->v[i].m, seen->host, seen->port))
			m = &s->v[i].m;
	if (m == NULL) {
		memset(&it, 0, sizeof it);
		it.entry = true;
		/* A new file starts with what it is. */
		if (s->n == 0) {
			struct item h = { 0 };
			const char *p = header, *nl;

			while ((nl = strchr(p, '\n')) != NULL) {
				h.text = xstrndup(p, (size_t)(nl - p));
				add_item(s, &h);
				p = nl + 1;
			}
		}
		mem_copy(&it.m, seen);
		add_item(s, &it);
	} else {
		bool same_key = m->pubkey != NULL && seen->pubkey != NULL &&
		    strcmp(m->pubkey, seen->pubkey) == 0;
		char first[sizeof m->first_seen];

		/* Seen again the same day, all else alike: the file stays as
		 * it is (no rewrite, no fsync on every send); last seen is
		 * the day's first session. */
		if ((same_key || (m->pubkey == NULL && seen->pubkey == NULL)) &&
		    strcmp(m->host, seen->host) == 0 &&
		    strcmp(m->how, seen->how) == 0 &&
		    strcmp(m->trust, seen->trust) == 0 &&
		    strcmp(m->group, seen->group) == 0 &&
		    strncmp(m->last_seen, seen->last_seen, 10) == 0) {
			servers_free(s);
			close(lock);
			free(own);
			return 0;
		}

		snprintf(first, sizeof first, "%s", m->first_seen);
		servers_mem_free(m);
		mem_copy(m, seen);
		/* Another key is remembered anew, from this session on. */
		if (same_key)
			snprintf(m->first_seen, sizeof m->first_seen, "%s", first);
	}
	index_entries(s);
	rc = save(path, s, e);
	servers_free(s);
	close(lock);
	free(own);
	return rc;
}

int
servers_forget(const char *path, const char *host, int port,
    struct server_mem **gone, size_t *ngone, struct err *e)
{
	char *own = path == NULL ? servers_path() : NULL;
	struct servers *s;
	size_t i, j;
	int lock, rc = 0;

	*gone = NULL;
	*ngone = 0;
	if (own != NULL)
		path = own;
	if (lock_load(path, &lock, &s, e) == -1) {
		free(own);
		return -1;
	}
	for (i = j = 0; i < s->n; i++) {
		if (s->v[i].entry && same(&s->v[i].m, host, port)) {
			*gone = xrealloc(*gone, (*ngone + 1) * sizeof **gone);
			(*gone)[(*ngone)++] = s->v[i].m;	/* moved */
			continue;
		}
		s->v[j++] = s->v[i];
	}
	s->n = j;
	index_entries(s);
	if (*ngone > 0)
		rc = save(path, s, e);
	servers_free(s);
	close(lock);
	free(own);
	return rc;
}
