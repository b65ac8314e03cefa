/* The message layer (see msg.h): validates what the user typed, then
 * renders the headers into memory, streams the text part through a text
 * source (mail/textsrc.c: typed text, or a file read in blocks) and
 * attachments from disk as base64 through a small fixed buffer, so the
 * exact size is known before the first byte goes out and memory does
 * not grow with the message. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/address.h"
#include "mail/encode.h"
#include "mail/msg.h"
#include "mail/textsrc.h"

#define SIG_MAX		(64u << 20)	/* a signature is read whole */
#define FLOW_WIDTH	72		/* RFC 3676 soft breaks */
/* Every boundary starts so; a text with a line that does too is sent
 * quoted-printable, where "=_" cannot occur. */
#define BOUNDARY_PREFIX	"=_missive_"
#define BOUNDARY_LINE	"--" BOUNDARY_PREFIX
#define IN_LINES	256		/* base64 lines encoded per refill */
#define IN_SIZE		(ENC_B64_LINE_IN * IN_LINES)
#define OUT_SIZE	(ENC_B64_LINE * IN_LINES)
#define RAW_IN		(OUT_SIZE / 2 - 2)	/* message/rfc822: LF may become CRLF */
#define SNIFF_MAX	(8u << 20)	/* text attachments read for their charset */
#define MAX_HEADERS	64		/* extra header lines */

struct attach {
	char *path;
	char *name;		/* shown to the recipient: base name, UTF-8 */
	const char *type;
	char *charset;		/* text/ types: detected, or NULL */
	uint64_t size;		/* taken at msg_start */
	bool raw;		/* message/rfc822 sent as it is, CRLF lines */
	uint64_t wire;		/* raw: its size on the wire */
};

enum seg_kind { SEG_MEM, SEG_TEXT, SEG_FILE };

struct seg {
	enum seg_kind kind;
	size_t off, len;	/* SEG_MEM: a range of m->mem */
	size_t att;		/* SEG_FILE: which attachment */
};

struct msg {
	struct addr_list from, to, cc, bcc, reply_to;
	char *subject;			/* trimmed; NULL when empty */
	char *in_reply_to, *references;	/* "<a@b> <c@d>" or NULL */
	struct textsrc *text;		/* the body and signature, scanned */
	enum textsrc_enc text_enc;	/* chosen by msg_start */
	bool text_8bit;
	bool flowed;
	struct attach *att;
	size_t natt;

	char **hdrs;			/* extra header lines, checked */
	size_t nhdrs;

	char *env_from;
	char **rcpt;
	const char **rcpt_field;	/* "To", "Cc", "Bcc" */
	size_t nrcpt;
	bool env_utf8;			/* a UTF-8 local part somewhere */

	char *date, *msgid, *boundary;

	/* A message made elsewhere (msg_new_raw): its file, sent as it is. */
	char *raw_path;
	uint64_t raw_size;
	bool raw_8bit, raw_head_8bit;

	/* Rendering state, reset by msg_start. */
	bool started, failed, hdr_utf8, is8bit;
	struct buf mem;
	struct seg *seg;
	size_t nseg, si;
	uint64_t soff, size, pos;
	int fd;
	uint64_t file_left;
	bool prev_cr;			/* raw: the last byte read was CR */
	size_t out_off, out_len;
	char out[OUT_SIZE];
	unsigned char in[IN_SIZE];
};

static atomic_uint msgid_counter;

/* --- small helpers */

