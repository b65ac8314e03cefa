/* The composer's editing model: a gap buffer of wide characters with a
 * cursor, readline-style motions and kills, undo, and a soft-wrap layout
 * measured in terminal columns. No curses here, so it is unit tested. */
#ifndef MISSIVE_TEXTBUF_H
#define MISSIVE_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct textbuf;

/* A single-line buffer turns newlines and tabs into spaces. */
struct textbuf *tb_new(bool multiline);
void tb_free(struct textbuf *tb);
/* As tb_free, after overwriting every copy of the text (a secret). The
 * buffer must not have been grown by a kill into the kill buffer. */
void tb_wipe_free(struct textbuf *tb);

size_t tb_len(const struct textbuf *tb);
wchar_t tb_at(const struct textbuf *tb, size_t i);
size_t tb_cursor(const struct textbuf *tb);
/* Moves the cursor (clamped); ends the current undo group. */
void tb_move(struct textbuf *tb, size_t pos);
/* Changes on every edit (for autosave and layout caching). */
unsigned long tb_generation(const struct textbuf *tb);

/* Inserts at the cursor after dropping control characters (keeping tab
 * and newline in a multi-line buffer; CR LF and lone CR become LF). */
void tb_insert(struct textbuf *tb, const wchar_t *s, size_t n);
void tb_insert_char(struct textbuf *tb, wchar_t c);
/* UTF-8 in; invalid bytes become U+FFFD. */
void tb_insert_utf8(struct textbuf *tb, const char *s, size_t n);
/* Replaces the whole text (one undoable change); cursor at the end. */
void tb_set_utf8(struct textbuf *tb, const char *s);
/* Replaces the whole text and starts a fresh undo history, for text that
 * arrives from outside (a draft, the command line, a file, the editor):
 * undo never takes the buffer below it. Cursor at the end. */
void tb_load_utf8(struct textbuf *tb, const char *s);
/* Starts a fresh undo history with the text as it is. */
void tb_undo_forget(struct textbuf *tb);
/* The whole text, or [start, end), as a new UTF-8 string. */
char *tb_utf8(const struct textbuf *tb);
char *tb_utf8_range(const struct textbuf *tb, size_t start, size_t end);
/* The characters in [start, end) as a new NUL-terminated wide string. */
wchar_t *tb_wcs_range(const struct textbuf *tb, size_t start, size_t end);
bool tb_empty(const struct textbuf *tb);

/* Deletions; each returns false when there was nothing to delete. */
bool tb_backspace(struct textbuf *tb);
bool tb_delete(struct textbuf *tb);
/* Kills go to one kill buffer shared by every textbuf (^Y yanks it); a
 * kill straight after a kill in the same place adds to it. */
bool tb_kill_eol(struct textbuf *tb);	/* ^K: to the line end; at its start
					 * the whole line, at its end the
					 * newline */
bool tb_kill_bol(struct textbuf *tb);	/* ^U: to line start */
bool tb_kill_word_back(struct textbuf *tb);	/* ^W: back to whitespace */
bool tb_kill_word_fwd(struct textbuf *tb);	/* M-d */
void tb_yank(struct textbuf *tb);
/* Deletes [start, end) as one undoable change, cursor at start. */
void tb_delete_range(struct textbuf *tb, size_t start, size_t end);
/* Undoes the last change (a run of typing counts as one per word). */
bool tb_undo(struct textbuf *tb);

/* Motions. Line start/end are logical lines in a multi-line buffer. */
void tb_left(struct textbuf *tb);
void tb_right(struct textbuf *tb);
void tb_word_left(struct textbuf *tb);
void tb_word_right(struct textbuf *tb);
void tb_line_start(struct textbuf *tb);
void tb_line_end(struct textbuf *tb);
void tb_start(struct textbuf *tb);
void tb_end(struct textbuf *tb);

/* Soft-wrap layout: screen rows of the text at the given width, broken
 * as wide_row says. Row ends exclude the newline. */
struct tb_row {
	size_t start, end;
};
struct tb_layout {
	struct tb_row *rows;
	size_t n, cap;
	int width;
	unsigned long gen;	/* generation the layout was made from */
};
void tb_layout_init(struct tb_layout *l);
void tb_layout_make(const struct textbuf *tb, int width, struct tb_layout *l);
void tb_layout_free(struct tb_layout *l);
/* The row holding pos (at a soft break, the later row). */
size_t tb_layout_row(const struct tb_layout *l, size_t pos);
/* Display column of pos within row r. */
int tb_layout_col(const struct textbuf *tb, const struct tb_layout *l,
    size_t r, size_t pos);
/* Moves the cursor delta rows up (<0) or down, keeping *goal (the wanted
 * column; -1 to take the current one). Returns false at the edge. */
bool tb_move_rows(struct textbuf *tb, const struct tb_layout *l, long delta,
    int *goal);

#endif
