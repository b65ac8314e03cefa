/* Colour themes (see theme.h): INI parsing with libinih, the built-in
 * default and mono themes, nearest-colour mapping, and curses pairs. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "ui/theme.h"


static const char *role_names[R_COUNT] = {
	"title", "label", "field", "focus", "body", "border", "heading",
	"status_info", "status_ok", "status_warn", "status_error",
	"status_client", "progress", "tls_secure", "tls_insecure",
	"help_key", "help_text", "selection", "prompt", "dim",
};

/* The built-ins as theme-file values, so both go through one parser. */
static const char *default_values[R_COUNT] = {
	"default,default,reverse,bold",	/* title */
	"default,default,bold",		/* label */
	"default,default",		/* field */
	"cyan,default,bold",		/* focus */
	"default,default",		/* body */
	"blue,default",			/* border */
	"default,default,bold,underline",	/* heading */
	"default,default",		/* status_info */
	"green,default",		/* status_ok */
	"yellow,default,bold",		/* status_warn */
	"red,default,bold",		/* status_error */
	"cyan,default",			/* status_client */
	"green,default,bold",		/* progress */
	"green,default,bold",		/* tls_secure */
	"red,default,bold",		/* tls_insecure */
	"default,default,reverse",	/* help_key */
	"default,default",		/* help_text */
	"default,default,reverse",	/* selection */
	"default,default,reverse,bold",	/* prompt */
	"default,default,dim",		/* dim */
};

static const char *mono_values[R_COUNT] = {
	"default,default,reverse",	/* title */
	"default,default,bold",		/* label */
	"default,default",		/* field */
	"default,default,bold,underline",	/* focus */
	"default,default",		/* body */
	"default,default",		/* border */
	"default,default,bold,underline",	/* heading */
	"default,default",		/* status_info */
	"default,default",		/* status_ok */
	"default,default,bold",		/* status_warn */
	"default,default,bold,underline",	/* status_error */
	"default,default",		/* status_client */
	"default,default,bold",		/* progress */
	"default,default,bold",		/* tls_secure */
	"default,default,bold,underline",	/* tls_insecure */
	"default,default,reverse",	/* help_key */
	"default,default",		/* help_text */
	"default,default,reverse",	/* selection */
	"default,default,reverse",	/* prompt */
	"default,default,dim",		/* dim */
};

static const struct {
	const char *name;
	int index;
} colour_names[] = {
	{ "black", 0 }, { "red", 1 }, { "green", 2 }, { "yellow", 3 },
	{ "blue", 4 }, { "magenta", 5 }, { "cyan", 6 }, { "white", 7 },
	{ "brightblack", 8 }, { "gray", 8 }, { "grey", 8 },
	{ "brightred", 9 }, { "brightgreen", 10 }, { "brightyellow", 11 },
	{ "brightblue", 12 }, { "brightmagenta", 13 }, { "brightcyan", 14 },
	{ "brightwhite", 15 },
};

static const struct {
	const char *name;
	unsigned flag;
} attr_names[] = {
	{ "bold", TA_BOLD }, { "underline", TA_UNDERLINE },
	{ "reverse", TA_REVERSE }, { "dim", TA_DIM }, { "italic", TA_ITALIC },
	{ "normal", 0 }, { "none", 0 },
};

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_colour(const char *w, struct colour *c)
{
	size_t i;
	char *end;
	unsigned long v;

	if (strcmp(w, "default") == 0 || strcmp(w, "-1") == 0) {
		c->kind = COL_DEFAULT;
		c->v = 0;
		return 0;
	}
	for (i = 0; i < sizeof colour_names / sizeof colour_names[0]; i++) {
		if (strcasecmp(w, colour_names[i].name) == 0) {
			c->kind = COL_INDEX;
			c->v = (unsigned)colour_names[i].index;
			return 0;
		}
	}
	/* "bright-red" and "bright_red" as well */
	if (strncasecmp(w, "bright", 6) == 0 && (w[6] == '-' || w[6] == '_')) {
		char tmp[32];

		snprintf(tmp, sizeof tmp, "bright%s", w + 7);
		return parse_colour(tmp, c);
	}
	if (w[0] == '#') {
		if (strlen(w) != 7)
			return -1;
		for (i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)w[i]))
				return -1;
		c->kind = COL_RGB;
		c->v = (unsigned)strtoul(w + 1, NULL, 16);
		return 0;
	}
	if (isdigit((unsigned char)w[0])) {
		errno = 0;
		v = strtoul(w, &end, 10);
		if (errno != 0 || *end != '\0' || v > 255)
			return -1;
		c->kind = COL_INDEX;
		c->v = (unsigned)v;
		return 0;
	}
	return -1;
}