static void
random_bytes(void *p, size_t n)
{
	unsigned char *u = p;
	size_t got = 0;
	ssize_t r;
	int fd;

	while (got < n) {
		r = getrandom(u + got, n - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		while (got < n && (r = read(fd, u + got, n - got)) > 0)
			got += (size_t)r;
		close(fd);
	}
	/* Last resort: uniqueness still comes from time and the counter. */
	for (; got < n; got++)
		u[got] = (unsigned char)((size_t)time(NULL) ^ (size_t)getpid() ^ (got * 131));
}

static char *
hex_random(size_t bytes)
{
	unsigned char r[32];
	char *s = xmalloc(bytes * 2 + 1);
	size_t i;

	if (bytes > sizeof r)
		bytes = sizeof r;
	random_bytes(r, bytes);
	for (i = 0; i < bytes; i++)
		snprintf(s + i * 2, 3, "%02x", r[i]);
	return s;
}

/* RFC 5322 date in the local zone, with English names whatever the
 * locale. */
static char *
rfc5322_date(time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL)
		gmtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	return xasprintf("%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

static char *
base36(uint64_t v)
{
	char tmp[16], *p = tmp + sizeof tmp - 1;

	*p = '\0';
	do {
		*--p = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v > 0);
	return xstrdup(p);
}

char *
msg_make_id(const char *domain)
{
	char *t, *r, *id;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = base36((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	r = hex_random(8);
	id = xasprintf("<%s.%s.%u@%s>", t, r,
	    atomic_fetch_add(&msgid_counter, 1) + 1, domain);
	free(t);
	free(r);
	return id;
}

char *
msg_make_date(void)
{
	return rfc5322_date(time(NULL));
}

static char *
make_msgid(const struct addr *from, const char *helo)
{
	const char *dom = from->domain_ascii;

	/* A literal is a valid id-right, but a name reads better. */
	if (dom[0] == '[' && helo != NULL && *helo != '\0' && strchr(helo, ' ') == NULL)
		dom = helo;
	return msg_make_id(dom);
}

/* Reads a whole small file ("-" is standard input). */
static int
read_text(const char *what, const char *path, char **out, size_t *outlen,
    struct err *e)
{
	const char *shown = strcmp(path, "-") == 0 ? _("standard input") : path;

	if (file_read_input(path, SIG_MAX, out, outlen) == 0)
		return 0;
	if (errno == EFBIG)
		return err_setr(e, "usage", _("%s: `%s` is larger than "
		    "%u MiB; send it as an attachment"), what, shown,
		    SIG_MAX >> 20);
	return err_setr(e, "usage", _("%s: cannot read `%s`: %s"), what, shown,
	    strerror(errno));
}

static size_t
cp_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* One line of flowed output with RFC 3676 space-stuffing. */
static void
flow_emit(struct buf *out, const char *s, size_t n)
{
	if (n > 0 && (s[0] == ' ' || s[0] == '>' ||
	    (n >= 5 && memcmp(s, "From ", 5) == 0)))
		buf_addc(out, ' ');
	buf_add(out, s, n);
	buf_addc(out, '\n');
}

/* Where the next piece of s[st..e) ends: after the last run of spaces
 * that keeps the piece within width characters (or after the first run,
 * when a word is longer); e when the rest fits or cannot be broken. */
static size_t
break_at(const char *s, size_t st, size_t e, size_t width)
{
	size_t k, brk = 0, col = 0;

	for (k = st; k < e; k++) {
		if (((unsigned char)s[k] & 0xc0) != 0x80)
			col++;
		if (col > width && brk != 0)
			return brk;
		if (s[k] == ' ' && k + 1 < e && s[k + 1] != ' ' && k + 1 > st)
			brk = k + 1;
	}
	return e;
}

/* The quote marks at the start of a line: ">", "> >", ">>" ... with the
 * blank after the last one; their count in *depth. */
static size_t
quote_run(const char *s, size_t n, size_t *depth)
{
	size_t k = 0;

	*depth = 0;
	while (k < n) {
		if (s[k] == '>') {
			(*depth)++;
			k++;
		} else if (s[k] == ' ' && k + 1 < n && s[k + 1] == '>')
			k++;
		else
			break;
	}
	if (*depth > 0 && k < n && s[k] == ' ')
		k++;
	return k;
}

/* RFC 3676 format=flowed: trailing spaces trimmed (they would mean a
 * soft break), long lines broken after a space at 72 characters (a soft
 * break), unquoted lines space-stuffed; quoted lines written ">> text",
 * their level never changed, so no decoder joins two levels. "-- " stays. */
static void
flow_text(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, e, l, st, brk, q, depth, k;

	while (i < n) {
		e = i;
		while (e < n && s[e] != '\n')
			e++;
		l = e - i;
		if (l == 3 && memcmp(s + i, "-- ", 3) == 0) {
			buf_add(out, "-- \n", 4);
			i = e + 1;
			continue;
		}
		while (l > 0 && s[i + l - 1] == ' ')
			l--;
		q = s[i] == '>' ? quote_run(s + i, l, &depth) : 0;
		if (q > 0) {
			st = i + q;
			do {
				brk = break_at(s, st, i + l, FLOW_WIDTH - depth - 1);
				for (k = 0; k < depth; k++)
					buf_addc(out, '>');
				/* An empty quoted line has no blank: that would be
				 * a soft break. */
				if (brk > st)
					buf_addc(out, ' ');
				buf_add(out, s + st, brk - st);
				buf_addc(out, '\n');
				st = brk;
			} while (st < i + l);
		} else if (cp_count(s + i, l) <= FLOW_WIDTH) {
			flow_emit(out, s + i, l);
		} else {
			for (st = i; st < i + l; st = brk) {
				brk = break_at(s, st, i + l, FLOW_WIDTH);
				flow_emit(out, s + st, brk - st);
			}
		}
		i = e + 1;
	}
}

/* Hard wrapping at width: long lines broken at a space, the blanks at
 * the break dropped, a quoted line's continuations given its quote
 * marks; "-- " and lines without a place to break stay as they are. */
static void
wrap_text(struct buf *out, const char *s, size_t n, size_t width)
{
	size_t i = 0, e, l, st, brk, q, depth, z, pw;

	while (i < n) {
		e = i;
		while (e < n && s[e] != '\n')
			e++;
		l = e - i;
		if (cp_count(s + i, l) <= width) {
			buf_add(out, s + i, l);
			buf_addc(out, '\n');
			i = e + 1;
			continue;
		}
		q = s[i] == '>' ? quote_run(s + i, l, &depth) : 0;
		pw = cp_count(s + i, q);
		for (st = i + q; st < i + l; st = brk) {
			brk = break_at(s, st, i + l, width > pw + 10 ? width - pw : 10);
			for (z = brk; z > st && s[z - 1] == ' '; z--)
				;
			buf_add(out, s + i, q);
			buf_add(out, s + st, z - st);
			buf_addc(out, '\n');
		}
		i = e + 1;
	}
}

/* --- extra header lines */

int
msg_header_check(const char *line, struct err *e)
{
	static const char *const owned[] = { "From", "To", "Cc", "Bcc",
		"Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
		"References", "MIME-Version", "Sender", "Return-Path" };
	const char *colon = strchr(line, ':'), *v;
	size_t nl, i;
	char *sh;

	if (str_has_crlf(line))
		return err_setr(e, "usage", "%s", _("Header: a header line must "
		    "not contain CR or LF"));
	if (colon == NULL || colon == line) {
		sh = str_escape(line, strlen(line));
		err_setr(e, "usage", _("Header: `%s` is not a header line like "
		    "`X-Name: value`"), sh);
		free(sh);
		return -1;
	}
	nl = (size_t)(colon - line);
	for (i = 0; i < nl; i++)
		if ((unsigned char)line[i] <= 32 || (unsigned char)line[i] >= 127) {
			sh = str_escape(line, nl);
			err_setr(e, "usage", _("Header: `%s` is not a field name "
			    "(letters, digits and `-`, no blank)"), sh);
			free(sh);
			return -1;
		}
	if (nl > 76) {
		sh = str_escape(line, nl);
		err_setr(e, "usage", _("Header: the field name `%s` is longer "
		    "than 76 characters"), sh);
		free(sh);
		return -1;
	}
	for (i = 0; i < sizeof owned / sizeof owned[0]; i++)
		if (strlen(owned[i]) == nl && strncasecmp(line, owned[i], nl) == 0)
			break;
	if (i < sizeof owned / sizeof owned[0] ||
	    (nl >= 8 && strncasecmp(line, "Content-", 8) == 0)) {
		sh = str_escape(line, nl);
		err_setr(e, "usage", _("Header: missive writes `%s` itself; it "
		    "cannot be given as an extra header"), sh);
		free(sh);
		return -1;
	}
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '\0') {
		sh = str_escape(line, nl);
		err_setr(e, "usage", _("Header: `%s` has no value"), sh);
		free(sh);
		return -1;
	}
	{
		/* Named by its field: "X-Mailer: ..." */
		char *name = xstrndup(line, nl);
		int rc = addr_check_text(name, v, strlen(v), e);

		free(name);
		return rc;
	}
}

/* --- text attachments' charsets */

/* US-ASCII, UTF-8, else the locale's charset (when that is neither):
 * what a reader needs to show a text file right. NULL when unknown. */
static char *
sniff_charset(const char *path)
{
	char loc[48];
	char *data = NULL;
	size_t len = 0, i;
	const char *cs;
	int rc;

	rc = file_read(path, SNIFF_MAX, &data, &len, NULL, NULL);
	if (rc != 0)
		return NULL;
	if (!enc_has_8bit(data, len))
		cs = "us-ascii";
	else if (enc_utf8_valid(data, len, NULL))
		cs = "utf-8";
	else {
		cs = nl_langinfo(CODESET);
		if (cs == NULL || strcasecmp(cs, "UTF-8") == 0 ||
		    strcasecmp(cs, "ANSI_X3.4-1968") == 0 || strlen(cs) >= sizeof loc)
			cs = NULL;
		else {
			for (i = 0; cs[i] != '\0'; i++)
				loc[i] = (char)tolower((unsigned char)cs[i]);
			loc[i] = '\0';
			cs = loc;
		}
	}
	free(data);
	return xstrdup(cs);
}

/* In-Reply-To / References: message IDs separated by blanks or commas,
 * brackets added when missing. */
static int
norm_ids(const char *field, const char *s, char **out, struct err *e)
{
	struct buf b;
	const char *p = s, *q;
	char *sh;

	*out = NULL;
	if (s == NULL)
		return 0;
	buf_init(&b);
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		q = p;
		while (*q != '\0' && *q != ' ' && *q != '\t' && *q != ',')
			q++;
		{
			const char *a = p, *z = q;
			bool ok = true;

			if (*a == '<') {
				a++;
				if (z > a && z[-1] == '>')
					z--;
				else
					ok = false;
			}
			if (z <= a || (size_t)(z - a) > ENC_MAXWORD ||
			    memchr(a, '@', (size_t)(z - a)) == NULL)
				ok = false;
			for (const char *c = a; ok && c < z; c++)
				if (*c <= 32 || *c >= 127 || *c == '<' || *c == '>')
					ok = false;
			if (!ok) {
				sh = str_escape(p, (size_t)(q - p));
				err_setr(e, "usage", _("%s: `%s` is not a message ID "
				    "like <id@example.com>"), field, sh);
				free(sh);
				buf_free(&b);
				return -1;
			}
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_addf(&b, "<%.*s>", (int)(z - a), a);
		}
		p = q;
	}
	if (b.len > 0)
		*out = buf_cstr(&b);
	return 0;
}

/* The name the recipient sees: the base name, invalid UTF-8 and
 * controls replaced so the header stays clean. */
static char *
attach_name(const char *path)
{
	const char *base = strrchr(path, '/');
	const unsigned char *u;
	struct buf b;
	size_t n, i, l;

	base = base != NULL ? base + 1 : path;
	if (*base == '\0')
		base = "attachment";
	u = (const unsigned char *)base;
	n = strlen(base);
	buf_init(&b);
	for (i = 0; i < n; ) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			buf_addc(&b, '_');
			i++;
		} else if ((l = utf8_len(u + i, n - i)) == 0) {
			buf_addc(&b, '_');
			i++;
		} else {
			buf_add(&b, u + i, l);
			i += l;
		}
	}
	return buf_cstr(&b);
}

