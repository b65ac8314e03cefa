/* The composer's editing model (see textbuf.h): a gap buffer of wide
 * characters, an undo list of insert/delete records grouped per change, and
 * the soft-wrap layout. Pure code: no curses, no I/O. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "base/util.h"
#include "ui/textbuf.h"
#include "ui/wide.h"

#define UNDO_MAX	256

enum { U_INS, U_DEL };

struct undo {
	int kind;
	size_t pos;		/* where the text was inserted or deleted */
	wchar_t *text;
	size_t len, cap;
	size_t cursor;		/* cursor before the change */
	unsigned group;		/* records of one group undo together */
	int dir;		/* U_DEL: -1 backspace run, +1 delete run, 0 other */
};

struct textbuf {
	bool multiline;
	wchar_t *buf;
	size_t cap, gs, ge;	/* the gap is buf[gs, ge) */
	size_t cur;
	unsigned long gen;
	struct undo *undo;
	size_t nundo;
	unsigned group;
	bool coalesce;		/* the last record may still grow */
	unsigned long moves;	/* counts cursor motions */
};

/* One kill buffer for every field and the body, as in readline. A kill
 * right after a kill in the same place adds to it (^K ^K ^K cuts three
 * lines, ^Y puts them all back), as nano and emacs do. */
static wchar_t *killbuf;
static size_t killlen;
static const struct textbuf *kill_tb;	/* where the last kill was */
static unsigned long kill_gen, kill_moves;
static size_t kill_cur;

struct textbuf *
tb_new(bool multiline)
{
	struct textbuf *tb = xcalloc(1, sizeof *tb);

	tb->multiline = multiline;
	tb->cap = 64;
	tb->buf = xmalloc(tb->cap * sizeof *tb->buf);
	tb->gs = 0;
	tb->ge = tb->cap;
	return tb;
}

static void
undo_clear(struct textbuf *tb)
{
	size_t i;

	for (i = 0; i < tb->nundo; i++)
		free(tb->undo[i].text);
	free(tb->undo);
	tb->undo = NULL;
	tb->nundo = 0;
}

void
tb_wipe_free(struct textbuf *tb)
{
	size_t i;

	if (tb == NULL)
		return;
	/* A password typed here: every copy goes, gap and undo records. */
	mem_wipe(tb->buf, tb->cap * sizeof *tb->buf);
	for (i = 0; i < tb->nundo; i++)
		mem_wipe(tb->undo[i].text, tb->undo[i].cap * sizeof(wchar_t));
	tb_free(tb);
}

void
tb_free(struct textbuf *tb)
{
	if (tb == NULL)
		return;
	if (kill_tb == tb)
		kill_tb = NULL;	/* another buffer may get this address */
	undo_clear(tb);
	free(tb->buf);
	free(tb);
}

size_t
tb_len(const struct textbuf *tb)
{
	return tb->cap - (tb->ge - tb->gs);
}

wchar_t
tb_at(const struct textbuf *tb, size_t i)
{
	if (i < tb->gs)
		return tb->buf[i];
	return tb->buf[i + (tb->ge - tb->gs)];
}

size_t
tb_cursor(const struct textbuf *tb)
{
	return tb->cur;
}

unsigned long
tb_generation(const struct textbuf *tb)
{
	return tb->gen;
}

bool
tb_empty(const struct textbuf *tb)
{
	return tb_len(tb) == 0;
}

void
tb_move(struct textbuf *tb, size_t pos)
{
	size_t len = tb_len(tb);

	tb->cur = pos > len ? len : pos;
	tb->coalesce = false;
	tb->moves++;
}

/* Moves the gap to pos and makes it at least n wide. */
static void
gap_at(struct textbuf *tb, size_t pos, size_t n)
{
	size_t gap = tb->ge - tb->gs;

	if (gap < n) {
		size_t ncap = tb->cap * 2, tail = tb->cap - tb->ge;

		while (ncap - tb_len(tb) < n)
			ncap *= 2;
		tb->buf = xrealloc(tb->buf, ncap * sizeof *tb->buf);
		memmove(tb->buf + ncap - tail, tb->buf + tb->ge,
		    tail * sizeof *tb->buf);
		tb->ge = ncap - tail;
		tb->cap = ncap;
		gap = tb->ge - tb->gs;
	}
	if (pos < tb->gs) {
		size_t k = tb->gs - pos;

		memmove(tb->buf + tb->ge - k, tb->buf + pos, k * sizeof *tb->buf);
		tb->gs -= k;
		tb->ge -= k;
	} else if (pos > tb->gs) {
		size_t k = pos - tb->gs;

		memmove(tb->buf + tb->gs, tb->buf + tb->ge, k * sizeof *tb->buf);
		tb->gs += k;
		tb->ge += k;
	}
}

