/* The JSON reader: what it takes, what it refuses, and that what it
 * writes back is the same JSON, escaped as json_add_str escapes. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/json.h"
#include "base/util.h"

static char *
round_trip(const char *in)
{
	struct err e = { 0 };
	struct json *j = json_parse(in, strlen(in), &e);
	struct buf b;

	if (j == NULL)
		fail_msg("%s: %s", in, e.msg);
	buf_init(&b);
	json_write(j, &b);
	json_free(j);
	return buf_cstr(&b);
}

static void
test_values(void **state)
{
	struct err e = { 0 };
	const char *in = " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\","
	    " \"o\": {}, \"n\": 12345678901, \"a\": 7} ";
	struct json *j = json_parse(in, strlen(in), &e);
	char *out;

	(void)state;
	assert_non_null(j);
	/* The last member of a name wins. */
	assert_int_equal(json_get_num(j, "a", 0), 7);
	assert_string_equal(json_get_str(j, "s"), "x\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(json_get_num(j, "n", 0), 12345678901LL);
	assert_null(json_get_str(j, "n"));
	assert_true(json_get_bool(j, "missing", true));
	assert_int_equal(json_get(j, "o")->type, JSON_OBJ);
	json_free(j);
	out = round_trip(in);
	assert_string_equal(out, "{\"a\":[1,-2.5e3,true,false,null],"
	    "\"s\":\"x\xc3\xa9\xf0\x9f\x98\x80\\n\",\"o\":{},\"n\":12345678901,\"a\":7}");
	free(out);
	/* A C1 control or a bidi override written raw comes back escaped. */
	out = round_trip("[\"\xc2\x9b\xe2\x80\xae\"]");
	assert_string_equal(out, "[\"\\u009b\\u202e\"]");
	free(out);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "[1] x", "tru",
		"\"unterminated", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"",
		"\"\\x\"", "\"a\nb\"", "\"\xff\"", "\"\xc0\xaf\"", "01", "-", "1.",
		"1e", "{1:2}", "[\"\\u12\"]",
	};
	char deep[100];
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (json_parse(bad[i], strlen(bad[i]), &e) != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(e.msg, "not JSON"));
	}
	/* Nesting is bounded. */
	memset(deep, '[', sizeof deep);
	err_clear(&e);
	assert_null(json_parse(deep, sizeof deep, &e));
	assert_non_null(strstr(e.msg, "too deep"));
	memset(deep, 0, sizeof deep);
	for (i = 0; i < JSON_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[2 * JSON_MAX_DEPTH - 1 - i] = ']';
	}
	{
		struct json *j = json_parse(deep, 2 * JSON_MAX_DEPTH, &e);

		assert_non_null(j);
		json_free(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
