/* The outbox's files (see outbox.h): entries made, held with flock,
 * their meta read and replaced atomically, removed, listed. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "store/outbox.h"

#define META_MAX	(1024 * 1024)
#define STALE_SECS	600	/* a leftover this old is no one's any more */

struct outbox_entry {
	char *dir, *msg_path, *env_path;
	int fd;			/* ID.msg, flock held */
	bool committed;
	struct outbox_meta meta;
};

static const char *const state_names[] = { "queued", "uncertain", "held" };

const char *
outbox_state_name(enum outbox_state s)
{
	return state_names[s];
}

bool
outbox_id_ok(const char *s)
{
	size_t i;

	for (i = 0; i < OUTBOX_ID_LEN; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return s[i] == '\0';
}

char *
outbox_dir(void)
{
	return xdg_path("data", "outbox");
}

void
outbox_meta_free(struct outbox_meta *m)
{
	free(m->profile);
	free(m->via);
	free(m->env_from);
	strv_free(m->rcpt, m->nrcpt);
	free(m->message_id);
	free(m->from);
	free(m->to);
	free(m->subject);
	free(m->last_reason);
	free(m->last_error);
	memset(m, 0, sizeof *m);
}

unsigned
outbox_backoff(unsigned attempts)
{
	unsigned s = 60;

	while (attempts > 1 && s < 3600) {
		s *= 2;
		attempts--;
	}
	return s > 3600 ? 3600 : s;
}

/* The folder, made private: it holds messages. */
static int
dir_make(const char *dir, struct err *e)
{
	struct stat st;

	if (mkdir_p(dir) == -1)
		return err_setr(e, "local", _("cannot create the outbox %s: %s"),
		    dir, strerror(errno));
	if (stat(dir, &st) == -1)
		return err_setr(e, "local", _("cannot use the outbox %s: %s"), dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_setr(e, "local", _("cannot use the outbox %s: %s"), dir,
		    strerror(ENOTDIR));
	if ((st.st_mode & 077) != 0 && st.st_uid == geteuid() &&
	    chmod(dir, 0700) == -1)
		return err_setr(e, "local", _("cannot make the outbox %s private: "
		    "%s"), dir, strerror(errno));
	return 0;
}

static void
entry_free(struct outbox_entry *en)
{
	if (en->fd != -1)
		close(en->fd);
	free(en->dir);
	free(en->msg_path);
	free(en->env_path);
	outbox_meta_free(&en->meta);
	free(en);
}

static struct outbox_entry *
entry_alloc(const char *dir, const char *id)
{
	struct outbox_entry *en = xcalloc(1, sizeof *en);

	en->fd = -1;
	en->dir = xstrdup(dir);
	en->msg_path = xasprintf("%s/%s.msg", dir, id);
	en->env_path = xasprintf("%s/%s.env", dir, id);
	snprintf(en->meta.id, sizeof en->meta.id, "%s", id);
	return en;
}

static void
random_id(char *id)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[OUTBOX_ID_LEN];
	size_t i, got = 0;
	ssize_t n;

	while (got < sizeof r && (n = getrandom(r + got, sizeof r - got, 0)) > 0)
		got += (size_t)n;
	for (i = got; i < sizeof r; i++)	/* uniqueness still from O_EXCL */
		r[i] = (unsigned char)((size_t)time(NULL) * 131 + (size_t)getpid() + i * 17);
	for (i = 0; i < OUTBOX_ID_LEN; i++)
		id[i] = chars[r[i] % 36];
	id[OUTBOX_ID_LEN] = '\0';
}

struct outbox_entry *
outbox_new(const char *dir, int *fd, struct err *e)
{
	struct outbox_entry *en;
	char id[OUTBOX_ID_LEN + 1];
	int tries;

	if (dir_make(dir, e) == -1)
		return NULL;
	for (tries = 0; tries < 100; tries++) {
		random_id(id);
		en = entry_alloc(dir, id);
		en->fd = open(en->msg_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (en->fd != -1)
			break;
		if (errno != EEXIST) {
			err_setr(e, "local", _("cannot create a file in the outbox "
			    "%s: %s"), dir, strerror(errno));
			entry_free(en);
			return NULL;
		}
		entry_free(en);
		en = NULL;
	}
	if (en == NULL) {
		err_setr(e, "local", _("cannot create a file in the outbox %s: %s"),
		    dir, strerror(EEXIST));
		return NULL;
	}
	/* Nobody else has the file yet: the lock cannot be refused. */
	if (flock(en->fd, LOCK_EX | LOCK_NB) == -1) {
		err_setr(e, "local", _("cannot lock %s: %s"), en->msg_path,
		    strerror(errno));
		unlink(en->msg_path);
		entry_free(en);
		return NULL;
	}
	en->meta.created = time(NULL);
	*fd = en->fd;
	return en;
}

/* --- the meta file */

static void
put(struct buf *b, const char *key, const char *value)
{
	const char *p;

	if (value == NULL)
		return;
	buf_addf(b, "%s: ", key);
	/* A value is one line: a line break could forge another key. */
	for (p = value; *p != '\0'; p++)
		buf_addc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	buf_addc(b, '\n');
}

static void
putn(struct buf *b, const char *key, unsigned long long v)
{
	buf_addf(b, "%s: %llu\n", key, v);
}

static void
meta_format(const struct outbox_meta *m, struct buf *b)
{
	size_t i;

	buf_adds(b, "# missive outbox entry: the message is in the .msg file "
	    "beside this one\n");
	put(b, "state", outbox_state_name(m->state));
	put(b, "profile", m->profile);
	put(b, "via", m->via);
	put(b, "env-from", m->env_from);
	for (i = 0; i < m->nrcpt; i++)
		put(b, "rcpt", m->rcpt[i]);
	put(b, "message-id", m->message_id);
	put(b, "from", m->from);
	put(b, "to", m->to);
	put(b, "subject", m->subject);
	putn(b, "size", m->size);
	put(b, "eight-bit", m->eight_bit ? "yes" : "no");
	put(b, "head-8bit", m->head_8bit ? "yes" : "no");
	putn(b, "created", (unsigned long long)m->created);
	putn(b, "attempts", m->attempts);
	putn(b, "next-try", (unsigned long long)m->next_try);
	putn(b, "last-try", (unsigned long long)m->last_try);
	put(b, "last-reason", m->last_reason);
	put(b, "last-error", m->last_error);
}

static int
num(const char *v, unsigned long long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Parses text into m; -1 with e naming the line that is wrong. */
static int
meta_parse(char *text, struct outbox_meta *m, struct err *e)
{
	char *line, *save = NULL, *v;
	unsigned long long n;
	size_t lineno = 0;
	bool state = false, from = false;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (*line == '#' || *line == '\0')
			continue;
		if ((v = strstr(line, ": ")) == NULL) {
			if (line[strlen(line) - 1] == ':') {
				v = line + strlen(line) - 1;	/* "key:" empty */
				*v = '\0';
				v++;
			} else
				goto bad;
		} else {
			*v = '\0';
			v += 2;
		}
#define STR(k, f) else if (strcmp(line, k) == 0) { free(m->f); m->f = xstrdup(v); }
#define NUM(k, f, T) else if (strcmp(line, k) == 0) { \
		if (num(v, &n) == -1) { goto bad; } else { m->f = (T)n; } }
		if (strcmp(line, "state") == 0) {
			size_t i;

			for (i = 0; i < 3 && strcmp(v, state_names[i]) != 0; i++)
				;
			if (i == 3)
				goto bad;
			m->state = (enum outbox_state)i;
			state = true;
		} else if (strcmp(line, "rcpt") == 0) {
			m->rcpt = xrealloc(m->rcpt, (m->nrcpt + 1) * sizeof *m->rcpt);
			m->rcpt[m->nrcpt++] = xstrdup(v);
		} else if (strcmp(line, "env-from") == 0) {
			free(m->env_from);
			m->env_from = xstrdup(v);
			from = true;
		}
		STR("profile", profile)
		STR("via", via)
		STR("message-id", message_id)
		STR("from", from)
		STR("to", to)
		STR("subject", subject)
		STR("last-reason", last_reason)
		STR("last-error", last_error)
		NUM("size", size, uint64_t)
		NUM("created", created, time_t)
		NUM("attempts", attempts, unsigned)
		NUM("next-try", next_try, time_t)
		NUM("last-try", last_try, time_t)
		else if (strcmp(line, "eight-bit") == 0)
			m->eight_bit = strcmp(v, "yes") == 0;
		else if (strcmp(line, "head-8bit") == 0)
			m->head_8bit = strcmp(v, "yes") == 0;
		/* Other keys: a later missive's; kept out of the way. */
#undef STR
#undef NUM
	}
	if (!state || !from || m->nrcpt == 0 || m->profile == NULL)
		return err_setr(e, "local", "%s", _("it lacks the state, the "
		    "profile, the sender or the recipients"));
	return 0;
bad:
	return err_setr(e, "local", _("line %zu is not `key: value'"), lineno);
}

/* Reads the meta of id into m. 0; 1 when there is no such file; -1. */
static int
meta_load(const char *path, struct outbox_meta *m, struct err *e)
{
	char *text = NULL, *id;
	const char *base;
	struct err fe;
	int rc;

	err_clear(&fe);
	rc = file_read(path, META_MAX, &text, NULL, NULL, &fe);
	if (rc == 1)
		return 1;
	if (rc == -1)
		return err_setr(e, "local", _("cannot read %s: %s"), path, fe.msg);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	id = xstrndup(base, OUTBOX_ID_LEN);
	snprintf(m->id, sizeof m->id, "%s", id);
	free(id);
	if (meta_parse(text, m, &fe) == -1) {
		err_setr(e, "local", _("the outbox entry %s is damaged (%s): %s"),
		    m->id, path, fe.msg);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int
outbox_save(struct outbox_entry *en, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b);
	meta_format(&en->meta, &b);
	rc = file_write_atomic(en->env_path, b.data, b.len, 0600, e);
	if (rc == -1)
		e->reason = "local";
	buf_free(&b);
	return rc;
}

int
outbox_commit(struct outbox_entry *en, struct err *e)
{
	struct stat st;

	if (fsync(en->fd) == -1 || fstat(en->fd, &st) == -1)
		return err_setr(e, "local", _("cannot save %s: %s"), en->msg_path,
		    strerror(errno));
	en->meta.size = (uint64_t)st.st_size;
	/* The folder entry of ID.msg is made durable by the fsync of the
	 * folder that ends the atomic write of ID.env. */
	if (outbox_save(en, e) == -1)
		return -1;
	en->committed = true;
	return 0;
}

int
outbox_open(const char *dir, const char *id, struct outbox_entry **out,
    struct err *e)
{
	struct outbox_entry *en;
	struct stat st;
	int rc;

	*out = NULL;
	if (!outbox_id_ok(id))
		return 2;
	en = entry_alloc(dir, id);
	en->fd = open(en->msg_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (en->fd == -1) {
		rc = errno == ENOENT ? 2 : err_setr(e, "local", _("cannot open %s: "
		    "%s"), en->msg_path, strerror(errno));
		entry_free(en);
		return rc;
	}
	if (flock(en->fd, LOCK_EX | LOCK_NB) == -1) {
		rc = errno == EWOULDBLOCK ? 1 : err_setr(e, "local", _("cannot lock "
		    "%s: %s"), en->msg_path, strerror(errno));
		entry_free(en);
		return rc;
	}
	/* Removed while we were getting the lock: gone, not ours. */
	if (fstat(en->fd, &st) == -1 || st.st_nlink == 0) {
		entry_free(en);
		return 2;
	}
	rc = meta_load(en->env_path, &en->meta, e);
	if (rc != 0) {
		entry_free(en);
		return rc == 1 ? 2 : -1;
	}
	en->committed = true;
	*out = en;
	return 0;
}

struct outbox_meta *
outbox_meta(struct outbox_entry *en)
{
	return &en->meta;
}

const char *
outbox_msg_path(const struct outbox_entry *en)
{
	return en->msg_path;
}

int
outbox_remove(struct outbox_entry *en, struct err *e)
{
	if (unlink(en->env_path) == -1 && errno != ENOENT)
		return err_setr(e, "local", _("cannot remove %s: %s"), en->env_path,
		    strerror(errno));
	if (fsync_dir(en->dir) == -1)
		return err_setr(e, "local", _("cannot save %s: %s"), en->dir,
		    strerror(errno));
	en->committed = false;
	if (unlink(en->msg_path) == -1 && errno != ENOENT)
		return err_setr(e, "local", _("cannot remove %s: %s"), en->msg_path,
		    strerror(errno));
	fsync_dir(en->dir);
	return 0;
}

void
outbox_close(struct outbox_entry *en)
{
	if (en == NULL)
		return;
	/* Unlinked while still held, so no one finds it half made. */
	if (!en->committed)
		unlink(en->msg_path);
	entry_free(en);
}

/* --- listing */

static int
by_created(const void *a, const void *b)
{
	const struct outbox_meta *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* An ID.msg with no ID.env that nobody holds: its maker died. */
static void
sweep_orphan(const char *dir, const char *name)
{
	char *msg = xasprintf("%s/%s", dir, name);
	char *env = xasprintf("%s/%.*s.env", dir, OUTBOX_ID_LEN, name);
	int fd;

	struct stat st;

	/* Old enough that it is not one being made this very moment, before
	 * its maker could lock it. */
	if (access(env, F_OK) == -1 && errno == ENOENT &&
	    (fd = open(msg, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) != -1) {
		if (fstat(fd, &st) == 0 && st.st_mtime + STALE_SECS < time(NULL) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 && access(env, F_OK) == -1)
			unlink(msg);
		close(fd);
	}
	free(msg);
	free(env);
}

static bool
held(const char *dir, const char *id)
{
	char *msg = xasprintf("%s/%s.msg", dir, id);
	int fd = open(msg, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool busy = false;

	free(msg);
	if (fd == -1)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		busy = true;
	close(fd);
	return busy;
}

ssize_t
outbox_list(const char *dir, struct outbox_meta **v, struct err *e)
{
	DIR *d;
	struct dirent *de;
	struct outbox_meta *out = NULL;
	size_t n = 0;
	time_t now = time(NULL);

	*v = NULL;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_setr(e, "local", _("cannot read the outbox %s: %s"), dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		char *path, id[OUTBOX_ID_LEN + 1];
		struct outbox_meta m;
		struct err me;
		struct stat st;

		if (name[0] == '.') {
			/* A temporary file of an atomic write that never ended. */
			path = xasprintf("%s/%s", dir, name);
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
			    lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    st.st_mtime + STALE_SECS < now)
				unlink(path);
			free(path);
			continue;
		}
		if (len != OUTBOX_ID_LEN + 4)
			continue;
		memcpy(id, name, OUTBOX_ID_LEN);
		id[OUTBOX_ID_LEN] = '\0';
		if (!outbox_id_ok(id))
			continue;
		if (strcmp(name + OUTBOX_ID_LEN, ".msg") == 0) {
			sweep_orphan(dir, name);
			continue;
		}
		if (strcmp(name + OUTBOX_ID_LEN, ".env") != 0)
			continue;
		memset(&m, 0, sizeof m);
		path = xasprintf("%s/%s", dir, name);
		err_clear(&me);
		if (meta_load(path, &m, &me) != 0) {
			/* Listed all the same, so that it can be seen and dropped. */
			outbox_meta_free(&m);
			snprintf(m.id, sizeof m.id, "%s", id);
			m.state = OB_HELD;
			m.last_reason = xstrdup("local");
			m.last_error = xstrdup(me.msg[0] ? me.msg : _("cannot read it"));
			m.env_from = xstrdup("");
			m.profile = xstrdup("");
		}
		free(path);
		m.busy = held(dir, id);
		path = xasprintf("%s/%s.msg", dir, id);
		if (stat(path, &st) == 0)
			m.order = (long long)st.st_mtim.tv_sec * 1000000000LL +
			    st.st_mtim.tv_nsec;
		free(path);
		out = xrealloc(out, (n + 1) * sizeof *out);
		out[n++] = m;
	}
	closedir(d);
	if (n > 1)
		qsort(out, n, sizeof *out, by_created);
	*v = out;
	return (ssize_t)n;
}

void
outbox_list_free(struct outbox_meta *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		outbox_meta_free(&v[i]);
	free(v);
}
