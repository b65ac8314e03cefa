/* The composer's editing model: insertion and deletion of wide text,
 * readline kills and yank, undo grouping, sanitising of pasted control
 * characters, and the soft-wrap layout measured in terminal columns. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/textbuf.h"
#include "ui/wide.h"

static void
assert_text(const struct textbuf *tb, const char *want)
{
	char *s = tb_utf8(tb);

	assert_string_equal(s, want);
	free(s);
}

static void
test_insert_utf8_and_wide(void **state)
{
	struct textbuf *tb = tb_new(true);

	(void)state;
	tb_insert_utf8(tb, "Zoë 日本", strlen("Zoë 日本"));
	assert_int_equal(tb_len(tb), 6);
	assert_int_equal(tb_cursor(tb), 6);
	assert_text(tb, "Zoë 日本");
	assert_int_equal(wide_width("Zoë 日本"), 8);	/* two wide chars */
	tb_left(tb);
	tb_left(tb);
	tb_insert_char(tb, L'→');
	assert_text(tb, "Zoë →日本");
	/* invalid UTF-8 becomes U+FFFD, never dropped silently */
	tb_end(tb);
	tb_insert_utf8(tb, "\xff", 1);
	assert_text(tb, "Zoë →日本\xef\xbf\xbd");
	tb_free(tb);
}

static void
test_sanitise(void **state)
{
	struct textbuf *body = tb_new(true), *field = tb_new(false);
	const wchar_t paste[] = L"a\r\nb\rc\td\x1b[31m\x07" L"e";

	(void)state;
	tb_insert(body, paste, wcslen(paste));
	assert_text(body, "a\nb\nc\td[31me");
	tb_insert(field, paste, wcslen(paste));
	assert_text(field, "a b c d[31me");
	tb_free(body);
	tb_free(field);
}

static void
test_kills_and_yank(void **state)
{
	struct textbuf *tb = tb_new(false);

	(void)state;
	tb_insert_utf8(tb, "alice@example.org, bob@x.org", 28);
	tb_kill_word_back(tb);				/* ^W */
	assert_text(tb, "alice@example.org, ");
	tb_yank(tb);					/* ^Y */
	assert_text(tb, "alice@example.org, bob@x.org");
	tb_line_start(tb);				/* ^A */
	tb_word_right(tb);				/* M-f: "alice" */
	assert_int_equal(tb_cursor(tb), 5);
	tb_kill_eol(tb);				/* ^K */
	assert_text(tb, "alice");
	tb_kill_bol(tb);				/* ^U */
	assert_text(tb, "");
	assert_false(tb_backspace(tb));
	/* ^K then ^U in one place: one cut, in order (as readline does) */
	tb_yank(tb);
	assert_text(tb, "alice@example.org, bob@x.org");
	tb_delete_range(tb, 5, tb_len(tb));
	assert_text(tb, "alice");
	tb_start(tb);
	assert_true(tb_delete(tb));			/* ^D */
	assert_text(tb, "lice");
	tb_free(tb);
}

static void
test_kill_eol_joins_lines(void **state)
{
	struct textbuf *tb = tb_new(true);

	(void)state;
	tb_insert_utf8(tb, "one\ntwo", 7);
	tb_move(tb, 1);
	tb_kill_eol(tb);
	assert_text(tb, "o\ntwo");
	tb_kill_eol(tb);	/* at the line end: joins */
	assert_text(tb, "otwo");
	tb_move(tb, 3);
	tb_line_start(tb);
	assert_int_equal(tb_cursor(tb), 0);
	tb_free(tb);
}

/* nano and emacs: ^K at the start of a line takes the whole line with
 * its newline (no empty line is left), and ^K after ^K adds to what was
 * cut, so ^Y puts back every line. */
static void
test_kill_whole_lines_accumulate(void **state)
{
	struct textbuf *tb = tb_new(true);

	(void)state;
	tb_insert_utf8(tb, "one\ntwo\nthree\nfour", 18);
	tb_move(tb, 4);		/* start of "two" */
	assert_true(tb_kill_eol(tb));
	assert_text(tb, "one\nthree\nfour");
	assert_true(tb_kill_eol(tb));
	assert_text(tb, "one\nfour");
	tb_end(tb);
	tb_yank(tb);
	assert_text(tb, "one\nfourtwo\nthree\n");
	tb_free(tb);
	/* a motion in between starts a new cut */
	tb = tb_new(true);
	tb_insert_utf8(tb, "a\nb\nc", 5);
	tb_move(tb, 0);
	assert_true(tb_kill_eol(tb));
	tb_right(tb);
	tb_line_start(tb);
	assert_true(tb_kill_eol(tb));
	tb_end(tb);
	tb_yank(tb);
	assert_text(tb, "cb\n");
	tb_free(tb);
}

static void
test_undo(void **state)
{
	struct textbuf *tb = tb_new(true);
	const wchar_t *w = L"hello world";
	size_t i;

	(void)state;
	/* typed one key at a time: undo goes back a word at a time */
	for (i = 0; i < wcslen(w); i++)
		tb_insert_char(tb, w[i]);
	assert_true(tb_undo(tb));
	assert_text(tb, "hello");
	tb_backspace(tb);
	tb_backspace(tb);
	assert_text(tb, "hel");
	assert_true(tb_undo(tb));	/* both backspaces at once */
	assert_text(tb, "hello");
	tb_set_utf8(tb, "replaced");
	assert_text(tb, "replaced");
	assert_true(tb_undo(tb));	/* one step restores the old text */
	assert_text(tb, "hello");
	assert_true(tb_undo(tb));
	assert_text(tb, "");
	assert_false(tb_undo(tb));
	tb_free(tb);
}

