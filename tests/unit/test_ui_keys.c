/* Key decoding (ui/input.c) fed what a terminal sends: CSI and SS3
 * sequences with modifiers, Alt as an ESC prefix, Esc before a control
 * key, terminfo's extended codes, and bracketed paste split across
 * reads. No terminal is needed: the decoder makes no curses call. */
#include "config.h"

#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/input.h"

struct got {
	struct key k[64];
	size_t nk;
	wchar_t paste[256];
	size_t npaste, npastes, starts;
};

static void
on_key(void *arg, const struct key *k)
{
	struct got *g = arg;

	g->k[g->nk++] = *k;
}

static void
on_paste(void *arg, const wchar_t *t, size_t n)
{
	struct got *g = arg;

	memcpy(g->paste + g->npaste, t, n * sizeof *t);
	g->npaste += n;
	g->npastes++;
}

static void
on_start(void *arg)
{
	((struct got *)arg)->starts++;
}

/* Feeds a string of bytes as get_wch would return them (characters). */
static void
feed(struct input *in, struct got *g, const char *s)
{
	struct input_sink sink = { on_key, on_paste, on_start, g };
	struct rawin v[128];
	size_t n = 0;

	for (; *s; s++) {
		v[n].type = OK;
		v[n++].c = (unsigned char)*s;
	}
	input_feed(in, v, n, &sink);
}

static void
test_plain_and_ctrl(void **state)
{
	struct input *in = input_new();
	struct got g = { 0 };

	(void)state;
	feed(in, &g, "a\x18");
	assert_int_equal(g.nk, 2);
	assert_false(g.k[0].fn);
	assert_int_equal(g.k[0].code, 'a');
	assert_int_equal(g.k[1].code, CTRL('X'));
	assert_int_equal(g.k[1].mods, 0);
	input_free(in);
}

static void
test_sequences(void **state)
{
	struct input *in = input_new();
	struct got g = { 0 };

	(void)state;
	/* Up, Alt-Up (xterm's ;3), Ctrl-Right (;5), S-Tab, F1 (SS3), F5,
	 * F12, Delete, PgDn */
	feed(in, &g, "\033[A\033[1;3A\033[1;5C\033[Z\033OP\033[15~\033[24~"
	    "\033[3~\033[6~");
	assert_int_equal(g.nk, 9);
	assert_true(g.k[0].fn);
	assert_int_equal(g.k[0].code, KEY_UP);
	assert_int_equal(g.k[1].code, KEY_UP);
	assert_int_equal(g.k[1].mods, MOD_ALT);
	assert_int_equal(g.k[2].code, KEY_RIGHT);
	assert_int_equal(g.k[2].mods, MOD_CTRL);
	assert_int_equal(g.k[3].code, KEY_BTAB);
	assert_int_equal(g.k[4].code, KEY_F(1));
	assert_int_equal(g.k[5].code, KEY_F(5));
	assert_int_equal(g.k[6].code, KEY_F(12));
	assert_int_equal(g.k[7].code, KEY_DC);
	assert_int_equal(g.k[8].code, KEY_NPAGE);
	input_free(in);
}

static void
test_alt_and_escape(void **state)
{
	struct input *in = input_new();
	struct got g = { 0 };

	(void)state;
	/* ESC b in one read is Alt-b; ESC before ^X is two keys. */
	feed(in, &g, "\033b\033\x18");
	assert_int_equal(g.nk, 3);
	assert_int_equal(g.k[0].code, 'b');
	assert_int_equal(g.k[0].mods, MOD_ALT);
	assert_int_equal(g.k[1].code, 27);
	assert_int_equal(g.k[1].mods, 0);
	assert_int_equal(g.k[2].code, CTRL('X'));
	/* A lone ESC at the end of a read is Esc. */
	g.nk = 0;
	feed(in, &g, "\033");
	assert_int_equal(g.nk, 1);
	assert_int_equal(g.k[0].code, 27);
	input_free(in);
}

static void
test_xkeys(void **state)
{
	struct input *in = input_new();
	struct got g = { 0 };
	struct xkey x = { 600, KEY_UP, MOD_ALT };
	struct input_sink sink = { on_key, on_paste, on_start, &g };
	struct rawin v = { KEY_CODE_YES, 600 };

	(void)state;
	input_set_xkeys(in, &x, 1);
	input_feed(in, &v, 1, &sink);
	assert_int_equal(g.nk, 1);
	assert_int_equal(g.k[0].code, KEY_UP);
	assert_int_equal(g.k[0].mods, MOD_ALT);
	input_free(in);
}

static void
test_paste_across_reads(void **state)
{
	struct input *in = input_new();
	struct got g = { 0 };

	(void)state;
	/* A paste holding what would be keys (^X, ESC [A) is text. */
	feed(in, &g, "x\033[200~line one\x18\n");
	assert_true(input_pasting(in));
	assert_int_equal(g.starts, 1);
	assert_int_equal(g.npastes, 0);
	feed(in, &g, "\033[Atwo\033[201~y");
	assert_false(input_pasting(in));
	assert_int_equal(g.npastes, 1);
	assert_int_equal(g.npaste, wcslen(L"line one\x18\n\033[Atwo"));
	assert_memory_equal(g.paste, L"line one\x18\n\033[Atwo",
	    g.npaste * sizeof(wchar_t));
	/* x before it and y after it are keys */
	assert_int_equal(g.nk, 2);
	assert_int_equal(g.k[0].code, 'x');
	assert_int_equal(g.k[1].code, 'y');
	input_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_ctrl),
		cmocka_unit_test(test_sequences),
		cmocka_unit_test(test_alt_and_escape),
		cmocka_unit_test(test_xkeys),
		cmocka_unit_test(test_paste_across_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
