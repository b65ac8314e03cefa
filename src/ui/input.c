/* Key decoding; see input.h. curses.h is here for its KEY_* numbers
 * only: nothing in this file talks to the terminal. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ui/input.h"

#define XKEYS_MAX	32

struct input {
	struct xkey xk[XKEYS_MAX];
	size_t nxk;
	/* Bracketed paste collects here until ESC [ 201 ~. */
	bool pasting;
	wchar_t *paste;
	size_t npaste, cappaste;
};

struct input *
input_new(void)
{
	return xcalloc(1, sizeof(struct input));
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	free(in->paste);
	free(in);
}

void
input_set_xkeys(struct input *in, const struct xkey *v, size_t n)
{
	in->nxk = n < XKEYS_MAX ? n : XKEYS_MAX;
	memcpy(in->xk, v, in->nxk * sizeof *v);
}

bool
input_pasting(const struct input *in)
{
	return in->pasting;
}

static void
paste_add(struct input *in, wchar_t c)
{
	if (in->npaste == in->cappaste) {
		in->cappaste = in->cappaste ? in->cappaste * 2 : 4096;
		in->paste = xrealloc(in->paste, in->cappaste * sizeof *in->paste);
	}
	in->paste[in->npaste++] = c;
}

static bool
seq_at(const struct rawin *v, size_t n, size_t i, const char *s)
{
	for (; *s; s++, i++)
		if (i >= n || v[i].type != OK || v[i].c != (wint_t)(unsigned char)*s)
			return false;
	return true;
}

/* Parses ESC [ ... or ESC O ... at v[i]; returns the entries used (0: not
 * a sequence) and fills k (code 0: a sequence to ignore). */
static size_t
parse_csi(const struct rawin *v, size_t n, size_t i, struct key *k,
    bool *paste_start)
{
	int p[4] = { 0, 0, 0, 0 }, np = 0, mods = 0;
	bool ss3 = v[i + 1].c == 'O';
	size_t j = i + 2;
	wint_t fin;

	memset(k, 0, sizeof *k);
	k->fn = true;
	*paste_start = false;
	for (; j < n && j < i + 16; j++) {
		wint_t c = v[j].c;

		if (v[j].type != OK)
			return 0;
		if (c >= '0' && c <= '9') {
			if (np == 0)
				np = 1;
			if (np <= 4)
				p[np - 1] = p[np - 1] * 10 + (int)(c - '0');
			continue;
		}
		if (c == ';') {
			np++;
			continue;
		}
		if (c >= 0x40 && c <= 0x7e)
			break;
		return 0;
	}
	if (j >= n || j >= i + 16)
		return 0;
	fin = v[j].c;
	if (np >= 2 && p[1] > 1) {
		int m = p[1] - 1;

		mods = (m & 1 ? MOD_SHIFT : 0) | (m & 2 ? MOD_ALT : 0) |
		    (m & 4 ? MOD_CTRL : 0);
	}
	k->mods = mods;
	switch (fin) {
	case 'A': k->code = KEY_UP; break;
	case 'B': k->code = KEY_DOWN; break;
	case 'C': k->code = KEY_RIGHT; break;
	case 'D': k->code = KEY_LEFT; break;
	case 'H': k->code = KEY_HOME; break;
	case 'F': k->code = KEY_END; break;
	case 'Z': k->code = KEY_BTAB; break;
	case 'P': case 'Q': case 'R': case 'S':
		k->code = KEY_F(1 + (int)(fin - 'P'));
		if (!ss3 && np == 0)
			k->code = 0;
		break;
	case '~':
		switch (p[0]) {
		case 1: case 7: k->code = KEY_HOME; break;
		case 4: case 8: k->code = KEY_END; break;
		case 2: k->code = KEY_IC; break;
		case 3: k->code = KEY_DC; break;
		case 5: k->code = KEY_PPAGE; break;
		case 6: k->code = KEY_NPAGE; break;
		case 11: case 12: case 13: case 14: case 15:
			k->code = KEY_F(p[0] - 10);
			break;
		case 17: case 18: case 19: case 20: case 21:
			k->code = KEY_F(p[0] - 11);
			break;
		case 23: case 24:
			k->code = KEY_F(p[0] - 12);
			break;
		case 200:
			*paste_start = true;
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return j - i + 1;
}

void
input_feed(struct input *in, const struct rawin *v, size_t n,
    const struct input_sink *sink)
{
	size_t i = 0, j;
	struct key k;
	bool ps;

	while (i < n) {
		if (in->pasting) {
			if (seq_at(v, n, i, "\033[201~")) {
				i += 6;
				in->pasting = false;
				if (in->npaste > 0)
					sink->paste(sink->arg, in->paste, in->npaste);
				in->npaste = 0;
				continue;
			}
			if (v[i].type == OK)
				paste_add(in, (wchar_t)v[i].c);
			else if (v[i].c == KEY_ENTER)
				paste_add(in, L'\n');
			i++;
			continue;
		}
		memset(&k, 0, sizeof k);
		if (v[i].type == KEY_CODE_YES) {
			k.fn = true;
			k.code = (int)v[i].c;
			for (j = 0; j < in->nxk; j++)
				if (in->xk[j].code == k.code) {
					k.code = in->xk[j].key;
					k.mods = in->xk[j].mods;
				}
			i++;
			sink->key(sink->arg, &k);
			continue;
		}
		if (v[i].c == 27 && i + 1 < n) {
			size_t used = 0;

			if (v[i + 1].type == OK && (v[i + 1].c == '[' ||
			    v[i + 1].c == 'O'))
				used = parse_csi(v, n, i, &k, &ps);
			if (used > 0) {
				i += used;
				if (ps) {
					if (sink->paste_start != NULL)
						sink->paste_start(sink->arg);
					in->pasting = true;
					in->npaste = 0;
				} else
					sink->key(sink->arg, &k);
				continue;
			}
			/* ESC and a key in one read: Alt held (or Esc typed
			 * as a prefix, which means the same). ESC before a
			 * control character is two keys: Esc, then it. */
			if (v[i + 1].type == OK && (v[i + 1].c < 0x20 ||
			    v[i + 1].c == 0x7f) && v[i + 1].c != 27 &&
			    v[i + 1].c != 0x7f && v[i + 1].c != 8) {
				k.code = 27;
				i++;
				sink->key(sink->arg, &k);
				continue;
			}
			k.fn = v[i + 1].type == KEY_CODE_YES;
			k.code = (int)v[i + 1].c;
			k.mods = MOD_ALT;
			i += 2;
			sink->key(sink->arg, &k);
			continue;
		}
		k.code = (int)v[i].c;
		i++;
		sink->key(sink->arg, &k);
	}
}
