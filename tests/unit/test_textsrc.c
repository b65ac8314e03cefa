/* The streaming text source (mail/textsrc.c) against the rules as they
 * were written for a text held whole in memory (the oracles below: the
 * newline rule, CRLF line ends, quoted-printable line by line, the
 * shape): random texts in one to four parts, in memory and in files,
 * read with block sizes from one byte up, so that every rule meets a
 * block end (a CRLF, a UTF-8 sequence, a soft break, a watched prefix
 * cut in two). Also: a file that changes after the scan fails the pass
 * in words, standard input from a pipe is spooled, a bad UTF-8 byte is
 * found at its offset wherever the blocks end. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "mail/encode.h"
#include "mail/textsrc.h"

static char tmpdir[64];
static uint64_t rng = 16;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/missive-test-textsrc-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *
write_tmp(const char *name, const char *data, size_t n)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* --- the oracles: the rules on a whole text */

static void
ref_norm(struct buf *out, const char *s, size_t n)
{
	size_t i, start = out->len;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			buf_addc(out, '\n');
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else
			buf_addc(out, s[i]);
	}
	if (out->len > start && out->data[out->len - 1] != '\n')
		buf_addc(out, '\n');
}

static void
ref_crlf(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf_add(out, "\r\n", 2);
		else
			buf_addc(out, s[i]);
	}
}

static void
ref_qp_line(struct buf *out, const unsigned char *s, size_t n)
{
	static const char hexdig[] = "0123456789ABCDEF";
	size_t j, col = 0, tl;
	bool enc, last;
	char t[3];

	for (j = 0; j < n; j++) {
		unsigned char c = s[j];

		last = j + 1 == n;
		if (c == ' ' || c == '\t')
			enc = last;
		else
			enc = c < 33 || c > 126 || c == '=';
		tl = enc ? 3 : 1;
		if (col + tl > (last ? 76u : 75u)) {
			buf_add(out, "=\r\n", 3);
			col = 0;
		}
		if (enc) {
			t[0] = '=';
			t[1] = hexdig[c >> 4];
			t[2] = hexdig[c & 15];
			buf_add(out, t, 3);
		} else
			buf_addc(out, (char)c);
		col += tl;
	}
}

static void
ref_qp(struct buf *out, const char *in, size_t n)
{
	size_t i = 0, e;

	while (i < n) {
		e = i;
		while (e < n && in[e] != '\n')
			e++;
		ref_qp_line(out, (const unsigned char *)in + i, e - i);
		buf_add(out, "\r\n", 2);
		i = e + 1;
	}
}

static void
ref_shape(const char *s, size_t n, const char *watch, struct textsrc_shape *sh)
{
	size_t i, line = 0, chars = 0, wl = strlen(watch);

	memset(sh, 0, sizeof *sh);
	sh->bytes = n;
	for (i = 0; i < n; i++) {
		if ((i == 0 || s[i - 1] == '\n') && n - i >= wl &&
		    memcmp(s + i, watch, wl) == 0)
			sh->watched = true;
		if (s[i] == '\n') {
			sh->lines++;
			if (line > sh->maxline)
				sh->maxline = line;
			if (chars > sh->maxchars)
				sh->maxchars = chars;
			line = chars = 0;
			continue;
		}
		line++;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
		if (s[i] == '\0')
			sh->nul = true;
		if ((unsigned char)s[i] >= 0x80)
			sh->high = true;
	}
	if (line > sh->maxline)
		sh->maxline = line;
	if (chars > sh->maxchars)
		sh->maxchars = chars;
}

/* --- random texts */

static void
rand_text(struct buf *b, size_t n)
{
	static const char *const pieces[] = { "a", "b", "word", " ", "  ", "\t",
		"\r", "\n", "\r\n", "=", ".", "From ", "--=_w", "é", "東", "😀",
		"\xff", "\xe6\x9d", "x" };
	size_t i;

	for (i = 0; b->len < n; i++) {
		unsigned k = rnd(40);

		if (k < (unsigned)(sizeof pieces / sizeof pieces[0]))
			buf_adds(b, pieces[k]);
		else if (k == 39 && rnd(8) == 0) {
			/* A long line now and then. */
			size_t l = 900 + rnd(300);

			while (l-- > 0)
				buf_addc(b, (char)('a' + rnd(3)));
		} else if (k == 38 && rnd(16) == 0)
			buf_addc(b, '\0');
		else
			buf_addc(b, (char)('a' + rnd(26)));
	}
}

