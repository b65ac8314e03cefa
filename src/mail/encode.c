/* Byte-level encodings for mail (see encode.h): UTF-8, base64,
 * quoted-printable, RFC 2047 encoded-words, header folding, RFC 2231
 * parameters, internationalised domains (libidn2) and the content-type
 * table. */
#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <threads.h>

#include <idn2.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/encode.h"

/* --- UTF-8 */

bool
enc_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if (u[i] < 0x80) {
			uint64_t v;

			/* ASCII, most text: eight bytes at a time. */
			for (i++; i + 8 <= n; i += 8) {
				memcpy(&v, u + i, 8);
				if (v & 0x8080808080808080ull)
					break;
			}
			while (i < n && u[i] < 0x80)
				i++;
			continue;
		}
		if ((l = utf8_len(u + i, n - i)) == 0) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += l;
	}
	return true;
}

bool
enc_has_8bit(const char *s, size_t n)
{
	bool high = false, nul = false;

	return enc_span_flags(s, n, &high, &nul);
}

bool
enc_span_flags(const char *s, size_t n, bool *high, bool *nul)
{
	const uint64_t lo = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	uint64_t h = 0, z = 0, v;
	size_t i = 0;
	bool here = false;

	for (; i + 8 <= n; i += 8) {
		memcpy(&v, s + i, 8);
		h |= v;
		z |= (v - lo) & ~v;	/* a zero byte sets its high bit */
	}
	if (h & hi)
		here = true;
	if (z & hi)
		*nul = true;
	for (; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			here = true;
		else if (s[i] == '\0')
			*nul = true;
	}
	if (here)
		*high = true;
	return here;
}

/* --- base64 */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
enc_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

static size_t
enc_b64_raw(char *out, const unsigned char *in, size_t n)
{
	char *o = out;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];

		*o++ = b64_alphabet[(v >> 18) & 63];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		*o++ = b64_alphabet[(v >> 18) & 63];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);

		*o++ = b64_alphabet[(v >> 18) & 63];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = '=';
	}
	return (size_t)(o - out);
}

void
enc_b64_encode(struct buf *out, const void *in, size_t n)
{
	char tmp[4 * 64];
	const unsigned char *p = in;
	size_t k;

	while (n > 0) {
		k = n > 3 * 64 ? 3 * 64 : n;
		buf_add(out, tmp, enc_b64_raw(tmp, p, k));
		p += k;
		n -= k;
	}
}

uint64_t
enc_b64_mime_size(uint64_t n)
{
	uint64_t full = n / ENC_B64_LINE_IN, rem = n % ENC_B64_LINE_IN;

	return full * ENC_B64_LINE + (rem ? (rem + 2) / 3 * 4 + 2 : 0);
}

size_t
enc_b64_mime(char *out, const unsigned char *in, size_t n)
{
	size_t o = 0, k;

	while (n > 0) {
		k = n > ENC_B64_LINE_IN ? ENC_B64_LINE_IN : n;
		o += enc_b64_raw(out + o, in, k);
		out[o++] = '\r';
		out[o++] = '\n';
		in += k;
		n -= k;
	}
	return o;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
enc_b64_decode(struct buf *out, const char *in, size_t n)
{
	uint32_t acc = 0;
	size_t i, got = 0, pad = 0;
	int v;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64_value(c)) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		if (++got == 4) {
			unsigned char t[3] = { (unsigned char)(acc >> 16),
			    (unsigned char)(acc >> 8), (unsigned char)acc };

			buf_add(out, t, 3);
			got = 0;
			acc = 0;
		}
	}
	if (got == 1 || (got == 0 && pad > 0) || (got > 0 && got + pad != 4 && pad != 0))
		return -1;
	if (got == 2) {
		unsigned char t = (unsigned char)(acc >> 4);

		buf_add(out, &t, 1);
	} else if (got == 3) {
		unsigned char t[2] = { (unsigned char)(acc >> 10), (unsigned char)(acc >> 2) };

		buf_add(out, t, 2);
	}
	return 0;
}

/* --- quoted-printable */

static const char hexdig[] = "0123456789ABCDEF";

/* One character of a line; last: it ends the line (whitespace there
 * must be escaped, and it needs no room for a soft break's '='). */
