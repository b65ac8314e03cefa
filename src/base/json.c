/* A strict JSON reader into a tree, and the tree written back; see
 * json.h. Recursive descent, bounded by JSON_MAX_DEPTH. */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/json.h"
#include "base/text.h"
#include "base/util.h"

struct parser {
	const char *s;
	size_t n, i;
	struct err *e;
	bool failed;
};

static struct json *value(struct parser *p, int depth);

static void
bad(struct parser *p, const char *what)
{
	if (!p->failed)
		err_set(p->e, _("not JSON: %s at byte %zu"), what, p->i + 1);
	p->failed = true;
}

static void
ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static bool
lit(struct parser *p, const char *word)
{
	size_t l = strlen(word);

	if (p->n - p->i < l || memcmp(p->s + p->i, word, l) != 0)
		return false;
	p->i += l;
	return true;
}

static int
hex4(struct parser *p, uint32_t *cp)
{
	size_t k;

	*cp = 0;
	if (p->n - p->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		char c = p->s[p->i + k];

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	p->i += 4;
	return 0;
}

/* A string after its opening quote; NULL (after bad()) on error. */
static char *
string(struct parser *p)
{
	struct buf b;
	uint32_t cp, lo;
	size_t l;

	buf_init(&b);
	for (;;) {
		unsigned char c;

		if (p->i >= p->n) {
			bad(p, _("unterminated string"));
			goto fail;
		}
		c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			buf_cstr(&b);
			return b.data;
		}
		if (c < 0x20) {
			bad(p, _("a control character in a string"));
			goto fail;
		}
		if (c != '\\') {
			l = utf8_len((const unsigned char *)p->s + p->i, p->n - p->i);
			if (l == 0) {
				bad(p, _("invalid UTF-8"));
				goto fail;
			}
			buf_add(&b, p->s + p->i, l);
			p->i += l;
			continue;
		}
		if (++p->i >= p->n) {
			bad(p, _("unterminated string"));
			goto fail;
		}
		c = (unsigned char)p->s[p->i++];
		switch (c) {
		case '"': buf_addc(&b, '"'); break;
		case '\\': buf_addc(&b, '\\'); break;
		case '/': buf_addc(&b, '/'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'n': buf_addc(&b, '\n'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'u':
			if (hex4(p, &cp) == -1) {
				bad(p, _("a bad \\u escape"));
				goto fail;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (!lit(p, "\\u") || hex4(p, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					bad(p, _("an unpaired surrogate"));
					goto fail;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				bad(p, _("an unpaired surrogate"));
				goto fail;
			}
			if (cp == 0) {
				bad(p, _("U+0000 in a string"));
				goto fail;
			}
			utf8_put(&b, cp);
			break;
		default:
			bad(p, _("a bad escape"));
			goto fail;
		}
	}
fail:
	buf_free(&b);
	return NULL;
}

static bool
digit(const struct parser *p)
{
	return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static struct json *
number(struct parser *p)
{
	size_t st = p->i;
	long long v = 0;
	bool neg = false, over = false;
	struct json *j;

	if (p->s[p->i] == '-') {
		neg = true;
		p->i++;
	}
	if (!digit(p)) {
		bad(p, _("a bad number"));
		return NULL;
	}
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (digit(p)) {
			int d = p->s[p->i++] - '0';

			if (v > (LLONG_MAX - d) / 10)
				over = true;
			else
				v = v * 10 + d;
		}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!digit(p)) {
			bad(p, _("a bad number"));
			return NULL;
		}
		while (digit(p))
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!digit(p)) {
			bad(p, _("a bad number"));
			return NULL;
		}
		while (digit(p))
			p->i++;
	}
	j = xcalloc(1, sizeof *j);
	j->type = JSON_NUM;
	j->num = over ? (neg ? LLONG_MIN : LLONG_MAX) : (neg ? -v : v);
	j->text = xstrndup(p->s + st, p->i - st);
	return j;
}

static void
add(struct json *j, char *key, struct json *v)
{
	j->v = xrealloc(j->v, (j->n + 1) * sizeof *j->v);
	if (j->type == JSON_OBJ) {
		j->keys = xrealloc(j->keys, (j->n + 1) * sizeof *j->keys);
		j->keys[j->n] = key;
	}
	j->v[j->n++] = v;
}

static struct json *
container(struct parser *p, int depth, bool obj)
{
	struct json *j = xcalloc(1, sizeof *j), *v;
	char *key = NULL;

	j->type = obj ? JSON_OBJ : JSON_ARR;
	if (depth >= JSON_MAX_DEPTH) {
		bad(p, _("nesting too deep"));
		goto fail;
	}
	p->i++;	/* the bracket */
	ws(p);
	if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
		p->i++;
		return j;
	}
	for (;;) {
		ws(p);
		if (obj) {
			if (p->i >= p->n || p->s[p->i] != '"') {
				bad(p, _("a member name expected"));
				goto fail;
			}
			p->i++;
			if ((key = string(p)) == NULL)
				goto fail;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				bad(p, _("':' expected"));
				goto fail;
			}
			p->i++;
		}
		if ((v = value(p, depth + 1)) == NULL)
			goto fail;
		add(j, key, v);
		key = NULL;
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
			p->i++;
			return j;
		}
		bad(p, obj ? _("',' or '}' expected") : _("',' or ']' expected"));
		goto fail;
	}
