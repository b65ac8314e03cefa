/* The in-memory transport; see memconn.h. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "memconn.h"

static const struct mem_step *script;
static size_t step, out_off, matched;
static struct buf received, out;
static size_t nwrites;
static int closed;

void
memconn_script(const struct mem_step *steps)
{
	script = steps;
	step = out_off = matched = nwrites = 0;
	closed = 0;
	buf_free(&received);
	buf_free(&out);
	buf_adds(&received, "");
}

const char *
memconn_received(size_t *len)
{
	if (len != NULL)
		*len = received.len;
	return buf_cstr(&received);
}

size_t
memconn_writes(void)
{
	return nwrites;
}

int
memconn_closed(void)
{
	return closed;
}

/* Moves every step whose trigger the client has written into out. */
static void
release(void)
{
	while (script != NULL && script[step].send != NULL) {
		const struct mem_step *s = &script[step];

		if (s->after != NULL) {
			const char *hit = strstr(buf_cstr(&received) + matched, s->after);

			if (hit == NULL)
				return;
			matched = (size_t)(hit - received.data) + strlen(s->after);
		}
		buf_adds(&out, s->send);
		step++;
	}
}

static void *
mem_open(const char *host, int port, int timeout, atomic_bool *cancel,
    char *addr, size_t addrlen, struct err *e)
{
	(void)host; (void)port; (void)timeout; (void)cancel; (void)e;
	strncpy(addr, "mem", addrlen);
	release();
	return &script;
}

static ssize_t
mem_read(void *h, void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	size_t avail;

	(void)h; (void)timeout; (void)cancel;
	release();
	avail = out.len - out_off;
	if (avail == 0) {
		if (script == NULL || script[step].send == NULL)
			return 0;
		errno = ETIMEDOUT;
		return -1;
	}
	if (n > avail)
		n = avail;
	memcpy(buf, out.data + out_off, n);
	out_off += n;
	return (ssize_t)n;
}

static ssize_t
mem_write(void *h, const void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	(void)h; (void)timeout; (void)cancel;
	buf_add(&received, buf, n);
	nwrites++;
	return (ssize_t)n;
}

static bool
mem_pending(void *h)
{
	(void)h;
	release();
	return out.len > out_off;
}

static void
mem_close(void *h)
{
	(void)h;
	closed = 1;
}

const struct conn_ops memconn_ops = {
	mem_open, mem_read, mem_write, mem_pending, mem_close
};
