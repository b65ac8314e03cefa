/* A finished message read from a descriptor (see rawmsg.h): the header
 * section in memory, checked and parsed into fields; the body copied
 * through a fixed buffer with its line ends made CRLF. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/encode.h"
#include "mail/rawmsg.h"

#define BLOCK	65536

struct field {
	size_t off, len;	/* its lines in head, line ends included */
	size_t name_len;	/* the name, before any blank and the colon */
};

struct rawmsg {
	int fd;
	struct buf head;	/* what was read: the header, then the body's start */
	size_t body_off;	/* where the body starts in head */
	bool has_header;
	bool eof;		/* fd reached its end while reading the header */
	bool written;
	unsigned long long lines;	/* input lines up to the body */
	struct field *f;
	size_t nf;
};

static int
read_some(struct rawmsg *r, struct err *e)
{
	char tmp[BLOCK];
	ssize_t n;

	for (;;) {
		n = read(r->fd, tmp, sizeof tmp);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_setr(e, "local", _("cannot read the message: %s"),
			    strerror(errno));
		if (n == 0)
			r->eof = true;
		else
			buf_add(&r->head, tmp, (size_t)n);
		return 0;
	}
}

/* The length of a field name at s (printable ASCII but the colon, RFC
 * 5322 3.6.8) when a colon follows it, blanks allowed before the colon
 * (obs-optional); 0 when s does not start a field. */
static size_t
field_name(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && s[i] > 32 && s[i] < 127 && s[i] != ':')
		i++;
	if (i == 0)
		return 0;
	for (k = i; k < n && (s[k] == ' ' || s[k] == '\t'); k++)
		;
	return k < n && s[k] == ':' ? i : 0;
}

/* Checks one header line (without its line end). */
static int
check_line(const char *s, size_t n, unsigned long long line, struct err *e)
{
	const char *p;

	if (n > RAWMSG_LINE_MAX)
		return err_setr(e, RAWMSG_BAD, _("line %llu of the header is %zu "
		    "bytes long; a line may have at most %d (RFC 5322): fold it"),
		    line, n, RAWMSG_LINE_MAX);
	if (memchr(s, '\0', n) != NULL)
		return err_setr(e, RAWMSG_BAD, _("line %llu of the header holds a "
		    "NUL byte"), line);
	if ((p = memchr(s, '\r', n)) != NULL)
		return err_setr(e, RAWMSG_BAD, _("line %llu of the header holds a "
		    "carriage return that does not end the line"), line);
	return 0;
}

struct rawmsg *
rawmsg_read_head(int fd, struct err *e)
{
	struct rawmsg *r = xcalloc(1, sizeof *r);
	size_t p = 0;		/* the next line's start in head */

	r->fd = fd;
	buf_init(&r->head);
	buf_adds(&r->head, "");
	for (;;) {
		const char *base, *nl;
		size_t len, end, next;
		size_t name;

		base = r->head.data + p;
		nl = memchr(base, '\n', r->head.len - p);
		if (nl == NULL && !r->eof) {
			if (r->head.len > RAWMSG_HEAD_MAX) {
				err_setr(e, RAWMSG_BAD, _("the header section is "
				    "larger than %d KiB: is the empty line that "
				    "ends it missing?"), RAWMSG_HEAD_MAX / 1024);
				goto fail;
			}
			if (read_some(r, e) == -1)
				goto fail;
			continue;
		}
		if (nl == NULL && r->head.len == p) {
			/* The end of the input: a message of header only. */
			r->body_off = p;
			break;
		}
		next = nl != NULL ? (size_t)(nl - r->head.data) + 1 : r->head.len;
		end = nl != NULL ? (size_t)(nl - r->head.data) : r->head.len;
		if (end > p && r->head.data[end - 1] == '\r' && nl != NULL)
			end--;
		len = end - p;
		r->lines++;
		/* An mbox separator is not part of the message. */
		if (r->lines == 1 && len >= 5 && memcmp(base, "From ", 5) == 0) {
			p = next;
			continue;
		}
		if (len == 0) {
			r->body_off = next;
			break;
		}
		name = field_name(base, len);
		if (r->nf == 0 && name == 0) {
			/* No header at all: everything is the body. */
			r->lines--;
			r->body_off = p;
			break;
		}
		if (check_line(base, len, r->lines, e) == -1)
			goto fail;
		if (name == 0 && base[0] != ' ' && base[0] != '\t') {
			err_setr(e, RAWMSG_BAD, _("line %llu is neither a header field "
			    "(Name: value) nor the continuation of one, and no empty "
			    "line before it ends the header"), r->lines);
			goto fail;
		}
		if (name != 0) {
			r->f = xrealloc(r->f, (r->nf + 1) * sizeof *r->f);
			r->f[r->nf].off = p;
			r->f[r->nf].name_len = name;
			r->nf++;
		}
		r->f[r->nf - 1].len = next - r->f[r->nf - 1].off;
		p = next;
	}
	if (r->nf > 0)
		r->has_header = true;
	return r;
fail:
	rawmsg_free(r);
	return NULL;
}

