/* Answering a received message; see answer.h. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "mail/answer.h"
#include "mail/encode.h"
#include "mail/parse.h"

/* --- subject */

static size_t
prefix_len(const char *s, const char *const *words)
{
	const char *p;
	size_t n;

	for (; *words != NULL; words++) {
		n = strlen(*words);
		if (strncasecmp(s, *words, n) != 0)
			continue;
		p = s + n;
		/* "Re[2]:", "Re(2):" */
		if (*p == '[' || *p == '(') {
			char close = *p == '[' ? ']' : ')';

			p++;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p != close)
				continue;
			p++;
		}
		if (*p == ':') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			return (size_t)(p - s);
		}
		/* A full-width colon (Chinese and Japanese mail). */
		if (strncmp(p, "\xef\xbc\x9a", 3) == 0) {
			p += 3;
			while (*p == ' ' || *p == '\t')
				p++;
			return (size_t)(p - s);
		}
	}
	return 0;
}

char *
answer_subject(const char *subject, bool forward)
{
	static const char *const re[] = { "re", "aw", "sv", "antw", "vs", "ref",
		"res", "odp", "r", "\xe5\x9b\x9e\xe5\xa4\x8d" /* 回复 */,
		"\xe7\xad\x94\xe5\xa4\x8d" /* 答复 */, NULL };
	static const char *const fw[] = { "fwd", "fw", "wg", "tr", "rv", "enc",
		"i", "\xe8\xbd\xac\xe5\x8f\x91" /* 转发 */, NULL };
	const char *s = subject != NULL ? subject : "";
	size_t k;

	while (*s == ' ' || *s == '\t')
		s++;
	while ((k = prefix_len(s, forward ? fw : re)) > 0)
		s += k;
	return xasprintf("%s%s", forward ? "Fwd: " : "Re: ", s);
}

/* --- message IDs */

/* The IDs "<...@...>" of s in order, at most max (0: all). */
static char **
ids_of(const char *s, size_t *n)
{
	char **v = NULL;
	const char *p = s, *a, *z;
	size_t i;
	bool ok;

	*n = 0;
	if (s == NULL)
		return NULL;
	while ((a = strchr(p, '<')) != NULL) {
		if ((z = strchr(a, '>')) == NULL)
			break;
		ok = z - a > 2 && memchr(a, '@', (size_t)(z - a)) != NULL &&
		    z - a <= ENC_MAXWORD;
		for (i = 1; ok && a + i < z; i++)
			if ((unsigned char)a[i] <= 32 || (unsigned char)a[i] >= 127 ||
			    a[i] == '<')
				ok = false;
		if (ok) {
			v = xrealloc(v, (*n + 1) * sizeof *v);
			v[(*n)++] = xstrndup(a, (size_t)(z - a) + 1);
		}
		p = z + 1;
	}
	return v;
}

char *
answer_msgid(const char *field)
{
	size_t n;
	char **v = ids_of(field, &n), *r = NULL;

	if (n > 0) {
		r = v[0];
		v[0] = NULL;
	}
	strv_free(v, n);
	return r;
}

char *
answer_references(const char *references, const char *in_reply_to,
    const char *msgid)
{
	size_t n, i, m;
	char **v = ids_of(references, &n), *id = answer_msgid(msgid);
	struct buf b;

	if (n == 0) {
		strv_free(v, n);
		v = ids_of(in_reply_to, &n);
		/* RFC 5322 3.6.4: only a single ID there is a parent's. */
		if (n != 1) {
			strv_free(v, n);
			v = NULL;
			n = 0;
		}
	}
	if (id != NULL && (n == 0 || strcmp(v[n - 1], id) != 0)) {
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = id;
		id = NULL;
	}
	free(id);
	if (n == 0) {
		free(v);
		return NULL;
	}
	buf_init(&b);
	/* A long thread: its root and the newest ones. */
	m = n > ANSWER_MAX_REFS ? n - (ANSWER_MAX_REFS - 1) : 1;
	buf_adds(&b, v[0]);
	for (i = m; i < n; i++) {
		buf_addc(&b, ' ');
		buf_adds(&b, v[i]);
	}
	strv_free(v, n);
	return buf_cstr(&b);
}

/* --- addresses */

char *
answer_typed_addr(const char *name, const char *spec)
{
	struct buf b;

	if (name == NULL || *name == '\0')
		return xstrdup(spec);
	buf_init(&b);
	if (strpbrk(name, "()<>[]:;@\\,.\"") != NULL)
		enc_quote(&b, name, strlen(name));
	else
		buf_adds(&b, name);
	buf_addf(&b, " <%s>", spec);
	return buf_cstr(&b);
}

