/* Text sources (see textsrc.h): parts read a block at a time, the
 * newline rule applied as a stream, then one of four stages: the scan,
 * CRLF line ends, quoted-printable, or the LF text as it is. Every pass
 * reads the parts from their start; a file part is checked against what
 * the scan saw (size and modification time) when a pass opens it, and
 * its length when the pass ends, so that a file changed in between fails
 * the pass instead of sending something other than what was measured. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/text.h"
#include "mail/encode.h"
#include "mail/textsrc.h"

struct part {
	char *mem;		/* a part in memory (owned), or NULL */
	size_t len;
	int fd;			/* a file part, or -1 */
	off_t base;		/* where its text starts in the file */
	uint64_t size;		/* its length from base, at the scan */
	struct timespec mtime;
	char *what, *shown;	/* for messages: "Body", the path */
};

enum pass { PASS_NONE, PASS_SCAN, PASS_CRLF, PASS_QP, PASS_LF };

struct textsrc {
	struct part *p;
	size_t np;
	size_t block;
	char *watch;
	size_t watch_len;
	bool scanned;
	struct textsrc_shape shape;
	bool qp_known;
	uint64_t qp_size;

	/* The pass. */
	enum pass mode;
	size_t pi;		/* current part */
	bool open;		/* pi has been opened by this pass */
	uint64_t off;		/* bytes of part pi read */
	bool done, failed;
	bool cr;		/* the last byte was a CR: an LF next is its pair */
	bool any;		/* the part gave a byte */
	char last;		/* the last byte it gave */
	uint64_t total;		/* normalised bytes of this pass */
	struct enc_qp qp;
	/* The scan. */
	uint64_t line;		/* length of the current line so far */
	uint64_t chars;		/* its characters so far */
	long wpos;		/* watch prefix bytes matched on this line, -1 no */
	size_t ucarry;		/* bytes of a UTF-8 sequence cut by a block end */
	unsigned char ubuf[4];
	uint64_t uoff;		/* offset of ubuf[0] in the part */

	char *in;		/* a block read from a file */
	char *out;		/* what the stage wrote, not yet taken */
	size_t out_off, out_len;
};

struct textsrc *
textsrc_new(void)
{
	struct textsrc *t = xcalloc(1, sizeof *t);

	t->block = TEXTSRC_BLOCK;
	return t;
}

void
textsrc_free(struct textsrc *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->np; i++) {
		free(t->p[i].mem);
		if (t->p[i].fd != -1)
			close(t->p[i].fd);
		free(t->p[i].what);
		free(t->p[i].shown);
	}
	free(t->p);
	free(t->watch);
	free(t->in);
	free(t->out);
	free(t);
}

void
textsrc_set_block(struct textsrc *t, size_t n)
{
	t->block = n > 0 ? n : 1;
	free(t->in);
	free(t->out);
	t->in = t->out = NULL;
	t->mode = PASS_NONE;
}

static struct part *
part_add(struct textsrc *t)
{
	struct part *p;

	t->p = xrealloc(t->p, (t->np + 1) * sizeof *t->p);
	p = &t->p[t->np++];
	memset(p, 0, sizeof *p);
	p->fd = -1;
	t->scanned = t->qp_known = false;
	return p;
}

void
textsrc_add_mem(struct textsrc *t, const char *s, size_t n)
{
	struct part *p = part_add(t);

	p->mem = xmalloc(n);
	memcpy(p->mem, s, n);
	p->len = n;
}

void
textsrc_watch(struct textsrc *t, const char *prefix)
{
	free(t->watch);
	t->watch = xstrdup(prefix);
	t->watch_len = strlen(prefix);
	t->scanned = false;
}

static int
cannot_read(struct err *e, const char *what, const char *shown, int errnum)
{
	return err_setr(e, "usage", _("%s: cannot read `%s`: %s"), what, shown,
	    strerror(errnum));
}

static bool
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* An unlinked temporary file holding all that fd gives: a pipe can be
 * read only once, and the text is read at least twice. */
