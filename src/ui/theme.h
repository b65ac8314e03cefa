/* Colour themes: named roles (title, label, status_error, ...) mapped to
 * fg,bg[,attr] read from INI files, and their translation to curses colour
 * pairs on whatever the terminal offers (default colours, 8, 16, 256, or
 * none at all under NO_COLOR). */
#ifndef MISSIVE_THEME_H
#define MISSIVE_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

enum role {
	R_TITLE,
	R_LABEL,
	R_FIELD,
	R_FOCUS,
	R_BODY,
	R_BORDER,
	R_HEADING,
	R_STATUS_INFO,
	R_STATUS_OK,
	R_STATUS_WARN,
	R_STATUS_ERROR,
	R_STATUS_CLIENT,
	R_PROGRESS,
	R_TLS_SECURE,
	R_TLS_INSECURE,
	R_HELP_KEY,
	R_HELP_TEXT,
	R_SELECTION,
	R_PROMPT,
	R_DIM,
	R_COUNT
};

enum { COL_DEFAULT, COL_INDEX, COL_RGB };

struct colour {
	int kind;
	unsigned v;		/* index 0-255 or 0xRRGGBB */
};

#define TA_BOLD		0x01
#define TA_UNDERLINE	0x02
#define TA_REVERSE	0x04
#define TA_DIM		0x08
#define TA_ITALIC	0x10

struct theme_entry {
	struct colour fg, bg;
	unsigned attrs;
};

struct theme {
	char *name;
	char *file;		/* NULL for a built-in theme */
	bool default_colours;	/* fg/bg "default" follow the terminal */
	struct theme_entry e[R_COUNT];
};

/* Reads one theme file over a copy of the built-in default (roles not
 * named keep their defaults). Errors name the file and line. */
int theme_parse_file(const char *path, struct theme *t, struct err *e);
/* Finds NAME.theme in $XDG_CONFIG_HOME/missive/themes, PKGDATADIR/themes,
 * then the source tree, and parses it ("default" and "mono" also exist
 * built in). On error t holds the built-in default. */
int theme_load(const char *name, struct theme *t, struct err *e);
/* Sorted names of every theme found (built-ins included); free with
 * strv_free. */
char **theme_list(size_t *n);
void theme_free(struct theme *t);

/* The nearest of the terminal's first ncolours colours (8, 16 or 256,
 * xterm palette) to rgb. Pure, for tests. */
int colour_nearest(unsigned rgb, int ncolours);
/* Parses "fg,bg[,attr...]"; -1 with e set on a bad word. */
int theme_parse_value(const char *value, struct theme_entry *out,
    struct err *e);

/* Curses side: sets up colour pairs for t (nocolor: attributes only, as
 * under NO_COLOR or on a monochrome terminal). UI thread, after initscr. */
void theme_apply(const struct theme *t, bool nocolor);
/* The curses attribute (pair and flags) for r. */
unsigned long theme_attr(enum role r);

#endif
