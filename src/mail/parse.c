/* Received mail read back; see parse.h. The header is unfolded field by
 * field, the MIME tree walked for the text part (multipart/alternative
 * prefers text/plain), the body decoded (mail/encode.c: base64,
 * quoted-printable, charsets), then format=flowed or HTML undone. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/util.h"
#include "mail/encode.h"
#include "mail/parse.h"

#define MAX_FIELDS	2000	/* fields kept of one header */
#define MAX_VALUE	(64 * 1024)	/* bytes kept of one field */
#define MAX_DEPTH	20	/* multipart nesting */
#define MAX_PARTS	1000	/* parts walked in all */

struct field {
	char *name, *value;
};

struct fields {
	struct field *v;
	size_t n;
};

struct mparse {
	struct fields top;
	char *text;
	bool html;
	char **att;
	size_t natt;
	size_t parts;
};

enum tk { T_NONE, T_PLAIN, T_HTML };

struct got {
	enum tk kind;
	char *text;		/* UTF-8, cleaned */
};

/* --- header fields */

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static void
fields_add(struct fields *fs, const char *name, size_t nl, struct buf *v)
{
	char *s = buf_cstr(v);
	size_t a = 0, z = v->len;

	while (a < z && (is_wsp(s[a]) || s[a] == '\r' || s[a] == '\n'))
		a++;
	while (z > a && (is_wsp(s[z - 1]) || s[z - 1] == '\r' || s[z - 1] == '\n'))
		z--;
	if (fs->n < MAX_FIELDS) {
		fs->v = xrealloc(fs->v, (fs->n + 1) * sizeof *fs->v);
		fs->v[fs->n].name = xstrndup(name, nl);
		fs->v[fs->n].value = xstrndup(s + a, z - a);
		fs->n++;
	}
	buf_free(v);
}

static bool
field_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127)
			return false;
	return true;
}

/* Reads the fields of the header at s[0..n) into fs; returns where the
 * body starts (after the blank line, or at the first line that is not a
 * field). */
static size_t
read_fields(const char *s, size_t n, struct fields *fs, bool top)
{
	size_t i = 0, ls, le, next, nl = 0, cut;
	const char *nm = NULL, *colon, *q;
	struct buf v;
	bool have = false;

	buf_init(&v);
	if (top && n >= 5 && memcmp(s, "From ", 5) == 0) {
		q = memchr(s, '\n', n);
		i = q != NULL ? (size_t)(q - s) + 1 : n;
	}
	while (i < n) {
		ls = i;
		q = memchr(s + ls, '\n', n - ls);
		le = q != NULL ? (size_t)(q - s) : n;
		next = q != NULL ? le + 1 : n;
		if (le > ls && s[le - 1] == '\r')
			le--;
		if (le == ls) {
			if (have)
				fields_add(fs, nm, nl, &v);
			return next;
		}
		if (is_wsp(s[ls])) {
			/* A folded line: its line end goes, its blanks stay. */
			if (have && v.len + (le - ls) <= MAX_VALUE)
				buf_add(&v, s + ls, le - ls);
			i = next;
			continue;
		}
		colon = memchr(s + ls, ':', le - ls);
		cut = colon != NULL ? (size_t)(colon - (s + ls)) : 0;
		while (cut > 0 && is_wsp(s[ls + cut - 1]))
			cut--;
		if (colon == NULL || !field_name_ok(s + ls, cut)) {
			/* Not a field: the body starts here. */
			if (have)
				fields_add(fs, nm, nl, &v);
			return ls;
		}
		if (have)
			fields_add(fs, nm, nl, &v);
		nm = s + ls;
		nl = cut;
		have = true;
		buf_init(&v);
		buf_adds(&v, "");
		colon++;
		if ((size_t)(s + le - colon) <= MAX_VALUE)
			buf_add(&v, colon, (size_t)(s + le - colon));
		i = next;
	}
	if (have)
		fields_add(fs, nm, nl, &v);
	return n;
}