fail:
	free(key);
	json_free(j);
	return NULL;
}

static struct json *
value(struct parser *p, int depth)
{
	struct json *j;
	char *str;

	ws(p);
	if (p->i >= p->n) {
		bad(p, _("a value expected"));
		return NULL;
	}
	switch (p->s[p->i]) {
	case '{':
		return container(p, depth, true);
	case '[':
		return container(p, depth, false);
	case '"':
		p->i++;
		if ((str = string(p)) == NULL)
			return NULL;
		j = xcalloc(1, sizeof *j);
		j->type = JSON_STR;
		j->text = str;
		return j;
	default:
		break;
	}
	if (p->s[p->i] == '-' || digit(p))
		return number(p);
	j = xcalloc(1, sizeof *j);
	if (lit(p, "true")) {
		j->type = JSON_BOOL;
		j->b = true;
	} else if (lit(p, "false"))
		j->type = JSON_BOOL;
	else if (lit(p, "null"))
		j->type = JSON_NULL;
	else {
		free(j);
		bad(p, _("a value expected"));
		return NULL;
	}
	return j;
}

struct json *
json_parse(const char *s, size_t n, struct err *e)
{
	struct parser p = { s, n, 0, e, false };
	struct json *j = value(&p, 0);

	if (j == NULL)
		return NULL;
	ws(&p);
	if (p.i != n) {
		bad(&p, _("text after the value"));
		json_free(j);
		return NULL;
	}
	return j;
}

void
json_free(struct json *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		json_free(j->v[i]);
		if (j->keys != NULL)
			free(j->keys[i]);
	}
	free(j->v);
	free(j->keys);
	free(j->text);
	free(j);
}

const struct json *
json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != JSON_OBJ)
		return NULL;
	for (i = obj->n; i-- > 0;)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->v[i];
	return NULL;
}

const char *
json_get_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_STR ? v->text : NULL;
}

bool
json_get_bool(const struct json *obj, const char *key, bool dflt)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_BOOL ? v->b : dflt;
}

long long
json_get_num(const struct json *obj, const char *key, long long dflt)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && v->type == JSON_NUM ? v->num : dflt;
}

void
json_write(const struct json *j, struct buf *out)
{
	size_t i;

	switch (j->type) {
	case JSON_NULL:
		buf_adds(out, "null");
		break;
	case JSON_BOOL:
		buf_adds(out, j->b ? "true" : "false");
		break;
	case JSON_NUM:
		buf_adds(out, j->text);
		break;
	case JSON_STR:
		json_add_str(out, j->text);
		break;
	case JSON_ARR:
	case JSON_OBJ:
		buf_addc(out, j->type == JSON_OBJ ? '{' : '[');
		for (i = 0; i < j->n; i++) {
			if (i > 0)
				buf_addc(out, ',');
			if (j->type == JSON_OBJ) {
				json_add_str(out, j->keys[i]);
				buf_addc(out, ':');
			}
			json_write(j->v[i], out);
		}
		buf_addc(out, j->type == JSON_OBJ ? '}' : ']');
		break;
	}
}