/* Text loaded from outside is where undo stops. */
static void
test_load_starts_fresh_history(void **state)
{
	struct textbuf *tb = tb_new(true);

	(void)state;
	tb_insert_utf8(tb, "typed", 5);
	tb_load_utf8(tb, "restored draft");
	assert_text(tb, "restored draft");
	assert_false(tb_undo(tb));
	assert_text(tb, "restored draft");
	tb_insert_char(tb, L'!');
	assert_true(tb_undo(tb));
	assert_text(tb, "restored draft");
	assert_false(tb_undo(tb));
	assert_text(tb, "restored draft");
	tb_free(tb);
}

static void
test_large_insert(void **state)
{
	struct textbuf *tb = tb_new(true);
	size_t n = 1 << 20, i;
	wchar_t *w = malloc(n * sizeof *w);
	struct tb_layout l;

	(void)state;
	for (i = 0; i < n; i++)
		w[i] = (i % 80 == 79) ? L'\n' : L'a' + (wchar_t)(i % 26);
	tb_insert(tb, w, n);
	assert_int_equal(tb_len(tb), n);
	tb_layout_init(&l);
	tb_layout_make(tb, 80, &l);
	assert_int_equal(l.n, n / 80 + 1);
	tb_layout_free(&l);
	assert_true(tb_undo(tb));
	assert_int_equal(tb_len(tb), 0);
	free(w);
	tb_free(tb);
}

static void
test_wrap_words(void **state)
{
	struct textbuf *tb = tb_new(true);
	struct tb_layout l;
	char *row;

	(void)state;
	tb_insert_utf8(tb, "the quick brown fox jumps\nover", 30);
	tb_layout_init(&l);
	tb_layout_make(tb, 10, &l);
	/* "the quick " | "brown fox " | "jumps" | "over" */
	assert_int_equal(l.n, 4);
	row = tb_utf8_range(tb, l.rows[0].start, l.rows[0].end);
	assert_string_equal(row, "the quick ");
	free(row);
	row = tb_utf8_range(tb, l.rows[1].start, l.rows[1].end);
	assert_string_equal(row, "brown fox ");
	free(row);
	row = tb_utf8_range(tb, l.rows[3].start, l.rows[3].end);
	assert_string_equal(row, "over");
	free(row);
	tb_layout_free(&l);
	tb_free(tb);
}

static void
test_wrap_wide_and_cursor_rows(void **state)
{
	struct textbuf *tb = tb_new(true);
	struct tb_layout l;
	int goal = -1;

	(void)state;
	/* 6 wide characters = 12 columns: 5 rows of 2 at width 5 */
	tb_insert_utf8(tb, "日本語日本語", strlen("日本語日本語"));
	tb_layout_init(&l);
	tb_layout_make(tb, 5, &l);
	assert_int_equal(l.n, 3);	/* 2 per row: 4 columns of 5 */
	assert_int_equal(l.rows[1].start, 2);
	tb_move(tb, 3);
	assert_int_equal(tb_layout_row(&l, 3), 1);
	assert_int_equal(tb_layout_col(tb, &l, 1, 3), 2);
	assert_true(tb_move_rows(tb, &l, -1, &goal));
	assert_int_equal(tb_cursor(tb), 1);
	assert_true(tb_move_rows(tb, &l, 2, &goal));
	assert_int_equal(tb_cursor(tb), 5);
	assert_false(tb_move_rows(tb, &l, 1, &goal));
	tb_layout_free(&l);
	tb_free(tb);
}

static void
test_tabs(void **state)
{
	(void)state;
	assert_int_equal(wide_charwidth(L'\t', 0), 8);
	assert_int_equal(wide_charwidth(L'\t', 3), 5);
	assert_int_equal(wide_charwidth(L'a', 3), 1);
	assert_int_equal(wide_charwidth(L'世', 0), 2);
}

/* The one wrap rule (wide_row) that the body, the status pane and the
 * pagers share. */
static void
test_wide_row(void **state)
{
	const wchar_t *t = L"one two three";
	const wchar_t *p = L"see /usr/share/missive/themes/dark.theme ok";
	const wchar_t *q = L"[y/n] [y/n]";
	const wchar_t *nl = L"ab\ncd";
	size_t next, end;

	(void)state;
	/* after the blank that fits; the blank hangs on the row */
	end = wide_row(wide_at_wcs, t, 0, wcslen(t), 9, &next);
	assert_int_equal(end, 8);
	assert_int_equal(next, 8);
	/* a row with no blank that fits breaks after a '/' in the path */
	end = wide_row(wide_at_wcs, p, 4, wcslen(p), 20, &next);
	assert_int_equal(end, 4 + wcslen(L"/usr/share/missive/"));
	/* ... but a row with a blank never breaks inside "[y/n]" */
	end = wide_row(wide_at_wcs, q, 0, wcslen(q), 8, &next);
	assert_int_equal(end, 6);
	/* a newline ends the row and is not part of it */
	end = wide_row(wide_at_wcs, nl, 0, wcslen(nl), 80, &next);
	assert_int_equal(end, 2);
	assert_int_equal(next, 3);
	/* wide characters count two columns */
	end = wide_row(wide_at_wcs, L"東京都", 0, 3, 4, &next);
	assert_int_equal(end, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_utf8_and_wide),
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_kills_and_yank),
		cmocka_unit_test(test_kill_eol_joins_lines),
		cmocka_unit_test(test_kill_whole_lines_accumulate),
		cmocka_unit_test(test_undo),
		cmocka_unit_test(test_load_starts_fresh_history),
		cmocka_unit_test(test_wide_row),
		cmocka_unit_test(test_large_insert),
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_wide_and_cursor_rows),
		cmocka_unit_test(test_tabs),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
