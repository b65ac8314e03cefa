/* Address parsing and rendering (see address.h). A field is first cut
 * into entries at the commas and semicolons that are outside quotes,
 * comments and brackets (which also checks they balance), then each
 * entry is read as "name <local@domain>" or a bare "local@domain". */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/address.h"

#define LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define PATH_MAX_LEN	254	/* RFC 5321 4.5.3.1.3 path minus brackets */
#define LABEL_MAX	63
#define SHOWN_MAX	72	/* bytes of a bad address quoted in errors */

/* A cut entry: text s[a..b), in group g (-1 for none). */
struct entry {
	size_t a, b;
	long g;
};

struct group {
	size_t a, b;		/* the name */
	size_t first, count;	/* entries that belong to it */
};

struct cut {
	struct entry *ent;
	size_t nent;
	struct group *grp;
	size_t ngrp;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* The bad part as shown in a message: escaped, trimmed, and cut short. */
static char *
shown(const char *s, size_t n)
{
	char *esc, *out;
	size_t l;

	while (n > 0 && is_ws(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_ws(s[n - 1]))
		n--;
	esc = str_escape(s, n);
	l = strlen(esc);
	if (l <= SHOWN_MAX)
		return esc;
	/* Cut on a character boundary. */
	l = SHOWN_MAX;
	while (l > 0 && ((unsigned char)esc[l] & 0xc0) == 0x80)
		l--;
	out = xasprintf("%.*s…", (int)l, esc);
	free(esc);
	return out;
}

/* "the third address " when the field holds several, else "". */
static const char *
ordinal(size_t k, size_t total, char *tmp, size_t tmplen)
{
	static const char *const words[] = {
		N_("the first address "), N_("the second address "),
		N_("the third address "), N_("the fourth address "),
		N_("the fifth address "), N_("the sixth address "),
		N_("the seventh address "), N_("the eighth address "),
		N_("the ninth address "), N_("the tenth address "),
	};

	if (total <= 1)
		return "";
	if (k < sizeof words / sizeof words[0])
		return _(words[k]);
	snprintf(tmp, tmplen, _("address %zu "), k + 1);
	return tmp;
}

int
addr_check_text(const char *field, const char *s, size_t len, struct err *e)
{
	size_t i, bad;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return err_setr(e, "usage", _("%s: contains a line break "
			    "(CR or LF) or a NUL byte, which a header cannot hold"),
			    field);
	if (!enc_utf8_valid(s, len, &bad))
		return err_setr(e, "usage", _("%s: is not valid UTF-8 (byte %zu)"),
		    field, bad + 1);
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return err_setr(e, "usage",
			    _("%s: contains a control character (\\x%02x)"),
			    field, (unsigned char)s[i]);
	/* C1 controls (U+0080..U+009F): escapes on some terminals. */
	for (i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] <= 0x9f)
			return err_setr(e, "usage",
			    _("%s: contains a control character (U+%04X)"),
			    field, (unsigned)(unsigned char)s[i + 1]);
	return 0;
}

/* --- cutting a field into entries */

static void
cut_add(struct cut *c, size_t a, size_t b, long g)
{
	c->ent = xrealloc(c->ent, (c->nent + 1) * sizeof *c->ent);
	c->ent[c->nent].a = a;
	c->ent[c->nent].b = b;
	c->ent[c->nent].g = g;
	c->nent++;
	if (g >= 0)
		c->grp[g].count++;
}

/* The entry around position i for an error: from its start to the next
 * separator outside quotes or the end. */
static size_t
entry_end(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != ',')
		i++;
	return i;
}

