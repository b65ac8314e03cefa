/* Untrusted text (server replies, certificate fields, file contents)
 * made safe for a terminal or for JSON, and the checks that keep header
 * injection out. Pure; any thread. */
#ifndef MISSIVE_TEXT_H
#define MISSIVE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not valid UTF-8. */
size_t utf8_len(const unsigned char *s, size_t n);

/* Decodes one code point (s must be valid: utf8_len said so); returns
 * its length. */
size_t utf8_decode(const unsigned char *s, uint32_t *cp);
/* Appends the UTF-8 form of cp. */
void utf8_put(struct buf *b, uint32_t cp);

/* Returns a new string in which control characters (C1 too), escape
 * sequences and invalid UTF-8 in untrusted text (server replies,
 * certificate fields) are shown as \xNN / \r / \n / \t, and the
 * bidirectional overrides, isolates and marks and U+2028/U+2029 as \uNNNN;
 * other valid UTF-8 is kept. The one escaper of everything shown: stderr,
 * transcripts and the composer (through app/explain.c). Caller frees. */
char *str_escape(const char *s, size_t n);
/* The same for a message that quotes untrusted text already escaped
 * (the engine's failure messages, errors naming a typed value): every
 * control byte and hidden character is still escaped, but a backslash
 * is left as it is, so text escaped once is not escaped twice (`\x1b`,
 * never `\\x1b`). Applying it again changes nothing. Caller frees. */
char *str_escape_msg(const char *s);

/* Appends s as a JSON string (with quotes) to b; any bytes, always valid
 * JSON: invalid UTF-8 becomes U+FFFD; controls, C1 controls, the bidi
 * overrides, isolates and marks and U+2028/U+2029 are \uNNNN escapes. */
void json_add_str(struct buf *b, const char *s);

/* True when s (NULL is fine) holds CR or LF (header injection). */
bool str_has_crlf(const char *s);

/* True when s holds a control character other than tab (CR, LF, ESC,
 * DEL ...): such a value cannot be a single-line setting. */
bool str_has_control(const char *s);

#endif
