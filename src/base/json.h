/* Reading JSON (RFC 8259) that missive wrote itself and a person may
 * have touched since: the receipts file. A strict parser into a small
 * tree, bounded in depth, and the tree written back out through
 * json_add_str (base/text.h), the one JSON string writer. Pure; any
 * thread. */
#ifndef MISSIVE_JSON_H
#define MISSIVE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct buf;

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

#define JSON_MAX_DEPTH	32

struct json {
	enum json_type type;
	bool b;			/* JSON_BOOL */
	long long num;		/* JSON_NUM: the integer part */
	char *text;		/* JSON_NUM: as written; JSON_STR: UTF-8, no NUL */
	struct json **v;	/* JSON_ARR elements, JSON_OBJ values */
	char **keys;		/* JSON_OBJ: keys, in the order written */
	size_t n;
};

/* Parses exactly one value (white space around it allowed) from s[0..n).
 * NULL with e saying what is wrong and at which byte. Strings holding
 * U+0000, invalid UTF-8, unpaired surrogates, or nesting deeper than
 * JSON_MAX_DEPTH are refused. */
struct json *json_parse(const char *s, size_t n, struct err *e);
void json_free(struct json *j);

/* The member key of an object (the last of that name), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The member's value when it has that type, else NULL / dflt. */
const char *json_get_str(const struct json *obj, const char *key);
bool json_get_bool(const struct json *obj, const char *key, bool dflt);
long long json_get_num(const struct json *obj, const char *key, long long dflt);

/* Writes j back as JSON on one line (strings through json_add_str). */
void json_write(const struct json *j, struct buf *out);

#endif