static int
check_attach(const char *path, uint64_t *size, struct err *e)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not hang the composer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return err_setr(e, "usage", _("Attach: cannot read `%s`: %s"),
		    path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		int saved = errno;

		close(fd);
		return err_setr(e, "usage", _("Attach: cannot read `%s`: %s"),
		    path, strerror(saved));
	}
	close(fd);
	if (S_ISDIR(st.st_mode))
		return err_setr(e, "usage", _("Attach: cannot read `%s`: %s"),
		    path, strerror(EISDIR));
	if (!S_ISREG(st.st_mode))
		return err_setr(e, "usage", _("Attach: `%s` is not a regular file"),
		    path);
	*size = (uint64_t)st.st_size;
	return 0;
}

static bool
has_utf8_addr(const struct addr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == ADDR_MAILBOX && l->v[i].utf8)
			return true;
	return false;
}

static void
env_add(struct msg *m, const struct addr_list *l, const char *field)
{
	size_t i, before = m->nrcpt;

	addr_specs_add(&m->rcpt, &m->nrcpt, l);
	if (m->nrcpt == before)
		return;
	m->rcpt_field = xrealloc(m->rcpt_field, m->nrcpt * sizeof *m->rcpt_field);
	for (i = before; i < m->nrcpt; i++)
		m->rcpt_field[i] = field;
}

static int
parse_field(const char *field, const char *s, struct addr_list *l,
    struct err *e)
{
	if (s == NULL) {
		l->v = NULL;
		l->n = 0;
		return 0;
	}
	return addr_parse(field, s, strlen(s), l, e);
}

