/* Durability of file_write_atomic (base/fs.c), the one home of atomic
 * replacement (drafts, history, profiles.ini): the data reaches the disk
 * before the rename (fsync of the temporary file), the rename itself
 * after it (fsync of the folder), in that order; a write, fsync or rename
 * that fails leaves the old file as it was and no temporary file behind.
 * Linked with -Wl,--wrap=write,--wrap=fsync,--wrap=rename (Makefile.am):
 * every such call of fs.c is recorded, and any one can be made to fail,
 * which works as root too (no permission tricks). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
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

#include "base/err.h"
#include "base/fs.h"
#include "base/util.h"

ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);

/* What happened, one letter a call: w write, f fsync of a file, d fsync
 * of a folder, r rename. */
static char trace[256];
static size_t ntrace;
/* Fail the call whose letter is fail_on (its fail_nth one, from 1) with
 * fail_errno. */
static char fail_on;
static int fail_nth, fail_errno, seen;

static bool
record(char c)
{
	if (ntrace + 1 < sizeof trace)
		trace[ntrace++] = c;
	trace[ntrace] = '\0';
	if (c == fail_on && ++seen == fail_nth) {
		errno = fail_errno;
		return false;
	}
	return true;
}

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	/* One byte a call: every write of a longer file is seen. */
	if (!record('w'))
		return -1;
	return __real_write(fd, buf, n > 1 ? 1 : n);
}

int
__wrap_fsync(int fd)
{
	struct stat st;

	if (!record(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? 'd' : 'f'))
		return -1;
	return __real_fsync(fd);
}

int
__wrap_rename(const char *from, const char *to)
{
	if (!record('r'))
		return -1;
	return __real_rename(from, to);
}

static char dir[] = "/tmp/test_fs.XXXXXX";

static void
reset(char c, int nth, int err)
{
	ntrace = 0;
	trace[0] = '\0';
	fail_on = c;
	fail_nth = nth;
	fail_errno = err;
	seen = 0;
}

static char *
slurp(const char *path)
{
	char *data = NULL;
	size_t len;
	struct err e;

	assert_int_equal(file_read(path, 1 << 20, &data, &len, NULL, &e), 0);
	return data;
}

/* Only the file itself is in the folder: no temporary file left. */
static void
only_the_file(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "draft.txt") != 0)
			fail_msg("left behind: %s", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
}

static void
test_order(void **state)
{
	char *path = xasprintf("%s/draft.txt", dir), *got;
	const char *f, *r, *d;
	struct err e;

	(void)state;
	reset(0, 0, 0);
	assert_int_equal(file_write_atomic(path, "first", 5, 0600, &e), 0);
	reset(0, 0, 0);
	assert_int_equal(file_write_atomic(path, "second text", 11, 0600, &e), 0);
	/* every write, then fsync(file), then the rename, then fsync(folder) */
	f = strchr(trace, 'f');
	r = strchr(trace, 'r');
	d = strchr(trace, 'd');
	if (f == NULL || r == NULL || d == NULL || strrchr(trace, 'w') > f ||
	    f > r || r > d)
		fail_msg("calls in the wrong order or missing: %s (want w...f r d)", trace);
	assert_int_equal(strspn(trace, "w"), 11);
	got = slurp(path);
	assert_string_equal(got, "second text");
	free(got);
	only_the_file();
	free(path);
}

static void
test_failures_keep_the_old_file(void **state)
{
	static const struct {
		char on;
		int nth, err;
		const char *words;
	} faults[] = {
		{ 'w', 1, ENOSPC, "No space left on device" },
		{ 'w', 7, EIO, "Input/output error" },
		{ 'f', 1, EIO, "Input/output error" },
		{ 'r', 1, EXDEV, "Invalid cross-device link" },
	};
	char *path = xasprintf("%s/draft.txt", dir), *got;
	struct err e;
	size_t i;

	(void)state;
	reset(0, 0, 0);
	assert_int_equal(file_write_atomic(path, "the old text", 12, 0600, &e), 0);
	for (i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		reset(faults[i].on, faults[i].nth, faults[i].err);
		err_clear(&e);
		assert_int_equal(file_write_atomic(path, "a new text, longer", 18,
		    0600, &e), -1);
		if (strstr(e.msg, path) == NULL || strstr(e.msg, faults[i].words) == NULL)
			fail_msg("fault %zu: unclear: %s", i, e.msg);
		/* Not renamed into place unless the data was synced. */
		if (faults[i].on != 'r')
			assert_null(strchr(trace, 'r'));
		got = slurp(path);
		assert_string_equal(got, "the old text");
		free(got);
		only_the_file();
	}
	/* The folder's fsync failing: the new file is in place, but the
	 * caller is told it may not survive a crash. */
	reset('d', 1, EIO);
	err_clear(&e);
	assert_int_equal(file_write_atomic(path, "newest", 6, 0600, &e), -1);
	assert_non_null(strstr(e.msg, "Input/output error"));
	only_the_file();
	free(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char *path = xasprintf("%s/draft.txt", dir);

	(void)state;
	unlink(path);
	free(path);
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_failures_keep_the_old_file),
	};

	setenv("LC_ALL", "C", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
