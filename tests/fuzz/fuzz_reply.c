/* Fuzz target for the SMTP reply parser: any bytes, fed in pieces whose
 * sizes come from the input itself, must end in a reply, a clean error,
 * or a request for more, with no crash and no leak; the queue id found in
 * a reply is one bounded word. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "net/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply_parser *p;
	struct reply r;
	struct err e;
	size_t off = 1, used, step;
	enum reply_state st;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 17) + 1;
	p = reply_parser_new();
	while (off < size) {
		size_t len = size - off < step ? size - off : step;

		memset(&r, 0, sizeof r);
		st = reply_feed(p, (const char *)data + off, len, &used, &r, &e);
		if (used > len)
			__builtin_trap();
		off += used;
		if (st == REPLY_DONE) {
			char *t = reply_text(&r);

			if (r.code < 200 || r.code > 599 || r.nlines == 0)
				__builtin_trap();
			free(t);
			(void)reply_first(&r);
			/* A queue id is one word of the reply: no blank, no
			 * control, not empty, bounded. */
			t = reply_queue_id(&r);
			if (t != NULL) {
				size_t i, n = strlen(t);

				if (n == 0 || n > 128)
					__builtin_trap();
				for (i = 0; i < n; i++)
					if ((unsigned char)t[i] <= ' ' || t[i] == 0x7f)
						__builtin_trap();
			}
			free(t);
			reply_free(&r);
		} else if (st == REPLY_ERROR)
			break;
	}
	reply_parser_free(p);
	return 0;
}