static void
close_file(struct msg *m)
{
	if (m->fd != -1)
		close(m->fd);
	m->fd = -1;
}

/* --- msg_new */

struct msg *
msg_new(const struct msg_spec *spec, struct err *e)
{
	static const struct {
		const char *name;
		size_t off;
	} texts[] = {
		{ N_("From"), offsetof(struct msg_spec, from) },
		{ N_("To"), offsetof(struct msg_spec, to) },
		{ N_("Cc"), offsetof(struct msg_spec, cc) },
		{ N_("Bcc"), offsetof(struct msg_spec, bcc) },
		{ N_("Subject"), offsetof(struct msg_spec, subject) },
		{ N_("Reply-To"), offsetof(struct msg_spec, reply_to) },
		{ N_("In-Reply-To"), offsetof(struct msg_spec, in_reply_to) },
		{ N_("References"), offsetof(struct msg_spec, references) },
		{ N_("HELO name"), offsetof(struct msg_spec, helo) },
	};
	struct msg *m;
	char *sig = NULL;
	size_t i, rawlen = 0, siglen = 0, bad;
	const char *s;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		s = *(const char *const *)((const char *)spec + texts[i].off);
		if (s != NULL && addr_check_text(_(texts[i].name), s, strlen(s), e) == -1)
			return NULL;
	}
	m = xcalloc(1, sizeof *m);
	m->fd = -1;
	buf_init(&m->mem);
	if (parse_field(_("From"), spec->from, &m->from, e) == -1)
		goto fail;
	if (m->from.n != 1 || m->from.v[0].kind != ADDR_MAILBOX) {
		err_setr(e, "usage", _("From: there must be exactly one address"));
		goto fail;
	}
	if (parse_field(_("To"), spec->to, &m->to, e) == -1 ||
	    parse_field(_("Cc"), spec->cc, &m->cc, e) == -1 ||
	    parse_field(_("Bcc"), spec->bcc, &m->bcc, e) == -1 ||
	    parse_field(_("Reply-To"), spec->reply_to, &m->reply_to, e) == -1)
		goto fail;
	if (addr_count(&m->to) + addr_count(&m->cc) + addr_count(&m->bcc) == 0) {
		err_setr(e, "usage", _("To: there must be at least one recipient "
		    "(in To, Cc or Bcc)"));
		goto fail;
	}
	if (norm_ids(_("In-Reply-To"), spec->in_reply_to, &m->in_reply_to, e) == -1 ||
	    norm_ids(_("References"), spec->references, &m->references, e) == -1)
		goto fail;
	if (spec->subject != NULL) {
		const char *a = spec->subject, *z;

		while (*a == ' ' || *a == '\t')
			a++;
		z = a + strlen(a);
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		if (z > a)
			m->subject = xstrndup(a, (size_t)(z - a));
	}

	/* Body: typed text or a file (streamed, never read whole), then the
	 * signature; one scan of the text chooses its encoding. */
	m->text = textsrc_new();
	textsrc_watch(m->text, BOUNDARY_LINE);
	if (spec->body_file != NULL) {
		if (textsrc_add_file(m->text, _("Body"), spec->body_file, e) == -1)
			goto fail;
	} else if (spec->body != NULL) {
		rawlen = strlen(spec->body);
		if (!enc_utf8_valid(spec->body, rawlen, &bad)) {
			err_setr(e, "usage", _("Body: is not valid UTF-8 (byte %zu)"),
			    bad + 1);
			goto fail;
		}
		textsrc_add_mem(m->text, spec->body, rawlen);
	}
	if (spec->signature_file != NULL) {
		if (read_text(_("Signature"), spec->signature_file, &sig, &siglen, e) == -1)
			goto fail;
		if (!enc_utf8_valid(sig, siglen, &bad)) {
			err_setr(e, "usage", _("Signature: `%s` is not valid UTF-8 "
			    "(byte %zu)"), spec->signature_file, bad + 1);
			goto fail;
		}
		/* The separator once, even if the file has it already ("-- "
		 * and any line end). */
		if (!(siglen >= 4 && (memcmp(sig, "-- \n", 4) == 0 ||
		    memcmp(sig, "-- \r", 4) == 0)))
			textsrc_add_mem(m->text, "-- \n", 4);
		textsrc_add_mem(m->text, sig, siglen);
	}
	free(sig);
	sig = NULL;
	if (textsrc_scan(m->text, e) == -1)
		goto fail;
	if (textsrc_shape(m->text)->utf8_bad) {
		const struct textsrc_shape *sh = textsrc_shape(m->text);
		const char *name = textsrc_part_name(m->text, sh->bad_part);

		err_setr(e, "usage", _("Body: `%s` is not valid UTF-8 (byte "
		    "%zu); convert it (iconv -t UTF-8) or attach it"),
		    name != NULL ? name : "?", (size_t)sh->bad_at + 1);
		goto fail;
	}
	if (spec->wrap != MSG_WRAP_AUTO && spec->wrap != MSG_WRAP_OFF &&
	    (spec->wrap < MSG_WRAP_MIN || spec->wrap > MSG_WRAP_MAX)) {
		err_setr(e, "usage", _("wrap: %d is not off or a width from %d "
		    "to %d"), spec->wrap, MSG_WRAP_MIN, MSG_WRAP_MAX);
		goto fail;
	}
	/* A line over MSG_LONG_LINE characters (the scan counted them): a
	 * text of short lines stays streamed. */
	m->flowed = spec->flowed || (spec->wrap == MSG_WRAP_AUTO &&
	    textsrc_shape(m->text)->maxchars > MSG_LONG_LINE);
	if (m->flowed || spec->wrap > 0) {
		/* Wrapping and format=flowed rework lines: done on the text
		 * in memory. */
		struct buf text, fb;

		buf_init(&text);
		buf_adds(&text, "");
		if (textsrc_text(m->text, &text, e) == -1) {
			buf_free(&text);
			goto fail;
		}
		buf_init(&fb);
		buf_adds(&fb, "");
		if (m->flowed)
			flow_text(&fb, text.data, text.len);
		else
			wrap_text(&fb, text.data, text.len, (size_t)spec->wrap);
		buf_free(&text);
		textsrc_free(m->text);
		m->text = textsrc_new();
		textsrc_watch(m->text, BOUNDARY_LINE);
		textsrc_add_mem(m->text, fb.data, fb.len);
		buf_free(&fb);
		if (textsrc_scan(m->text, e) == -1)
			goto fail;
	}

	if (spec->attach != NULL) {
		for (i = 0; spec->attach[i] != NULL; i++) {
			struct attach *a;
			uint64_t size;

			if (check_attach(spec->attach[i], &size, e) == -1)
				goto fail;
			m->att = xrealloc(m->att, (m->natt + 1) * sizeof *m->att);
			a = &m->att[m->natt++];
			a->path = xstrdup(spec->attach[i]);
			a->name = attach_name(a->path);
			a->type = enc_mime_type(a->name);
			a->size = size;
			a->charset = strncmp(a->type, "text/", 5) == 0 ?
			    sniff_charset(a->path) : NULL;
		}
	}
	for (i = 0; spec->headers != NULL && spec->headers[i] != NULL; i++) {
		const char *h = spec->headers[i], *c, *v;

		if (msg_header_check(h, e) == -1)
			goto fail;
		if (m->nhdrs == MAX_HEADERS) {
			err_setr(e, "usage", _("Header: more than %d extra header "
			    "lines"), MAX_HEADERS);
			goto fail;
		}
		/* Kept as "Name: value", the value trimmed. */
		c = strchr(h, ':');
		for (v = c + 1; *v == ' ' || *v == '\t'; v++)
			;
		m->hdrs = xrealloc(m->hdrs, (m->nhdrs + 1) * sizeof *m->hdrs);
		m->hdrs[m->nhdrs++] = xasprintf("%.*s: %s", (int)(c - h), h, v);
	}

	m->env_from = addr_spec(&m->from.v[0], true);
	env_add(m, &m->to, "To");
	env_add(m, &m->cc, "Cc");
	env_add(m, &m->bcc, "Bcc");
	m->env_utf8 = has_utf8_addr(&m->from) || has_utf8_addr(&m->to) ||
	    has_utf8_addr(&m->cc) || has_utf8_addr(&m->bcc) ||
	    has_utf8_addr(&m->reply_to);

	m->date = rfc5322_date(time(NULL));
	m->msgid = make_msgid(&m->from.v[0], spec->helo);
	{
		char *r = hex_random(16);

		m->boundary = xasprintf(BOUNDARY_PREFIX "%s", r);
		free(r);
	}
	return m;
