/* The server memory and receipts files (store/servers.c,
 * store/receipts.c): what is written, what is kept, what a reader makes
 * of a line cut short. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/util.h"
#include "store/receipts.h"
#include "store/servers.h"

static char dir[] = "/tmp/missive-test-trust-XXXXXX";

static char *
slurp(const char *path)
{
	char *data = NULL;
	size_t len;
	struct err e;

	if (file_read(path, 1 << 20, &data, &len, NULL, &e) != 0)
		fail_msg("cannot read %s", path);
	return data;
}

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define KEY1 "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define KEY2 "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

static void
seen(struct server_mem *m, const char *host, int port, const char *when,
    const char *key)
{
	memset(m, 0, sizeof *m);
	m->host = (char *)host;
	m->port = port;
	strcpy(m->how, "starttls");
	strcpy(m->trust, "verified");
	strcpy(m->first_seen, when);
	strcpy(m->last_seen, when);
	m->pubkey = (char *)key;
}

static void
test_servers(void **state)
{
	char *path = xasprintf("%s/state/servers", dir), *text;
	struct server_mem m, *gone;
	struct servers *s;
	struct err e = { 0 };
	struct stat st;
	size_t n, line;
	const char *why;

	(void)state;
	seen(&m, "Mail.Example.ORG", 587, "2025-01-01T00:00:00Z", KEY1);
	assert_int_equal(servers_remember(path, &m, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	seen(&m, "2001:db8::1", 465, "2025-01-02T00:00:00Z", NULL);
	strcpy(m.how, "implicit");
	strcpy(m.trust, "pinned");
	assert_int_equal(servers_remember(path, &m, &e), 0);
	/* The same key again (the name in another case): first seen kept,
	 * last seen moves, the name as last written. */
	seen(&m, "mail.example.org", 587, "2025-02-01T00:00:00Z", KEY1);
	assert_int_equal(servers_remember(path, &m, &e), 0);
	text = slurp(path);
	assert_non_null(strstr(text, "\nmail.example.org:587 starttls verified "
	    "2025-01-01T00:00:00Z 2025-02-01T00:00:00Z " KEY1 " -\n"));
	assert_non_null(strstr(text, "\n[2001:db8::1]:465 implicit pinned "
	    "2025-01-02T00:00:00Z 2025-01-02T00:00:00Z - -\n"));
	assert_int_equal(text[0], '#');
	free(text);
	/* Seen again the same day, nothing else new: the file is not
	 * written (the same inode, the day's first time kept). */
	{
		struct stat before, after;

		assert_int_equal(stat(path, &before), 0);
		seen(&m, "mail.example.org", 587, "2025-02-01T17:30:00Z", KEY1);
		assert_int_equal(servers_remember(path, &m, &e), 0);
		assert_int_equal(stat(path, &after), 0);
		assert_true(before.st_ino == after.st_ino);
		text = slurp(path);
		assert_non_null(strstr(text, " 2025-01-01T00:00:00Z "
		    "2025-02-01T00:00:00Z " KEY1 " -\n"));
		free(text);
		/* The same day with the group now known: written, as the
		 * next handshake's key share depends on it. */
		seen(&m, "mail.example.org", 587, "2025-02-01T18:00:00Z", KEY1);
		strcpy(m.group, "x25519");
		assert_int_equal(servers_remember(path, &m, &e), 0);
		text = slurp(path);
		assert_non_null(strstr(text, " 2025-01-01T00:00:00Z "
		    "2025-02-01T18:00:00Z " KEY1 " x25519\n"));
		free(text);
		s = servers_load(path, &e);
		assert_string_equal(servers_find(s, "mail.example.org", 587)->group,
		    "x25519");
		assert_string_equal(servers_find(s, "2001:db8::1", 465)->group, "");
		servers_free(s);
		/* The next day moves it. */
		seen(&m, "mail.example.org", 587, "2025-02-02T08:00:00Z", KEY1);
		assert_int_equal(servers_remember(path, &m, &e), 0);
		text = slurp(path);
		assert_non_null(strstr(text, " 2025-01-01T00:00:00Z "
		    "2025-02-02T08:00:00Z " KEY1 " -\n"));
		free(text);
	}
	/* Another key: remembered anew. */
	seen(&m, "mail.example.org", 587, "2025-03-01T00:00:00Z", KEY2);
	assert_int_equal(servers_remember(path, &m, &e), 0);
	s = servers_load(path, &e);
	assert_non_null(s);
	assert_int_equal(servers_count(s), 2);
	assert_string_equal(servers_find(s, "MAIL.example.org", 587)->first_seen,
	    "2025-03-01T00:00:00Z");
	assert_string_equal(servers_find(s, "mail.example.org", 587)->pubkey, KEY2);
	assert_null(servers_find(s, "mail.example.org", 25));
	assert_int_equal(servers_find(s, "2001:db8::1", 465)->port, 465);
	servers_free(s);

	/* A line of the user's and a broken one: reported, kept as they are. */
	text = slurp(path);
	{
		char *more = xasprintf("%s# mine\nbroken.example:25 starttls verified "
		    "yesterday 2025-01-01T00:00:00Z -\n"
		    "old.example:25 starttls verified 2024-01-01T00:00:00Z "
		    "2024-01-01T00:00:00Z -\n"
		    "odd.example:25 starttls verified 2024-01-01T00:00:00Z "
		    "2024-01-01T00:00:00Z - X25519\n", text);

		spit(path, more);
		free(more);
	}
	free(text);
	/* Six fields are a line from before GROUP: an entry; a group not
	 * as IANA writes it is not. */
	s = servers_load(path, &e);
	assert_int_equal(servers_bad(s, &line, &why), 2);
	assert_non_null(strstr(why, "YYYY-MM-DD"));
	assert_int_equal(servers_count(s), 3);
	assert_string_equal(servers_find(s, "old.example", 25)->group, "");
	assert_null(servers_find(s, "odd.example", 25));
	servers_free(s);
	assert_int_equal(servers_forget(path, "mail.example.org", 0, &gone, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(gone[0].host, "mail.example.org");
	servers_mem_free(&gone[0]);
	free(gone);
	text = slurp(path);
	assert_null(strstr(text, "mail.example.org"));
	assert_non_null(strstr(text, "\n# mine\nbroken.example:25 starttls verified yesterday"));
	free(text);
	assert_int_equal(servers_forget(path, "nowhere.example", 25, &gone, &n, &e), 0);
	assert_int_equal(n, 0);
	free(path);
}

static struct receipt *
a_receipt(const char *time, const char *to)
{
	struct receipt *r = xcalloc(1, sizeof *r);

	r->time = xstrdup(time);
	r->via = xstrdup("send");
	r->server = xstrdup("mail.example.org");
	r->port = 587;
	r->policy = xstrdup("starttls");
	r->encrypted = true;
	r->tls_version = xstrdup("TLSv1.3");
	r->verified = true;
	r->message_id = xstrdup("<id@example.org>");
	r->size = 1234;
	r->nrcpts = 1;
	r->rcpts = xcalloc(1, sizeof *r->rcpts);
	r->rcpts[0].address = xstrdup(to);
	r->rcpts[0].code = 250;
	r->rcpts[0].text = xstrdup("2.1.5 ok\nand \"more\"");
	r->reply_code = 250;
	r->reply_text = xstrdup("2.0.0 Ok: queued as X1");
	r->queue_id = xstrdup("X1");
	return r;
}

struct seen {
	size_t n;
	char last_to[64];
};

static int
count(void *arg, const struct receipt *r, const struct json *line)
{
	struct seen *s = arg;

	(void)line;
	s->n++;
	snprintf(s->last_to, sizeof s->last_to, "%s", r->rcpts[0].address);
	return 0;
}

static void
test_receipts(void **state)
{
	char *path = xasprintf("%s/state/receipts.jsonl", dir);
	struct receipt *r = a_receipt("2025-01-01T00:00:00Z", "bob@example.org"), *back;
	struct receipts_skipped sk;
	struct seen seen = { 0 };
	struct err e = { 0 };
	struct json *j;
	struct buf b;
	struct stat st;
	FILE *f;

	(void)state;
	/* A receipt survives JSON both ways. */
	buf_init(&b);
	receipt_to_json(r, &b);
	j = json_parse(b.data, b.len, &e);
	assert_non_null(j);
	back = receipt_from_json(j, &e);
	assert_non_null(back);
	assert_string_equal(back->rcpts[0].text, "2.1.5 ok\nand \"more\"");
	assert_int_equal(back->size, 1234);
	assert_string_equal(back->queue_id, "X1");
	assert_null(back->profile);
	assert_true(back->verified);
	receipt_free(back);
	json_free(j);
	buf_free(&b);

	assert_int_equal(receipts_read(path, count, &seen, &sk, &e), 1);
	assert_int_equal(receipts_append(path, r, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A crash in the middle of a line: the reader skips it and says so,
	 * the next append starts on a line of its own. */
	f = fopen(path, "a");
	fputs("{\"time\":\"2025-", f);
	fclose(f);
	assert_int_equal(receipts_read(path, count, &seen, &sk, &e), 0);
	assert_int_equal(seen.n, 1);
	assert_true(sk.torn);
	assert_int_equal(sk.bad, 0);
	receipt_free(r);
	r = a_receipt("2025-01-02T00:00:00Z", "carl@example.org");
	assert_int_equal(receipts_append(path, r, &e), 0);
	seen.n = 0;
	assert_int_equal(receipts_read(path, count, &seen, &sk, &e), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.last_to, "carl@example.org");
	assert_false(sk.torn);
	assert_int_equal(sk.bad, 1);
	assert_int_equal(sk.first_bad, 2);
	/* Opened by others: made private again on the next append. */
	chmod(path, 0644);
	assert_int_equal(receipts_append(path, r, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	receipt_free(r);
	free(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_receipts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
