/* Fuzz target: hostile bytes as profiles.ini for profiles_load, and as an
 * msmtprc for the import. Whatever loads must save and load back to the
 * same values. Built with -DFUZZ_LIBFUZZER and clang's
 * -fsanitize=fuzzer,address for fuzzing; otherwise main() replays files
 * or folders (default: the corpus in tests/fuzz/corpus/profile), which is
 * what `make check` runs. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"

static char dir[4000], dir2[4096];

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

static void
init(void)
{
	const char *base = getenv("TMPDIR");

	if (dir[0] != '\0')
		return;
	if (base == NULL || *base != '/')
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/fuzz_profile.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(dir2, sizeof dir2, "%s/saved", dir);
	/* ~ expands somewhere harmless. */
	setenv("HOME", dir, 1);
	atexit(cleanup);
}

static void
put(const char *path, const uint8_t *data, size_t size, mode_t mode)
{
	int fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    fchmod(fd, mode) == -1 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size)) {
		perror(path);
		abort();
	}
	close(fd);
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A saved profile must read back as it was (but its password, which is
 * never written). */
static void
check_roundtrip(const struct profile *p)
{
	struct profiles *ps;
	const struct profile *q;
	struct err e;
	char *ini = xasprintf("%s/profiles.ini", dir2);

	unlink(ini);
	free(ini);
	if (profiles_save(dir2, p, &e) == -1) {
		fprintf(stderr, "profile `%s` loaded but does not save: %s\n",
		    p->name, e.msg);
		abort();
	}
	if ((ps = profiles_load(dir2, &e)) == NULL) {
		fprintf(stderr, "saved profile `%s` does not load: %s\n",
		    p->name, e.msg);
		abort();
	}
	q = profiles_find(ps, p->name);
	if (q == NULL || !same(p->server, q->server) || p->tls != q->tls ||
	    p->fallback_plaintext != q->fallback_plaintext ||
	    !same(p->ca_file, q->ca_file) ||
	    !same(p->fingerprint, q->fingerprint) || p->tls_min != q->tls_min ||
	    !same(p->from, q->from) || !same(p->user, q->user) ||
	    q->password != NULL || !same(p->password_cmd, q->password_cmd) ||
	    !same(p->auth, q->auth) ||
	    p->allow_plaintext_auth != q->allow_plaintext_auth ||
	    !same(p->helo, q->helo) || !same(p->cc, q->cc) ||
	    !same(p->bcc, q->bcc) || !same(p->signature, q->signature) ||
	    p->timeout != q->timeout || !same(p->theme, q->theme)) {
		fprintf(stderr, "profile `%s` changed through save and load\n",
		    p->name);
		abort();
	}
	profiles_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profiles *ps;
	struct msmtp_import im;
	struct err e;
	char *ini, *rc;
	size_t i;

	init();
	ini = xasprintf("%s/profiles.ini", dir);
	/* The first byte's low bit picks an owner-only or a readable file,
	 * so both sides of the password rule are reached. */
	put(ini, data, size, size > 0 && (data[0] & 1) ? 0644 : 0600);
	if ((ps = profiles_load(dir, &e)) != NULL) {
		for (i = 0; i < profiles_count(ps); i++)
			check_roundtrip(profiles_get(ps, i));
		profiles_free(ps);
	} else if (e.msg[0] == '\0' || strlen(e.msg) >= sizeof e.msg)
		abort();
	free(ini);

	rc = xasprintf("%s/msmtprc", dir);
	put(rc, data, size, 0600);
	if (profiles_import_msmtp(rc, &im, NULL, NULL, &e) == 0)
		msmtp_import_free(&im);
	free(rc);
	return 0;
}

#ifndef FUZZ_LIBFUZZER
static int
replay_file(const char *path)
{
	uint8_t *data;
	long n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

static int
replay(const char *path, size_t *count)
{
	struct dirent *de;
	struct stat st;
	char *sub;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		if (replay(sub, count) == -1)
			rc = -1;
		free(sub);
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i, rc = 0;

	if (argc < 2)
		rc = replay(TESTSRCDIR "/fuzz/corpus/profile", &count);
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count) == -1)
			rc = -1;
	printf("fuzz_profile: replayed %zu inputs\n", count);
	/* An empty corpus would make this test pass without testing. */
	return rc == 0 && count > 0 ? 0 : 1;
}
#endif