static int
spool(int fd, const char *what, const char *shown, struct err *e)
{
	const char *dir = getenv("TMPDIR");
	char *path, buf[65536];
	int out, saved;
	ssize_t r;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	out = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (out == -1) {
		/* A file system without O_TMPFILE: a named file, unlinked. */
		path = xasprintf("%s/missive-text-XXXXXX", dir);
		out = mkostemp(path, O_CLOEXEC);
		if (out != -1)
			unlink(path);
		free(path);
	}
	if (out == -1)
		return err_setr(e, "usage", _("%s: cannot keep `%s` in a temporary "
		    "file in %s: %s"), what, shown, dir, strerror(errno));
	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			saved = errno;
			close(out);
			return cannot_read(e, what, shown, saved);
		}
		if (r == 0)
			break;
		if (!write_all(out, buf, (size_t)r)) {
			saved = errno;
			close(out);
			return err_setr(e, "usage", _("%s: cannot keep `%s` in a "
			    "temporary file in %s: %s"), what, shown, dir,
			    strerror(saved));
		}
	}
	return out;
}

int
textsrc_add_fd(struct textsrc *t, const char *what, const char *shown, int fd,
    struct err *e)
{
	struct stat st;
	struct part *p;
	off_t base;

	if (fstat(fd, &st) == -1) {
		int saved = errno;

		close(fd);
		return cannot_read(e, what, shown, saved);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return cannot_read(e, what, shown, S_ISDIR(st.st_mode) ? EISDIR :
		    EINVAL);
	}
	base = lseek(fd, 0, SEEK_CUR);
	if (base == -1 || base > st.st_size)
		base = 0;
	p = part_add(t);
	p->fd = fd;
	p->base = base;
	p->size = (uint64_t)(st.st_size - base);
	p->mtime = st.st_mtim;
	p->what = xstrdup(what);
	p->shown = xstrdup(shown);
	return 0;
}

int
textsrc_add_file(struct textsrc *t, const char *what, const char *path,
    struct err *e)
{
	bool in = strcmp(path, "-") == 0;
	const char *shown = in ? _("standard input") : path;
	struct stat st;
	int fd, sp;

	if (in)
		fd = dup(STDIN_FILENO);
	else
		/* O_NONBLOCK: opening a FIFO must not hang. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return cannot_read(e, what, shown, errno);
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		int saved = S_ISDIR(st.st_mode) ? EISDIR : errno;

		close(fd);
		return cannot_read(e, what, shown, saved);
	}
	if (!S_ISREG(st.st_mode)) {
		/* Back to blocking reads for pipes and the like. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		sp = spool(fd, what, shown, e);
		close(fd);
		if (sp == -1)
			return -1;
		fd = sp;
		if (lseek(fd, 0, SEEK_SET) == -1) {
			close(fd);
			return cannot_read(e, what, shown, errno);
		}
	}
	return textsrc_add_fd(t, what, shown, fd, e);
}

const struct textsrc_shape *
textsrc_shape(const struct textsrc *t)
{
	return &t->shape;
}

const char *
textsrc_part_name(const struct textsrc *t, size_t i)
{
	return i < t->np ? t->p[i].shown : NULL;
}

/* --- the stages, fed normalised text */

static void
scan_feed(struct textsrc *t, const char *p, size_t n)
{
	struct textsrc_shape *sh = &t->shape;
	const char *nl;
	size_t seg, k;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		seg = nl != NULL ? (size_t)(nl - p) : n;
		if (t->wpos >= 0 && t->watch_len > 0) {
			k = t->watch_len - (size_t)t->wpos;
			if (k > seg)
				k = seg;
			if (memcmp(p, t->watch + t->wpos, k) != 0)
				t->wpos = -1;
			else if ((t->wpos += (long)k) == (long)t->watch_len) {
				sh->watched = true;
				t->wpos = -1;
			} else if (nl != NULL)
				t->wpos = -1;	/* the line ended first */
		}
		t->line += seg;
		if (!enc_span_flags(p, seg, &sh->high, &sh->nul))
			t->chars += seg;	/* ASCII: a byte is a character */
		else
			for (k = 0; k < seg; k++)
				if (((unsigned char)p[k] & 0xc0) != 0x80)
					t->chars++;
		if (nl == NULL)
			break;
		if (t->line > sh->maxline)
			sh->maxline = t->line;
		if (t->chars > sh->maxchars)
			sh->maxchars = t->chars;
		t->line = t->chars = 0;
		t->wpos = 0;
		sh->lines++;
		p += seg + 1;
		n -= seg + 1;
	}
}