static size_t
qp_put(struct enc_qp *q, char *o, unsigned char c, bool last)
{
	size_t w = 0, tl;
	bool enc;

	if (c == ' ' || c == '\t')
		enc = last;	/* trailing whitespace would be lost */
	else
		enc = c < 33 || c > 126 || c == '=';
	tl = enc ? 3 : 1;
	/* Room for the char, plus the '=' of a soft break unless this char
	 * ends the line. */
	if (q->col + tl > (last ? 76u : 75u)) {
		memcpy(o, "=\r\n", 3);
		w = 3;
		q->col = 0;
	}
	if (enc) {
		o[w++] = '=';
		o[w++] = hexdig[c >> 4];
		o[w++] = hexdig[c & 15];
	} else
		o[w++] = (char)c;
	q->col += tl;
	return w;
}

void
enc_qp_init(struct enc_qp *q)
{
	q->col = 0;
	q->held = -1;
}

size_t
enc_qp_feed(struct enc_qp *q, char *out, const char *in, size_t n)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if (u[i] == '\n') {
			if (q->held >= 0)
				w += qp_put(q, out + w, (unsigned char)q->held, true);
			q->held = -1;
			out[w++] = '\r';
			out[w++] = '\n';
			q->col = 0;
			continue;
		}
		/* Whether the held char ends its line is known now: no. */
		if (q->held >= 0)
			w += qp_put(q, out + w, (unsigned char)q->held, false);
		q->held = u[i];
	}
	return w;
}

size_t
enc_qp_end(struct enc_qp *q, char *out)
{
	size_t w = 0;

	if (q->held >= 0) {
		w = qp_put(q, out, (unsigned char)q->held, true);
		out[w++] = '\r';
		out[w++] = '\n';
	}
	enc_qp_init(q);
	return w;
}

void
enc_qp_encode(struct buf *out, const char *in, size_t n)
{
	struct enc_qp q;
	char tmp[ENC_QP_OUT(1024)];
	size_t k;

	enc_qp_init(&q);
	while (n > 0) {
		k = n < 1024 ? n : 1024;
		buf_add(out, tmp, enc_qp_feed(&q, tmp, in, k));
		in += k;
		n -= k;
	}
	buf_add(out, tmp, enc_qp_end(&q, tmp));
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
qp_decode(struct buf *out, const char *in, size_t n, bool lenient)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n') {
			buf_addc(out, '\n');
			i += 2;
		} else if (u[i] == '=') {
			/* Soft break: '=' then optional blanks then a line end. */
			k = i + 1;
			while (k < n && (u[k] == ' ' || u[k] == '\t'))
				k++;
			if (k == n) {
				i = k;
			} else if (u[k] == '\n') {
				i = k + 1;
			} else if (u[k] == '\r' && k + 1 < n && u[k + 1] == '\n') {
				i = k + 2;
			} else if (i + 2 < n && hexval(u[i + 1]) >= 0 &&
			    hexval(u[i + 2]) >= 0) {
				buf_addc(out, (char)(hexval(u[i + 1]) * 16 +
				    hexval(u[i + 2])));
				i += 3;
			} else if (lenient)
				/* RFC 2045 6.7 (1): a robust reader keeps it. */
				buf_addc(out, (char)u[i++]);
			else
				return -1;
		} else
			buf_addc(out, (char)u[i++]);
	}
	return 0;
}

int
enc_qp_decode(struct buf *out, const char *in, size_t n)
{
	return qp_decode(out, in, n, false);
}

void
enc_qp_decode_lenient(struct buf *out, const char *in, size_t n)
{
	(void)qp_decode(out, in, n, true);
}

/* --- header builder */

void
enc_hdr_begin(struct enc_hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	buf_adds(b, name);
	buf_addc(b, ':');
	h->col = strlen(name) + 1;
	h->fresh = true;
}

void
enc_hdr_token(struct enc_hdr *h, const char *ws, const char *tok, size_t n)
{
	size_t wl = ws != NULL ? strlen(ws) : 0;

	if (wl > 0 && !h->fresh && h->col + wl + n > ENC_FOLD) {
		buf_add(h->b, "\r\n", 2);
		h->col = 0;
	}
	if (wl > 0)
		buf_add(h->b, ws, wl);
	if (n > 0)
		buf_add(h->b, tok, n);
	h->col += wl + n;
	h->fresh = false;
}