fail:
	free(sig);
	msg_free(m);
	return NULL;
}

void
msg_free(struct msg *m)
{
	size_t i;

	if (m == NULL)
		return;
	close_file(m);
	addr_list_free(&m->from);
	addr_list_free(&m->to);
	addr_list_free(&m->cc);
	addr_list_free(&m->bcc);
	addr_list_free(&m->reply_to);
	free(m->subject);
	free(m->in_reply_to);
	free(m->references);
	textsrc_free(m->text);
	for (i = 0; i < m->natt; i++) {
		free(m->att[i].path);
		free(m->att[i].name);
		free(m->att[i].charset);
	}
	free(m->att);
	free(m->env_from);
	for (i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->rcpt);
	free(m->rcpt_field);
	for (i = 0; i < m->nhdrs; i++)
		free(m->hdrs[i]);
	free(m->hdrs);
	free(m->date);
	free(m->msgid);
	free(m->boundary);
	free(m->raw_path);
	buf_free(&m->mem);
	free(m->seg);
	free(m);
}

const char *
msg_env_from(const struct msg *m)
{
	return m->env_from;
}

size_t
msg_env_count(const struct msg *m)
{
	return m->nrcpt;
}

const char *
msg_env_rcpt(const struct msg *m, size_t i)
{
	return i < m->nrcpt ? m->rcpt[i] : NULL;
}

const char *
msg_env_field(const struct msg *m, size_t i)
{
	return i < m->nrcpt ? m->rcpt_field[i] : NULL;
}

bool
msg_needs_smtputf8(const struct msg *m)
{
	return m->env_utf8 || (m->started && m->hdr_utf8);
}

const char *
msg_message_id(const struct msg *m)
{
	return m->msgid;
}

void
msg_set_fixed(struct msg *m, const char *date, const char *msgid,
    const char *boundary)
{
	if (date != NULL) {
		free(m->date);
		m->date = xstrdup(date);
	}
	if (msgid != NULL) {
		free(m->msgid);
		m->msgid = xstrdup(msgid);
	}
	if (boundary != NULL) {
		free(m->boundary);
		m->boundary = xstrdup(boundary);
	}
}

/* --- rendering */

static void
seg_add(struct msg *m, enum seg_kind kind, size_t off, size_t len, size_t att)
{
	if (kind == SEG_MEM && len == 0)
		return;
	m->seg = xrealloc(m->seg, (m->nseg + 1) * sizeof *m->seg);
	m->seg[m->nseg].kind = kind;
	m->seg[m->nseg].off = off;
	m->seg[m->nseg].len = len;
	m->seg[m->nseg].att = att;
	m->nseg++;
}

static void
hdr_simple(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "%s: %s\r\n", name, value);
}

static void
hdr_addrs(struct buf *b, const char *name, const struct addr_list *l, bool utf8)
{
	struct enc_hdr h;

	if (l->n == 0)
		return;
	enc_hdr_begin(&h, b, name);
	addr_render(&h, l, utf8);
	enc_hdr_end(&h);
}