int
theme_parse_value(const char *value, struct theme_entry *out, struct err *e)
{
	char *copy = xstrdup(value), *p = copy, *w;
	int n = 0, rc = 0;
	struct theme_entry t;

	memset(&t, 0, sizeof t);
	while ((w = strsep(&p, ",")) != NULL) {
		w = trim(w);
		if (n == 0 || n == 1) {
			if (parse_colour(w, n == 0 ? &t.fg : &t.bg) == -1) {
				rc = err_set(e, _("`%s` is not a colour (a name "
				    "such as red or brightblue, default, 0-255, "
				    "or #rrggbb)"), w);
				break;
			}
		} else {
			size_t i;

			for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
				if (strcasecmp(w, attr_names[i].name) == 0)
					break;
			if (i == sizeof attr_names / sizeof attr_names[0]) {
				rc = err_set(e, _("`%s` is not an attribute (bold, "
				    "underline, reverse, dim, italic, normal)"), w);
				break;
			}
			t.attrs |= attr_names[i].flag;
		}
		n++;
	}
	if (rc == 0 && n < 2)
		rc = err_set(e, _("`%s`: expected fg,bg[,attribute...]"), value);
	free(copy);
	if (rc == 0)
		*out = t;
	return rc;
}

static void
fill_builtin(struct theme *t, const char *const *values)
{
	int r;

	for (r = 0; r < R_COUNT; r++)
		theme_parse_value(values[r], &t->e[r], NULL);
}

static int
theme_builtin(struct theme *t, const char *name)
{
	memset(t, 0, sizeof *t);
	t->default_colours = true;
	if (strcmp(name, "default") == 0)
		fill_builtin(t, default_values);
	else if (strcmp(name, "mono") == 0)
		fill_builtin(t, mono_values);
	else {
		fill_builtin(t, default_values);
		t->name = xstrdup("default");
		return -1;
	}
	t->name = xstrdup(name);
	return 0;
}

void
theme_free(struct theme *t)
{
	free(t->name);
	free(t->file);
	t->name = t->file = NULL;
}

struct parse_ctx {
	struct theme *t;
	char msg[1400];
	bool failed;
};

static int
ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	struct err e;
	int r;

	if (c->failed)
		return 1;	/* keep the first error only */
	if (strcmp(section, "theme") == 0 && (strcmp(name, "name") == 0 ||
	    strcmp(name, "description") == 0))
		return 1;
	if (section[0] != '\0' && strcmp(section, "colors") != 0 &&
	    strcmp(section, "colours") != 0 && strcmp(section, "theme") != 0) {
		snprintf(c->msg, sizeof c->msg, _("unknown section [%s] "
		    "(use [colors])"), section);
		c->failed = true;
		return 0;
	}
	for (r = 0; r < R_COUNT; r++)
		if (strcmp(name, role_names[r]) == 0)
			break;
	if (r == R_COUNT) {
		snprintf(c->msg, sizeof c->msg, _("unknown role `%s`"), name);
		c->failed = true;
		return 0;
	}
	err_clear(&e);
	if (theme_parse_value(value, &c->t->e[r], &e) == -1) {
		snprintf(c->msg, sizeof c->msg, "%s: %s", name, e.msg);
		c->failed = true;
		return 0;
	}
	if ((c->t->e[r].fg.kind != COL_DEFAULT ||
	    c->t->e[r].bg.kind != COL_DEFAULT) && r == R_BODY)
		c->t->default_colours = false;
	return 1;
}

