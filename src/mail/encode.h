/* Byte-level encodings for mail: UTF-8 checks, base64, quoted-printable,
 * RFC 2047 encoded-words, a header builder that folds at 78 columns,
 * RFC 2231 parameters, internationalised domain names and the attachment
 * content-type table. Pure functions, no I/O; any thread. */
#ifndef MISSIVE_ENCODE_H
#define MISSIVE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/util.h"

/* --- UTF-8 */

/* (base/text.h measures, decodes and writes one sequence.) */
/* True when s[0..n) is valid UTF-8; else *bad (if not NULL) is the offset
 * of the first bad byte. */
bool enc_utf8_valid(const char *s, size_t n, size_t *bad);
/* True when s[0..n) has a byte >= 0x80. */
bool enc_has_8bit(const char *s, size_t n);
/* One look at s[0..n), eight bytes at a time: sets *high when it has a
 * byte >= 0x80 and *nul when it has a NUL (never clears them); returns
 * whether this span had a byte >= 0x80. */
bool enc_span_flags(const char *s, size_t n, bool *high, bool *nul);

/* --- base64 (RFC 4648 alphabet) */

/* Encoded length of n bytes without line breaks. */
size_t enc_b64_len(size_t n);
/* Appends the unwrapped encoding. */
void enc_b64_encode(struct buf *out, const void *in, size_t n);
/* MIME body form: lines of 76 characters ending in CRLF. */
#define ENC_B64_LINE_IN	57	/* input bytes per full line */
#define ENC_B64_LINE	78	/* output bytes per full line, CRLF included */
uint64_t enc_b64_mime_size(uint64_t n);
/* Encodes n bytes as MIME lines into out (room for
 * enc_b64_mime_size(n)); n must be a multiple of 57 unless this is the
 * last block. Returns the bytes written. */
size_t enc_b64_mime(char *out, const unsigned char *in, size_t n);
/* Decodes base64, skipping whitespace; -1 on any other bad character or
 * bad padding. */
int enc_b64_decode(struct buf *out, const char *in, size_t n);

/* --- quoted-printable (RFC 2045 6.7) */

/* Encodes text whose lines end in LF (a final line without LF is
 * treated as ending in LF) into CRLF lines of at most 76 characters:
 * '=', controls, 8-bit bytes and whitespace before a line end are
 * escaped, long lines get soft breaks. */
void enc_qp_encode(struct buf *out, const char *in, size_t n);
/* The same fed in pieces of any size (mail/textsrc.c streams a body
 * through it): a character is written once the next one says whether
 * it ends its line. feed writes at most ENC_QP_OUT(n) bytes to out, end
 * at most ENC_QP_OUT(0) (the held character and its line end). */
struct enc_qp {
	size_t col;		/* characters on the output line so far */
	int held;		/* the last character, not written yet, or -1 */
};
#define ENC_QP_OUT(n)	(3 * (size_t)(n) + 3 * ((size_t)(n) / 25 + 2) + 2)
void enc_qp_init(struct enc_qp *q);
size_t enc_qp_feed(struct enc_qp *q, char *out, const char *in, size_t n);
size_t enc_qp_end(struct enc_qp *q, char *out);
/* Decodes quoted-printable; CRLF hard breaks become LF. -1 on a
 * malformed escape. */
int enc_qp_decode(struct buf *out, const char *in, size_t n);
/* The same for received mail: a malformed escape is kept as it is. */
void enc_qp_decode_lenient(struct buf *out, const char *in, size_t n);

/* --- charsets */

/* Appends in[0..n), text in the MIME charset charset[0..cslen) (an
 * empty one: UTF-8), as UTF-8: UTF-8 and US-ASCII checked, every other
 * charset through iconv; a byte the charset does not allow becomes
 * U+FFFD. -1 (nothing appended) when iconv does not know the charset. */
int enc_to_utf8(struct buf *out, const char *charset, size_t cslen,
    const char *in, size_t n);

/* --- header builder: folds at whitespace so lines stay within 78
 * columns where a fold point exists; callers never hand it a token that
 * could push a line past 998. */

#define ENC_FOLD	78
#define ENC_MAXLINE	998
#define ENC_MAXWORD	900	/* longest raw word kept unencoded */

struct enc_hdr {
	struct buf *b;
	size_t col;		/* bytes on the current line so far */
	bool fresh;		/* nothing but the name on this line yet */
};

/* Starts "Name:" on b. */
void enc_hdr_begin(struct enc_hdr *h, struct buf *b, const char *name);
/* Appends a token. ws (may be NULL or "") is the whitespace before it;
 * a fold, when needed, goes just before ws, which must then be
 * non-empty. With ws empty the token is glued to the previous one. */
void enc_hdr_token(struct enc_hdr *h, const char *ws, const char *tok,
    size_t n);
/* Appends UTF-8 text as RFC 2047 encoded-words ("=?UTF-8?B?...?=" or
 * "?Q?", whichever is shorter for this text), each at most 75
 * characters, split only between characters, fitted to the line.
 * phrase selects the stricter Q alphabet of RFC 2047 5(3). ws as in
 * enc_hdr_token (non-empty). */
void enc_hdr_ew(struct enc_hdr *h, const char *ws, const char *text,
    size_t n, bool phrase);
/* Unstructured text (Subject): words kept as they are when ASCII (or
 * when utf8 is set), runs of words with 8-bit bytes become encoded
 * words, words that look like encoded-words or exceed ENC_MAXWORD are
 * encoded too. Whitespace is preserved. */
void enc_hdr_text(struct enc_hdr *h, const char *text, bool utf8);
/* A MIME parameter "; name=value": quoted when value is short printable
 * ASCII, else RFC 2231 "name*=UTF-8''%XX" with continuations
 * (name*0*=, name*1*= ...) so that each line stays within 78. */
void enc_hdr_param(struct enc_hdr *h, const char *name, const char *value);
/* Ends the header line with CRLF. */
void enc_hdr_end(struct enc_hdr *h);

/* Appends s as a quoted-string with '"' and '\' escaped. */
void enc_quote(struct buf *b, const char *s, size_t n);

/* Decodes RFC 2047 encoded-words in an unstructured header value
 * (any charset enc_to_utf8 knows; others are left encoded);
 * whitespace between adjacent encoded-words is dropped. Caller frees. */
char *enc_ew_decode(const char *s);
/* The same with its length in *len: a decoded =00 is a NUL inside the
 * text, which strlen would stop at (and hide what follows). */
char *enc_ew_decode_n(const char *s, size_t *len);

/* --- IDNA: domains with non-ASCII labels become A-labels ("xn--...").
 * The mapping (case, width, ideographic full stops) and the validation
 * are UTS 46 and IDNA2008's, done by libidn2. */

/* The ASCII form of a UTF-8 domain (an ASCII one is copied as it is).
 * NULL with e saying which rule it breaks. Caller frees. */
char *enc_idn_to_ascii(const char *domain, struct err *e);
/* The Unicode form of a domain with A-labels (bad labels kept as they
 * are). Caller frees. */
char *enc_idn_to_unicode(const char *domain);

/* --- content types */

/* The MIME type for a file name, from its extension (case-insensitive);
 * "application/octet-stream" when unknown. Static string. */
const char *enc_mime_type(const char *filename);
/* Table access for tests and documentation: i-th extension and type;
 * returns false past the end. */
bool enc_mime_entry(size_t i, const char **ext, const char **type);

#endif
