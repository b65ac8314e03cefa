/* Fuzz target for the JSON reader (base/json.c) and the receipts built
 * on it (store/receipts.c): whatever the bytes, the reader agrees with
 * fuzzlib's independent validator (it refuses only what it documents:
 * U+0000 and deep nesting), what it writes back is valid JSON that reads
 * back to the same text, and a receipt it finds survives
 * receipt_to_json and back. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"
#include "fuzzlib.h"
#include "store/receipts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
written(const struct json *j, size_t *n)
{
	struct buf b;

	buf_init(&b);
	json_write(j, &b);
	*n = b.len;
	return buf_cstr(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *why;
	struct json *j, *k;
	struct receipt *r, *r2;
	struct err e;
	char *w, *w2;
	size_t n, n2;

	err_clear(&e);
	j = json_parse(s, size, &e);
	if (j == NULL) {
		CHECK(e.msg[0] != '\0');
		CHECK(!json_valid(s, size, false, &why) ||
		    strstr(e.msg, "too deep") != NULL || strstr(e.msg, "U+0000") != NULL);
		return 0;
	}
	CHECK(json_valid(s, size, false, &why));
	w = written(j, &n);
	CHECK(json_valid(w, n, false, &why));
	k = json_parse(w, n, &e);
	CHECK(k != NULL);
	w2 = written(k, &n2);
	CHECK(n == n2 && memcmp(w, w2, n) == 0);
	free(w2);
	json_free(k);
	free(w);

	if ((r = receipt_from_json(j, &e)) != NULL) {
		struct buf b;

		buf_init(&b);
		receipt_to_json(r, &b);
		CHECK(json_valid(b.data, b.len, true, &why));
		k = json_parse(b.data, b.len, &e);
		CHECK(k != NULL);
		r2 = receipt_from_json(k, &e);
		CHECK(r2 != NULL);
		w = written(k, &n);
		buf_free(&b);
		buf_init(&b);
		receipt_to_json(r2, &b);
		CHECK(b.len == n && memcmp(b.data, w, n) == 0);
		free(w);
		buf_free(&b);
		receipt_free(r2);
		receipt_free(r);
		json_free(k);
	}
	json_free(j);
	return 0;
}