static const char *
fields_get(const struct fields *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcasecmp(fs->v[i].name, name) == 0)
			return fs->v[i].value;
	return NULL;
}

static void
fields_free(struct fields *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].name);
		free(fs->v[i].value);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

static char *clean_text(const char *s, size_t n);

/* --- Content-Type and Content-Disposition parameters */

/* The value's first token (the type, the disposition), lower case. */
static char *
main_token(const char *v)
{
	size_t n = 0;
	char *t;

	if (v == NULL)
		return xstrdup("");
	while (is_wsp(*v))
		v++;
	while (v[n] != '\0' && v[n] != ';' && !is_wsp(v[n]) && v[n] != '(')
		n++;
	t = xstrndup(v, n);
	for (n = 0; t[n] != '\0'; n++)
		t[n] = (char)tolower((unsigned char)t[n]);
	return t;
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One parameter section of an RFC 2231 value: "name*2*=..." */
struct psec {
	int idx;
	bool enc;
	char *val;
};

/* The parameter name (RFC 2045, with RFC 2231 continuations and charset
 * encoding) of a Content-Type or Content-Disposition value, as UTF-8;
 * NULL when absent. */
static char *
param_get(const char *v, const char *name)
{
	struct psec sec[64];
	size_t nsec = 0, nl = strlen(name), i, j;
	char *plain = NULL, *res = NULL;
	const char *p;

	if (v == NULL)
		return NULL;
	p = strchr(v, ';');
	while (p != NULL && *p != '\0') {
		const char *a, *ae;
		struct buf val;

		while (*p == ';' || is_wsp(*p) || *p == '\r' || *p == '\n')
			p++;
		a = p;
		while (*p != '\0' && *p != '=' && *p != ';')
			p++;
		ae = p;
		while (ae > a && is_wsp(ae[-1]))
			ae--;
		if (*p != '=') {
			continue;
		}
		p++;
		while (is_wsp(*p))
			p++;
		buf_init(&val);
		buf_adds(&val, "");
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				buf_addc(&val, *p);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p != '\0' && *p != ';' && !is_wsp(*p))
				buf_addc(&val, *p++);
		}
		while (*p != '\0' && *p != ';')
			p++;
		if ((size_t)(ae - a) == nl && strncasecmp(a, name, nl) == 0) {
			if (plain == NULL)
				plain = xstrdup(buf_cstr(&val));
		} else if ((size_t)(ae - a) > nl && strncasecmp(a, name, nl) == 0 &&
		    a[nl] == '*' && nsec < sizeof sec / sizeof sec[0]) {
			const char *q = a + nl + 1;
			int idx = 0;
			bool enc = false;

			if (q == ae)
				enc = true;	/* name*=charset'lang'value */
			else {
				while (q < ae && isdigit((unsigned char)*q) && idx < 1000)
					idx = idx * 10 + (*q++ - '0');
				if (q < ae && *q == '*') {
					enc = true;
					q++;
				}
			}
			if (q == ae) {
				sec[nsec].idx = idx;
				sec[nsec].enc = enc;
				sec[nsec].val = xstrdup(buf_cstr(&val));
				nsec++;
			}
		}
		buf_free(&val);
	}
	if (nsec > 0) {
		struct buf raw, out;
		const char *cs = "", *first;
		size_t csl = 0;
		int want;

		buf_init(&raw);
		buf_adds(&raw, "");
		/* Sections in order of their number, as long as none is missing. */
		for (want = 0; ; want++) {
			for (j = 0; j < nsec && sec[j].idx != want; j++)
				;
			if (j == nsec)
				break;
			first = sec[j].val;
			if (want == 0 && sec[j].enc) {
				const char *t1 = strchr(first, '\''), *t2;

				if (t1 != NULL && (t2 = strchr(t1 + 1, '\'')) != NULL) {
					cs = first;
					csl = (size_t)(t1 - first);
					first = t2 + 1;
				}
			}
			for (i = 0; first[i] != '\0'; i++) {
				if (sec[j].enc && first[i] == '%' && hexv(first[i + 1]) >= 0 &&
				    hexv(first[i + 2]) >= 0) {
					buf_addc(&raw, (char)(hexv(first[i + 1]) * 16 +
					    hexv(first[i + 2])));
					i += 2;
				} else
					buf_addc(&raw, first[i]);
			}
		}
		if (want > 0) {
			buf_init(&out);
			buf_adds(&out, "");
			if (enc_to_utf8(&out, cs, csl, raw.data, raw.len) == -1)
				enc_to_utf8(&out, "", 0, raw.data, raw.len);
			res = buf_cstr(&out);
		}
		buf_free(&raw);
		for (j = 0; j < nsec; j++)
			free(sec[j].val);
	}
	if (res == NULL && plain != NULL) {
		/* Outlook puts encoded-words here, against RFC 2047 5. */
		if (strstr(plain, "=?") != NULL) {
			size_t dl;
			char *d = enc_ew_decode_n(plain, &dl);

			res = clean_text(d, dl);
			free(d);
		} else {
			struct buf out;

			buf_init(&out);
			buf_adds(&out, "");
			enc_to_utf8(&out, "", 0, plain, strlen(plain));
			res = buf_cstr(&out);
		}
	}
	free(plain);
	return res;
}

