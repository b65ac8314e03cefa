/* What the fuzz targets share: a check that aborts with its line (so
 * libFuzzer and the gcc replay both report it), a reader that takes
 * bytes, numbers and strings off the front of an input, a strict JSON
 * validator, and a scratch folder removed at exit. */
#ifndef FUZZLIB_H
#define FUZZLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* The input, consumed from the front. Past its end every byte is 0 and
 * every string empty, so a target never reads out of bounds. */
struct fz {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz *f);
/* A string up to the next 0 byte (or the end), at most max bytes; caller
 * frees. May hold any other byte. */
char *fz_str(struct fz *f, size_t max);
/* The next n bytes (fewer at the end); *got says how many. */
const uint8_t *fz_bytes(struct fz *f, size_t n, size_t *got);

/* Whether s[0..n) is exactly one JSON value (RFC 8259: strings with valid
 * escapes and UTF-8 and no raw control character, numbers, literals,
 * arrays, objects), with nothing but blanks around it. *why says what was
 * wrong. object_only: the value must be an object. */
bool json_valid(const char *s, size_t n, bool object_only, const char **why);

/* A private scratch folder (under $TMPDIR or /tmp), made on first use and
 * removed with its contents at exit. */
const char *fuzz_dir(void);
/* Writes data to path (replacing it); aborts on failure. */
void fuzz_put(const char *path, const void *data, size_t n);

#endif