static void
crlf_feed(struct textsrc *t, const char *p, size_t n)
{
	char *o = t->out + t->out_len;
	const char *nl;
	size_t k;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) : n;
		memcpy(o, p, k);
		o += k;
		if (nl == NULL)
			break;
		*o++ = '\r';
		*o++ = '\n';
		p += k + 1;
		n -= k + 1;
	}
	t->out_len = (size_t)(o - t->out);
}

static void
stage_feed(struct textsrc *t, const char *p, size_t n)
{
	t->total += n;
	switch (t->mode) {
	case PASS_SCAN:
		scan_feed(t, p, n);
		break;
	case PASS_CRLF:
		crlf_feed(t, p, n);
		break;
	case PASS_QP:
		t->out_len += enc_qp_feed(&t->qp, t->out + t->out_len, p, n);
		break;
	case PASS_LF:
		memcpy(t->out + t->out_len, p, n);
		t->out_len += n;
		break;
	case PASS_NONE:
		break;
	}
}

/* --- the newline rule, as a stream */

static void
norm_feed(struct textsrc *t, const char *p, size_t n)
{
	const char *cr;
	size_t k;

	if (n > 0 && t->cr && p[0] == '\n') {
		/* The LF of a CRLF cut by a block end. */
		p++;
		n--;
	}
	t->cr = false;
	while (n > 0) {
		cr = memchr(p, '\r', n);
		k = cr != NULL ? (size_t)(cr - p) : n;
		if (k > 0) {
			stage_feed(t, p, k);
			t->last = p[k - 1];
			t->any = true;
		}
		if (cr == NULL)
			break;
		stage_feed(t, "\n", 1);
		t->last = '\n';
		t->any = true;
		p += k + 1;
		n -= k + 1;
		if (n == 0)
			t->cr = true;
		else if (p[0] == '\n') {
			p++;
			n--;
		}
	}
}

static void
norm_end(struct textsrc *t)
{
	if (t->any && t->last != '\n')
		stage_feed(t, "\n", 1);
	t->any = t->cr = false;
	t->last = 0;
}

/* --- UTF-8 of the raw bytes, across block ends */

static size_t
seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

static void
utf8_bad(struct textsrc *t, uint64_t at)
{
	if (t->shape.utf8_bad)
		return;
	t->shape.utf8_bad = true;
	t->shape.bad_part = t->pi;
	t->shape.bad_at = at;
}

/* p[0..n) at offset off of the part. */
static void
utf8_feed(struct textsrc *t, const unsigned char *p, size_t n, uint64_t off)
{
	size_t i = 0, need, tail, bad;

	if (t->shape.utf8_bad)
		return;
	if (t->ucarry > 0) {
		need = seq_len(t->ubuf[0]);
		while (t->ucarry < need && i < n)
			t->ubuf[t->ucarry++] = p[i++];
		if (t->ucarry < need)
			return;
		if (utf8_len(t->ubuf, need) != need) {
			utf8_bad(t, t->uoff);
			return;
		}
		t->ucarry = 0;
	}
	/* A sequence cut by the end of this block waits for the next. */
	tail = n;
	for (size_t j = n; j > i && j + 4 > n; j--) {
		unsigned char c = p[j - 1];

		if (c < 0x80)
			break;
		if (c >= 0xc0) {
			need = seq_len(c);
			if (need > 0 && j - 1 + need > n)
				tail = j - 1;
			break;
		}
	}
	if (!enc_utf8_valid((const char *)p + i, tail - i, &bad)) {
		utf8_bad(t, off + i + bad);
		return;
	}
	if (tail < n) {
		t->ucarry = n - tail;
		memcpy(t->ubuf, p + tail, t->ucarry);
		t->uoff = off + tail;
	}
}