/* --- text */

/* UTF-8 with LF line ends and no control character but tab. */
static char *
clean_text(const char *s, size_t n)
{
	struct buf b;
	size_t i = 0, l;
	uint32_t cp;

	buf_init(&b);
	buf_adds(&b, "");
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r') {
			buf_addc(&b, '\n');
			i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		if (c == '\n' || c == '\t') {
			buf_addc(&b, (char)c);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			utf8_put(&b, 0xfffd);
			i++;
			continue;
		}
		if ((l = utf8_len((const unsigned char *)s + i, n - i)) == 0) {
			utf8_put(&b, 0xfffd);
			i++;
			continue;
		}
		utf8_decode((const unsigned char *)s + i, &cp);
		if (cp >= 0x80 && cp < 0xa0)
			utf8_put(&b, 0xfffd);
		else
			buf_add(&b, s + i, l);
		i += l;
	}
	return buf_cstr(&b);
}

char *
mparse_unflow(const char *in, size_t n, bool delsp)
{
	struct buf out;
	size_t i = 0, e, q, l, depth = 0;
	const char *s;
	bool open = false;	/* the last line was soft: this one goes on */

	buf_init(&out);
	buf_adds(&out, "");
	while (i < n) {
		const char *nl = memchr(in + i, '\n', n - i);

		e = nl != NULL ? (size_t)(nl - in) : n;
		s = in + i;
		l = e - i;
		for (q = 0; q < l && s[q] == '>'; q++)
			;
		if (open && q != depth) {
			/* A quote level changes: the paragraph ends. */
			buf_addc(&out, '\n');
			open = false;
		}
		s += q;
		l -= q;
		if (l > 0 && s[0] == ' ')
			s++, l--;	/* space-stuffing */
		if (!open && q > 0) {
			size_t k;

			for (k = 0; k < q; k++)
				buf_addc(&out, '>');
			buf_addc(&out, ' ');
		}
		depth = q;
		if (l > 0 && s[l - 1] == ' ' && !(l == 3 && memcmp(s, "-- ", 3) == 0)) {
			buf_add(&out, s, delsp ? l - 1 : l);
			open = true;
		} else {
			buf_add(&out, s, l);
			buf_addc(&out, '\n');
			open = false;
		}
		i = nl != NULL ? e + 1 : n;
	}
	if (open)
		buf_addc(&out, '\n');
	return buf_cstr(&out);
}