static void
raw_insert(struct textbuf *tb, size_t pos, const wchar_t *s, size_t n)
{
	gap_at(tb, pos, n);
	memcpy(tb->buf + tb->gs, s, n * sizeof *s);
	tb->gs += n;
	tb->gen++;
}

static void
raw_delete(struct textbuf *tb, size_t pos, size_t n)
{
	gap_at(tb, pos, 0);
	tb->ge += n;
	tb->gen++;
}

wchar_t *
tb_wcs_range(const struct textbuf *tb, size_t start, size_t end)
{
	wchar_t *w = xmalloc((end - start + 1) * sizeof *w);
	size_t i;

	for (i = start; i < end; i++)
		w[i - start] = tb_at(tb, i);
	w[end - start] = L'\0';
	return w;
}

static struct undo *
undo_push(struct textbuf *tb, int kind, size_t pos, const wchar_t *s,
    size_t n, bool newgroup)
{
	struct undo *u;

	if (tb->nundo == UNDO_MAX) {
		/* The oldest change goes whole: without its other record (a
		 * replacement is a deletion and an insertion) undo would end
		 * in a text the buffer never had. */
		unsigned g = tb->undo[0].group;
		size_t k = 0;

		while (k < tb->nundo && tb->undo[k].group == g)
			free(tb->undo[k++].text);
		memmove(tb->undo, tb->undo + k, (tb->nundo - k) * sizeof *tb->undo);
		tb->nundo -= k;
	}
	tb->undo = xrealloc(tb->undo, (tb->nundo + 1) * sizeof *tb->undo);
	u = &tb->undo[tb->nundo++];
	u->kind = kind;
	u->pos = pos;
	u->cap = n + 16;
	u->text = xmalloc(u->cap * sizeof *u->text);
	memcpy(u->text, s, n * sizeof *s);
	u->len = n;
	u->cursor = tb->cur;
	u->dir = 0;
	if (newgroup)
		tb->group++;
	u->group = tb->group;
	return u;
}

static void
undo_append(struct undo *u, const wchar_t *s, size_t n, bool front)
{
	if (u->len + n > u->cap) {
		u->cap = (u->len + n) * 2;
		u->text = xrealloc(u->text, u->cap * sizeof *u->text);
	}
	if (front) {
		memmove(u->text + n, u->text, u->len * sizeof *u->text);
		memcpy(u->text, s, n * sizeof *s);
	} else
		memcpy(u->text + u->len, s, n * sizeof *s);
	u->len += n;
}

