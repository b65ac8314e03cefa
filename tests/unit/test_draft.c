/* Drafts and address history: what is written can be read back exactly,
 * files are replaced atomically with private modes, the newest draft is
 * found, and the history keeps the latest use of each address. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <cmocka.h>

#include "base/fs.h"
#include "base/util.h"
#include "store/draft.h"
#include "store/history.h"

static char tmpdir[] = "/tmp/missive-draft-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	setenv("XDG_DATA_HOME", tmpdir, 1);
	setenv("XDG_STATE_HOME", tmpdir, 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_roundtrip(void **state)
{
	struct draft d = {
		.server = "smtp.example.org:587", .from = "Zoë <z@example.org>",
		.to = "a@example.org, \"Doe, J\" <j@example.org>",
		.subject = "Grüße\nInjected: header", .profile = "work",
		.body = "Server: not a header\n\nsecond para\n",
	}, r;
	char *dir = draft_dir(), *path = draft_new_path();
	struct stat st;
	struct err e;
	FILE *f;
	char line[256];

	(void)state;
	assert_non_null(strstr(dir, "/missive/drafts"));
	assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
	assert_int_equal(draft_save(path, &d, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(count_files(dir), 1);	/* no temp file left */
	/* human-readable: header lines, a blank line, the body */
	f = fopen(path, "r");
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "Server: smtp.example.org:587\n");
	fclose(f);
	assert_int_equal(draft_load(path, &r, &e), 0);
	assert_string_equal(r.server, d.server);
	assert_string_equal(r.from, d.from);
	assert_string_equal(r.to, d.to);
	assert_null(r.cc);
	/* a newline can never start a fake header line */
	assert_string_equal(r.subject, "Grüße Injected: header");
	assert_string_equal(r.profile, "work");
	assert_string_equal(r.body, d.body);
	draft_free(&r);
	/* overwrite in place */
	d.body = "new body";
	assert_int_equal(draft_save(path, &d, &e), 0);
	assert_int_equal(count_files(dir), 1);
	assert_int_equal(draft_load(path, &r, &e), 0);
	assert_string_equal(r.body, "new body");
	draft_free(&r);
	assert_int_equal(draft_remove(path, &e), 0);
	assert_int_equal(count_files(dir), 0);
	assert_int_equal(draft_remove(path, &e), 0);	/* already gone: fine */
	free(dir);
	free(path);
}

/* A reply restored from a draft still threads: Reply-To, In-Reply-To,
 * References and every extra header line come back, one line each. */
static void
test_answer_fields(void **state)
{
	struct draft d = {
		.to = "b@example.org", .reply_to = "Team <team@example.org>",
		.in_reply_to = "<parent@example.net>",
		.references = "<root@example.net> <parent@example.net>",
		.headers = "X-One: 1\nX-Two: a: b\nInjected\rstill one",
		.body = "text\n",
	}, r;
	char *path = draft_new_path(), *all;
	struct err e;

	(void)state;
	assert_int_equal(draft_save(path, &d, &e), 0);
	assert_int_equal(file_read(path, 1 << 20, &all, NULL, NULL, &e), 0);
	assert_non_null(strstr(all, "\nHeader: X-One: 1\nHeader: X-Two: a: b\n"
	    "Header: Injected still one\n"));
	free(all);
	assert_int_equal(draft_load(path, &r, &e), 0);
	assert_string_equal(r.reply_to, d.reply_to);
	assert_string_equal(r.in_reply_to, d.in_reply_to);
	assert_string_equal(r.references, d.references);
	assert_string_equal(r.headers, "X-One: 1\nX-Two: a: b\nInjected still one");
	assert_string_equal(r.body, "text\n");
	draft_free(&r);
	assert_int_equal(draft_remove(path, &e), 0);
	free(path);
}

/* The list: newest first, with To, Subject and the body's first words;
 * a draft held by a composer is busy (flock conflicts between two open
 * files even in one process, as between two composers) and free again
 * once released; the aside mark survives until cleared. */