/* --- passes */

static int
changed(struct textsrc *t, struct err *e)
{
	const struct part *p = &t->p[t->pi];

	t->failed = true;
	return err_setr(e, "usage", _("%s: `%s` changed while the message was "
	    "being sent; the message was not completed"), p->what, p->shown);
}

static int
pass_begin(struct textsrc *t, enum pass mode, struct err *e)
{
	if (t->out == NULL) {
		t->out = xmalloc(ENC_QP_OUT(t->block) + 16);
		t->in = xmalloc(t->block);
	}
	if (mode != PASS_SCAN && !t->scanned && textsrc_scan(t, e) == -1)
		return -1;
	t->mode = mode;
	t->pi = 0;
	t->open = false;
	t->off = 0;
	t->done = t->failed = false;
	t->cr = t->any = false;
	t->last = 0;
	t->total = 0;
	t->out_off = t->out_len = 0;
	enc_qp_init(&t->qp);
	return 0;
}

/* Opens part pi for this pass: a file must be what the scan saw. */
static int
part_open(struct textsrc *t, struct err *e)
{
	struct part *p = &t->p[t->pi];
	struct stat st;

	t->off = 0;
	t->open = true;
	if (p->fd == -1)
		return 0;
	if (fstat(p->fd, &st) == -1)
		return cannot_read(e, p->what, p->shown, errno);
	if (t->mode == PASS_SCAN) {
		p->size = st.st_size > p->base ? (uint64_t)(st.st_size - p->base) : 0;
		p->mtime = st.st_mtim;
		return 0;
	}
	if ((uint64_t)st.st_size != p->size + (uint64_t)p->base ||
	    st.st_mtim.tv_sec != p->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != p->mtime.tv_nsec)
		return changed(t, e);
	return 0;
}