void
rawmsg_free(struct rawmsg *r)
{
	if (r == NULL)
		return;
	buf_free(&r->head);
	free(r->f);
	free(r);
}

bool
rawmsg_has_header(const struct rawmsg *r)
{
	return r->has_header;
}

static bool
is_field(const struct rawmsg *r, size_t i, const char *name)
{
	return r->f[i].name_len == strlen(name) &&
	    strncasecmp(r->head.data + r->f[i].off, name, r->f[i].name_len) == 0;
}

char *
rawmsg_field(const struct rawmsg *r, const char *name)
{
	struct buf b, v;
	size_t i, k, a, z;

	buf_init(&b);
	buf_init(&v);
	for (i = 0; i < r->nf; i++) {
		const char *s = r->head.data + r->f[i].off;
		size_t n = r->f[i].len;

		if (!is_field(r, i, name))
			continue;
		for (k = r->f[i].name_len; s[k] != ':'; k++)
			;
		/* Unfolding removes the line ends and keeps the blanks. */
		v.len = 0;
		for (k++; k < n; k++)
			if (s[k] != '\r' && s[k] != '\n')
				buf_addc(&v, s[k]);
		for (a = 0; a < v.len && (v.data[a] == ' ' || v.data[a] == '\t'); a++)
			;
		for (z = v.len; z > a && (v.data[z - 1] == ' ' || v.data[z - 1] == '\t'); z--)
			;
		if (z == a)
			continue;
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_add(&b, v.data + a, z - a);
	}
	buf_free(&v);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_cstr(&b);
}

/* --- writing */

struct out {
	int fd;
	char buf[BLOCK];
	size_t n;
	uint64_t total;		/* bytes given to out_add, o->n of them buffered */
};

/* A large spool starts to reach the disk while it is still written, so
 * that its fsync (the outbox's) does not wait for all of it. */
#define WRITEBACK_EVERY	(4u << 20)

