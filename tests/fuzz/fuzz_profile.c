/* Fuzz target: hostile bytes as profiles.ini for profiles_load, and as an
 * msmtprc for the import. Whatever loads must save and load back to the
 * same values; an input starting with 'S' gives the values of a profile to
 * save instead, and whatever profiles_save accepts must load back as that
 * one profile (no injected section or key). Built with -DFUZZ_LIBFUZZER and clang's
 * -fsanitize=fuzzer,address for fuzzing; otherwise main() replays files
 * or folders (default: the corpus in tests/fuzz/corpus/profile), which is
 * what `make check` runs. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "store/profile.h"
#include "fuzzlib.h"

static char dir[4000], dir2[4096];
static bool verbose;		/* FUZZ_VERBOSE set: say what each input did */

static void
init(void)
{
	if (dir[0] != '\0')
		return;
	/* fuzzlib's folder, removed at exit. */
	snprintf(dir, sizeof dir, "%s", fuzz_dir());
	snprintf(dir2, sizeof dir2, "%s/saved", dir);
	/* ~ expands somewhere harmless. */
	setenv("HOME", dir, 1);
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

/* 'S', then newline-separated values for the string fields in order, the
 * last value's bytes setting the numbers. */
static void
save_spec(const uint8_t *data, size_t size)
{
	struct profile p, *pp = &p;
	char **fields[] = {
		&p.name, &p.server, &p.from, &p.user, &p.password_cmd, &p.cc,
		&p.bcc, &p.helo, &p.theme, &p.auth, &p.fingerprint, &p.ca_file,
		&p.signature, &p.password,
	};
	const char *s = (const char *)data + 1, *end = (const char *)data + size;
	const char *nl;
	struct profiles *ps, *ps2;
	const struct profile *q, *q2;
	struct err e;
	char *ini;
	size_t i;

	profile_init(&p);
	for (i = 0; i < sizeof fields / sizeof fields[0] && s < end; i++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if (nl > s)
			*fields[i] = xstrndup(s, (size_t)(nl - s));
		s = nl + 1;
	}
	if (s < end) {
		p.tls = (signed char)s[0] % 5;
		p.fallback_plaintext = s + 1 < end ? (signed char)s[1] % 2 : -1;
		p.allow_plaintext_auth = s + 2 < end ? (signed char)s[2] % 2 : -1;
		p.tls_min = s + 3 < end ? (s[3] & 1 ? 13 : 12) : 0;
		p.timeout = s + 4 < end ? (unsigned char)s[4] * 20 : 0;
	}
	ini = xasprintf("%s/profiles.ini", dir2);
	unlink(ini);
	if (p.name == NULL || profiles_save(dir2, pp, &e) == -1) {
		if (verbose)
			fprintf(stderr, "save refused: %s\n",
			    p.name == NULL ? "no name" : e.msg);
		goto out;
	}
	if (verbose)
		fprintf(stderr, "saved `%s`\n", p.name);
	if ((ps = profiles_load(dir2, &e)) == NULL) {
		fprintf(stderr, "saved profile does not load: %s\n", e.msg);
		abort();
	}
	if (profiles_count(ps) != 1 ||
	    (q = profiles_find(ps, p.name)) == NULL || q->password != NULL ||
	    !same(q->server, p.server) || !same(q->user, p.user) ||
	    !same(q->password_cmd, p.password_cmd) || !same(q->cc, p.cc) ||
	    !same(q->from, p.from)) {
		fprintf(stderr, "saved profile loads back different\n");
		abort();
	}
	/* Saving what was loaded is a fixed point. */
	unlink(ini);
	if (profiles_save(dir2, q, &e) == -1 ||
	    (ps2 = profiles_load(dir2, &e)) == NULL) {
		fprintf(stderr, "second save failed: %s\n", e.msg);
		abort();
	}
	q2 = profiles_get(ps2, 0);
	if (profiles_count(ps2) != 1 || !same(q->fingerprint, q2->fingerprint) ||
	    !same(q->auth, q2->auth) || !same(q->ca_file, q2->ca_file) ||
	    !same(q->signature, q2->signature) || !same(q->helo, q2->helo) ||
	    !same(q->theme, q2->theme) || !same(q->bcc, q2->bcc) ||
	    q->tls != q2->tls || q->timeout != q2->timeout ||
	    q->tls_min != q2->tls_min ||
	    q->fallback_plaintext != q2->fallback_plaintext ||
	    q->allow_plaintext_auth != q2->allow_plaintext_auth) {
		fprintf(stderr, "second save changed the profile\n");
		abort();
	}
	profiles_free(ps2);
	profiles_free(ps);
out:
	free(ini);
	profile_clear(&p);
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
	if (size > 0 && data[0] == 'S') {
		save_spec(data, size);
		return 0;
	}
	ini = xasprintf("%s/profiles.ini", dir);
	/* The first byte's low bit picks an owner-only or a readable file,
	 * so both sides of the password rule are reached. */
	put(ini, data, size, size > 0 && (data[0] & 1) ? 0644 : 0600);
	if ((ps = profiles_load(dir, &e)) != NULL) {
		if (verbose)
			fprintf(stderr, "loaded %zu profiles\n",
			    profiles_count(ps));
		for (i = 0; i < profiles_count(ps); i++)
			check_roundtrip(profiles_get(ps, i));
		profiles_free(ps);
	} else if (e.msg[0] == '\0' || strlen(e.msg) >= sizeof e.msg)
		abort();
	else if (verbose)
		fprintf(stderr, "load refused: %s\n", e.msg);
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

	verbose = getenv("FUZZ_VERBOSE") != NULL;
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