/* The next block of part pi: *out and *n (0 at its end). */
static int
part_block(struct textsrc *t, const char **out, size_t *n, struct err *e)
{
	struct part *p = &t->p[t->pi];
	uint64_t left;
	size_t want, got = 0;
	ssize_t r;

	if (p->fd == -1) {
		left = p->len - t->off;
		*n = left < t->block ? (size_t)left : t->block;
		*out = p->mem + t->off;
		return 0;
	}
	left = p->size - t->off;
	want = left < t->block ? (size_t)left : t->block;
	while (got < want) {
		r = pread(p->fd, t->in + got, want - got,
		    p->base + (off_t)(t->off + got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			t->failed = true;
			return cannot_read(e, p->what, p->shown, errno);
		}
		if (r == 0)
			return changed(t, e);	/* shorter than it was */
		got += (size_t)r;
	}
	if (want == 0 && t->mode != PASS_SCAN) {
		char c;

		while ((r = pread(p->fd, &c, 1, p->base + (off_t)p->size)) == -1 &&
		    errno == EINTR)
			;
		if (r != 0)
			return changed(t, e);	/* longer than it was */
	}
	*out = t->in;
	*n = got;
	return 0;
}

/* Runs the pass until the stage wrote something or the pass ended. */
static int
refill(struct textsrc *t, struct err *e)
{
	const char *blk = NULL;
	size_t n = 0;

	t->out_off = t->out_len = 0;
	while (t->out_len == 0 && !t->done) {
		if (t->pi == t->np) {
			if (t->mode == PASS_QP)
				t->out_len = enc_qp_end(&t->qp, t->out);
			t->done = true;
			if (t->mode != PASS_SCAN && t->total != t->shape.bytes) {
				/* Would be a bug: the parts were checked. */
				t->failed = true;
				return err_set(e, _("the text ended after %llu of "
				    "%llu bytes"), (unsigned long long)t->total,
				    (unsigned long long)t->shape.bytes);
			}
			break;
		}
		if (!t->open && part_open(t, e) == -1)
			return -1;
		if (part_block(t, &blk, &n, e) == -1)
			return -1;
		if (n == 0) {
			if (t->mode == PASS_SCAN && t->ucarry > 0) {
				utf8_bad(t, t->uoff);
				t->ucarry = 0;
			}
			norm_end(t);
			t->pi++;
			t->open = false;
			continue;
		}
		if (t->mode == PASS_SCAN)
			utf8_feed(t, (const unsigned char *)blk, n, t->off);
		norm_feed(t, blk, n);
		t->off += n;
	}
	return 0;
}

int
textsrc_scan(struct textsrc *t, struct err *e)
{
	t->scanned = false;
	if (pass_begin(t, PASS_SCAN, e) == -1)
		return -1;
	memset(&t->shape, 0, sizeof t->shape);
	t->line = t->chars = 0;
	t->wpos = 0;
	t->ucarry = 0;
	while (!t->done)
		if (refill(t, e) == -1) {
			t->mode = PASS_NONE;
			return -1;
		}
	if (t->line > t->shape.maxline)
		t->shape.maxline = t->line;	/* no part: nothing to end */
	if (t->chars > t->shape.maxchars)
		t->shape.maxchars = t->chars;
	t->shape.bytes = t->total;
	t->scanned = true;
	t->qp_known = false;
	t->mode = PASS_NONE;
	return 0;
}

int
textsrc_start(struct textsrc *t, enum textsrc_enc enc, struct err *e)
{
	return pass_begin(t, enc == TEXTSRC_QP ? PASS_QP : enc == TEXTSRC_LF ?
	    PASS_LF : PASS_CRLF, e);
}

ssize_t
textsrc_read(struct textsrc *t, char *buf, size_t len, struct err *e)
{
	size_t total = 0, k;

	if (t->mode == PASS_NONE || t->mode == PASS_SCAN || t->failed) {
		err_set(e, _("the text could not be read"));
		return -1;
	}
	while (total < len) {
		if (t->out_off == t->out_len) {
			if (t->done)
				break;
			if (refill(t, e) == -1)
				return -1;
			continue;
		}
		k = t->out_len - t->out_off;
		if (k > len - total)
			k = len - total;
		memcpy(buf + total, t->out + t->out_off, k);
		t->out_off += k;
		total += k;
	}
	return (ssize_t)total;
}

int
textsrc_size(struct textsrc *t, enum textsrc_enc enc, uint64_t *size,
    struct err *e)
{
	uint64_t n = 0;

	if (!t->scanned && textsrc_scan(t, e) == -1)
		return -1;
	switch (enc) {
	case TEXTSRC_LF:
		*size = t->shape.bytes;
		return 0;
	case TEXTSRC_CRLF:
		*size = t->shape.bytes + t->shape.lines;
		return 0;
	case TEXTSRC_QP:
		break;
	}
	if (!t->qp_known) {
		if (pass_begin(t, PASS_QP, e) == -1)
			return -1;
		while (!t->done) {
			if (refill(t, e) == -1) {
				t->mode = PASS_NONE;
				return -1;
			}
			n += t->out_len;
		}
		t->qp_size = n;
		t->qp_known = true;
		t->mode = PASS_NONE;
	}
	*size = t->qp_size;
	return 0;
}

int
textsrc_text(struct textsrc *t, struct buf *out, struct err *e)
{
	char tmp[16384];
	ssize_t n;

	if (textsrc_start(t, TEXTSRC_LF, e) == -1)
		return -1;
	while ((n = textsrc_read(t, tmp, sizeof tmp, e)) > 0)
		buf_add(out, tmp, (size_t)n);
	return n < 0 ? -1 : 0;
}
