/* Wide text and its columns; see wide.h. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/text.h"
#include "base/util.h"
#include "ui/wide.h"

wchar_t *
wide_from_utf8(const char *s, size_t n, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	wchar_t *w = xmalloc((n + 1) * sizeof *w);
	size_t i = 0, k = 0, l;
	uint32_t cp;

	while (i < n) {
		if ((l = utf8_len(u + i, n - i)) == 0) {
			w[k++] = (wchar_t)0xfffd;
			i++;
			continue;
		}
		i += utf8_decode(u + i, &cp);
		w[k++] = (wchar_t)cp;
	}
	w[k] = L'\0';
	if (outlen != NULL)
		*outlen = k;
	return w;
}

char *
wide_to_utf8(const wchar_t *s, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		unsigned long c = (unsigned long)s[i];

		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		utf8_put(&b, (uint32_t)c);
	}
	buf_cstr(&b);
	return b.data;
}

int
wide_charwidth(wchar_t c, int col)
{
	int w;

	if (c == L'\t')
		return 8 - col % 8;
	w = wcwidth(c);
	return w < 0 ? 1 : w;
}

int
wide_width(const char *s)
{
	size_t n, i;
	wchar_t *w = wide_from_utf8(s, strlen(s), &n);
	int col = 0;

	for (i = 0; i < n; i++)
		col += wide_charwidth(w[i], col);
	free(w);
	return col;
}

char *
wide_pad(const char *s, int cols)
{
	int w = wide_width(s);

	return xasprintf("%s%*s", s, w < cols ? cols - w : 0, "");
}

wchar_t
wide_at_wcs(const void *text, size_t i)
{
	return ((const wchar_t *)text)[i];
}

size_t
wide_row(wide_at_fn at, const void *text, size_t start, size_t len,
    int width, size_t *next)
{
	size_t i, blank = 0, slash = 0;
	int col = 0;

	if (width < 1)
		width = 1;
	for (i = start; i < len; i++) {
		wchar_t c = at(text, i);
		int w;

		if (c == L'\n') {
			*next = i + 1;
			return i;
		}
		w = wide_charwidth(c, col);
		if (c == L' ' || c == L'\t') {
			col += w;
			blank = i + 1;
			continue;
		}
		if (col + w > width && i > start) {
			/* After a blank if the row has one; a '/' only inside a
			 * word too long for a row (a path), never "[y/n]". */
			size_t end = blank > start ? blank : slash > start ? slash : i;

			*next = end;
			return end;
		}
		col += w;
		if (c == L'/' && i + 1 < len && at(text, i + 1) != L' ')
			slash = i + 1;
	}
	*next = len;
	return len;
}