/* The body of a leaf part decoded into UTF-8. */
static char *
decode_body(const struct fields *fs, const char *body, size_t n)
{
	const char *cte = fields_get(fs, "Content-Transfer-Encoding");
	const char *ct = fields_get(fs, "Content-Type");
	char *enc = main_token(cte), *cs = param_get(ct, "charset"), *res;
	struct buf raw, text;
	size_t i;

	buf_init(&raw);
	buf_adds(&raw, "");
	if (strcmp(enc, "base64") == 0) {
		struct buf clean;

		/* Only the alphabet counts; a bad tail is cut, not fatal. */
		buf_init(&clean);
		buf_adds(&clean, "");
		for (i = 0; i < n; i++)
			if (isalnum((unsigned char)body[i]) || body[i] == '+' ||
			    body[i] == '/')
				buf_addc(&clean, body[i]);
		clean.len -= clean.len % 4 == 1 ? 1 : 0;
		while (clean.len % 4 != 0)
			buf_addc(&clean, '=');
		if (enc_b64_decode(&raw, clean.data, clean.len) == -1)
			raw.len = 0;
		buf_free(&clean);
	} else if (strcmp(enc, "quoted-printable") == 0)
		enc_qp_decode_lenient(&raw, body, n);
	else
		buf_add(&raw, body, n);
	buf_init(&text);
	buf_adds(&text, "");
	if (enc_to_utf8(&text, cs != NULL ? cs : "", cs != NULL ? strlen(cs) : 0,
	    raw.data, raw.len) == -1) {
		/* A charset iconv does not know: UTF-8 if it is, else Latin-1. */
		if (enc_utf8_valid(raw.data, raw.len, NULL))
			buf_add(&text, raw.data, raw.len);
		else
			for (i = 0; i < raw.len; i++)
				utf8_put(&text, (unsigned char)raw.data[i]);
	}
	res = clean_text(text.data, text.len);
	buf_free(&raw);
	buf_free(&text);
	free(enc);
	free(cs);
	return res;
}

static void
attach_add(struct mparse *p, char *name)
{
	p->att = xrealloc(p->att, (p->natt + 1) * sizeof *p->att);
	p->att[p->natt++] = name;
}

static void entity(struct mparse *p, const struct fields *fs, const char *body,
    size_t n, const char *deftype, int depth, struct got *g);
/* One part of a multipart body: its text taken when it is the body's
 * (alternative: the first plain text, else the first HTML; other kinds:
 * the first part with text). */
static void
one_part(struct mparse *p, const char *s, size_t n, const char *deft,
    int depth, bool alt, struct got *g)
{
	struct fields pf = { NULL, 0 };
	struct got cg = { T_NONE, NULL };
	size_t off = read_fields(s, n, &pf, false);

	entity(p, &pf, s + off, n - off, deft, depth + 1, &cg);
	fields_free(&pf);
	if (cg.kind != T_NONE && (g->kind == T_NONE ||
	    (alt && g->kind == T_HTML && cg.kind == T_PLAIN))) {
		free(g->text);
		*g = cg;
	} else
		free(cg.text);
}

/* The parts between the delimiter lines of boundary (RFC 2046 5.1.1),
 * in order; a missing closing delimiter ends the last part at the end. */
static void
multipart(struct mparse *p, const char *body, size_t n, const char *boundary,
    const char *subtype, int depth, struct got *g)
{
	const char *end = body + n, *ls, *le, *next, *start = NULL, *a, *pe;
	const char *deft = strcmp(subtype, "digest") == 0 ? "message/rfc822" :
	    "text/plain";
	size_t bl = strlen(boundary);
	bool alt = strcmp(subtype, "alternative") == 0, close, delim;

	for (ls = body; ls < end; ls = next) {
		le = memchr(ls, '\n', (size_t)(end - ls));
		next = le != NULL ? le + 1 : end;
		if (le == NULL)
			le = end;
		if ((size_t)(le - ls) < 2 + bl || ls[0] != '-' || ls[1] != '-' ||
		    memcmp(ls + 2, boundary, bl) != 0)
			continue;
		a = ls + 2 + bl;
		close = le - a >= 2 && a[0] == '-' && a[1] == '-';
		if (close)
			a += 2;
		/* Only blanks may follow (transport padding). */
		for (delim = true; a < le; a++)
			if (!is_wsp(*a) && *a != '\r')
				delim = false;
		if (!delim)
			continue;
		if (start != NULL) {
			/* The line end before a delimiter belongs to it. */
			pe = ls;
			if (pe > start && pe[-1] == '\n')
				pe--;
			if (pe > start && pe[-1] == '\r')
				pe--;
			one_part(p, start, (size_t)(pe - start), deft, depth, alt, g);
		}
		if (close)
			return;
		start = next;
	}
	if (start != NULL && start < end)
		one_part(p, start, (size_t)(end - start), deft, depth, alt, g);
}

