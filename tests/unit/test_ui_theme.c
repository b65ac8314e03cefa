/* Themes: every shipped theme loads without error, a broken file is
 * reported with its file and line and leaves the default in place, and
 * colours map to the nearest the terminal has. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "ui/theme.h"

static const char *shipped[] = {
	"default", "light", "dark", "solarized-dark", "high-contrast", "mono",
};

static void
test_shipped_themes_load(void **state)
{
	struct theme t;
	struct err e;
	size_t i;
	char path[512];

	(void)state;
	for (i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		snprintf(path, sizeof path, "%s/../themes/%s.theme", TESTSRCDIR,
		    shipped[i]);
		err_clear(&e);
		if (theme_parse_file(path, &t, &e) != 0)
			fail_msg("%s: %s", shipped[i], e.msg);
		assert_string_equal(t.name, shipped[i]);
		theme_free(&t);
		/* and found by name through the search path */
		assert_int_equal(theme_load(shipped[i], &t, &e), 0);
		assert_string_equal(t.name, shipped[i]);
		theme_free(&t);
	}
}

static void
test_list(void **state)
{
	size_t n, i, found = 0, k;
	char **v = theme_list(&n);

	(void)state;
	for (k = 0; k < sizeof shipped / sizeof shipped[0]; k++)
		for (i = 0; i < n; i++)
			if (strcmp(v[i], shipped[k]) == 0)
				found++;
	assert_int_equal(found, sizeof shipped / sizeof shipped[0]);
	strv_free(v, n);
}

static char *
write_theme(const char *text)
{
	char *path = strdup("/tmp/missive-theme-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_broken_theme(void **state)
{
	struct theme t;
	struct err e;
	char *p;

	(void)state;
	p = write_theme("[colors]\ntitle = white,blue,bold\n# fine\n"
	    "label = chartreuse,default\n");
	err_clear(&e);
	assert_int_equal(theme_parse_file(p, &t, &e), -1);
	assert_non_null(strstr(e.msg, p));
	assert_non_null(strstr(e.msg, ":4:"));
	assert_non_null(strstr(e.msg, "chartreuse"));
	/* falls back to the default */
	assert_string_equal(t.name, "default");
	theme_free(&t);
	unlink(p);
	free(p);

	p = write_theme("[colors]\nflashy = red,blue\n");
	assert_int_equal(theme_parse_file(p, &t, &e), -1);
	assert_non_null(strstr(e.msg, ":2:"));
	assert_non_null(strstr(e.msg, "unknown role"));
	theme_free(&t);
	unlink(p);
	free(p);

	p = write_theme("[colors]\ntitle = red,blue ; a comment\n");
	assert_int_equal(theme_parse_file(p, &t, &e), -1);
	assert_non_null(strstr(e.msg, ":2:"));
	theme_free(&t);
	unlink(p);
	free(p);

	assert_int_equal(theme_load("../etc/passwd", &t, &e), -1);
	theme_free(&t);
	assert_int_equal(theme_load("no-such-theme", &t, &e), -1);
	assert_non_null(strstr(e.msg, "not found"));
	theme_free(&t);
}

static void
test_values(void **state)
{
	struct theme_entry te;
	struct err e;

	(void)state;
	assert_int_equal(theme_parse_value("#ff0000, default, bold, underline",
	    &te, &e), 0);
	assert_int_equal(te.fg.kind, COL_RGB);
	assert_int_equal(te.fg.v, 0xff0000);
	assert_int_equal(te.bg.kind, COL_DEFAULT);
	assert_int_equal(te.attrs, TA_BOLD | TA_UNDERLINE);
	assert_int_equal(theme_parse_value("bright-red,236", &te, &e), 0);
	assert_int_equal(te.fg.v, 9);
	assert_int_equal(te.bg.v, 236);
	assert_int_equal(theme_parse_value("red", &te, &e), -1);
	assert_int_equal(theme_parse_value("red,blue,blinky", &te, &e), -1);
	assert_int_equal(theme_parse_value("256,blue", &te, &e), -1);
	assert_int_equal(theme_parse_value("#12345,blue", &te, &e), -1);
}

static void
test_nearest(void **state)
{
	(void)state;
	/* 256 colours: the cube and grey ramp, never the variable 0-15 */
	assert_int_equal(colour_nearest(0xff0000, 256), 196);
	assert_int_equal(colour_nearest(0x000000, 256), 16);
	assert_int_equal(colour_nearest(0x1c1c1c, 256), 234);
	/* 8 colours */
	assert_int_equal(colour_nearest(0xff0000, 8), 1);
	assert_int_equal(colour_nearest(0x1c1c1c, 8), 0);
	assert_int_equal(colour_nearest(0xd0d0d0, 8), 7);
	assert_int_equal(colour_nearest(0x0000aa, 8), 4);
	/* 16 colours reach the bright ones */
	assert_int_equal(colour_nearest(0xffffff, 16), 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_load),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_broken_theme),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_nearest),
	};

	/* No user themes may shadow the shipped ones, which are found as
	 * an installed missive finds them: DATADIR/themes. */
	setenv("XDG_CONFIG_HOME", "/nonexistent-missive-test", 1);
	setenv("MISSIVE_DATADIR", TESTSRCDIR "/..", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
