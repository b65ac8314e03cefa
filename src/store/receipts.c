/* The receipts file; see receipts.h and doc/design.md (Files). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/text.h"
#include "base/util.h"
#include "store/receipts.h"

void
receipt_free(struct receipt *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->time);
	free(r->via);
	free(r->profile);
	free(r->server);
	free(r->address);
	free(r->policy);
	free(r->tls_version);
	free(r->cipher);
	free(r->fingerprint);
	free(r->pubkey);
	free(r->auth);
	free(r->from);
	free(r->message_id);
	for (i = 0; i < r->nrcpts; i++) {
		free(r->rcpts[i].address);
		free(r->rcpts[i].text);
	}
	free(r->rcpts);
	free(r->reply_text);
	free(r->queue_id);
	free(r->outbox_id);
	free(r);
}

static void
j_key(struct buf *b, const char *k, bool first)
{
	if (!first)
		buf_addc(b, ',');
	json_add_str(b, k);
	buf_addc(b, ':');
}

static void
j_str(struct buf *b, const char *k, const char *v)
{
	j_key(b, k, false);
	if (v == NULL)
		buf_adds(b, "null");
	else
		json_add_str(b, v);
}

static void
j_bool(struct buf *b, const char *k, bool v)
{
	j_key(b, k, false);
	buf_adds(b, v ? "true" : "false");
}

void
receipt_to_json(const struct receipt *r, struct buf *b)
{
	size_t i;

	buf_addc(b, '{');
	j_key(b, "time", true);
	json_add_str(b, r->time);
	j_str(b, "via", r->via);
	j_str(b, "profile", r->profile);
	j_str(b, "server", r->server);
	j_key(b, "port", false);
	buf_addf(b, "%d", r->port);
	j_str(b, "address", r->address);
	j_str(b, "policy", r->policy);
	j_bool(b, "encrypted", r->encrypted);
	j_str(b, "tls_version", r->tls_version);
	j_str(b, "cipher", r->cipher);
	j_bool(b, "verified", r->verified);
	j_bool(b, "pinned", r->pinned);
	j_str(b, "fingerprint_sha256", r->fingerprint);
	j_str(b, "pubkey_sha256", r->pubkey);
	j_bool(b, "fallback", r->fallback);
	j_bool(b, "downgrade_memory", r->downgrade_memory);
	j_str(b, "auth", r->auth);
	j_str(b, "from", r->from);
	j_str(b, "message_id", r->message_id);
	j_key(b, "size", false);
	buf_addf(b, "%llu", (unsigned long long)r->size);
	j_key(b, "recipients", false);
	buf_addc(b, '[');
	for (i = 0; i < r->nrcpts; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_addc(b, '{');
		j_key(b, "address", true);
		json_add_str(b, r->rcpts[i].address);
		j_key(b, "code", false);
		buf_addf(b, "%d", r->rcpts[i].code);
		j_str(b, "text", r->rcpts[i].text);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
	j_key(b, "reply", false);
	buf_addc(b, '{');
	j_key(b, "code", true);
	buf_addf(b, "%d", r->reply_code);
	j_str(b, "text", r->reply_text);
	buf_addc(b, '}');
	j_str(b, "queue_id", r->queue_id);
	j_str(b, "outbox_id", r->outbox_id);
	buf_addc(b, '}');
}

static char *
str_of(const struct json *j, const char *k)
{
	return xstrdup(json_get_str(j, k));
}

struct receipt *
receipt_from_json(const struct json *j, struct err *e)
{
	const struct json *rc = json_get(j, "recipients"), *reply;
	struct receipt *r;
	long long size;
	size_t i;

	if (j == NULL || j->type != JSON_OBJ) {
		err_set(e, _("not a JSON object"));
		return NULL;
	}
	if (json_get_str(j, "time") == NULL) {
		err_set(e, _("no \"time\""));
		return NULL;
	}
	if (rc == NULL || rc->type != JSON_ARR) {
		err_set(e, _("no \"recipients\" list"));
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->time = str_of(j, "time");
	r->via = str_of(j, "via");
	r->profile = str_of(j, "profile");
	r->server = str_of(j, "server");
	r->port = (int)json_get_num(j, "port", 0);
	r->address = str_of(j, "address");
	r->policy = str_of(j, "policy");
	r->encrypted = json_get_bool(j, "encrypted", false);
	r->tls_version = str_of(j, "tls_version");
	r->cipher = str_of(j, "cipher");
	r->verified = json_get_bool(j, "verified", false);
	r->pinned = json_get_bool(j, "pinned", false);
	r->fingerprint = str_of(j, "fingerprint_sha256");
	r->pubkey = str_of(j, "pubkey_sha256");
	r->fallback = json_get_bool(j, "fallback", false);
	r->downgrade_memory = json_get_bool(j, "downgrade_memory", false);
	r->auth = str_of(j, "auth");
	r->from = str_of(j, "from");
	r->message_id = str_of(j, "message_id");
	size = json_get_num(j, "size", 0);
	r->size = size > 0 ? (uint64_t)size : 0;
	r->rcpts = rc->n ? xcalloc(rc->n, sizeof *r->rcpts) : NULL;
	for (i = 0; i < rc->n; i++) {
		const struct json *o = rc->v[i];
		const char *a = json_get_str(o, "address");

		if (a == NULL)
			continue;
		r->rcpts[r->nrcpts].address = xstrdup(a);
		r->rcpts[r->nrcpts].code = (int)json_get_num(o, "code", 0);
		r->rcpts[r->nrcpts].text = str_of(o, "text");
		r->nrcpts++;
	}
	if ((reply = json_get(j, "reply")) != NULL) {
		r->reply_code = (int)json_get_num(reply, "code", 0);
		r->reply_text = str_of(reply, "text");
	}
	r->queue_id = str_of(j, "queue_id");
	r->outbox_id = str_of(j, "outbox_id");
	return r;
}

char *
receipts_path(void)
{
	return xdg_path("state", "receipts.jsonl");
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
receipts_append(const char *path, const struct receipt *r, struct err *e)
{
	char *own = path == NULL ? receipts_path() : NULL, *copy, last = '\n';
	struct stat st;
	struct buf b;
	int fd, rc = -1;

	if (own != NULL)
		path = own;
	copy = xstrdup(path);
	if (mkdir_p(dirname(copy)) == -1) {
		err_set(e, _("cannot create the folder of %s: %s"), path,
		    strerror(errno));
		free(copy);
		free(own);
		return -1;
	}
	free(copy);
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		err_set(e, _("cannot write %s: %s"), path, strerror(errno));
		free(own);
		return -1;
	}
	/* Another missive may be appending: one line at a time. */
	while (flock(fd, LOCK_EX) == -1 && errno == EINTR)
		;
	buf_init(&b);
	if (fstat(fd, &st) == -1) {
		err_set(e, _("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, _("cannot write %s: %s"), path, _("not a regular file"));
		goto out;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1) {
		err_set(e, _("cannot make %s private: %s"), path, strerror(errno));
		goto out;
	}
	/* A line cut short by a crash stays alone on its line (read, so
	 * the file is opened for reading too). */
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1) {
		err_set(e, _("cannot read %s: %s"), path, strerror(errno));
		goto out;
	}
	if (last != '\n')
		buf_addc(&b, '\n');
	receipt_to_json(r, &b);
	buf_addc(&b, '\n');
	if (write_all(fd, b.data, b.len) == -1 || fsync(fd) == -1) {
		err_set(e, _("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	if (close(fd) == -1 && rc == 0) {
		err_set(e, _("cannot write %s: %s"), path, strerror(errno));
		rc = -1;
	}
	free(own);
	return rc;
}

int
receipts_read(const char *path, receipt_fn fn, void *arg,
    struct receipts_skipped *sk, struct err *e)
{
	char *own = path == NULL ? receipts_path() : NULL, *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	memset(sk, 0, sizeof *sk);
	if (own != NULL)
		path = own;
	if ((f = fopen(path, "re")) == NULL) {
		rc = errno == ENOENT ? 1 : -1;
		if (rc == -1)
			err_set(e, _("cannot read %s: %s"), path, strerror(errno));
		free(own);
		return rc;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		bool whole = len > 0 && line[len - 1] == '\n';
		struct json *j;
		struct receipt *r = NULL;
		struct err je;
		size_t n = (size_t)len - (whole ? 1 : 0);

		lineno++;
		if (n == 0 || strspn(line, " \t\r") == n)
			continue;
		err_clear(&je);
		j = json_parse(line, n, &je);
		if (j != NULL)
			r = receipt_from_json(j, &je);
		if (r == NULL) {
			/* Only the last line can be cut short by a crash. */
			if (!whole)
				sk->torn = true;
			else if (sk->bad++ == 0)
				sk->first_bad = lineno;
			json_free(j);
			continue;
		}
		rc = fn(arg, r, j);
		receipt_free(r);
		json_free(j);
		if (rc != 0)
			break;
	}
	if (ferror(f)) {
		err_set(e, _("cannot read %s: %s"), path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	free(own);
	return rc < 0 ? -1 : 0;
}