static void
entity(struct mparse *p, const struct fields *fs, const char *body, size_t n,
    const char *deftype, int depth, struct got *g)
{
	const char *ct = fields_get(fs, "Content-Type");
	const char *cd = fields_get(fs, "Content-Disposition");
	char *type = ct != NULL ? main_token(ct) : xstrdup(deftype);
	char *disp = main_token(cd), *slash;
	bool attachment = strcmp(disp, "attachment") == 0;

	g->kind = T_NONE;
	g->text = NULL;
	if (++p->parts > MAX_PARTS || depth > MAX_DEPTH)
		goto out;
	if ((slash = strchr(type, '/')) == NULL || slash == type) {
		/* RFC 2045 5.2: a type that does not parse is text/plain. */
		free(type);
		type = xstrdup("text/plain");
		slash = type + 4;
	}
	if (strncmp(type, "multipart/", 10) == 0) {
		char *b = param_get(ct, "boundary");

		if (b != NULL && *b != '\0' && strlen(b) <= 200)
			multipart(p, body, n, b, type + 10, depth, g);
		free(b);
		goto out;
	}
	if (!attachment && (strcmp(type, "text/plain") == 0 ||
	    strcmp(type, "text/html") == 0)) {
		char *t = decode_body(fs, body, n);

		if (type[5] == 'h') {
			g->kind = T_HTML;
			g->text = t;
		} else {
			char *fmt = param_get(ct, "format"), *ds = param_get(ct, "delsp");

			if (fmt != NULL && strcasecmp(fmt, "flowed") == 0) {
				g->text = mparse_unflow(t, strlen(t), ds != NULL &&
				    strcasecmp(ds, "yes") == 0);
				free(t);
			} else
				g->text = t;
			g->kind = T_PLAIN;
			free(fmt);
			free(ds);
		}
		goto out;
	}
	/* A signature is no attachment to the reader. */
	if (strcmp(type, "application/pgp-signature") != 0 &&
	    strcmp(type, "application/pkcs7-signature") != 0 &&
	    strcmp(type, "application/x-pkcs7-signature") != 0) {
		char *name = param_get(cd, "filename");

		if (name == NULL)
			name = param_get(ct, "name");
		attach_add(p, name);
	}
out:
	free(type);
	free(disp);
}

struct mparse *
mparse_new(const char *data, size_t len)
{
	struct mparse *p = xcalloc(1, sizeof *p);
	struct got g = { T_NONE, NULL };
	size_t off;

	if (len > MPARSE_MAX)
		len = MPARSE_MAX;
	off = read_fields(data, len, &p->top, true);
	entity(p, &p->top, data + off, len - off, "text/plain", 0, &g);
	if (g.kind == T_HTML) {
		p->text = mparse_html_text(g.text, strlen(g.text));
		p->html = true;
		free(g.text);
	} else
		p->text = g.text != NULL ? g.text : xstrdup("");
	return p;
}

void
mparse_free(struct mparse *p)
{
	size_t i;

	if (p == NULL)
		return;
	fields_free(&p->top);
	free(p->text);
	for (i = 0; i < p->natt; i++)
		free(p->att[i]);
	free(p->att);
	free(p);
}

const char *
mparse_field(const struct mparse *p, const char *name)
{
	return fields_get(&p->top, name);
}

char *
mparse_field_text(const struct mparse *p, const char *name)
{
	const char *v = fields_get(&p->top, name);
	char *d, *c;
	size_t len, i;

	if (v == NULL)
		return NULL;
	d = enc_ew_decode_n(v, &len);
	c = clean_text(d, len);
	free(d);
	/* One line: tabs and line ends become spaces. */
	for (i = 0; c[i] != '\0'; i++)
		if (c[i] == '\n' || c[i] == '\t')
			c[i] = ' ';
	return c;
}

