/* The outbox's files (store/outbox.c): an entry exists only once its
 * meta is written, reads back exactly, is held by one opener at a time,
 * is removed whole; a list is oldest first, shows damaged entries rather
 * than hiding them, and sweeps what a dead maker left. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "store/outbox.h"

static char tmpdir[] = "/tmp/missive-outbox-XXXXXX";
static char *dir;

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	dir = xasprintf("%s/outbox", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(dir);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t
count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A committed entry with a message of text; its id in id. */
static void
make(const char *text, const char *subject, time_t created, char *id)
{
	struct outbox_entry *en;
	struct outbox_meta *m;
	struct err e;
	int fd;

	err_clear(&e);
	en = outbox_new(dir, &fd, &e);
	assert_non_null(en);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	m = outbox_meta(en);
	m->state = OB_QUEUED;
	m->profile = xstrdup("work");
	m->via = xstrdup("sendmail");
	m->env_from = xstrdup("ann@example.org");
	m->nrcpt = 2;
	m->rcpt = xcalloc(2, sizeof *m->rcpt);
	m->rcpt[0] = xstrdup("bob@example.net");
	m->rcpt[1] = xstrdup("carl@example.net");
	m->message_id = xstrdup("<id@example.org>");
	m->subject = xstrdup(subject);
	if (created != 0)
		m->created = created;
	assert_int_equal(outbox_commit(en, &e), 0);
	strcpy(id, m->id);
	outbox_close(en);
}

static void
test_roundtrip(void **state)
{
	struct outbox_entry *en, *en2;
	struct outbox_meta *m;
	struct stat st;
	struct err e;
	char id[OUTBOX_ID_LEN + 1];

	(void)state;
	make("Subject: x\r\n\r\nbody\r\n", "two\nlines: forged: yes", 0, id);
	assert_true(outbox_id_ok(id));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	err_clear(&e);
	assert_int_equal(outbox_open(dir, id, &en, &e), 0);
	m = outbox_meta(en);
	assert_string_equal(m->profile, "work");
	assert_string_equal(m->env_from, "ann@example.org");
	assert_int_equal(m->nrcpt, 2);
	assert_string_equal(m->rcpt[1], "carl@example.net");
	/* A line break in a value cannot forge a line of its own. */
	assert_string_equal(m->subject, "two lines: forged: yes");
	assert_int_equal(m->size, 20);
	assert_int_equal(m->state, OB_QUEUED);
	assert_int_equal(stat(outbox_msg_path(en), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Held: a second opener (another open file) is told so. */
	assert_int_equal(outbox_open(dir, id, &en2, &e), 1);
	m->state = OB_UNCERTAIN;
	m->attempts = 3;
	m->last_error = xstrdup("the server did not answer in time");
	assert_int_equal(outbox_save(en, &e), 0);
	outbox_close(en);
	assert_int_equal(outbox_open(dir, id, &en, &e), 0);
	m = outbox_meta(en);
	assert_int_equal(m->state, OB_UNCERTAIN);
	assert_int_equal(m->attempts, 3);
	assert_string_equal(m->last_error, "the server did not answer in time");
	assert_int_equal(outbox_remove(en, &e), 0);
	outbox_close(en);
	assert_int_equal(outbox_open(dir, id, &en, &e), 2);
	assert_int_equal(count_files(), 0);
	/* Not IDs: never a path. */
	assert_int_equal(outbox_open(dir, "../../etc", &en, &e), 2);
	assert_int_equal(outbox_open(dir, "ABCDEFGH", &en, &e), 2);
	assert_false(outbox_id_ok("abc"));
}

static void
test_uncommitted(void **state)
{
	struct outbox_entry *en;
	struct outbox_meta *v;
	struct err e;
	int fd;

	(void)state;
	err_clear(&e);
	en = outbox_new(dir, &fd, &e);
	assert_non_null(en);
	assert_int_equal(write(fd, "half", 4), 4);
	/* Being made: not an entry yet, and not swept while held. */
	assert_int_equal(outbox_list(dir, &v, &e), 0);
	assert_int_equal(count_files(), 1);
	outbox_close(en);	/* never committed: gone */
	assert_int_equal(count_files(), 0);
}

static void
test_list(void **state)
{
	struct outbox_meta *v;
	struct err e;
	char a[OUTBOX_ID_LEN + 1], b[OUTBOX_ID_LEN + 1], *p;
	struct timeval old[2] = { { 1000, 0 }, { 1000, 0 } };
	FILE *f;
	ssize_t n;
	int fd;

	(void)state;
	make("m1", "newer", 2000000000, a);
	make("m2", "older", 1000000000, b);
	/* What a maker that died left: an ID.msg alone, old, and a
	 * temporary file of an atomic write. */
	p = xasprintf("%s/zzzzzzzz.msg", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(utimes(p, old), 0);
	free(p);
	p = xasprintf("%s/.x.env.abcdef", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(utimes(p, old), 0);
	free(p);
	/* A damaged entry. */
	p = xasprintf("%s/damaged1.env", dir);
	f = fopen(p, "w");
	fputs("garbage without a colon\n", f);
	fclose(f);
	free(p);
	err_clear(&e);
	n = outbox_list(dir, &v, &e);
	assert_int_equal(n, 3);
	/* The damaged one has created 0: first; then oldest first. */
	assert_string_equal(v[0].id, "damaged1");
	assert_int_equal(v[0].state, OB_HELD);
	assert_non_null(strstr(v[0].last_error, "damaged"));
	assert_string_equal(v[1].id, b);
	assert_string_equal(v[2].id, a);
	assert_string_equal(v[2].subject, "newer");
	assert_false(v[1].busy);
	outbox_list_free(v, (size_t)n);
	p = xasprintf("%s/zzzzzzzz.msg", dir);
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	p = xasprintf("%s/.x.env.abcdef", dir);
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	/* One held by a running process is listed busy. */
	{
		struct outbox_entry *en;

		assert_int_equal(outbox_open(dir, a, &en, &e), 0);
		n = outbox_list(dir, &v, &e);
		assert_int_equal(n, 3);
		assert_true(v[2].busy);
		outbox_list_free(v, (size_t)n);
		outbox_close(en);
	}
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff(0), 60);
	assert_int_equal(outbox_backoff(1), 60);
	assert_int_equal(outbox_backoff(2), 120);
	assert_int_equal(outbox_backoff(3), 240);
	assert_int_equal(outbox_backoff(6), 1920);
	assert_int_equal(outbox_backoff(7), 3600);
	assert_int_equal(outbox_backoff(1000), 3600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_uncommitted),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