void
enc_hdr_end(struct enc_hdr *h)
{
	buf_add(h->b, "\r\n", 2);
	h->col = 0;
	h->fresh = true;
}

/* Characters a Q encoded-word may carry unencoded (RFC 2047 5(3) in
 * phrases; a looser set in unstructured text). */
static bool
q_safe(unsigned char c, bool phrase)
{
	if (isalnum(c) && c < 0x80)
		return true;
	if (phrase)
		return c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
	return c > 32 && c < 127 && c != '=' && c != '?' && c != '_';
}

static size_t
q_len(const unsigned char *s, size_t n, bool phrase)
{
	size_t i, l = 0;

	for (i = 0; i < n; i++)
		l += (s[i] == ' ' || q_safe(s[i], phrase)) ? 1 : 3;
	return l;
}

/* Length of the next character (1 for a stray byte). */
static size_t
char_len(const unsigned char *s, size_t n)
{
	size_t l = utf8_len(s, n);

	return l ? l : 1;
}

#define EW_OVERHEAD 12		/* "=?UTF-8?Q?" + "?=" */
#define EW_MAX 75

void
enc_hdr_ew(struct enc_hdr *h, const char *ws, const char *text, size_t n,
    bool phrase)
{
	const unsigned char *u = (const unsigned char *)text;
	const char *sep = ws != NULL && *ws ? ws : " ";
	bool q = q_len(u, n, phrase) <= enc_b64_len(n);
	size_t i = 0, j, cl, room, max, len, sl, rest;
	struct buf w;

	buf_init(&w);
	while (i < n) {
		cl = char_len(u + i, n - i);
		len = EW_OVERHEAD + (q ? q_len(u + i, cl, phrase) : enc_b64_len(cl));
		sl = strlen(sep);
		room = h->col + sl < ENC_FOLD ? ENC_FOLD - h->col - sl : 0;
		/* Too little room left on this line (and the rest does not
		 * fit there whole): the word goes on a fresh line. */
		rest = EW_OVERHEAD + (q ? q_len(u + i, n - i, phrase) :
		    enc_b64_len(n - i));
		if (!h->fresh && (room < len || (room < 40 && rest > room)))
			room = ENC_FOLD - sl;
		max = room < EW_MAX ? room : EW_MAX;
		if (max < len)
			max = len;
		/* Take whole characters while the word stays within max. */
		j = i + cl;
		while (j < n) {
			cl = char_len(u + j, n - j);
			len = EW_OVERHEAD + (q ? q_len(u + i, j + cl - i, phrase) :
			    enc_b64_len(j + cl - i));
			if (len > max)
				break;
			j += cl;
		}
		buf_free(&w);
		buf_adds(&w, q ? "=?UTF-8?Q?" : "=?UTF-8?B?");
		if (q) {
			size_t k;

			for (k = i; k < j; k++) {
				if (u[k] == ' ')
					buf_addc(&w, '_');
				else if (q_safe(u[k], phrase))
					buf_addc(&w, (char)u[k]);
				else
					buf_addf(&w, "=%c%c", hexdig[u[k] >> 4],
					    hexdig[u[k] & 15]);
			}
		} else
			enc_b64_encode(&w, u + i, j - i);
		buf_adds(&w, "?=");
		enc_hdr_token(h, sep, w.data, w.len);
		sep = " ";
		i = j;
	}
	buf_free(&w);
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether a word of unstructured text must be carried encoded. */
static bool
word_needs_ew(const char *w, size_t n, bool utf8)
{
	size_t i;

	if (n > ENC_MAXWORD)
		return true;
	if (!utf8 && enc_has_8bit(w, n))
		return true;
	for (i = 0; i + 1 < n; i++)
		if (w[i] == '=' && w[i + 1] == '?')
			return true;	/* would be taken for an encoded-word */
	return false;
}

#define WS_MAX 76	/* longer blank runs travel inside encoded-words */

struct word {
	const char *ws, *w;	/* the blanks before the word, the word */
	size_t wsl, wl;
	bool enc;
};

void
enc_hdr_text(struct enc_hdr *h, const char *text, bool utf8)
{
	const char *p = text;
	struct word *v = NULL;
	size_t n = 0, i, j;
	char wsbuf[WS_MAX + 1];

	while (is_wsp(*p))
		p++;
	while (*p != '\0') {
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n].ws = p;
		while (is_wsp(*p))
			p++;
		v[n].wsl = (size_t)(p - v[n].ws);
		v[n].w = p;
		while (*p != '\0' && !is_wsp(*p))
			p++;
		v[n].wl = (size_t)(p - v[n].w);
		if (v[n].wl == 0)
			break;		/* trailing blanks: not part of the text */
		v[n].enc = word_needs_ew(v[n].w, v[n].wl, utf8);
		/* A blank run too long for a line goes inside an encoded
		 * run with the words on both sides. */
		if (n > 0 && v[n].wsl > WS_MAX)
			v[n].enc = v[n - 1].enc = true;
		n++;
	}
	for (i = 0; i < n; i = j) {
		const char *ws = " ";

		if (i > 0) {
			memcpy(wsbuf, v[i].ws, v[i].wsl);
			wsbuf[v[i].wsl] = '\0';
			ws = wsbuf;
		}
		j = i + 1;
		if (!v[i].enc) {
			enc_hdr_token(h, ws, v[i].w, v[i].wl);
			continue;
		}
		/* Adjacent words to encode form one run, blanks included. */
		while (j < n && v[j].enc)
			j++;
		enc_hdr_ew(h, ws, v[i].w,
		    (size_t)(v[j - 1].w + v[j - 1].wl - v[i].w), false);
	}
	free(v);
}