bool
mparse_field_at(const struct mparse *p, size_t i, const char **name,
    const char **value)
{
	if (i >= p->top.n)
		return false;
	*name = p->top.v[i].name;
	*value = p->top.v[i].value;
	return true;
}

const char *
mparse_text(const struct mparse *p)
{
	return p->text;
}

bool
mparse_text_from_html(const struct mparse *p)
{
	return p->html;
}

size_t
mparse_nattach(const struct mparse *p)
{
	return p->natt;
}

const char *
mparse_attach_name(const struct mparse *p, size_t i)
{
	return i < p->natt ? p->att[i] : NULL;
}

/* --- HTML as text */

static const struct {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "hellip", 0x2026 }, { "mdash", 0x2014 },
	{ "ndash", 0x2013 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "euro", 0x20ac },
	{ "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 }, { "sect", 0xa7 },
	{ "deg", 0xb0 }, { "middot", 0xb7 }, { "bull", 0x2022 },
	{ "times", 0xd7 }, { "divide", 0xf7 }, { "shy", 0xad },
	{ "auml", 0xe4 }, { "ouml", 0xf6 }, { "uuml", 0xfc }, { "Auml", 0xc4 },
	{ "Ouml", 0xd6 }, { "Uuml", 0xdc }, { "szlig", 0xdf },
	{ "eacute", 0xe9 }, { "egrave", 0xe8 }, { "ecirc", 0xea },
	{ "Eacute", 0xc9 }, { "agrave", 0xe0 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "ccedil", 0xe7 }, { "Ccedil", 0xc7 },
	{ "iacute", 0xed }, { "oacute", 0xf3 }, { "uacute", 0xfa },
	{ "ntilde", 0xf1 }, { "ocirc", 0xf4 }, { "ucirc", 0xfb },
	{ "zwnj", 0x200c }, { "zwj", 0x200d },
};

struct html {
	struct buf out;
	int quote, pre;
	bool line_start;	/* nothing written on this line yet */
	bool space;		/* a blank is owed before the next word */
	char *href;		/* the open link's address */
	size_t link_at;		/* where its text starts in out */
};

static void
h_prefix(struct html *h)
{
	int i;

	if (!h->line_start)
		return;
	for (i = 0; i < h->quote; i++)
		buf_addc(&h->out, '>');
	if (h->quote > 0)
		buf_addc(&h->out, ' ');
	h->line_start = false;
}

static void
h_newline(struct html *h)
{
	/* No blanks at a line end. */
	while (h->out.len > 0 && h->out.data[h->out.len - 1] == ' ')
		h->out.len--;
	buf_addc(&h->out, '\n');
	h->line_start = true;
	h->space = false;
}

/* Ends the line unless nothing is on it; with para, leaves a blank line. */
static void
h_block(struct html *h, bool para)
{
	size_t nl = 0, i;

	if (!h->line_start)
		h_newline(h);
	if (!para || h->out.len == 0)
		return;
	for (i = h->out.len; i > 0 && h->out.data[i - 1] == '\n'; i--)
		nl++;
	if (nl < 2)
		h_newline(h);
}

static void
h_char(struct html *h, uint32_t cp)
{
	if (h->pre == 0 && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == 0xa0)) {
		if (!h->line_start)
			h->space = true;
		return;
	}
	if (h->pre > 0 && cp == '\n') {
		h_newline(h);
		return;
	}
	if (h->pre > 0 && cp == '\r')
		return;
	h_prefix(h);
	if (h->space) {
		buf_addc(&h->out, ' ');
		h->space = false;
	}
	utf8_put(&h->out, cp);
}

static void
h_str(struct html *h, const char *s)
{
	for (; *s != '\0'; s++)
		h_char(h, (unsigned char)*s);
}