static int
cut_field(const char *field, const char *s, size_t len, struct cut *c,
    struct err *e)
{
	size_t i, start = 0, open = 0, depth = 0;
	bool quote = false, angle = false, bracket = false;
	long g = -1;
	const char *what = NULL;
	char *sh;

	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (quote) {
			if (ch == '\\' && i + 1 < len)
				i++;
			else if (ch == '"')
				quote = false;
			continue;
		}
		if (depth > 0) {
			if (ch == '\\' && i + 1 < len)
				i++;
			else if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			continue;
		}
		if (bracket) {
			if (ch == ']')
				bracket = false;
			else if (ch == '[' || ch == '\\') {
				what = _("has a [ without a matching ]");
				goto bad;
			}
			continue;
		}
		switch (ch) {
		case '"':
			quote = true;
			open = i;
			break;
		case '(':
			depth = 1;
			open = i;
			break;
		case ')':
			what = _("has a ) without a matching (");
			goto bad;
		case '[':
			bracket = true;
			open = i;
			break;
		case ']':
			what = _("has a ] without a matching [");
			goto bad;
		case '<':
			if (angle) {
				what = _("has a second < before the >");
				goto bad;
			}
			angle = true;
			open = i;
			break;
		case '>':
			if (!angle) {
				what = _("has a > without a matching <");
				goto bad;
			}
			angle = false;
			break;
		case ',':
		case ';':
			if (angle)
				break;
			cut_add(c, start, i, g);
			start = i + 1;
			if (ch == ';')
				g = -1;	/* ends a group, or separates like ',' */
			break;
		case ':':
			if (angle)
				break;
			if (g >= 0) {
				what = _("has a group inside a group");
				goto bad;
			}
			c->grp = xrealloc(c->grp, (c->ngrp + 1) * sizeof *c->grp);
			c->grp[c->ngrp].a = start;
			c->grp[c->ngrp].b = i;
			c->grp[c->ngrp].first = c->nent;
			c->grp[c->ngrp].count = 0;
			g = (long)c->ngrp++;
			start = i + 1;
			break;
		}
	}
	if (quote)
		what = _("has a quote (\") that is never closed");
	else if (depth > 0)
		what = _("has a ( that is never closed");
	else if (bracket)
		what = _("has a [ without a matching ]");
	else if (angle)
		what = _("has a < without a matching >");
	if (what != NULL) {
		i = len;
		sh = shown(s + start, len - start);
		(void)open;
		err_setr(e, "usage", "%s: `%s` %s", field, sh, what);
		free(sh);
		return -1;
	}
	cut_add(c, start, len, g);
	return 0;
bad:
	sh = shown(s + start, entry_end(s, len, i + 1) - start);
	err_setr(e, "usage", "%s: `%s` %s", field, sh, what);
	free(sh);
	return -1;
}

/* Copies s[a..b) with comments replaced by a space; the text of the
 * first comment goes to *comment (when not NULL). Quotes are known to
 * balance. */
static void
strip_comments(const char *s, size_t a, size_t b, struct buf *out,
    char **comment)
{
	size_t i, depth = 0;
	bool quote = false;
	struct buf cm;

	buf_init(&cm);
	buf_adds(out, "");
	for (i = a; i < b; i++) {
		char ch = s[i];

		if (depth > 0) {
			if (ch == '\\' && i + 1 < b) {
				buf_addc(&cm, s[++i]);
				continue;
			}
			if (ch == '(')
				depth++;
			else if (ch == ')' && --depth == 0) {
				buf_addc(out, ' ');
				continue;
			}
			buf_addc(&cm, ch);
			continue;
		}
		if (quote) {
			if (ch == '\\' && i + 1 < b) {
				buf_addc(out, ch);
				ch = s[++i];
			} else if (ch == '"')
				quote = false;
			buf_addc(out, ch);
			continue;
		}
		if (ch == '(') {
			depth = 1;
			if (cm.len > 0)
				buf_addc(&cm, '\0');	/* marks: only the first */
			continue;
		}
		if (ch == '"')
			quote = true;
		buf_addc(out, ch);
	}
	if (comment != NULL) {
		char *t = cm.data != NULL ? cm.data : NULL;
		size_t n;

		*comment = NULL;
		if (t != NULL) {
			while (is_ws(*t))
				t++;
			n = strlen(t);
			while (n > 0 && is_ws(t[n - 1]))
				n--;
			if (n > 0)
				*comment = xstrndup(t, n);
		}
	}
	buf_free(&cm);
}