/* Everything a pass with enc gives. */
static void
read_all(struct textsrc *t, enum textsrc_enc enc, struct buf *out)
{
	struct err e = { 0 };
	char piece[777];
	ssize_t n;
	size_t want = 1 + rnd(sizeof piece);

	assert_int_equal(textsrc_start(t, enc, &e), 0);
	while ((n = textsrc_read(t, piece, want, &e)) > 0) {
		buf_add(out, piece, (size_t)n);
		want = 1 + rnd(sizeof piece);
	}
	if (n < 0)
		fail_msg("textsrc_read: %s", e.msg);
	assert_int_equal(textsrc_read(t, piece, sizeof piece, &e), 0);
}

static void
same(const struct buf *a, const struct buf *b, const char *what, size_t block)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len) != 0)
		fail_msg("%s differs at block size %zu (%zu vs %zu bytes)", what,
		    block, a->len, b->len);
}

static void
test_oracle(void **state)
{
	static const size_t blocks[] = { 1, 2, 3, 5, 7, 64, 1000, 4096,
		TEXTSRC_BLOCK };
	int round;

	(void)state;
	for (round = 0; round < 40; round++) {
		struct buf raw[4], norm, want_crlf, want_qp;
		struct textsrc_shape ref;
		size_t np = 1 + rnd(4), i, bi;
		bool file[4];
		char *path[4] = { NULL };

		buf_init(&norm);
		buf_adds(&norm, "");
		for (i = 0; i < np; i++) {
			buf_init(&raw[i]);
			buf_adds(&raw[i], "");
			rand_text(&raw[i], rnd(5) == 0 ? 0 : rnd(6000));
			ref_norm(&norm, raw[i].data, raw[i].len);
			file[i] = rnd(2) == 0;
			if (file[i]) {
				char name[32];

				snprintf(name, sizeof name, "r%d-%zu", round, i);
				path[i] = write_tmp(name, raw[i].data, raw[i].len);
			}
		}
		buf_init(&want_crlf);
		buf_adds(&want_crlf, "");
		ref_crlf(&want_crlf, norm.data, norm.len);
		buf_init(&want_qp);
		buf_adds(&want_qp, "");
		ref_qp(&want_qp, norm.data, norm.len);
		ref_shape(norm.data, norm.len, "--=_w", &ref);

		for (bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
			struct textsrc *t = textsrc_new();
			struct err e = { 0 };
			struct buf got;
			const struct textsrc_shape *sh;
			uint64_t size;

			textsrc_set_block(t, blocks[bi]);
			textsrc_watch(t, "--=_w");
			for (i = 0; i < np; i++) {
				if (file[i])
					assert_int_equal(textsrc_add_file(t, "Body", path[i], &e), 0);
				else
					textsrc_add_mem(t, raw[i].data, raw[i].len);
			}
			assert_int_equal(textsrc_scan(t, &e), 0);
			sh = textsrc_shape(t);
			assert_int_equal(sh->bytes, ref.bytes);
			assert_int_equal(sh->lines, ref.lines);
			assert_int_equal(sh->maxline, ref.maxline);
			assert_int_equal(sh->maxchars, ref.maxchars);
			assert_int_equal(sh->nul, ref.nul);
			assert_int_equal(sh->high, ref.high);
			assert_int_equal(sh->watched, ref.watched);

			buf_init(&got);
			buf_adds(&got, "");
			read_all(t, TEXTSRC_LF, &got);
			same(&got, &norm, "the LF text", blocks[bi]);
			got.len = 0;
			read_all(t, TEXTSRC_CRLF, &got);
			same(&got, &want_crlf, "the CRLF text", blocks[bi]);
			assert_int_equal(textsrc_size(t, TEXTSRC_CRLF, &size, &e), 0);
			assert_int_equal(size, want_crlf.len);
			got.len = 0;
			read_all(t, TEXTSRC_QP, &got);
			same(&got, &want_qp, "quoted-printable", blocks[bi]);
			assert_int_equal(textsrc_size(t, TEXTSRC_QP, &size, &e), 0);
			assert_int_equal(size, want_qp.len);
			buf_free(&got);
			textsrc_free(t);
		}
		for (i = 0; i < np; i++) {
			buf_free(&raw[i]);
			free(path[i]);
		}
		buf_free(&norm);
		buf_free(&want_crlf);
		buf_free(&want_qp);
	}
}