static void
test_list(void **state)
{
	char *dir = draft_dir(), *a, *b;
	struct draft da = { .to = "ann@example.org", .subject = "Plans",
	    .body = "First line\nsecond\tline" };
	struct draft db = { .body = "x" };
	struct utimbuf old = { .actime = 1000000, .modtime = 1000000 };
	struct draft_lock *la;
	struct draft_info *v;
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(draft_list(dir, &v), 0);
	a = xasprintf("%s/draft-a.txt", dir);
	b = xasprintf("%s/draft-b.txt", dir);
	assert_int_equal(draft_save(b, &db, &e), 0);
	assert_int_equal(draft_save(a, &da, &e), 0);
	assert_int_equal(utime(b, &old), 0);
	n = draft_list(dir, &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].path, a);
	assert_string_equal(v[0].to, "ann@example.org");
	assert_string_equal(v[0].subject, "Plans");
	assert_string_equal(v[0].start, "First line second line");
	assert_false(v[0].busy);
	assert_false(v[0].aside);
	assert_string_equal(v[1].path, b);
	assert_string_equal(v[1].to, "");
	assert_int_equal(v[1].mtime, 1000000);
	draft_list_free(v, n);
	/* a is held: busy, and a second claim on it fails */
	assert_non_null(la = draft_lock(a, &e));
	assert_null(draft_lock(a, &e));
	assert_non_null(strstr(e.msg, "another missive"));
	assert_int_equal(draft_set_aside(b, true), 0);
	n = draft_list(dir, &v);
	assert_true(v[0].busy);
	assert_true(v[1].aside);
	assert_false(v[1].busy);
	draft_list_free(v, n);
	/* released (a composer quit or died): free again; aside cleared */
	draft_unlock(la);
	assert_int_equal(draft_set_aside(b, false), 0);
	n = draft_list(dir, &v);
	assert_false(v[0].busy);
	assert_false(v[1].aside);
	draft_list_free(v, n);
	/* removing a draft removes its lock file too */
	assert_int_equal(draft_remove(a, &e), 0);
	assert_int_equal(draft_remove(b, &e), 0);
	assert_int_equal(count_files(dir), 0);
	free(a);
	free(b);
	free(dir);
}

static void
test_atomic_failure_keeps_old(void **state)
{
	char *dir = draft_dir(), *path = xasprintf("%s/draft-keep.txt", dir);
	struct draft d = { .body = "old text" }, r;
	struct err e;

	(void)state;
	assert_int_equal(draft_save(path, &d, &e), 0);
	if (geteuid() != 0) {
		/* a folder we cannot write: the save fails, the old survives */
		assert_int_equal(chmod(dir, 0500), 0);
		d.body = "new text";
		assert_int_equal(draft_save(path, &d, &e), -1);
		assert_non_null(strstr(e.msg, dir));
		assert_int_equal(chmod(dir, 0700), 0);
	}
	assert_int_equal(draft_load(path, &r, &e), 0);
	assert_string_equal(r.body, "old text");
	draft_free(&r);
	assert_int_equal(draft_remove(path, &e), 0);
	free(path);
	free(dir);
}

static void
test_history(void **state)
{
	struct history *h;
	struct err e;
	char *path;
	struct stat st;

	(void)state;
	err_clear(&e);
	h = history_load(NULL, &e);
	assert_non_null(h);
	assert_int_equal(history_count(h), 0);
	history_add_list(h, "a@example.org, \"Doe, J\" <j@example.org>");
	history_add(h, "Bob <bob@example.org>");
	history_add(h, "bad\naddress@example.org");
	history_add(h, "A. Person <A@EXAMPLE.ORG>");	/* replaces a@ */
	assert_int_equal(history_count(h), 3);
	assert_string_equal(history_get(h, 0), "A. Person <A@EXAMPLE.ORG>");
	assert_string_equal(history_get(h, 1), "Bob <bob@example.org>");
	assert_string_equal(history_get(h, 2), "\"Doe, J\" <j@example.org>");
	assert_int_equal(history_save(h, &e), 0);
	history_free(h);
	path = history_path();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	h = history_load(path, &e);
	assert_int_equal(history_count(h), 3);
	assert_string_equal(history_get(h, 2), "\"Doe, J\" <j@example.org>");
	history_free(h);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_answer_fields),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_atomic_failure_keeps_old),
		cmocka_unit_test(test_history),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