void
enc_quote(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

/* RFC 2231 attribute-char: sent as is in an extended value. */
static bool
attr_char(unsigned char c)
{
	return (isalnum(c) && c < 0x80) || (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL);
}

void
enc_hdr_param(struct enc_hdr *h, const char *name, const char *value)
{
	const unsigned char *u = (const unsigned char *)value;
	size_t i, n = strlen(value), nl = strlen(name);
	bool plain = true;
	struct buf t, v;
	unsigned part;

	enc_hdr_token(h, "", ";", 1);
	for (i = 0; i < n; i++)
		if (u[i] < 0x20 || u[i] > 0x7e)
			plain = false;
	if (strstr(value, "=?") != NULL)
		plain = false;
	buf_init(&t);
	if (plain) {
		buf_adds(&t, name);
		buf_addc(&t, '=');
		enc_quote(&t, value, n);
		if (t.len <= ENC_FOLD - 1) {
			enc_hdr_token(h, " ", t.data, t.len);
			buf_free(&t);
			return;
		}
		buf_free(&t);
	}
	/* Extended form: percent-encoded UTF-8, split into continuations of
	 * at most one line each, never inside an escape. */
	buf_init(&v);
	for (i = 0; i < n; i++) {
		if (attr_char(u[i]))
			buf_addc(&v, (char)u[i]);
		else
			buf_addf(&v, "%%%c%c", hexdig[u[i] >> 4], hexdig[u[i] & 15]);
	}
	if (nl + 2 + 7 + v.len <= ENC_FOLD - 1) {
		buf_addf(&t, "%s*=UTF-8''%s", name, v.data != NULL ? v.data : "");
		enc_hdr_token(h, " ", t.data, t.len);
	} else {
		i = 0;
		for (part = 0; i < v.len; part++) {
			size_t room, k;

			buf_free(&t);
			buf_addf(&t, "%s*%u*=%s", name, part, part == 0 ? "UTF-8''" : "");
			/* Leave room for the ';' that follows. */
			room = ENC_FOLD - 1 - 1 - t.len;
			if (room < 3)
				room = 3;
			k = i;
			while (k < v.len) {
				size_t step = v.data[k] == '%' ? 3 : 1;

				if (k - i + step > room)
					break;
				k += step;
			}
			buf_add(&t, v.data + i, k - i);
			i = k;
			if (part > 0)
				enc_hdr_token(h, "", ";", 1);
			enc_hdr_token(h, " ", t.data, t.len);
		}
	}
	buf_free(&t);
	buf_free(&v);
}

/* --- charsets */

/* A charset name as MIME writes them; anything else (a "//" that iconv
 * would read as an option, spaces) is not given to iconv. */
static bool
charset_name_ok(const char *cs, size_t n)
{
	size_t i;

	if (n == 0 || n > 40)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)cs[i]) && strchr("-_.:+()", cs[i]) == NULL)
			return false;
	return true;
}

