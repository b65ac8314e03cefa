/* An in-memory transport for engine unit tests: a scripted server that
 * releases each reply once the client has sent a given string, and
 * records every byte the client wrote. */
#ifndef MEMCONN_H
#define MEMCONN_H

#include <stddef.h>

#include "net/conn.h"

struct mem_step {
	const char *after;	/* released once the client wrote this (NULL: at once) */
	const char *send;	/* text the server sends then */
};

/* Installs a script (the array must outlive the session, end with
 * {NULL, NULL}). A read with nothing to release fails with ETIMEDOUT,
 * as a silent server would; reaching the end of the script and of the
 * data gives EOF. */
void memconn_script(const struct mem_step *steps);
/* Everything the client wrote so far (NUL-terminated), and the number of
 * write calls. */
const char *memconn_received(size_t *len);
size_t memconn_writes(void);
/* Whether the client closed the connection. */
int memconn_closed(void);

extern const struct conn_ops memconn_ops;

#endif