/* Copies s without the characters this buffer does not hold. */
static wchar_t *
sanitize(const struct textbuf *tb, const wchar_t *s, size_t n, size_t *outn)
{
	wchar_t *o = xmalloc((n + 1) * sizeof *o);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		wchar_t c = s[i];

		if (c == L'\r') {
			if (i + 1 < n && s[i + 1] == L'\n')
				continue;
			c = L'\n';
		}
		if (c == L'\n' || c == L'\t') {
			o[k++] = tb->multiline ? c : L' ';
			continue;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
		    (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
			continue;
		o[k++] = c;
	}
	*outn = k;
	return o;
}

void
tb_insert(struct textbuf *tb, const wchar_t *s, size_t n)
{
	struct undo *u = tb->nundo ? &tb->undo[tb->nundo - 1] : NULL;
	wchar_t *clean;
	size_t k;

	clean = sanitize(tb, s, n, &k);
	if (k == 0) {
		free(clean);
		return;
	}
	/* Typing continues the last record, but each word starts a new
	 * undo step. */
	if (u != NULL && tb->coalesce && u->kind == U_INS &&
	    u->pos + u->len == tb->cur &&
	    !(iswspace((wint_t)clean[0]) && u->len > 0 &&
	    !iswspace((wint_t)u->text[u->len - 1])))
		undo_append(u, clean, k, false);
	else
		undo_push(tb, U_INS, tb->cur, clean, k, true);
	raw_insert(tb, tb->cur, clean, k);
	tb->cur += k;
	tb->coalesce = true;
	free(clean);
}

void
tb_insert_char(struct textbuf *tb, wchar_t c)
{
	tb_insert(tb, &c, 1);
}

void
tb_insert_utf8(struct textbuf *tb, const char *s, size_t n)
{
	size_t wn;
	wchar_t *w = wide_from_utf8(s, n, &wn);

	tb_insert(tb, w, wn);
	free(w);
	tb->coalesce = false;
}

/* Deletes [start, end) recording one undo record; dir tells a run of
 * single-character deletions that may coalesce. */
static void
delete_span(struct textbuf *tb, size_t start, size_t end, int dir)
{
	struct undo *u = tb->nundo ? &tb->undo[tb->nundo - 1] : NULL;
	wchar_t *w;

	if (end <= start)
		return;
	w = tb_wcs_range(tb, start, end);
	if (dir != 0 && u != NULL && tb->coalesce && u->kind == U_DEL &&
	    u->dir == dir && ((dir < 0 && u->pos == end) ||
	    (dir > 0 && u->pos == start))) {
		undo_append(u, w, end - start, dir < 0);
		if (dir < 0)
			u->pos = start;
	} else {
		u = undo_push(tb, U_DEL, start, w, end - start, true);
		u->dir = dir;
	}
	free(w);
	raw_delete(tb, start, end - start);
	tb->cur = start;
	tb->coalesce = dir != 0;
}

void
tb_delete_range(struct textbuf *tb, size_t start, size_t end)
{
	size_t len = tb_len(tb);

	if (end > len)
		end = len;
	tb->coalesce = false;
	delete_span(tb, start, end, 0);
	tb->coalesce = false;
}

bool
tb_backspace(struct textbuf *tb)
{
	if (tb->cur == 0)
		return false;
	delete_span(tb, tb->cur - 1, tb->cur, -1);
	return true;
}

bool
tb_delete(struct textbuf *tb)
{
	if (tb->cur >= tb_len(tb))
		return false;
	delete_span(tb, tb->cur, tb->cur + 1, 1);
	return true;
}

static void
kill_span(struct textbuf *tb, size_t start, size_t end)
{
	wchar_t *w = tb_wcs_range(tb, start, end);
	size_t n = end - start;
	/* Nothing moved or changed since the last kill here: add to it,
	 * after it for a kill forward, before it for one backward. */
	bool more = kill_tb == tb && kill_gen == tb->gen &&
	    kill_moves == tb->moves && kill_cur == tb->cur && killbuf != NULL;

	if (more) {
		wchar_t *joined = xmalloc((killlen + n + 1) * sizeof *joined);
		bool back = end == tb->cur && start < tb->cur;

		if (back) {
			memcpy(joined, w, n * sizeof *w);
			memcpy(joined + n, killbuf, killlen * sizeof *w);
		} else {
			memcpy(joined, killbuf, killlen * sizeof *w);
			memcpy(joined + killlen, w, n * sizeof *w);
		}
		free(killbuf);
		free(w);
		killbuf = joined;
		killlen += n;
	} else {
		free(killbuf);
		killbuf = w;
		killlen = n;
	}
	tb->coalesce = false;
	delete_span(tb, start, end, 0);
	tb->coalesce = false;
	kill_tb = tb;
	kill_gen = tb->gen;
	kill_moves = tb->moves;
	kill_cur = tb->cur;
}

static size_t
line_start_of(const struct textbuf *tb, size_t pos)
{
	if (!tb->multiline)
		return 0;
	while (pos > 0 && tb_at(tb, pos - 1) != L'\n')
		pos--;
	return pos;
}

static size_t
line_end_of(const struct textbuf *tb, size_t pos)
{
	size_t len = tb_len(tb);

	if (!tb->multiline)
		return len;
	while (pos < len && tb_at(tb, pos) != L'\n')
		pos++;
	return pos;
}

bool
tb_kill_eol(struct textbuf *tb)
{
	size_t end = line_end_of(tb, tb->cur);

	/* At the start of a line, the whole line with its newline: no
	 * empty line is left behind. At its end: join the next line. */
	if (tb->multiline && end < tb_len(tb) &&
	    (end == tb->cur || line_start_of(tb, tb->cur) == tb->cur))
		end++;
	if (end == tb->cur)
		return false;
	kill_span(tb, tb->cur, end);
	return true;
}

bool
tb_kill_bol(struct textbuf *tb)
{
	size_t start = line_start_of(tb, tb->cur);

	if (start == tb->cur)
		return false;
	kill_span(tb, start, tb->cur);
	return true;
}

bool
tb_kill_word_back(struct textbuf *tb)
{
	size_t p = tb->cur;

	while (p > 0 && iswspace((wint_t)tb_at(tb, p - 1)))
		p--;
	while (p > 0 && !iswspace((wint_t)tb_at(tb, p - 1)))
		p--;
	if (p == tb->cur)
		return false;
	kill_span(tb, p, tb->cur);
	return true;
}

static bool
is_word(wchar_t c)
{
	return iswalnum((wint_t)c) || c == L'_';
}

static size_t
word_right_of(const struct textbuf *tb, size_t p)
{
	size_t len = tb_len(tb);

	while (p < len && !is_word(tb_at(tb, p)))
		p++;
	while (p < len && is_word(tb_at(tb, p)))
		p++;
	return p;
}

bool
tb_kill_word_fwd(struct textbuf *tb)
{
	size_t p = word_right_of(tb, tb->cur);

	if (p == tb->cur)
		return false;
	kill_span(tb, tb->cur, p);
	return true;
}

void
tb_yank(struct textbuf *tb)
{
	if (killbuf == NULL || killlen == 0)
		return;
	tb->coalesce = false;
	tb_insert(tb, killbuf, killlen);
	tb->coalesce = false;
}

bool
tb_undo(struct textbuf *tb)
{
	unsigned group;
	size_t cursor = 0;

	if (tb->nundo == 0)
		return false;
	group = tb->undo[tb->nundo - 1].group;
	while (tb->nundo > 0 && tb->undo[tb->nundo - 1].group == group) {
		struct undo *u = &tb->undo[--tb->nundo];

		if (u->kind == U_INS)
			raw_delete(tb, u->pos, u->len);
		else
			raw_insert(tb, u->pos, u->text, u->len);
		cursor = u->cursor;
		free(u->text);
	}
	tb->cur = cursor > tb_len(tb) ? tb_len(tb) : cursor;
	tb->coalesce = false;
	return true;
}

void
tb_set_utf8(struct textbuf *tb, const char *s)
{
	size_t len = tb_len(tb), wn, k;
	wchar_t *w, *clean, *old;

	w = wide_from_utf8(s ? s : "", s ? strlen(s) : 0, &wn);
	clean = sanitize(tb, w, wn, &k);
	free(w);
	tb->coalesce = false;
	if (len > 0) {
		old = tb_wcs_range(tb, 0, len);
		undo_push(tb, U_DEL, 0, old, len, true);
		free(old);
		raw_delete(tb, 0, len);
	}
	tb->cur = 0;
	if (k > 0) {
		/* Same group as the deletion: one undo restores the old text. */
		undo_push(tb, U_INS, 0, clean, k, len == 0);
		raw_insert(tb, 0, clean, k);
	}
	free(clean);
	tb->cur = k;
	tb->gen++;
}

void
tb_undo_forget(struct textbuf *tb)
{
	undo_clear(tb);
	tb->coalesce = false;
}

void
tb_load_utf8(struct textbuf *tb, const char *s)
{
	tb_set_utf8(tb, s);
	tb_undo_forget(tb);
}

char *
tb_utf8_range(const struct textbuf *tb, size_t start, size_t end)
{
	size_t len = tb_len(tb);
	wchar_t *w;
	char *s;

	if (end > len)
		end = len;
	if (start > end)
		start = end;
	w = tb_wcs_range(tb, start, end);
	s = wide_to_utf8(w, end - start);
	free(w);
	return s;
}

char *
tb_utf8(const struct textbuf *tb)
{
	size_t len = tb_len(tb);
	wchar_t *w = tb_wcs_range(tb, 0, len);
	char *s = wide_to_utf8(w, len);

	free(w);
	return s;
}

void
tb_left(struct textbuf *tb)
{
	tb_move(tb, tb->cur ? tb->cur - 1 : 0);
}

void
tb_right(struct textbuf *tb)
{
	tb_move(tb, tb->cur + 1);
}

void
tb_word_left(struct textbuf *tb)
{
	size_t p = tb->cur;

	while (p > 0 && !is_word(tb_at(tb, p - 1)))
		p--;
	while (p > 0 && is_word(tb_at(tb, p - 1)))
		p--;
	tb_move(tb, p);
}

void
tb_word_right(struct textbuf *tb)
{
	tb_move(tb, word_right_of(tb, tb->cur));
}

void
tb_line_start(struct textbuf *tb)
{
	tb_move(tb, line_start_of(tb, tb->cur));
}

void
tb_line_end(struct textbuf *tb)
{
	tb_move(tb, line_end_of(tb, tb->cur));
}

void
tb_start(struct textbuf *tb)
{
	tb_move(tb, 0);
}

void
tb_end(struct textbuf *tb)
{
	tb_move(tb, tb_len(tb));
}

void
tb_layout_init(struct tb_layout *l)
{
	memset(l, 0, sizeof *l);
	l->gen = (unsigned long)-1;
}

void
tb_layout_free(struct tb_layout *l)
{
	free(l->rows);
	tb_layout_init(l);
}

static void
add_row(struct tb_layout *l, size_t start, size_t end)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
	}
	l->rows[l->n].start = start;
	l->rows[l->n].end = end;
	l->n++;
}