/* An attribute's value in the tag text t[0..n), or NULL. */
static char *
tag_attr(const char *t, size_t n, const char *name)
{
	size_t i = 0, nl = strlen(name), a;
	char q;

	while (i < n) {
		while (i < n && !isalpha((unsigned char)t[i]))
			i++;
		a = i;
		while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-'))
			i++;
		if (i - a == nl && strncasecmp(t + a, name, nl) == 0 && i < n &&
		    t[i] == '=') {
			i++;
			q = i < n && (t[i] == '"' || t[i] == '\'') ? t[i++] : 0;
			a = i;
			while (i < n && (q ? t[i] != q : !isspace((unsigned char)t[i])))
				i++;
			return xstrndup(t + a, i - a);
		}
		if (i < n && t[i] == '=') {
			i++;
			q = i < n && (t[i] == '"' || t[i] == '\'') ? t[i++] : 0;
			while (i < n && (q ? t[i] != q : !isspace((unsigned char)t[i])))
				i++;
			if (i < n)
				i++;
		}
	}
	return NULL;
}

/* Decodes the character reference at s (after '&'); returns its length
 * (after the '&') or 0. */
static size_t
h_entity(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 0, k;
	uint32_t v = 0;

	if (n > 1 && s[0] == '#') {
		bool hex = s[1] == 'x' || s[1] == 'X';

		i = hex ? 2 : 1;
		k = i;
		while (i < n && i < k + 8 && (hex ? isxdigit((unsigned char)s[i]) :
		    isdigit((unsigned char)s[i]))) {
			v = v * (hex ? 16 : 10) + (uint32_t)(isdigit((unsigned char)s[i]) ?
			    s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
			i++;
		}
		if (i == k)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		/* Controls, surrogates and the impossible become U+FFFD. */
		if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
		    (v < 0x20 && v != '\t' && v != '\n') || (v >= 0x7f && v < 0xa0))
			v = 0xfffd;
		*cp = v;
		return i;
	}
	while (i < n && i < 10 && isalnum((unsigned char)s[i]))
		i++;
	for (k = 0; k < sizeof entities / sizeof entities[0]; k++)
		if (strlen(entities[k].name) == i && strncmp(s, entities[k].name, i) == 0) {
			*cp = entities[k].cp;
			return i < n && s[i] == ';' ? i + 1 : i;
		}
	return 0;
}

static bool
name_is(const char *nm, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(nm, *set) == 0)
			return true;
	return false;
}