/* Display name from the text before '<' (or a group name): quoted
 * strings unquoted, runs of blanks outside them become one space, and
 * encoded-words in unquoted text decoded. *len is its length: a decoded
 * NUL may sit inside. */
static char *
phrase_decode(const char *p, size_t n, size_t *len)
{
	struct buf nm;
	size_t i;
	bool space = false, quoted = false;
	char *d;

	buf_init(&nm);
	buf_adds(&nm, "");
	for (i = 0; i < n; i++) {
		if (is_ws(p[i])) {
			space = nm.len > 0;
			continue;
		}
		if (space)
			buf_addc(&nm, ' ');
		space = false;
		if (p[i] == '"') {
			quoted = true;
			for (i++; i < n && p[i] != '"'; i++) {
				if (p[i] == '\\' && i + 1 < n)
					i++;
				buf_addc(&nm, p[i]);
			}
			continue;
		}
		buf_addc(&nm, p[i]);
	}
	if (!quoted && strstr(nm.data, "=?") != NULL) {
		d = enc_ew_decode_n(nm.data, len);
		buf_free(&nm);
		return d;
	}
	*len = nm.len;
	return nm.data;
}

/* RFC 5322 atext, plus UTF-8 bytes (RFC 6532). */
static bool
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static bool
is_dot_atom(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!is_atext((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* One character of s as text for an error message. */
static char *
char_at(const char *s, size_t n)
{
	size_t l = utf8_len((const unsigned char *)s, n);

	return str_escape(s, l ? l : 1);
}

struct ctx {
	const char *field;
	const char *ord;
	char *sh;		/* the entry as shown */
	struct err *e;
};

static int
fail(struct ctx *c, const char *what)
{
	/* TRANSLATORS: field name, ordinal ("the third address " or ""),
	 * the address as typed, the problem: "To: the third address `bob@`
	 * has no domain". */
	return err_setr(c->e, "usage", _("%s: %s`%s` %s"), c->field, c->ord,
	    c->sh, what);
}

static int
failc(struct ctx *c, const char *what, const char *s, size_t n)
{
	char *ch = char_at(s, n);

	/* TRANSLATORS: as above, then the offending character. */
	err_setr(c->e, "usage", _("%s: %s`%s` %s: `%s`"), c->field, c->ord,
	    c->sh, what, ch);
	free(ch);
	return -1;
}

static int
parse_domain(struct ctx *c, struct addr *a, const char *d, size_t n)
{
	struct err ie;
	size_t i, lab;
	char *ascii;

	if (n == 0)
		return fail(c, _("has no domain"));
	if (d[0] == '[') {
		/* Address literal: [IPv4] or [IPv6:...]. */
		size_t k = 1;
		bool v6 = n > 6 && strncasecmp(d + 1, "IPv6:", 5) == 0;

		if (d[n - 1] != ']' || n < 3)
			return fail(c, _("has a bad address literal (use "
			    "[192.0.2.1] or [IPv6:2001:db8::1])"));
		if (v6)
			k = 6;
		for (i = k; i < n - 1; i++) {
			char ch = d[i];

			if (!((ch >= '0' && ch <= '9') || ch == '.' || (v6 &&
			    (ch == ':' || (ch >= 'a' && ch <= 'f') ||
			    (ch >= 'A' && ch <= 'F')))))
				return fail(c, _("has a bad address literal (use "
				    "[192.0.2.1] or [IPv6:2001:db8::1])"));
		}
		if (k == n - 1)
			return fail(c, _("has a bad address literal (use "
			    "[192.0.2.1] or [IPv6:2001:db8::1])"));
		a->domain = xstrndup(d, n);
		a->domain_ascii = xstrndup(d, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)d[i];

		if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return failc(c, _("has a character not allowed in a domain"),
			    d + i, n - i);
	}
	a->domain = xstrndup(d, n);
	err_clear(&ie);
	if ((ascii = enc_idn_to_ascii(a->domain, &ie)) == NULL)
		return fail(c, ie.msg);
	a->domain_ascii = ascii;
	n = strlen(ascii);
	if (n == 0 || ascii[0] == '.' || ascii[n - 1] == '.')
		return fail(c, _("has a domain that starts or ends with a dot"));
	for (i = 0, lab = 0; i <= n; i++) {
		if (i < n && ascii[i] != '.')
			continue;
		if (i == lab)
			return fail(c, _("has two dots in a row"));
		if (i - lab > LABEL_MAX)
			return fail(c, _("has a domain label longer than 63 characters"));
		if (ascii[lab] == '-' || ascii[i - 1] == '-')
			return fail(c, _("has a domain label that starts or ends with a hyphen"));
		lab = i + 1;
	}
	return 0;
}

/* Reads "local@domain" from s[0..n) (comments gone, trimmed). */
static int
parse_spec(struct ctx *c, struct addr *a, const char *s, size_t n)
{
	struct buf loc;
	size_t i, at = 0, nat = 0, lstart;
	bool quoted = false;

	for (i = 0; i < n; i++)
		if (is_ws(s[i]) && !(s[0] == '"'))
			return fail(c, _("has a space in the address; write a name "
			    "as Name <address>"));
	buf_init(&loc);
	buf_adds(&loc, "");
	i = 0;
	if (s[0] == '"') {
		/* Quoted local part. */
		quoted = true;
		for (i = 1; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			if (s[i] == '\t') {
				/* RFC 5322 allows it; SMTP's quoted string
				 * (RFC 5321 4.1.2) cannot carry it. */
				buf_free(&loc);
				return failc(c, _("has a character not allowed "
				    "before the @"), s + i, n - i);
			}
			buf_addc(&loc, s[i]);
		}
		i++;
		for (lstart = i; lstart < n; lstart++)
			if (is_ws(s[lstart])) {
				buf_free(&loc);
				return fail(c, _("has a space in the address; write "
				    "a name as Name <address>"));
			}
	}
	for (lstart = i; i < n; i++)
		if (s[i] == '@') {
			if (nat++ == 0)
				at = i;
		}
	if (nat == 0) {
		buf_free(&loc);
		return fail(c, _("has no @ (an address looks like name@example.com)"));
	}
	if (nat > 1) {
		buf_free(&loc);
		return fail(c, _("has two @"));
	}
	if (quoted) {
		if (at != lstart) {
			buf_free(&loc);
			return failc(c, _("has a character not allowed before the @"),
			    s + lstart, n - lstart);
		}
	} else
		buf_add(&loc, s, at);
	if (loc.len == 0) {
		buf_free(&loc);
		return fail(c, _("has an empty local part (before the @)"));
	}
	if (!quoted) {
		for (i = 0; i < loc.len; i++) {
			unsigned char ch = (unsigned char)loc.data[i];

			if (ch != '.' && !is_atext(ch)) {
				failc(c, _("has a character not allowed before the @"),
				    loc.data + i, loc.len - i);
				buf_free(&loc);
				return -1;
			}
		}
		if (loc.data[0] == '.' || loc.data[loc.len - 1] == '.') {
			buf_free(&loc);
			return fail(c, _("has a dot at the start or end of the "
			    "local part"));
		}
		if (strstr(loc.data, "..") != NULL) {
			buf_free(&loc);
			return fail(c, _("has two dots in a row"));
		}
	}
	a->utf8 = enc_has_8bit(loc.data, loc.len);
	if (is_dot_atom(loc.data, loc.len))
		a->local = xstrdup(loc.data);
	else {
		struct buf q;

		buf_init(&q);
		enc_quote(&q, loc.data, loc.len);
		a->local = buf_cstr(&q);
	}
	buf_free(&loc);
	if (strlen(a->local) > LOCAL_MAX)
		return fail(c, _("has a local part longer than 64 characters"));
	if (parse_domain(c, a, s + at + 1, n - at - 1) == -1)
		return -1;
	if (strlen(a->local) + 1 + strlen(a->domain_ascii) > PATH_MAX_LEN)
		return fail(c, _("is longer than 254 characters"));
	return 0;
}

/* Reads one cleaned entry (comments already replaced) into a. */
static int
parse_mailbox(struct ctx *c, struct addr *a, const char *s, char *comment)
{
	const char *lt = NULL, *gt, *p;
	bool quote = false;
	size_t n, namelen = 0;

	for (p = s; *p != '\0'; p++) {
		if (quote) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quote = false;
		} else if (*p == '"')
			quote = true;
		else if (*p == '<') {
			lt = p;
			break;
		}
	}
	a->kind = ADDR_MAILBOX;
	if (lt != NULL) {
		/* Balanced (cut_field checked); skip quoted '>'. */
		for (gt = lt + 1, quote = false; *gt != '\0'; gt++) {
			if (quote) {
				if (*gt == '\\' && gt[1] != '\0')
					gt++;
				else if (*gt == '"')
					quote = false;
			} else if (*gt == '"')
				quote = true;
			else if (*gt == '>')
				break;
		}
		if (*gt == '\0')
			return fail(c, _("has a < without a matching >"));
		for (p = gt + 1; *p != '\0'; p++)
			if (!is_ws(*p))
				return fail(c, _("has text after the >"));
		a->name = phrase_decode(s, (size_t)(lt - s), &namelen);
		/* Decoded text is checked again (below), NULs included. */
		if (namelen > 0 && memchr(a->name, '\0', namelen) != NULL)
			return fail(c, _("has a control character in its name"));
		if (a->name[0] == '\0') {
			free(a->name);
			a->name = NULL;
		}
		s = lt + 1;
		while (is_ws(*s))
			s++;
		n = (size_t)(gt - s);
		while (n > 0 && is_ws(s[n - 1]))
			n--;
		if (n == 0)
			return fail(c, _("has nothing between < and >"));
	} else {
		while (is_ws(*s))
			s++;
		n = strlen(s);
		while (n > 0 && is_ws(s[n - 1]))
			n--;
	}
	if (a->name == NULL && comment != NULL)
		a->name = xstrdup(comment);	/* old style: a@b (Name) */
	if (a->name != NULL && addr_check_text(c->field, a->name,
	    strlen(a->name), NULL) == -1)
		return fail(c, _("has a control character in its name"));
	return parse_spec(c, a, s, n);
}

static void
addr_clear(struct addr *a)
{
	free(a->name);
	free(a->local);
	free(a->domain);
	free(a->domain_ascii);
	memset(a, 0, sizeof *a);
}

void
addr_list_free(struct addr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		addr_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct addr *
list_add(struct addr_list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	memset(&l->v[l->n], 0, sizeof *l->v);
	return &l->v[l->n++];
}

static bool
blank(const char *s)
{
	while (is_ws(*s))
		s++;
	return *s == '\0';
}

int
addr_parse(const char *field, const char *s, size_t len, struct addr_list *l,
    struct err *e)
{
	struct cut cut = { NULL, 0, NULL, 0 };
	struct buf *clean = NULL;
	char **comment = NULL, tmp[64];
	size_t i, k, total = 0;
	long cur = -1;
	struct ctx c = { NULL, NULL, NULL, NULL };
	int rc = -1;

	l->v = NULL;
	l->n = 0;
	if (s == NULL)
		return 0;
	if (addr_check_text(field, s, len, e) == -1)
		return -1;
	if (cut_field(field, s, len, &cut, e) == -1)
		goto out;
	clean = xcalloc(cut.nent, sizeof *clean);
	comment = xcalloc(cut.nent, sizeof *comment);
	for (i = 0; i < cut.nent; i++) {
		buf_init(&clean[i]);
		strip_comments(s, cut.ent[i].a, cut.ent[i].b, &clean[i], &comment[i]);
		if (!blank(clean[i].data))
			total++;
	}
	c.field = field;
	c.e = e;
	c.sh = NULL;
	for (i = 0, k = 0; i < cut.nent; i++) {
		struct addr *a;
		struct group *g;

		if (cut.ent[i].g != cur) {
			cur = cut.ent[i].g;
			if (cur >= 0) {
				char *nm;
				size_t nmlen = 0;

				g = &cut.grp[cur];
				a = list_add(l);
				a->kind = ADDR_GROUP;
				{
					struct buf gb;

					buf_init(&gb);
					strip_comments(s, g->a, g->b, &gb, NULL);
					nm = phrase_decode(gb.data, gb.len, &nmlen);
					buf_free(&gb);
				}
				if (nm[0] == '\0') {
					char *sh = shown(s + g->a, g->b + 1 - g->a);

					err_setr(e, "usage", _("%s: `%s` has a group "
					    "without a name before the :"), field, sh);
					free(sh);
					free(nm);
					goto out;
				}
				if (addr_check_text(field, nm, nmlen, e) == -1) {
					free(nm);
					goto out;
				}
				a->name = nm;
			}
		}
		if (blank(clean[i].data))
			continue;
		c.ord = ordinal(k, total, tmp, sizeof tmp);
		c.sh = shown(s + cut.ent[i].a, cut.ent[i].b - cut.ent[i].a);
		a = list_add(l);
		if (parse_mailbox(&c, a, clean[i].data, comment[i]) == -1)
			goto out;
		free(c.sh);
		c.sh = NULL;
		if (cur >= 0) {
			/* Find the group entry (the last group before a). */
			size_t j = l->n - 1;

			while (j > 0 && l->v[j - 1].kind != ADDR_GROUP)
				j--;
			if (j > 0)
				l->v[j - 1].members++;
		}
		k++;
	}
	rc = 0;
out:
	if (c.sh != NULL && rc == -1)
		free(c.sh);
	for (i = 0; i < cut.nent; i++) {
		if (clean != NULL)
			buf_free(&clean[i]);
		if (comment != NULL)
			free(comment[i]);
	}
	free(clean);
	free(comment);
	free(cut.ent);
	free(cut.grp);
	if (rc == -1)
		addr_list_free(l);
	return rc;
}

size_t
addr_count(const struct addr_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == ADDR_MAILBOX)
			n++;
	return n;
}

char *
addr_spec(const struct addr *a, bool ascii)
{
	return xasprintf("%s@%s", a->local, ascii ? a->domain_ascii : a->domain);
}

void
addr_specs_add(char ***v, size_t *n, const struct addr_list *l)
{
	size_t i, j;
	char *s, *at, *at2;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind != ADDR_MAILBOX)
			continue;
		s = addr_spec(&l->v[i], true);
		at = strrchr(s, '@');
		for (j = 0; j < *n; j++) {
			at2 = strrchr((*v)[j], '@');
			/* Local parts are case-sensitive, domains are not. */
			if (at2 != NULL && at - s == at2 - (*v)[j] &&
			    memcmp(s, (*v)[j], (size_t)(at - s)) == 0 &&
			    strcasecmp(at, at2) == 0)
				break;
		}
		if (j < *n) {
			free(s);
			continue;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = s;
	}
}

/* --- rendering */

static bool
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Whether name can go out as atoms: words of atext separated by single
 * spaces, none looking like an encoded-word. */
static bool
atom_phrase(const char *name, bool utf8)
{
	const char *p;

	if (name[0] == '\0' || name[0] == ' ' || strstr(name, "=?") != NULL)
		return false;
	for (p = name; *p != '\0'; p++) {
		if (*p == ' ') {
			if (p[1] == ' ' || p[1] == '\0')
				return false;
			continue;
		}
		if ((unsigned char)*p >= 0x80 ? !utf8 : !is_atext((unsigned char)*p))
			return false;
		if (p - name > ENC_MAXWORD)
			return false;
	}
	return true;
}

/* Appends a token with suffix glued to it (a ',' or ';' that must not
 * be pushed past the fold). */
static void
token_sfx(struct enc_hdr *h, const char *tok, size_t n, const char *sfx)
{
	char *t = xasprintf("%.*s%s", (int)n, tok, sfx);

	enc_hdr_token(h, " ", t, strlen(t));
	free(t);
}

/* Appends a display or group name with sfx after it (after a blank
 * when the name ends in an encoded-word, as RFC 2047 5(3) asks). */
static void
render_phrase(struct enc_hdr *h, const char *name, bool utf8, const char *sfx)
{
	size_t n = strlen(name);
	const char *p, *sp;
	struct buf q;

	if ((!utf8 && enc_has_8bit(name, n)) || has_ctl(name) ||
	    strstr(name, "=?") != NULL)
		goto ew;
	if (atom_phrase(name, utf8)) {
		for (p = name; ; p = sp + 1) {
			sp = strchr(p, ' ');
			if (sp == NULL) {
				token_sfx(h, p, strlen(p), sfx);
				break;
			}
			enc_hdr_token(h, " ", p, (size_t)(sp - p));
		}
		return;
	}
	buf_init(&q);
	enc_quote(&q, name, n);
	if (q.len <= ENC_FOLD - 2) {
		token_sfx(h, q.data, q.len, sfx);
		buf_free(&q);
		return;
	}
	buf_free(&q);
	/* Too long to stay on one line quoted: encoded-words fold. */
ew:
	enc_hdr_ew(h, " ", name, n, true);
	if (*sfx != '\0')
		enc_hdr_token(h, " ", sfx, strlen(sfx));
}

static void
render_mailbox(struct enc_hdr *h, const struct addr *a, bool utf8,
    const char *sfx)
{
	char *spec = addr_spec(a, !utf8), *t;

	if (a->name != NULL) {
		render_phrase(h, a->name, utf8, "");
		t = xasprintf("<%s>", spec);
		token_sfx(h, t, strlen(t), sfx);
		free(t);
	} else
		token_sfx(h, spec, strlen(spec), sfx);
	free(spec);
}

void
addr_render(struct enc_hdr *h, const struct addr_list *l, bool utf8)
{
	size_t i = 0, m, next;
	char sfx[4];

	while (i < l->n) {
		const struct addr *a = &l->v[i];
		const char *comma;

		next = a->kind == ADDR_GROUP ? i + 1 + a->members : i + 1;
		comma = next < l->n ? "," : "";
		if (a->kind == ADDR_GROUP) {
			if (a->members == 0) {
				snprintf(sfx, sizeof sfx, ":;%s", comma);
				render_phrase(h, a->name, utf8, sfx);
			} else {
				render_phrase(h, a->name, utf8, ":");
				for (m = 0; m < a->members; m++) {
					if (m + 1 < a->members)
						snprintf(sfx, sizeof sfx, ",");
					else
						snprintf(sfx, sizeof sfx, ";%s", comma);
					render_mailbox(h, &l->v[i + 1 + m], utf8, sfx);
				}
			}
		} else
			render_mailbox(h, a, utf8, comma);
		i = next;
	}
}

bool
addr_scan_sep(struct addr_scan *st, unsigned long c)
{
	if (st->escape) {
		st->escape = false;
		return false;
	}
	if (c == '\\' && (st->quote || st->paren > 0))
		st->escape = true;
	else if (c == '"' && st->paren == 0)
		st->quote = !st->quote;
	else if (st->quote)
		return false;
	else if (c == '(')
		st->paren++;
	else if (c == ')' && st->paren > 0)
		st->paren--;
	else if (st->paren > 0)
		return false;
	else if (c == '<')
		st->angle++;
	else if (c == '>' && st->angle > 0)
		st->angle--;
	else if (c == ',' && st->angle == 0)
		return true;
	return false;
}

char **
addr_split(const char *list, size_t *np)
{
	struct addr_scan st = { 0 };
	char **v = NULL;
	size_t n = 0;
	const char *p, *start = list;

	for (p = list;; p++) {
		if (*p == '\0' || addr_scan_sep(&st, (unsigned char)*p)) {
			const char *s = start, *e = p;

			while (s < e && isspace((unsigned char)*s))
				s++;
			while (e > s && isspace((unsigned char)e[-1]))
				e--;
			if (e > s) {
				v = xrealloc(v, (n + 1) * sizeof *v);
				v[n++] = xstrndup(s, (size_t)(e - s));
			}
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	*np = n;
	return v;
}

char *
addr_bare(const char *t)
{
	const char *lt = strrchr(t, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	while (isspace((unsigned char)*t))
		t++;
	return xstrdup(t);
}