/* The first bad UTF-8 byte of a part, wherever the blocks cut it. */
static void
test_utf8(void **state)
{
	static const char *const bad[] = { "\xff", "\xc0\x80", "\xe0\x80\x80",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe6\x9d", "\xe6\x9dx",
		"\xf0\x9f\x98" };
	size_t b, at, block;

	(void)state;
	for (b = 0; b < sizeof bad / sizeof bad[0]; b++)
		for (at = 0; at < 7; at++)
			for (block = 1; block <= 9; block++) {
				struct buf s;
				struct textsrc *t = textsrc_new();
				struct err e = { 0 };
				char *path;
				size_t want;

				buf_init(&s);
				buf_adds(&s, "é東😀ab\r\n");
				s.len = at + 4;	/* cut somewhere in the good part */
				while (!enc_utf8_valid(s.data, s.len, NULL))
					s.len--;
				want = s.len;
				buf_adds(&s, bad[b]);
				buf_adds(&s, "tail");
				path = write_tmp("bad", s.data, s.len);
				textsrc_set_block(t, block);
				assert_int_equal(textsrc_add_file(t, "Body", path, &e), 0);
				assert_int_equal(textsrc_scan(t, &e), 0);
				assert_true(textsrc_shape(t)->utf8_bad);
				assert_int_equal(textsrc_shape(t)->bad_part, 0);
				assert_int_equal(textsrc_shape(t)->bad_at, want);
				textsrc_free(t);
				free(path);
				buf_free(&s);
			}
}

static void
expect_changed(struct textsrc *t, const char *path)
{
	struct err e = { 0 };
	char piece[4096];
	ssize_t n = 0;

	if (textsrc_start(t, TEXTSRC_CRLF, &e) == 0)
		while ((n = textsrc_read(t, piece, sizeof piece, &e)) > 0)
			;
	assert_int_equal(n, -1);
	assert_non_null(strstr(e.msg, "changed while the message was being sent"));
	assert_non_null(strstr(e.msg, path));
}

/* A file that changes after the scan (longer, shorter, the same length
 * rewritten) fails the pass; nothing is read as if it were the text
 * measured. */
static void
test_changed(void **state)
{
	struct err e = { 0 };
	struct textsrc *t;
	struct timeval tv[2];
	char *path;
	int fd;

	(void)state;
	path = write_tmp("chg", "one\ntwo\n", 8);
	t = textsrc_new();
	assert_int_equal(textsrc_add_file(t, "Body", path, &e), 0);
	assert_int_equal(textsrc_scan(t, &e), 0);
	free(write_tmp("chg", "one\ntwo\nthree\n", 14));
	expect_changed(t, path);
	textsrc_free(t);

	t = textsrc_new();
	assert_int_equal(textsrc_add_file(t, "Body", path, &e), 0);
	assert_int_equal(textsrc_scan(t, &e), 0);
	assert_int_equal(truncate(path, 3), 0);
	expect_changed(t, path);
	textsrc_free(t);

	/* The same length, a new modification time. */
	free(write_tmp("chg", "one\ntwo\n", 8));
	t = textsrc_new();
	assert_int_equal(textsrc_add_file(t, "Body", path, &e), 0);
	assert_int_equal(textsrc_scan(t, &e), 0);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ONE", 3), 3);
	close(fd);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec += 5;
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
	expect_changed(t, path);
	textsrc_free(t);
	free(path);
}

/* Standard input from a pipe is read once, into a temporary file, and
 * passes read it again. */
static void
test_stdin_pipe(void **state)
{
	struct err e = { 0 };
	struct textsrc *t = textsrc_new();
	struct buf got;
	int p[2], saved = dup(STDIN_FILENO);

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "a\r\nb", 4), 4);
	close(p[1]);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	assert_int_equal(textsrc_add_file(t, "Body", "-", &e), 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(textsrc_scan(t, &e), 0);
	assert_string_equal(textsrc_part_name(t, 0), "standard input");
	buf_init(&got);
	buf_adds(&got, "");
	read_all(t, TEXTSRC_CRLF, &got);
	assert_int_equal(got.len, 6);
	assert_memory_equal(got.data, "a\r\nb\r\n", 6);
	got.len = 0;
	read_all(t, TEXTSRC_CRLF, &got);
	assert_memory_equal(got.data, "a\r\nb\r\n", 6);
	buf_free(&got);
	textsrc_free(t);
}

/* Errors name the field and the file. */
static void
test_errors(void **state)
{
	struct err e = { 0 };
	struct textsrc *t = textsrc_new();

	(void)state;
	assert_int_equal(textsrc_add_file(t, "Body", "/nonexistent/x", &e), -1);
	assert_non_null(strstr(e.msg, "Body: cannot read `/nonexistent/x`"));
	assert_string_equal(e.reason, "usage");
	assert_int_equal(textsrc_add_file(t, "Body", tmpdir, &e), -1);
	assert_non_null(strstr(e.msg, "Is a directory"));
	textsrc_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_stdin_pipe),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
