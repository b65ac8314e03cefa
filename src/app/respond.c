/* Answering a message file; see respond.h. The message is parsed by
 * mail/parse.c and answered by mail/answer.c; this adds the user's
 * addresses (profiles), the profile to answer from, and the forwarded
 * copy on disk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/respond.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "mail/answer.h"
#include "mail/parse.h"

int
respond_read(const char *path, char **data, size_t *len, struct err *e)
{
	/* A pipe is fine: missive reply <(notmuch show --format=raw ...) */
	const char *shown = strcmp(path, "-") == 0 ? _("standard input") : path;

	if (file_read_input(path, MPARSE_MAX, data, len) == 0)
		return 0;
	if (errno == EFBIG)
		return err_setr(e, "usage", _("`%s` is larger than %u MiB: "
		    "not a message missive answers"), shown, MPARSE_MAX >> 20);
	return err_setr(e, "usage", _("cannot read `%s`: %s"), shown,
	    strerror(errno));
}

/* The user's addresses: each profile's from and alternates, and the
 * alternates of [missive]; owner[i] is the profile of own[i] (NULL for
 * [missive]'s). */
struct own {
	char **v;
	const struct profile **owner;
	size_t n;
};

static void
own_add_list(struct own *o, const char *list, const struct profile *p)
{
	struct addr_list l;
	struct err e;
	size_t i;

	if (list == NULL || addr_parse("From", list, strlen(list), &l, &e) == -1) {
		if (list != NULL)
			addr_list_free(&l);
		return;
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].kind != ADDR_MAILBOX)
			continue;
		o->v = xrealloc(o->v, (o->n + 1) * sizeof *o->v);
		o->owner = xrealloc(o->owner, (o->n + 1) * sizeof *o->owner);
		o->v[o->n] = addr_spec(&l.v[i], false);
		o->owner[o->n++] = p;
	}
	addr_list_free(&l);
}

static void
own_collect(struct own *o, const struct profiles *ps)
{
	size_t i;

	memset(o, 0, sizeof *o);
	if (ps == NULL)
		return;
	for (i = 0; i < profiles_count(ps); i++)
		own_add_list(o, profiles_get(ps, i)->from, profiles_get(ps, i));
	for (i = 0; i < profiles_count(ps); i++)
		own_add_list(o, profiles_get(ps, i)->alternates, profiles_get(ps, i));
	own_add_list(o, profiles_defaults(ps)->alternates, NULL);
}

static void
own_free(struct own *o)
{
	strv_free(o->v, o->n);
	free(o->owner);
}

static struct mparse *
parse_checked(const char *data, size_t len, struct err *e)
{
	struct mparse *p = mparse_new(data, len);
	const char *name, *value;

	if (!mparse_field_at(p, 0, &name, &value)) {
		mparse_free(p);
		err_setr(e, "usage", "%s", _("this is not a mail message: it has "
		    "no header fields (From:, Subject: ...)"));
		return NULL;
	}
	return p;
}

static void
pick_profile(const struct mparse *p, const struct own *o, struct respond *r)
{
	int k = answer_addressed_to(p, (const char *const *)o->v, o->n);

	r->prof = k >= 0 ? o->owner[k] : NULL;
}

int
respond_reply(const char *data, size_t len, bool all,
    const struct profiles *ps, struct respond *r, struct err *e)
{
	struct mparse *p;
	struct own o;
	char *subj, *attr, *quote;

	memset(r, 0, sizeof *r);
	if ((p = parse_checked(data, len, e)) == NULL)
		return -1;
	own_collect(&o, ps);
	pick_profile(p, &o, r);
	answer_recipients(p, all, (const char *const *)o.v, o.n, &r->to, &r->cc);
	subj = mparse_field_text(p, "Subject");
	r->subject = answer_subject(subj, false);
	free(subj);
	r->in_reply_to = answer_msgid(mparse_field(p, "Message-ID"));
	r->references = answer_references(mparse_field(p, "References"),
	    mparse_field(p, "In-Reply-To"), mparse_field(p, "Message-ID"));
	attr = answer_attribution(p);
	quote = answer_quote(mparse_text(p));
	r->body = xasprintf("%s\n%s\n", attr, quote);
	free(attr);
	free(quote);
	own_free(&o);
	mparse_free(p);
	return 0;
}

char *
respond_forward_dir(void)
{
	return xdg_path("data", "forward");
}

/* A file name from the subject: letters, digits, '-' and '_' (a blank
 * becomes '-'), at most 60 bytes, never empty. */
static char *
copy_name(const char *subject)
{
	struct buf b;
	const char *s = subject != NULL ? subject : "";

	buf_init(&b);
	for (; *s != '\0' && b.len < 60; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')
			buf_addc(&b, (char)c);
		else if ((c == ' ' || c == '.' || c == ':') && b.len > 0 &&
		    b.data[b.len - 1] != '-')
			buf_addc(&b, '-');
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.len--;
	if (b.len == 0)
		buf_adds(&b, "message");
	return buf_cstr(&b);
}

int
respond_forward(const char *data, size_t len, bool inline_text,
    const struct profiles *ps, struct respond *r, struct err *e)
{
	struct mparse *p;
	struct own o;
	char *subj, *dir, *base, *path = NULL;
	int i;

	memset(r, 0, sizeof *r);
	if ((p = parse_checked(data, len, e)) == NULL)
		return -1;
	own_collect(&o, ps);
	pick_profile(p, &o, r);
	own_free(&o);
	subj = mparse_field_text(p, "Subject");
	r->subject = answer_subject(subj, true);
	if (inline_text) {
		r->body = answer_forward_text(p);
		r->left_out = mparse_nattach(p);
		free(subj);
		mparse_free(p);
		return 0;
	}
	/* The original goes as it is: from a copy that a draft can name. */
	dir = respond_forward_dir();
	base = copy_name(subj);
	free(subj);
	for (i = 1; i < 1000; i++) {
		free(path);
		path = i == 1 ? xasprintf("%s/%s.eml", dir, base) :
		    xasprintf("%s/%s-%d.eml", dir, base, i);
		if (access(path, F_OK) == -1 && errno == ENOENT)
			break;
	}
	free(dir);
	free(base);
	mparse_free(p);
	if (i == 1000 || file_write_atomic(path, data, len, 0600, e) == -1) {
		if (i == 1000)
			err_setr(e, "usage", _("cannot make a file name for the "
			    "forwarded message in %s"), path);
		free(path);
		respond_free(r);
		return -1;
	}
	r->attach = path;
	r->body = xstrdup("");
	return 0;
}

void
respond_free(struct respond *r)
{
	free(r->to);
	free(r->cc);
	free(r->subject);
	free(r->body);
	free(r->in_reply_to);
	free(r->references);
	free(r->attach);
	memset(r, 0, sizeof *r);
}