static void
hdr_ids(struct buf *b, const char *name, const char *ids)
{
	struct enc_hdr h;
	const char *p = ids, *sp;

	if (ids == NULL)
		return;
	enc_hdr_begin(&h, b, name);
	for (;;) {
		sp = strchr(p, ' ');
		enc_hdr_token(&h, " ", p, sp != NULL ? (size_t)(sp - p) : strlen(p));
		if (sp == NULL)
			break;
		p = sp + 1;
	}
	enc_hdr_end(&h);
}

static void
render_headers(struct msg *m, struct buf *b, bool utf8)
{
	struct enc_hdr h;
	size_t i;

	hdr_simple(b, "Date", m->date);
	hdr_addrs(b, "From", &m->from, utf8);
	if (m->to.n > 0)
		hdr_addrs(b, "To", &m->to, utf8);
	else if (m->cc.n == 0)
		/* Bcc only: say so rather than leave To out. */
		hdr_simple(b, "To", "undisclosed-recipients:;");
	hdr_addrs(b, "Cc", &m->cc, utf8);
	hdr_addrs(b, "Reply-To", &m->reply_to, utf8);
	if (m->subject != NULL) {
		enc_hdr_begin(&h, b, "Subject");
		enc_hdr_text(&h, m->subject, utf8);
		enc_hdr_end(&h);
	}
	hdr_simple(b, "Message-ID", m->msgid);
	hdr_ids(b, "In-Reply-To", m->in_reply_to);
	hdr_ids(b, "References", m->references);
	hdr_simple(b, "MIME-Version", "1.0");
	for (i = 0; i < m->nhdrs; i++)
		if (strncasecmp(m->hdrs[i], "User-Agent:", 11) == 0)
			break;
	/* The user's own User-Agent replaces missive's. */
	if (i == m->nhdrs)
		hdr_simple(b, "User-Agent", "missive/" PACKAGE_VERSION);
	for (i = 0; i < m->nhdrs; i++) {
		const char *c = strchr(m->hdrs[i], ':');
		char *name = xstrndup(m->hdrs[i], (size_t)(c - m->hdrs[i]));

		enc_hdr_begin(&h, b, name);
		enc_hdr_text(&h, c + 2, utf8);
		enc_hdr_end(&h);
		free(name);
	}
}

/* The text part's Content-Type/Content-Transfer-Encoding lines into hdr,
 * and how it is streamed, from the scan of its text. */
static void
render_text(struct msg *m, unsigned flags, bool multipart, struct buf *hdr)
{
	const struct textsrc_shape *sh = textsrc_shape(m->text);
	bool fits = !sh->nul && sh->maxline <= ENC_MAXLINE &&
	    !(multipart && sh->watched);
	const char *cte;

	if (fits && !sh->high)
		cte = "7bit";
	else if (fits && (flags & MSG_8BIT))
		cte = "8bit";
	else
		cte = "quoted-printable";
	m->text_enc = cte[0] == 'q' ? TEXTSRC_QP : TEXTSRC_CRLF;
	m->text_8bit = cte[0] == '8';
	buf_addf(hdr, "Content-Type: text/plain; charset=utf-8%s\r\n",
	    m->flowed ? "; format=flowed" : "");
	buf_addf(hdr, "Content-Transfer-Encoding: %s\r\n", cte);
}

/* --- a message made elsewhere */

static int read_fail(struct msg *m, struct err *e);

struct msg *
msg_new_raw(const struct msg_raw_spec *spec, struct err *e)
{
	struct msg *m = xcalloc(1, sizeof *m);
	struct addr_list l;
	size_t i;

	m->fd = -1;
	buf_init(&m->mem);
	/* The envelope is checked again as it is read back: a hand-edited
	 * outbox entry must not put a line break into a command. */
	for (i = 0; i <= spec->nrcpt; i++) {
		const char *a = i == 0 ? spec->env_from : spec->rcpt[i - 1];

		if (i == 0 && *a == '\0') {
			m->env_from = xstrdup("");	/* the null sender <> */
			continue;
		}
		if (addr_parse(i == 0 ? _("From") : _("To"), a, strlen(a), &l, e) == -1)
			goto fail;
		if (l.n != 1 || l.v[0].kind != ADDR_MAILBOX || l.v[0].name != NULL) {
			addr_list_free(&l);
			err_setr(e, "usage", _("the envelope address `%s` is not one "
			    "bare address"), a);
			goto fail;
		}
		m->env_utf8 |= l.v[0].utf8;
		if (i == 0)
			m->env_from = addr_spec(&l.v[0], true);
		else
			env_add(m, &l, "To");
		addr_list_free(&l);
	}
	if (m->nrcpt == 0) {
		err_setr(e, "usage", _("To: there must be at least one recipient "
		    "(in To, Cc or Bcc)"));
		goto fail;
	}
	m->raw_path = xstrdup(spec->path);
	m->raw_size = spec->size;
	m->raw_8bit = spec->eight_bit;
	m->raw_head_8bit = spec->head_8bit;
	m->msgid = xstrdup(spec->message_id);
	return m;
fail:
	msg_free(m);
	return NULL;
}

