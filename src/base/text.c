/* Text from anywhere made safe to show or to put in JSON; see text.h. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"

size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Like utf8_len, but C1 controls (U+0080..U+009F), which act as escapes
 * on some terminals, do not count as printable. */
static size_t
utf8_len_shown(const unsigned char *s, size_t n)
{
	size_t l = utf8_len(s, n);

	return l == 2 && s[0] == 0xc2 && s[1] <= 0x9f ? 0 : l;
}

/* Valid UTF-8 that must not reach a terminal or a JSON consumer raw: the
 * bidirectional embeddings, overrides, isolates and marks (the Trojan
 * Source characters, which reorder what is shown) and the line and
 * paragraph separators. C1 controls are handled with the controls. */
static bool
cp_hidden(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
	    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	return 4;
}

void
utf8_put(struct buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

static char *
escape(const char *s, size_t n, bool backslash)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, l;
	uint32_t cp;

	buf_init(&b);
	while (i < n) {
		if (u[i] == '\r')
			buf_adds(&b, "\\r");
		else if (u[i] == '\n')
			buf_adds(&b, "\\n");
		else if (u[i] == '\t')
			buf_adds(&b, "\\t");
		else if (u[i] == '\\' && backslash)
			buf_adds(&b, "\\\\");
		else if (u[i] < 0x20 || u[i] == 0x7f)
			buf_addf(&b, "\\x%02x", u[i]);
		else if ((l = utf8_len_shown(u + i, n - i)) == 0)
			buf_addf(&b, "\\x%02x", u[i]);
		else if (l > 1 && (utf8_decode(u + i, &cp), cp_hidden(cp))) {
			buf_addf(&b, "\\u%04x", (unsigned)cp);
			i += l;
			continue;
		} else {
			buf_add(&b, u + i, l);
			i += l;
			continue;
		}
		i++;
	}
	buf_cstr(&b);
	return b.data;
}

char *
str_escape(const char *s, size_t n)
{
	return escape(s, n, true);
}

char *
str_escape_msg(const char *s)
{
	return escape(s != NULL ? s : "", s != NULL ? strlen(s) : 0, false);
}

void
json_add_str(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, l;
	uint32_t cp;

	buf_addc(b, '"');
	while (i < n) {
		if (u[i] == '"')
			buf_adds(b, "\\\"");
		else if (u[i] == '\\')
			buf_adds(b, "\\\\");
		else if (u[i] == '\n')
			buf_adds(b, "\\n");
		else if (u[i] == '\r')
			buf_adds(b, "\\r");
		else if (u[i] == '\t')
			buf_adds(b, "\\t");
		else if (u[i] < 0x20 || u[i] == 0x7f)
			buf_addf(b, "\\u%04x", u[i]);
		else if ((l = utf8_len(u + i, n - i)) == 0)
			buf_adds(b, "\\ufffd");
		else if (l == 1)
			buf_addc(b, (char)u[i]);
		else if (utf8_decode(u + i, &cp), (cp >= 0x80 && cp <= 0x9f) ||
		    cp_hidden(cp)) {
			/* C1 controls, bidi overrides: escaped, so that a line
			 * printed to a terminal stays what it says. */
			buf_addf(b, "\\u%04x", (unsigned)cp);
			i += l;
			continue;
		} else {
			buf_add(b, u + i, l);
			i += l;
			continue;
		}
		i++;
	}
	buf_addc(b, '"');
}

bool
str_has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

bool
str_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return true;
	return false;
}