static int
span_width(const struct textbuf *tb, size_t start, size_t end)
{
	int col = 0;

	while (start < end)
		col += wide_charwidth(tb_at(tb, start++), col);
	return col;
}

static wchar_t
tb_char(const void *tb, size_t i)
{
	return tb_at(tb, i);
}

void
tb_layout_make(const struct textbuf *tb, int width, struct tb_layout *l)
{
	size_t len = tb_len(tb), rs = 0, end, next;

	l->n = 0;
	l->width = width < 1 ? 1 : width;
	l->gen = tb->gen;
	/* A final newline leaves an empty last row for the cursor. */
	for (;;) {
		end = wide_row(tb_char, tb, rs, len, l->width, &next);
		add_row(l, rs, end);
		if (end >= len)
			break;
		rs = next;
	}
}

size_t
tb_layout_row(const struct tb_layout *l, size_t pos)
{
	size_t lo = 0, hi = l->n;

	/* The last row whose start is <= pos. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (l->rows[mid].start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int
tb_layout_col(const struct textbuf *tb, const struct tb_layout *l, size_t r,
    size_t pos)
{
	const struct tb_row *row = &l->rows[r];

	if (pos > row->end)
		pos = row->end;
	return span_width(tb, row->start, pos);
}

static size_t
tb_layout_pos(const struct textbuf *tb, const struct tb_layout *l, size_t r,
    int col)
{
	const struct tb_row *row = &l->rows[r];
	size_t p = row->start, last;
	int c = 0;

	/* A soft-wrapped row's end is the next row's start: stop before it. */
	last = row->end;
	if (r + 1 < l->n && l->rows[r + 1].start == row->end && last > row->start)
		last--;
	while (p < last) {
		int w = wide_charwidth(tb_at(tb, p), c);

		if (c + w > col)
			break;
		c += w;
		p++;
	}
	return p;
}

bool
tb_move_rows(struct textbuf *tb, const struct tb_layout *l, long delta,
    int *goal)
{
	size_t r = tb_layout_row(l, tb->cur);
	long nr = (long)r + delta;

	if (*goal < 0)
		*goal = tb_layout_col(tb, l, r, tb->cur);
	if (nr < 0)
		nr = 0;
	if (nr >= (long)l->n)
		nr = (long)l->n - 1;
	if ((size_t)nr == r)
		return false;
	tb->cur = tb_layout_pos(tb, l, (size_t)nr, *goal);
	tb->coalesce = false;
	tb->moves++;
	return true;
}
