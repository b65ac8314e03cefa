/* Fuzz target for the composer's text buffer (ui/textbuf.c): the input is
 * a sequence of edits (typing UTF-8 or single characters, backspace,
 * delete, the four kills, yank, undo, motions, range deletion, replacing
 * the text, loading text from outside, forgetting the history, layout
 * and row motions); an op byte's low seven bits pick the step, its high
 * bit a variant (undo everything, not one step). After every step:
 *   - the cursor is within the text; tb_len, tb_at, tb_utf8 agree, and
 *     tb_utf8 is valid UTF-8 that decodes back to the same characters;
 *   - the buffer holds no character it refuses (controls; newline and tab
 *     only in a multi-line buffer);
 *   - every undo gives back a text the buffer really had since the last
 *     tb_load_utf8 / tb_undo_forget, never one from before it; undoing
 *     everything after fewer changes than the history holds gives back
 *     exactly the loaded text (doc/design.md, no data loss);
 *   - loading valid UTF-8 without controls keeps it byte for byte;
 *   - the soft-wrap layout covers the text in order.
 *
 * libFuzzer: make fuzz-build (tests/fuzz/README). make check replays
 * tests/fuzz/corpus/textbuf. */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "ui/textbuf.h"
#include "ui/wide.h"

#define MAXOPS		600
/* Each step pushes at most two undo records; textbuf keeps 256. */
#define SAFE_CHANGES	120

/* Texts the buffer had since the last load: what undo may go back to. */
static char **seen;
static size_t nseen;

static void
seen_reset(void)
{
	strv_free(seen, nseen);
	seen = NULL;
	nseen = 0;
}

static void
seen_add(const char *s)
{
	if (nseen > 0 && strcmp(seen[nseen - 1], s) == 0)
		return;
	seen = xrealloc(seen, (nseen + 1) * sizeof *seen);
	seen[nseen++] = xstrdup(s);
}

static bool
was_seen(const char *s)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i], s) == 0)
			return true;
	return false;
}