struct alist {
	char **typed, **bare;
	size_t n;
};

static void
alist_free(struct alist *l)
{
	strv_free(l->typed, l->n);
	strv_free(l->bare, l->n);
	memset(l, 0, sizeof *l);
}

static bool
alist_has(const struct alist *l, const char *bare)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->bare[i], bare) == 0)
			return true;
	return false;
}

static bool
is_own(const char *bare, const char *const *own, size_t nown)
{
	size_t i;

	for (i = 0; i < nown; i++)
		if (own[i] != NULL && strcasecmp(own[i], bare) == 0)
			return true;
	return false;
}

/* The mailboxes of a field's value, parsed leniently: a list that does
 * not parse is read entry by entry, the bad entries left out. */
static void
mailboxes(const char *value, struct addr_list *out)
{
	struct addr_list l;
	struct err e;
	char **v;
	size_t n, i, j;

	out->v = NULL;
	out->n = 0;
	if (value == NULL)
		return;
	if (addr_parse("To", value, strlen(value), &l, &e) == 0) {
		*out = l;
		return;
	}
	addr_list_free(&l);
	v = addr_split(value, &n);
	for (i = 0; i < n; i++) {
		if (addr_parse("To", v[i], strlen(v[i]), &l, &e) == 0) {
			for (j = 0; j < l.n; j++) {
				out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
				out->v[out->n++] = l.v[j];
			}
			free(l.v);
		} else
			addr_list_free(&l);
	}
	strv_free(v, n);
}

/* Adds the mailboxes of value to l, but none of own or of skip. */
static void
alist_add(struct alist *l, const char *value, const char *const *own,
    size_t nown, const struct alist *skip)
{
	struct addr_list al;
	size_t i;

	mailboxes(value, &al);
	for (i = 0; i < al.n; i++) {
		struct addr *a = &al.v[i];
		char *bare, *ascii;

		if (a->kind != ADDR_MAILBOX)
			continue;
		bare = addr_spec(a, false);
		ascii = addr_spec(a, true);
		if (is_own(bare, own, nown) || is_own(ascii, own, nown) ||
		    alist_has(l, bare) || (skip != NULL && alist_has(skip, bare))) {
			free(bare);
			free(ascii);
			continue;
		}
		free(ascii);
		l->typed = xrealloc(l->typed, (l->n + 1) * sizeof *l->typed);
		l->bare = xrealloc(l->bare, (l->n + 1) * sizeof *l->bare);
		l->typed[l->n] = answer_typed_addr(a->name, bare);
		l->bare[l->n] = bare;
		l->n++;
	}
	addr_list_free(&al);
}

static char *
alist_join(const struct alist *l)
{
	struct buf b;
	size_t i;

	if (l->n == 0)
		return NULL;
	buf_init(&b);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, l->typed[i]);
	}
	return buf_cstr(&b);
}

/* Whether the first mailbox of value is one of own. */
static bool
first_is_own(const char *value, const char *const *own, size_t nown)
{
	struct addr_list al;
	bool r = false;
	size_t i;

	mailboxes(value, &al);
	for (i = 0; i < al.n; i++) {
		if (al.v[i].kind != ADDR_MAILBOX)
			continue;
		{
			char *bare = addr_spec(&al.v[i], false);

			r = is_own(bare, own, nown);
			free(bare);
		}
		break;
	}
	addr_list_free(&al);
	return r;
}

void
answer_recipients(const struct mparse *p, bool all, const char *const *own,
    size_t nown, char **to, char **cc)
{
	const char *from = mparse_field(p, "From");
	const char *rt = mparse_field(p, "Reply-To");
	struct alist t = { 0 }, c = { 0 };

	if (from != NULL && first_is_own(from, own, nown)) {
		/* A reply to one's own message goes on to its recipients. */
		alist_add(&t, mparse_field(p, "To"), own, nown, NULL);
	} else {
		alist_add(&t, rt != NULL ? rt : from, own, nown, NULL);
		if (t.n == 0 && rt != NULL)
			alist_add(&t, from, own, nown, NULL);
		if (all)
			alist_add(&t, mparse_field(p, "To"), own, nown, NULL);
	}
	if (all)
		alist_add(&c, mparse_field(p, "Cc"), own, nown, &t);
	if (t.n == 0 && c.n == 0)
		/* Nobody but the user: then to the sender after all. */
		alist_add(&t, rt != NULL ? rt : from, NULL, 0, NULL);
	*to = alist_join(&t);
	if (*to == NULL)
		*to = xstrdup("");
	*cc = alist_join(&c);
	alist_free(&t);
	alist_free(&c);
}

