/* Runs a fuzz target over every file of its committed corpus, so that
 * `make check` (built with gcc, no libFuzzer) replays what fuzzing found.
 * The corpus is $TESTS_SRCDIR/fuzz/corpus/NAME, NAME from argv[0]
 * ("fuzz_reply" -> "reply"); files named as arguments are replayed
 * instead (a crash libFuzzer saved, say). Built with clang
 * -fsanitize=fuzzer the target files are used without this driver. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long len;

		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = malloc(len > 0 ? (size_t)len : 1);
		if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *src = getenv("TESTS_SRCDIR"), *base, *name;
	char dir[4096], path[8192];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if (argc > 1)
		return replay_args(argc, argv);
	base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	name = strncmp(base, "lt-", 3) == 0 ? base + 3 : base;
	name = strncmp(name, "fuzz_", 5) == 0 ? name + 5 : name;
	snprintf(dir, sizeof dir, "%s/fuzz/corpus/%.*s", src ? src : "tests",
	    (int)strcspn(name, "."), name);
	if ((dp = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: cannot open corpus %s\n", dir);
		return 1;
	}
	while ((d = readdir(dp)) != NULL) {
		FILE *f;
		uint8_t *buf;
		long len;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = malloc(len > 0 ? (size_t)len : 1);
		if (buf != NULL && fread(buf, 1, (size_t)len, f) == (size_t)len) {
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			n++;
		}
		free(buf);
		fclose(f);
	}
	closedir(dp);
	printf("replayed %d inputs from %s\n", n, dir);
	return n > 0 ? 0 : 1;
}