static int
out_flush(struct out *o, struct err *e)
{
	size_t done = 0;
	ssize_t w;

	while (done < o->n) {
		w = write(o->fd, o->buf + done, o->n - done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_setr(e, "local", _("cannot write the message: %s"),
			    strerror(w == 0 ? EIO : errno));
		done += (size_t)w;
	}
	/* This write crossed a multiple of WRITEBACK_EVERY. */
	if (o->total / WRITEBACK_EVERY != (o->total - o->n) / WRITEBACK_EVERY)
		fd_writeback_start(o->fd);
	o->n = 0;
	return 0;
}

static int
out_add(struct out *o, const char *s, size_t n, struct err *e)
{
	while (n > 0) {
		size_t k = sizeof o->buf - o->n;

		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		o->total += k;
		s += k;
		n -= k;
		if (o->n == sizeof o->buf && out_flush(o, e) == -1)
			return -1;
	}
	return 0;
}

static int
out_field(struct out *o, const char *name, const char *value, struct err *e)
{
	if (out_add(o, name, strlen(name), e) == -1 ||
	    out_add(o, ": ", 2, e) == -1 ||
	    out_add(o, value, strlen(value), e) == -1)
		return -1;
	return out_add(o, "\r\n", 2, e);
}

/* The body's line ends made CRLF, fed in blocks of any size. */
struct body {
	bool cr;		/* the last byte was a CR (its CRLF is out) */
	size_t col;		/* bytes on the current line */
	unsigned long long line;
	bool eight_bit;
};

static int
body_feed(struct body *b, struct out *o, const char *s, size_t n, struct err *e)
{
	while (n > 0) {
		const char *lf = memchr(s, '\n', n), *cr, *z;
		size_t seg = lf != NULL ? (size_t)(lf - s) : n, lim;
		bool high = false, nul = false;
		char c;

		/* s[0..seg): the text up to the next CR or LF. */
		if ((cr = memchr(s, '\r', seg)) != NULL)
			seg = (size_t)(cr - s);
		if (seg > 0) {
			b->cr = false;
			if (enc_span_flags(s, seg, &high, &nul))
				b->eight_bit = true;
			/* Byte by byte, the first of these would be found first:
			 * a NUL at most lim bytes in, or the byte past the limit. */
			lim = RAWMSG_LINE_MAX - b->col;
			z = nul ? memchr(s, '\0', seg) : NULL;
			if (z != NULL && (size_t)(z - s) <= lim)
				return err_setr(e, RAWMSG_BAD, _("line %llu of the "
				    "message holds a NUL byte, which mail cannot "
				    "carry; attach such data (base64)"), b->line);
			if (seg > lim)
				return err_setr(e, RAWMSG_BAD, _("line %llu of the "
				    "message is longer than %d bytes, which mail "
				    "cannot carry (RFC 5322); encode it "
				    "(quoted-printable or base64)"), b->line,
				    RAWMSG_LINE_MAX);
			b->col += seg;
			if (out_add(o, s, seg, e) == -1)
				return -1;
			s += seg;
			n -= seg;
			if (n == 0)
				break;
		}
		c = *s++;
		n--;
		if (c == '\n' && b->cr) {
			b->cr = false;	/* the LF of a CRLF already written */
			continue;
		}
		b->cr = c == '\r';
		b->col = 0;
		b->line++;
		if (out_add(o, "\r\n", 2, e) == -1)
			return -1;
	}
	return 0;
}

int
rawmsg_write(struct rawmsg *r, int fd, const struct rawmsg_add *add,
    struct rawmsg_out *info, struct err *e)
{
	struct out *o = xmalloc(sizeof *o);
	struct body b = { .line = r->lines + 1 };
	char *tmp = NULL;
	size_t i;
	int rc = -1;
	bool has_from = false, has_date = false, has_id = false;

	memset(info, 0, sizeof *info);
	o->fd = fd;
	o->n = 0;
	o->total = 0;
	if (r->written) {
		err_setr(e, "local", "rawmsg_write called twice");
		goto out;
	}
	r->written = true;
	for (i = 0; i < r->nf; i++) {
		const char *s = r->head.data + r->f[i].off;
		size_t n = r->f[i].len, k = 0;

		has_from |= is_field(r, i, "From");
		has_date |= is_field(r, i, "Date");
		has_id |= is_field(r, i, "Message-ID");
		if (is_field(r, i, "Bcc")) {
			info->removed_bcc = true;
			continue;
		}
		/* Each line of the field, its line end made CRLF. */
		while (k < n) {
			const char *nl = memchr(s + k, '\n', n - k);
			size_t end = nl != NULL ? (size_t)(nl - s) : n, len = end - k;

			if (len > 0 && s[k + len - 1] == '\r')
				len--;
			if (out_add(o, s + k, len, e) == -1 ||
			    out_add(o, "\r\n", 2, e) == -1)
				goto out;
			k = end + 1;
		}
		if (!info->head_8bit)
			for (size_t j = 0; j < n; j++)
				if ((unsigned char)s[j] >= 0x80)
					info->head_8bit = true;
	}
	if (!has_from && add->from != NULL) {
		if (out_field(o, "From", add->from, e) == -1)
			goto out;
		info->added_from = true;
	}
	if (!has_date && add->date != NULL) {
		if (out_field(o, "Date", add->date, e) == -1)
			goto out;
		info->added_date = true;
	}
	if (!has_id && add->message_id != NULL) {
		if (out_field(o, "Message-ID", add->message_id, e) == -1)
			goto out;
		info->added_message_id = true;
	}
	if (info->added_from && add->from != NULL)
		for (const char *p = add->from; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				info->head_8bit = true;
	if (out_add(o, "\r\n", 2, e) == -1)
		goto out;
	if (body_feed(&b, o, r->head.data + r->body_off,
	    r->head.len - r->body_off, e) == -1)
		goto out;
	tmp = xmalloc(BLOCK);
	while (!r->eof) {
		ssize_t n = read(r->fd, tmp, BLOCK);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_setr(e, "local", _("cannot read the message: %s"),
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (body_feed(&b, o, tmp, (size_t)n, e) == -1)
			goto out;
	}
	/* The last line ends like the others. */
	if (b.col > 0 && out_add(o, "\r\n", 2, e) == -1)
		goto out;
	if (out_flush(o, e) == -1)
		goto out;
	info->size = o->total;
	info->eight_bit = info->head_8bit || b.eight_bit;
	rc = 0;
out:
	free(tmp);
	free(o);
	return rc;
}