/* libinih cuts long lines and inline comments silently: refuse both. */
static int
prescan(const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		size_t n = strlen(line);
		char *p = line;

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > 190) {
			fclose(f);
			return err_set(e, _("%s:%d: line too long"), path, lineno);
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p != ';' && *p != '#' && strstr(p, " ;") != NULL) {
			fclose(f);
			return err_set(e, _("%s:%d: `;` inside a value (comments "
			    "must start a line)"), path, lineno);
		}
	}
	fclose(f);
	return 0;
}

int
theme_parse_file(const char *path, struct theme *t, struct err *e)
{
	struct parse_ctx c;
	const char *base, *dot;
	int rc;

	theme_builtin(t, "default");
	if (prescan(path, e) == -1)
		return -1;
	memset(&c, 0, sizeof c);
	c.t = t;
	rc = ini_parse(path, ini_cb, &c);
	if (rc == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (rc != 0 || c.failed) {
		err_set(e, "%s:%d: %s", path, rc, c.msg[0] ? c.msg :
		    _("not an INI line (expected role = fg,bg[,attribute])"));
		theme_free(t);
		theme_builtin(t, "default");
		return -1;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	free(t->name);
	t->name = dot ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
	t->file = xstrdup(path);
	return 0;
}

static bool
name_ok(const char *name)
{
	const char *p;

	if (*name == '\0' || *name == '.')
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return false;
	return true;
}

/* The theme folders in search order; caller frees each. */
static size_t
theme_dirs(char *dirs[2])
{
	dirs[0] = xdg_path("config", "themes");
	dirs[1] = data_path("themes");
	return 2;
}

int
theme_load(const char *name, struct theme *t, struct err *e)
{
	char *dirs[2], *path;
	size_t n, i;
	int rc = -2;

	if (!name_ok(name)) {
		theme_builtin(t, "default");
		return err_set(e, _("theme `%s`: a theme name has only letters, "
		    "digits, `-`, `_` and `.`"), name);
	}
	n = theme_dirs(dirs);
	for (i = 0; i < n && rc == -2; i++) {
		path = xasprintf("%s/%s.theme", dirs[i], name);
		if (access(path, F_OK) == 0)
			rc = theme_parse_file(path, t, e);
		free(path);
	}
	if (rc == -2 && theme_builtin(t, name) == 0)
		rc = 0;
	else if (rc == -2)
		rc = err_set(e, _("theme `%s` not found (looked in %s and %s)"),
		    name, dirs[0], dirs[1]);
	for (i = 0; i < n; i++)
		free(dirs[i]);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
theme_list(size_t *np)
{
	char *dirs[2], **v = NULL;
	size_t n = 0, nd, i, j, k;
	DIR *d;
	struct dirent *de;

	v = xrealloc(v, 2 * sizeof *v);
	v[n++] = xstrdup("default");
	v[n++] = xstrdup("mono");
	nd = theme_dirs(dirs);
	for (i = 0; i < nd; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (len <= 6 || strcmp(de->d_name + len - 6, ".theme") != 0)
				continue;
			v = xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = xstrndup(de->d_name, len - 6);
		}
		closedir(d);
	}
	for (i = 0; i < nd; i++)
		free(dirs[i]);
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 0, k = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			if (strcmp(v[j], v[i]) == 0)
				break;
		if (j < k || !name_ok(v[i]))
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*np = k;
	return v;
}

/* xterm's palette: 16 system colours, a 6x6x6 cube, 24 greys. */
static unsigned
palette_rgb(int i)
{
	static const unsigned sys[16] = {
		0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
		0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
		0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
	};
	static const unsigned lv[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16)
		return sys[i];
	if (i < 232) {
		i -= 16;
		return lv[i / 36] << 16 | lv[(i / 6) % 6] << 8 | lv[i % 6];
	}
	i = 8 + (i - 232) * 10;
	return (unsigned)(i << 16 | i << 8 | i);
}

static long
distance(unsigned a, unsigned b)
{
	long ar = a >> 16, ag = (a >> 8) & 0xff, ab = a & 0xff;
	long br = b >> 16, bg = (b >> 8) & 0xff, bb = b & 0xff;
	long rmean = (ar + br) / 2, dr = ar - br, dg = ag - bg, db = ab - bb;

	/* "redmean": cheap and close enough to perceived distance */
	return ((512 + rmean) * dr * dr >> 8) + 4 * dg * dg +
	    ((767 - rmean) * db * db >> 8);
}

int
colour_nearest(unsigned rgb, int ncolours)
{
	int i, best = 0, first = 0, last;
	long d, bestd = -1;

	if (ncolours >= 256) {
		first = 16;	/* the system colours vary between terminals */
		last = 255;
	} else if (ncolours >= 16)
		last = 15;
	else
		last = 7;
	for (i = first; i <= last; i++) {
		d = distance(rgb, palette_rgb(i));
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

static unsigned long role_attrs[R_COUNT];

static short
curses_colour(const struct colour *c, bool fg, bool defaults_ok)
{
	int n = COLORS;

	if (c->kind == COL_DEFAULT)
		return defaults_ok ? -1 : (fg ? COLOR_WHITE : COLOR_BLACK);
	if (c->kind == COL_INDEX) {
		if ((int)c->v < n)
			return (short)c->v;
		return (short)colour_nearest(palette_rgb((int)c->v), n);
	}
	return (short)colour_nearest(c->v, n);
}

static unsigned long
flags_attrs(unsigned f)
{
	unsigned long a = A_NORMAL;

	if (f & TA_BOLD)
		a |= A_BOLD;
	if (f & TA_UNDERLINE)
		a |= A_UNDERLINE;
	if (f & TA_REVERSE)
		a |= A_REVERSE;
	if (f & TA_DIM)
		a |= A_DIM;
#ifdef A_ITALIC
	if (f & TA_ITALIC)
		a |= A_ITALIC;
#endif
	return a;
}

void
theme_apply(const struct theme *t, bool nocolor)
{
	struct theme mono;
	bool defaults_ok;
	int r;

	if (nocolor || !has_colors()) {
		theme_builtin(&mono, "mono");
		for (r = 0; r < R_COUNT; r++)
			role_attrs[r] = flags_attrs(mono.e[r].attrs);
		theme_free(&mono);
		bkgdset(' ' | A_NORMAL);
		return;
	}
	start_color();
	defaults_ok = use_default_colors() == OK;
	for (r = 0; r < R_COUNT; r++) {
		const struct theme_entry *te = &t->e[r];
		short fg = curses_colour(&te->fg, true, defaults_ok);
		short bg = curses_colour(&te->bg, false, defaults_ok);

		/* Roles without a background take the body's. */
		if (te->bg.kind == COL_DEFAULT && r != R_BODY &&
		    t->e[R_BODY].bg.kind != COL_DEFAULT)
			bg = curses_colour(&t->e[R_BODY].bg, false, defaults_ok);
		if (te->fg.kind == COL_DEFAULT && r != R_BODY &&
		    t->e[R_BODY].fg.kind != COL_DEFAULT)
			fg = curses_colour(&t->e[R_BODY].fg, true, defaults_ok);
		if (r + 1 < COLOR_PAIRS && init_pair((short)(r + 1), fg, bg) == OK)
			role_attrs[r] = COLOR_PAIR(r + 1) | flags_attrs(te->attrs);
		else
			role_attrs[r] = flags_attrs(te->attrs);
	}
	bkgdset(' ' | (role_attrs[R_BODY] & A_COLOR));
}

unsigned long
theme_attr(enum role r)
{
	return r < R_COUNT ? role_attrs[r] : A_NORMAL;
}