int
answer_addressed_to(const struct mparse *p, const char *const *own,
    size_t nown)
{
	static const char *const where[] = { "Delivered-To", "X-Original-To",
		"To", "Cc" };
	size_t w, i, k;
	int found = -1;

	for (w = 0; w < 4 && found < 0; w++) {
		const char *name, *value;
		struct addr_list al;

		/* Every field of that name: Delivered-To comes once a hop. */
		for (k = 0; found < 0 && mparse_field_at(p, k, &name, &value); k++) {
			if (strcasecmp(name, where[w]) != 0)
				continue;
			mailboxes(value, &al);
			for (i = 0; i < al.n && found < 0; i++) {
				char *bare;
				size_t j;

				if (al.v[i].kind != ADDR_MAILBOX)
					continue;
				bare = addr_spec(&al.v[i], false);
				for (j = 0; j < nown; j++)
					if (own[j] != NULL && strcasecmp(own[j], bare) == 0) {
						found = (int)j;
						break;
					}
				free(bare);
			}
			addr_list_free(&al);
		}
	}
	return found;
}

/* --- quoting */

char *
answer_quote(const char *text)
{
	struct buf b;
	const char *p = text, *end, *nl, *sig = NULL;

	end = text + strlen(text);
	/* The signature: from the last "-- " line on. */
	for (p = text; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl - p == 3 && memcmp(p, "-- ", 3) == 0)
			sig = p;
		if (nl == end)
			break;
	}
	if (sig != NULL)
		end = sig;
	/* No blank lines at either end. */
	p = text;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || strspn(p, " \t") < (size_t)(nl - p))
			break;
		p = nl + 1;
	}
	while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	buf_init(&b);
	buf_adds(&b, "");
	while (p < end) {
		size_t l;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		l = (size_t)(nl - p);
		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		/* No blank after ">": it would be a soft break when flowed. */
		if (l == 0)
			buf_addc(&b, '>');
		else if (p[0] == '>')
			buf_addc(&b, '>');
		else
			buf_adds(&b, "> ");
		buf_add(&b, p, l);
		buf_addc(&b, '\n');
		p = nl + 1;
	}
	return buf_cstr(&b);
}

/* The sender's name, else address, for an attribution. */
static char *
sender_name(const struct mparse *p)
{
	struct addr_list al;
	char *r = NULL;
	size_t i;

	mailboxes(mparse_field(p, "From"), &al);
	for (i = 0; i < al.n && r == NULL; i++) {
		if (al.v[i].kind != ADDR_MAILBOX)
			continue;
		if (al.v[i].name != NULL && *al.v[i].name != '\0')
			r = xstrdup(al.v[i].name);
		else
			r = addr_spec(&al.v[i], false);
	}
	addr_list_free(&al);
	if (r == NULL)
		r = mparse_field_text(p, "From");
	return r;
}

char *
answer_attribution(const struct mparse *p)
{
	char *name = sender_name(p), *date = mparse_field_text(p, "Date"), *r;

	if (name == NULL)
		name = xstrdup(_("someone"));
	if (date != NULL && *date != '\0')
		/* TRANSLATORS: the line above a quoted message: its Date as
		 * written (in English, "Tue, 4 Jun 2024 10:00:00 +0200") and
		 * its sender's name. */
		r = xasprintf(_("On %s, %s wrote:"), date, name);
	else
		/* TRANSLATORS: the line above a quoted message without a date. */
		r = xasprintf(_("%s wrote:"), name);
	free(name);
	free(date);
	return r;
}

char *
answer_forward_text(const struct mparse *p)
{
	static const char *const names[] = { "From", "Date", "Subject", "To",
		"Cc" };
	struct buf b;
	size_t i;
	const char *text = mparse_text(p);

	buf_init(&b);
	buf_adds(&b, _("---------- Forwarded message ----------"));
	buf_addc(&b, '\n');
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *v = mparse_field_text(p, names[i]);

		if (v != NULL && *v != '\0')
			buf_addf(&b, "%s: %s\n", names[i], v);
		free(v);
	}
	buf_addc(&b, '\n');
	buf_adds(&b, text);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	return buf_cstr(&b);
}