static int
raw_start(struct msg *m, struct err *e)
{
	struct stat st;
	uint64_t size = m->raw_size;

	if ((m->fd = open(m->raw_path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_setr(e, "local", _("cannot read the message `%s`: %s"),
		    m->raw_path, strerror(errno));
	if (fstat(m->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != size) {
		close_file(m);
		return err_setr(e, "local", _("the message `%s` is not the one "
		    "written (%llu bytes expected)"), m->raw_path,
		    (unsigned long long)size);
	}
	m->size = size;
	m->hdr_utf8 = m->raw_head_8bit;
	m->is8bit = m->raw_8bit;
	m->started = true;
	return 0;
}

static ssize_t
raw_read(struct msg *m, char *buf, size_t len, struct err *e)
{
	uint64_t left = m->size - m->pos;
	ssize_t n;

	if (len > left)
		len = (size_t)left;
	if (len == 0)
		return 0;
	while ((n = read(m->fd, buf, len)) == -1 && errno == EINTR)
		;
	if (n <= 0) {
		err_setr(e, "local", n == 0 ? _("the message `%s` got shorter "
		    "while it was being sent") : _("cannot read the message `%s`"),
		    m->raw_path);
		return read_fail(m, e);
	}
	m->pos += (uint64_t)n;
	return n;
}

/* Whether a message/rfc822 attachment can go as it is (RFC 2046 5.2.1
 * allows no base64 there): lines of at most 998 octets, no NUL, no CR
 * but before LF, 8-bit only with 8BITMIME; *wire its size with CRLF line
 * ends, *eight whether it has 8-bit bytes. Otherwise it goes as base64,
 * which readers take too. */
static bool
raw_scan(const struct attach *a, unsigned flags, uint64_t *wire, bool *eight)
{
	unsigned char buf[8192];
	uint64_t total = 0, bare_lf = 0, line = 0;
	bool cr = false, ok = true;
	unsigned char last = '\n';
	ssize_t r;
	int fd;

	*eight = false;
	if ((fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return false;
	while (ok && (r = read(fd, buf, sizeof buf)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			ok = false;
			break;
		}
		for (ssize_t k = 0; k < r && ok; k++) {
			unsigned char c = buf[k];

			if (cr && c != '\n')
				ok = false;	/* a bare CR */
			if (c == '\n') {
				if (!cr)
					bare_lf++;
				line = 0;
			} else if (c != '\r' && ++line > ENC_MAXLINE)
				ok = false;
			if (c == 0)
				ok = false;
			if (c >= 0x80)
				*eight = true;
			cr = c == '\r';
			last = c;
		}
		total += (uint64_t)r;
	}
	close(fd);
	if (cr || total != a->size || (*eight && !(flags & MSG_8BIT)))
		ok = false;
	*wire = total + bare_lf + (last != '\n' ? 2 : 0);
	return ok;
}

int
msg_start(struct msg *m, unsigned flags, struct err *e)
{
	struct enc_hdr h;
	size_t i, mark;
	uint64_t tsize;
	bool utf8 = (flags & MSG_UTF8) != 0, raw8 = false;
	char *sh;

	close_file(m);
	buf_free(&m->mem);
	free(m->seg);
	m->seg = NULL;
	m->nseg = m->si = 0;
	m->soff = m->size = m->pos = 0;
	m->out_off = m->out_len = 0;
	m->started = m->failed = false;
	m->hdr_utf8 = m->is8bit = false;
	if (m->raw_path != NULL)
		return raw_start(m, e);

	if (m->env_utf8 && !utf8) {
		char *spec = NULL;
		const struct addr_list *ls[] = { &m->from, &m->to, &m->cc, &m->bcc,
			&m->reply_to };

		for (i = 0; i < 5 && spec == NULL; i++)
			for (size_t j = 0; j < ls[i]->n && spec == NULL; j++)
				if (ls[i]->v[j].kind == ADDR_MAILBOX && ls[i]->v[j].utf8)
					spec = addr_spec(&ls[i]->v[j], false);
		sh = str_escape(spec, strlen(spec));
		err_setr(e, "protocol", _("`%s` has a non-ASCII local part: it can "
		    "only be sent through a server that offers SMTPUTF8"), sh);
		free(sh);
		free(spec);
		return -1;
	}
	for (i = 0; i < m->natt; i++)
		if (check_attach(m->att[i].path, &m->att[i].size, e) == -1)
			return -1;

	buf_adds(&m->mem, "");
	render_headers(m, &m->mem, utf8);
	m->hdr_utf8 = enc_has_8bit(m->mem.data, m->mem.len);
	if (m->natt == 0) {
		render_text(m, flags, false, &m->mem);
		buf_add(&m->mem, "\r\n", 2);
		seg_add(m, SEG_MEM, 0, m->mem.len, 0);
	} else {
		enc_hdr_begin(&h, &m->mem, "Content-Type");
		enc_hdr_token(&h, " ", "multipart/mixed", 15);
		enc_hdr_param(&h, "boundary", m->boundary);
		enc_hdr_end(&h);
		buf_addf(&m->mem, "\r\n--%s\r\n", m->boundary);
		render_text(m, flags, true, &m->mem);
		buf_add(&m->mem, "\r\n", 2);
		seg_add(m, SEG_MEM, 0, m->mem.len, 0);
	}
	if (textsrc_size(m->text, m->text_enc, &tsize, e) == -1)
		return -1;
	seg_add(m, SEG_TEXT, 0, 0, 0);
	m->size += tsize;
	mark = m->mem.len;
	for (i = 0; i < m->natt; i++) {
		struct attach *a = &m->att[i];
		bool eight = false;

		a->raw = strcmp(a->type, "message/rfc822") == 0 &&
		    raw_scan(a, flags, &a->wire, &eight);
		if (eight && a->raw)
			raw8 = true;
		buf_addf(&m->mem, "\r\n--%s\r\n", m->boundary);
		enc_hdr_begin(&h, &m->mem, "Content-Type");
		enc_hdr_token(&h, " ", a->type, strlen(a->type));
		if (a->charset != NULL)
			enc_hdr_param(&h, "charset", a->charset);
		enc_hdr_param(&h, "name", a->name);
		enc_hdr_end(&h);
		enc_hdr_begin(&h, &m->mem, "Content-Disposition");
		enc_hdr_token(&h, " ", "attachment", 10);
		enc_hdr_param(&h, "filename", a->name);
		enc_hdr_end(&h);
		buf_addf(&m->mem, "Content-Transfer-Encoding: %s\r\n\r\n",
		    !a->raw ? "base64" : eight ? "8bit" : "7bit");
		seg_add(m, SEG_MEM, mark, m->mem.len - mark, 0);
		seg_add(m, SEG_FILE, 0, 0, i);
		m->size += a->raw ? a->wire : enc_b64_mime_size(a->size);
		mark = m->mem.len;
	}
	if (m->natt > 0) {
		buf_addf(&m->mem, "\r\n--%s--\r\n", m->boundary);
		seg_add(m, SEG_MEM, mark, m->mem.len - mark, 0);
	}
	m->size += m->mem.len;
	m->is8bit = raw8 || enc_has_8bit(m->mem.data, m->mem.len) || m->text_8bit;
	m->started = true;
	return 0;
}

uint64_t
msg_size(const struct msg *m)
{
	return m->size;
}

bool
msg_is_8bit(const struct msg *m)
{
	return m->is8bit;
}

static int
read_fail(struct msg *m, struct err *e)
{
	(void)e;
	m->failed = true;
	close_file(m);
	return -1;
}

/* Opens attachment i for streaming and checks it is the file measured
 * by msg_start. */
static int
file_open(struct msg *m, struct attach *a, struct err *e)
{
	struct stat st;

	if ((m->fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		err_set(e, _("Attach: cannot read `%s`: %s"), a->path, strerror(errno));
		return read_fail(m, e);
	}
	if (fstat(m->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != a->size) {
		err_set(e, _("Attach: `%s` changed while the message was being sent "
		    "(%llu bytes expected); the message was not completed"),
		    a->path, (unsigned long long)a->size);
		return read_fail(m, e);
	}
	m->file_left = a->size;
	m->prev_cr = false;
	return 0;
}

/* Reads and encodes the next block of the open attachment. */
static int
file_refill(struct msg *m, struct attach *a, struct err *e)
{
	size_t room = a->raw ? RAW_IN : IN_SIZE;
	size_t want = m->file_left < room ? (size_t)m->file_left : room, got = 0;
	ssize_t r;

	while (got < want) {
		r = read(m->fd, m->in + got, want - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(e, _("Attach: cannot read `%s`: %s"), a->path,
			    strerror(errno));
			return read_fail(m, e);
		}
		if (r == 0) {
			err_set(e, _("Attach: `%s` changed while the message was "
			    "being sent (it got shorter than %llu bytes); the "
			    "message was not completed"), a->path,
			    (unsigned long long)a->size);
			return read_fail(m, e);
		}
		got += (size_t)r;
	}
	m->file_left -= got;
	if (m->file_left == 0) {
		unsigned char extra;

		while ((r = read(m->fd, &extra, 1)) == -1 && errno == EINTR)
			;
		if (r != 0) {
			err_set(e, _("Attach: `%s` changed while the message was "
			    "being sent (it grew past %llu bytes); the message "
			    "was not completed"), a->path,
			    (unsigned long long)a->size);
			return read_fail(m, e);
		}
	}
	m->out_off = 0;
	if (!a->raw) {
		m->out_len = enc_b64_mime(m->out, m->in, got);
		return 0;
	}
	/* As it is, with CRLF line ends (raw_scan measured them). */
	m->out_len = 0;
	for (size_t k = 0; k < got; k++) {
		if (m->in[k] == '\n' && !m->prev_cr)
			m->out[m->out_len++] = '\r';
		m->out[m->out_len++] = (char)m->in[k];
		m->prev_cr = m->in[k] == '\r';
	}
	if (m->file_left == 0 && got > 0 && m->in[got - 1] != '\n') {
		m->out[m->out_len++] = '\r';
		m->out[m->out_len++] = '\n';
	}
	return 0;
}

ssize_t
msg_read(struct msg *m, char *buf, size_t len, struct err *e)
{
	size_t total = 0, k;
	struct seg *s;

	if (!m->started || m->failed) {
		err_set(e, m->failed ? _("the message could not be read") :
		    _("msg_read called before msg_start"));
		return -1;
	}
	if (len == 0)
		return 0;
	if (m->raw_path != NULL)
		return raw_read(m, buf, len, e);
	while (total < len && m->si < m->nseg) {
		s = &m->seg[m->si];
		if (s->kind == SEG_MEM) {
			k = s->len - (size_t)m->soff;
			if (k > len - total)
				k = len - total;
			memcpy(buf + total, m->mem.data + s->off + m->soff, k);
			total += k;
			m->soff += k;
			if (m->soff == s->len) {
				m->si++;
				m->soff = 0;
			}
			continue;
		}
		if (s->kind == SEG_TEXT) {
			ssize_t n;

			if (m->soff == 0) {
				if (textsrc_start(m->text, m->text_enc, e) == -1)
					return read_fail(m, e);
				m->soff = 1;	/* started */
			}
			if ((n = textsrc_read(m->text, buf + total, len - total, e)) < 0)
				return read_fail(m, e);
			if (n == 0) {
				m->si++;
				m->soff = 0;
			}
			total += (size_t)n;
			continue;
		}
		if (m->out_off < m->out_len) {
			k = m->out_len - m->out_off;
			if (k > len - total)
				k = len - total;
			memcpy(buf + total, m->out + m->out_off, k);
			total += k;
			m->out_off += k;
			continue;
		}
		if (m->fd == -1 && m->soff == 0) {
			if (file_open(m, &m->att[s->att], e) == -1)
				return -1;
			m->soff = 1;	/* opened */
		}
		if (m->file_left == 0) {
			close_file(m);
			m->si++;
			m->soff = 0;
			continue;
		}
		if (file_refill(m, &m->att[s->att], e) == -1)
			return -1;
	}
	m->pos += total;
	if (total == 0 && m->pos != m->size) {
		/* Would be a bug: the promised size must hold. */
		err_set(e, _("the message ended after %llu of %llu bytes"),
		    (unsigned long long)m->pos, (unsigned long long)m->size);
		return read_fail(m, e);
	}
	return (ssize_t)total;
}