/* Valid UTF-8 copied, every bad byte a U+FFFD. */
static void
utf8_repair(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = utf8_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			utf8_put(out, 0xfffd);
			i++;
		} else {
			buf_add(out, s + i, l);
			i += l;
		}
	}
}

int
enc_to_utf8(struct buf *out, const char *charset, size_t cslen,
    const char *in, size_t n)
{
	char name[48], tmp[4096], *ip = (char *)in, *op;
	size_t il = n, ol, r;
	iconv_t cd;

	if (cslen == 0 || (cslen == 5 && strncasecmp(charset, "utf-8", 5) == 0) ||
	    (cslen == 4 && strncasecmp(charset, "utf8", 4) == 0) ||
	    (cslen == 8 && strncasecmp(charset, "us-ascii", 8) == 0)) {
		/* ASCII that is not: 8-bit text labelled US-ASCII is most
		 * often UTF-8; what is not becomes U+FFFD. */
		utf8_repair(out, in, n);
		return 0;
	}
	if (!charset_name_ok(charset, cslen))
		return -1;
	memcpy(name, charset, cslen);
	name[cslen] = '\0';
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		op = tmp;
		ol = sizeof tmp;
		r = iconv(cd, &ip, &il, &op, &ol);
		buf_add(out, tmp, (size_t)(op - tmp));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* A byte the charset does not have, or a sequence cut short. */
		utf8_put(out, 0xfffd);
		ip++;
		il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	op = tmp;
	ol = sizeof tmp;
	/* Stateful charsets (ISO-2022-JP) end in their initial state. */
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		buf_add(out, tmp, (size_t)(op - tmp));
	iconv_close(cd);
	return 0;
}

/* --- encoded-word decoding */

static void
latin1_to_utf8(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		utf8_put(out, (unsigned char)s[i]);
}

/* Tries to decode one encoded-word at s; on success appends its text and
 * returns its length, else 0. */
static size_t
ew_one(struct buf *out, const char *s)
{
	const char *cs, *q1, *q2, *end;
	struct buf raw;
	size_t i, cslen;
	int ok;
	char enc;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	if ((q1 = strchr(cs, '?')) == NULL || q1[1] == '\0' || q1[2] != '?')
		return 0;
	enc = (char)toupper((unsigned char)q1[1]);
	q2 = q1 + 2;
	if ((end = strstr(q2 + 1, "?=")) == NULL)
		return 0;
	for (i = 0; q2 + 1 + i < end; i++)
		if (is_wsp(q2[1 + i]))
			return 0;
	cslen = (size_t)(q1 - cs);
	/* RFC 2231 language suffix: "UTF-8*en". */
	for (i = 0; i < cslen; i++)
		if (cs[i] == '*')
			cslen = i;
	buf_init(&raw);
	buf_adds(&raw, "");
	if (enc == 'B')
		ok = enc_b64_decode(&raw, q2 + 1, (size_t)(end - q2 - 1));
	else if (enc == 'Q') {
		const char *p;

		ok = 0;
		for (p = q2 + 1; p < end; p++) {
			if (*p == '_')
				buf_addc(&raw, ' ');
			else if (*p == '=' && p + 2 < end && hexval((unsigned char)p[1]) >= 0 &&
			    hexval((unsigned char)p[2]) >= 0) {
				buf_addc(&raw, (char)(hexval((unsigned char)p[1]) * 16 +
				    hexval((unsigned char)p[2])));
				p += 2;
			} else
				buf_addc(&raw, *p);
		}
	} else
		ok = -1;
	if (ok == 0 && (strncasecmp(cs, "utf-8", cslen) == 0 && cslen == 5)) {
		if (!enc_utf8_valid(raw.data != NULL ? raw.data : "", raw.len, NULL))
			ok = -1;
		else
			buf_add(out, raw.data, raw.len);
	} else if (ok == 0 && ((cslen == 8 && strncasecmp(cs, "us-ascii", 8) == 0) ||
	    (cslen == 10 && strncasecmp(cs, "iso-8859-1", 10) == 0)))
		latin1_to_utf8(out, raw.data, raw.len);
	else if (ok == 0)
		/* Any other charset iconv knows (ISO-8859-15, KOI8-R ...). */
		ok = enc_to_utf8(out, cs, cslen, raw.data != NULL ? raw.data : "",
		    raw.len);
	buf_free(&raw);
	return ok == 0 ? (size_t)(end + 2 - s) : 0;
}

