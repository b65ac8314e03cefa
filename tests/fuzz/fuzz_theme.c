/* Fuzz target for theme loading (ui/theme.c, no curses call): hostile
 * bytes as a NAME.theme file either load into a theme whose every role
 * has a colour the terminal side can use (default, an index 0-255, or
 * #rrggbb) and known attributes only, or are refused with a message that
 * names the file; the same for each line as one role's value
 * (theme_parse_value); the nearest palette colour of any RGB value is
 * inside the palette.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/theme. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzzlib.h"
#include "ui/theme.h"

static void
check_colour(const struct colour *c)
{
	CHECK(c->kind == COL_DEFAULT || c->kind == COL_INDEX || c->kind == COL_RGB);
	if (c->kind == COL_INDEX)
		CHECK(c->v < 256);
	if (c->kind == COL_RGB) {
		CHECK(c->v <= 0xffffff);
		CHECK(colour_nearest(c->v, 8) < 8);
		CHECK(colour_nearest(c->v, 16) < 16);
		CHECK(colour_nearest(c->v, 256) < 256);
	}
}

static void
check_entry(const struct theme_entry *t)
{
	check_colour(&t->fg);
	check_colour(&t->bg);
	CHECK((t->attrs & ~(unsigned)(TA_BOLD | TA_UNDERLINE | TA_REVERSE |
	    TA_DIM | TA_ITALIC)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	struct theme_entry te;
	struct err e;
	char *path = xasprintf("%s/fuzzed.theme", fuzz_dir());
	const char *p = (const char *)data, *end = p + size;
	size_t i;

	fuzz_put(path, data, size);
	memset(&t, 0, sizeof t);
	memset(&e, 0, sizeof e);
	if (theme_parse_file(path, &t, &e) == 0) {
		CHECK(t.name != NULL && strcmp(t.name, "fuzzed") == 0);
		for (i = 0; i < R_COUNT; i++)
			check_entry(&t.e[i]);
	} else {
		CHECK(strncmp(e.msg, path, strlen(path)) == 0);
		/* What is left is the built-in default, still usable. */
		for (i = 0; i < R_COUNT; i++)
			check_entry(&t.e[i]);
	}
	theme_free(&t);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : (size_t)(end - p));

		memset(&te, 0, sizeof te);
		if (theme_parse_value(line, &te, &e) == 0)
			check_entry(&te);
		else
			CHECK(e.msg[0] != '\0');
		free(line);
		p = nl ? nl + 1 : end;
	}
	free(path);
	return 0;
}