/* Checks the invariants; returns the text (caller frees). */
static char *
check(const struct textbuf *tb, bool multiline)
{
	size_t len = tb_len(tb), i, wn, n;
	char *s = tb_utf8(tb);
	wchar_t *w;

	CHECK(tb_cursor(tb) <= len);
	CHECK(tb_empty(tb) == (len == 0));
	for (i = 0, n = strlen(s); i < n; ) {
		size_t l = utf8_len((const unsigned char *)s + i, n - i);

		CHECK(l > 0);
		i += l;
	}
	w = wide_from_utf8(s, strlen(s), &wn);
	CHECK(wn == len);
	for (i = 0; i < len; i++) {
		wchar_t c = tb_at(tb, i);

		CHECK(w[i] == c);
		if (c == L'\n' || c == L'\t')
			CHECK(multiline);
		else
			CHECK(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
	}
	free(w);
	return s;
}

static void
check_layout(const struct textbuf *tb, int width)
{
	struct tb_layout l;
	size_t i, len = tb_len(tb), r;

	tb_layout_init(&l);
	tb_layout_make(tb, width, &l);
	CHECK(l.n > 0 && l.rows[0].start == 0 && l.rows[l.n - 1].end == len);
	for (i = 0; i < l.n; i++) {
		CHECK(l.rows[i].start <= l.rows[i].end && l.rows[i].end <= len);
		if (i > 0)
			CHECK(l.rows[i].start >= l.rows[i - 1].end &&
			    l.rows[i].start > l.rows[i - 1].start);
	}
	r = tb_layout_row(&l, tb_cursor(tb));
	CHECK(r < l.n && l.rows[r].start <= tb_cursor(tb));
	CHECK(tb_layout_col(tb, &l, r, tb_cursor(tb)) >= 0);
	tb_layout_free(&l);
}

/* Valid UTF-8 with no character the buffer drops or changes. */
static bool
loads_verbatim(const char *s, bool multiline)
{
	size_t i = 0, n = strlen(s), l;
	uint32_t cp;

	while (i < n) {
		if ((l = utf8_len((const unsigned char *)s + i, n - i)) == 0)
			return false;
		utf8_decode((const unsigned char *)s + i, &cp);
		if (cp == '\n' || cp == '\t') {
			if (!multiline)
				return false;
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return false;
		i += l;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct fz f = { data, size };
	bool multiline = fz_u8(&f) & 1;
	struct textbuf *tb = tb_new(multiline);
	char *loaded = xstrdup(""), *s, *t;
	size_t ops = 0, changes = 0;
	int goal = -1;

	if (!init) {
		setlocale(LC_ALL, "C.UTF-8");
		init = true;
	}
	seen_reset();
	seen_add("");
	/* Kill and yank can double the text: stop it growing without end. */
	while (f.n > 0 && ops++ < MAXOPS && tb_len(tb) < 20000) {
		uint8_t op = fz_u8(&f);
		bool change = true;

		switch ((op & 0x7f) % 24) {
		case 0:
		case 1:
			s = fz_str(&f, 64);
			tb_insert_utf8(tb, s, strlen(s));
			free(s);
			break;
		case 2:
			tb_insert_char(tb, (wchar_t)(fz_u8(&f) | (op & 0x80 ? fz_u8(&f) << 8 : 0)));
			break;
		case 3: tb_backspace(tb); break;
		case 4: tb_delete(tb); break;
		case 5: tb_kill_eol(tb); break;
		case 6: tb_kill_bol(tb); break;
		case 7: tb_kill_word_back(tb); break;
		case 8: tb_kill_word_fwd(tb); break;
		case 9: tb_yank(tb); break;
		case 10:
		case 11: {
			/* Undo: one step, or everything (op & 0x80). */
			change = false;
			do {
				bool more = tb_undo(tb);

				t = check(tb, multiline);
				if (!was_seen(t)) {
					fprintf(stderr, "fuzz_textbuf: undo gave a text the "
					    "buffer never had since it was loaded: `%s`\n", t);
					abort();
				}
				free(t);
				if (!more)
					break;
			} while (op & 0x80);
			if ((op & 0x80) && changes < SAFE_CHANGES) {
				t = tb_utf8(tb);
				if (strcmp(t, loaded) != 0) {
					fprintf(stderr, "fuzz_textbuf: undoing everything gave "
					    "`%s`, not the loaded `%s`\n", t, loaded);
					abort();
				}
				free(t);
			}
			break;
		}
		case 12: tb_move(tb, fz_u8(&f)); change = false; break;
		case 13: tb_left(tb); tb_word_left(tb); change = false; break;
		case 14: tb_right(tb); tb_word_right(tb); change = false; break;
		case 15: tb_line_start(tb); change = false; break;
		case 16: tb_line_end(tb); change = false; break;
		case 17: (op & 0x80 ? tb_start : tb_end)(tb); change = false; break;
		case 18: {
			size_t a = fz_u8(&f), b = fz_u8(&f);

			tb_delete_range(tb, a < b ? a : b, a < b ? b : a);
			break;
		}
		case 19:
			s = fz_str(&f, 200);
			tb_set_utf8(tb, s);
			free(s);
			break;
		case 20:
		case 21:
			/* Text from outside: a draft, the command line, the editor. */
			s = fz_str(&f, 400);
			tb_load_utf8(tb, s);
			CHECK(tb_cursor(tb) == tb_len(tb));
			t = tb_utf8(tb);
			if (loads_verbatim(s, multiline))
				CHECK(strcmp(s, t) == 0);
			free(s);
			free(loaded);
			loaded = t;
			seen_reset();
			changes = 0;
			/* Undo right after a load changes nothing. */
			CHECK(!tb_undo(tb));
			change = false;
			break;
		case 22:
			tb_undo_forget(tb);
			free(loaded);
			loaded = tb_utf8(tb);
			seen_reset();
			changes = 0;
			change = false;
			break;
		case 23: {
			struct tb_layout l;
			int width = fz_u8(&f) % 90;

			check_layout(tb, width);
			tb_layout_init(&l);
			tb_layout_make(tb, width, &l);
			tb_move_rows(tb, &l, (long)(int8_t)fz_u8(&f) % 5, &goal);
			tb_layout_free(&l);
			change = false;
			break;
		}
		}
		if ((op & 0x7f) % 24 != 23)
			goal = -1;
		if (change)
			changes++;
		t = check(tb, multiline);
		seen_add(t);
		free(t);
	}
	check_layout(tb, 1 + (int)(size % 79));
	tb_free(tb);
	free(loaded);
	seen_reset();
	return 0;
}