char *
enc_ew_decode(const char *s)
{
	size_t len;

	return enc_ew_decode_n(s, &len);
}

char *
enc_ew_decode_n(const char *s, size_t *len)
{
	struct buf out, pend, w;
	const char *p = s;
	bool last_ew = false;
	size_t k;

	buf_init(&out);
	buf_init(&pend);
	buf_adds(&out, "");
	while (*p != '\0') {
		if (is_wsp(*p)) {
			buf_addc(&pend, *p++);
			continue;
		}
		/* An encoded-word must be a whole word. */
		if (p[0] == '=' && p[1] == '?') {
			buf_init(&w);
			k = ew_one(&w, p);
			if (k > 0 && (p[k] == '\0' || is_wsp(p[k]))) {
				/* Whitespace between encoded-words is dropped. */
				if (!last_ew && pend.len > 0)
					buf_add(&out, pend.data, pend.len);
				if (w.len > 0)
					buf_add(&out, w.data, w.len);
				buf_free(&w);
				buf_free(&pend);
				p += k;
				last_ew = true;
				continue;
			}
			buf_free(&w);
		}
		if (pend.len > 0)
			buf_add(&out, pend.data, pend.len);
		buf_free(&pend);
		while (*p != '\0' && !is_wsp(*p))
			buf_addc(&out, *p++);
		last_ew = false;
	}
	if (pend.len > 0)
		buf_add(&out, pend.data, pend.len);
	buf_free(&pend);
	*len = out.len;
	return out.data;
}

/* --- internationalised domain names, through libidn2 (IDNA2008 with the
 * UTS 46 mapping, as curl and GnuTLS use it) */

/* libidn2 is loaded when a domain first needs it: most mail has no
 * internationalised domain, and mapping the library with libunistring
 * cost every run of missive half a millisecond and 200 KiB. Once per
 * process, from whichever thread comes first. */
#define IDN2_SONAME	"libidn2.so.0"

static struct {
	int (*to_ascii_8z)(const char *, char **, int);
	int (*to_unicode_8z8z)(const char *, char **, int);
	const char *(*strerror)(int);
	void (*free)(void *);
	char why[256];		/* dlerror's words when it could not load */
} idn;
static once_flag idn_once = ONCE_FLAG_INIT;