char *
mparse_html_text(const char *in, size_t n)
{
	static const char *const para[] = { "p", "h1", "h2", "h3", "h4", "h5",
		"h6", "table", "ul", "ol", "dl", "pre", NULL };
	static const char *const block[] = { "div", "tr", "section", "article",
		"header", "footer", "form", "dt", "dd", "address", "center",
		"nav", "main", "aside", "figure", "figcaption", "body", NULL };
	static const char *const skip[] = { "script", "style", "head", "title",
		"template", NULL };
	struct html h;
	size_t i = 0, l;
	uint32_t cp;
	char *res;

	memset(&h, 0, sizeof h);
	buf_init(&h.out);
	buf_adds(&h.out, "");
	h.line_start = true;
	while (i < n) {
		if (in[i] == '<') {
			const char *t = in + i + 1, *gt;
			char nm[16];
			size_t k = 0, tl;
			bool close = false;

			if (n - i >= 4 && memcmp(in + i, "<!--", 4) == 0) {
				const char *e = NULL;

				for (k = i + 4; k + 3 <= n; k++)
					if (memcmp(in + k, "-->", 3) == 0) {
						e = in + k;
						break;
					}
				i = e != NULL ? (size_t)(e - in) + 3 : n;
				continue;
			}
			if ((gt = memchr(t, '>', n - i - 1)) == NULL)
				break;
			tl = (size_t)(gt - t);
			if (tl > 0 && t[0] == '/') {
				close = true;
				t++;
				tl--;
			}
			while (k < tl && k < sizeof nm - 1 &&
			    isalnum((unsigned char)t[k])) {
				nm[k] = (char)tolower((unsigned char)t[k]);
				k++;
			}
			nm[k] = '\0';
			i = (size_t)(gt - in) + 1;
			if (k == 0)
				continue;	/* <!DOCTYPE>, <?xml?> */
			if (!close && name_is(nm, skip)) {
				/* Its content is not text: on to its end tag. */
				size_t j;

				for (j = i; j + k + 2 < n; j++)
					if (in[j] == '<' && in[j + 1] == '/' &&
					    strncasecmp(in + j + 2, nm, k) == 0)
						break;
				if (j + k + 2 >= n) {
					i = n;
					continue;
				}
				gt = memchr(in + j, '>', n - j);
				i = gt != NULL ? (size_t)(gt - in) + 1 : n;
				continue;
			}
			if (strcmp(nm, "br") == 0) {
				h_prefix(&h);
				h_newline(&h);
			} else if (strcmp(nm, "hr") == 0) {
				h_block(&h, false);
				h_str(&h, "----------");
				h_newline(&h);
			} else if (strcmp(nm, "li") == 0) {
				h_block(&h, false);
				if (!close)
					h_str(&h, "* ");
			} else if (strcmp(nm, "blockquote") == 0) {
				h_block(&h, false);
				h.quote += close ? (h.quote > 0 ? -1 : 0) :
				    (h.quote < 20 ? 1 : 0);
			} else if (strcmp(nm, "pre") == 0) {
				h_block(&h, true);
				h.pre += close ? (h.pre > 0 ? -1 : 0) : 1;
			} else if (name_is(nm, para)) {
				h_block(&h, true);
			} else if (name_is(nm, block)) {
				h_block(&h, false);
			} else if (strcmp(nm, "td") == 0 || strcmp(nm, "th") == 0) {
				if (!close && !h.line_start)
					h.space = true;
			} else if (strcmp(nm, "a") == 0) {
				if (!close) {
					free(h.href);
					h.href = tag_attr(t, tl, "href");
					h.link_at = h.out.len;
				} else if (h.href != NULL) {
					/* The address after the text, unless the
					 * text is the address. */
					const char *hr = h.href;
					size_t hl = strlen(hr);

					if (strncasecmp(hr, "mailto:", 7) == 0)
						hr += 7, hl -= 7;
					if ((strncasecmp(h.href, "http", 4) == 0 ||
					    strncasecmp(h.href, "mailto:", 7) == 0) &&
					    !(h.out.len - h.link_at >= hl &&
					    memmem(h.out.data + h.link_at,
					    h.out.len - h.link_at, hr, hl) != NULL)) {
						h_str(&h, " <");
						h_str(&h, h.href);
						h_str(&h, ">");
					}
					free(h.href);
					h.href = NULL;
				}
			} else if (strcmp(nm, "img") == 0 && !close) {
				char *alt = tag_attr(t, tl, "alt");

				if (alt != NULL && *alt != '\0') {
					h_str(&h, "[");
					h_str(&h, alt);
					h_str(&h, "]");
				}
				free(alt);
			}
			continue;
		}
		if (in[i] == '&' && (l = h_entity(in + i + 1, n - i - 1, &cp)) > 0) {
			h_char(&h, cp);
			i += l + 1;
			continue;
		}
		if ((l = utf8_len((const unsigned char *)in + i, n - i)) == 0) {
			h_char(&h, 0xfffd);
			i++;
			continue;
		}
		utf8_decode((const unsigned char *)in + i, &cp);
		h_char(&h, cp);
		i += l;
	}
	if (!h.line_start)
		h_newline(&h);
	/* Blank lines at the start and the end say nothing. */
	while (h.out.len > 1 && h.out.data[h.out.len - 1] == '\n' &&
	    h.out.data[h.out.len - 2] == '\n')
		h.out.len--;
	free(h.href);
	buf_cstr(&h.out);
	l = strspn(h.out.data, "\n");
	res = clean_text(h.out.data + l, h.out.len - l);
	buf_free(&h.out);
	return res;
}