static void
idn_load(void)
{
	void *h = dlopen(IDN2_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *w;

	if (h != NULL) {
		/* POSIX's way to take a function from dlsym's void *. */
		*(void **)&idn.to_ascii_8z = dlsym(h, "idn2_to_ascii_8z");
		*(void **)&idn.to_unicode_8z8z = dlsym(h, "idn2_to_unicode_8z8z");
		*(void **)&idn.strerror = dlsym(h, "idn2_strerror");
		*(void **)&idn.free = dlsym(h, "idn2_free");
		if (idn.to_ascii_8z != NULL && idn.to_unicode_8z8z != NULL &&
		    idn.strerror != NULL && idn.free != NULL)
			return;
		idn.free = NULL;
	}
	w = dlerror();
	snprintf(idn.why, sizeof idn.why, "%s", w != NULL ? w : IDN2_SONAME);
	if (h != NULL)
		(void)dlclose(h);	/* a libidn2 without these: unused */
}

static bool
idn_ready(void)
{
	call_once(&idn_once, idn_load);
	return idn.free != NULL;
}

char *
enc_idn_to_ascii(const char *domain, struct err *e)
{
	char *out = NULL, *copy;
	int rc;

	if (!enc_has_8bit(domain, strlen(domain)))
		return xstrdup(domain);
	if (!enc_utf8_valid(domain, strlen(domain), NULL)) {
		err_set(e, "%s", _("the domain is not valid UTF-8"));
		return NULL;
	}
	if (!idn_ready()) {
		err_set(e, _("the domain is internationalised, and libidn2, which "
		    "converts it, cannot be loaded (%s): install the package "
		    "libidn2-0"), idn.why);
		return NULL;
	}
	rc = idn.to_ascii_8z(domain, &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL |
	    IDN2_USE_STD3_ASCII_RULES);
	if (rc != IDN2_OK) {
		if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_PUNYCODE_BIG_OUTPUT)
			err_set(e, "%s", _("a domain label is longer than 63 "
			    "characters in its ASCII form"));
		else if (rc == IDN2_TOO_BIG_DOMAIN)
			err_set(e, "%s", _("the domain is longer than 253 "
			    "characters in its ASCII form"));
		else
			/* idn2_strerror says which rule of IDNA2008 it broke. */
			err_set(e, _("the domain cannot be an internationalised "
			    "name (%s)"), idn.strerror(rc));
		return NULL;
	}
	/* Ours to free with free(), not idn2_free(). */
	copy = xstrdup(out);
	idn.free(out);
	return copy;
}

char *
enc_idn_to_unicode(const char *domain)
{
	char *out = NULL, *copy;

	if (strcasestr(domain, "xn--") == NULL || !idn_ready() ||
	    idn.to_unicode_8z8z(domain, &out, 0) != IDN2_OK) {
		/* Not A-labels, bad ones, or no libidn2: shown as they are. */
		if (out != NULL)
			idn.free(out);
		return xstrdup(domain);
	}
	copy = xstrdup(out);
	idn.free(out);
	return copy;
}

/* --- content types: the common attachment kinds. */

static const struct {
	const char *ext, *type;
} mime_table[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "aac", "audio/aac" },
	{ "avi", "video/x-msvideo" },
	{ "bmp", "image/bmp" },
	{ "bz2", "application/x-bzip2" },
	{ "c", "text/x-c" },
	{ "csv", "text/csv" },
	{ "diff", "text/x-diff" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "eml", "message/rfc822" },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "h", "text/x-c" },
	{ "heic", "image/heic" },
	{ "htm", "text/html" },
	{ "html", "text/html" },
	{ "ics", "text/calendar" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", "text/javascript" },
	{ "json", "application/json" },
	{ "m4a", "audio/mp4" },
	{ "md", "text/markdown" },
	{ "mkv", "video/x-matroska" },
	{ "mov", "video/quicktime" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "oga", "audio/ogg" },
	{ "ogg", "audio/ogg" },
	{ "ogv", "video/ogg" },
	{ "opus", "audio/opus" },
	{ "patch", "text/x-diff" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "rar", "application/vnd.rar" },
	{ "rtf", "application/rtf" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tgz", "application/gzip" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "txt", "text/plain" },
	{ "vcf", "text/vcard" },
	{ "wav", "audio/wav" },
	{ "webm", "video/webm" },
	{ "webp", "image/webp" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
	{ "zst", "application/zstd" },
};

const char *
enc_mime_type(const char *filename)
{
	const char *slash = strrchr(filename, '/'), *dot;
	size_t lo = 0, hi = sizeof mime_table / sizeof mime_table[0], mid;
	int c;

	if (slash != NULL)
		filename = slash + 1;
	dot = strrchr(filename, '.');
	if (dot == NULL || dot == filename || dot[1] == '\0')
		return "application/octet-stream";
	/* The table is sorted: binary search. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcasecmp(dot + 1, mime_table[mid].ext);
		if (c == 0)
			return mime_table[mid].type;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return "application/octet-stream";
}

bool
enc_mime_entry(size_t i, const char **ext, const char **type)
{
	if (i >= sizeof mime_table / sizeof mime_table[0])
		return false;
	*ext = mime_table[i].ext;
	*type = mime_table[i].type;
	return true;
}
