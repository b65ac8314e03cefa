/* A connection to the server: a byte transport (real TCP, or an in-memory
 * one in unit tests) with wolfSSL optionally layered on it, a read buffer
 * for replies, and a timeout and cancel flag honoured at every wait. */
#ifndef MISSIVE_CONN_H
#define MISSIVE_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* The transport underneath. Every call waits at most timeout seconds and
 * gives up when *cancel becomes true. read/write return -1 with errno
 * ETIMEDOUT, ECANCELED or the socket's error; read returns 0 at EOF;
 * write writes everything or fails. */
struct conn_ops {
	void *(*open)(const char *host, int port, int timeout,
	    atomic_bool *cancel, char *addr, size_t addrlen, struct err *e);
	ssize_t (*read)(void *h, void *buf, size_t n, int timeout, atomic_bool *cancel);
	ssize_t (*write)(void *h, const void *buf, size_t n, int timeout, atomic_bool *cancel);
	/* Whether bytes (or EOF) can be read right now without waiting. */
	bool (*pending)(void *h);
	void (*close)(void *h);
};


struct conn;
struct tls_info;
struct tls_cfg;

/* Opens host:port with ops (NULL: TCP). *addr receives the numeric address
 * it reached. NULL with e set (reason "network", "timeout", "cancelled"). */
struct conn *conn_open(const struct conn_ops *ops, const char *host, int port,
    int timeout, atomic_bool *cancel, char *addr, size_t addrlen, struct err *e);
void conn_close(struct conn *c);

/* Writes all of buf (through TLS when started). 0, or -1 with e. */
int conn_write(struct conn *c, const void *buf, size_t n, struct err *e);
/* Reads more bytes into the internal buffer; 0, or -1 with e (EOF is an
 * error: "connection closed by the server"). */
int conn_fill(struct conn *c, struct err *e);
/* The same, waiting at most secs instead of the connection's timeout. */
int conn_fill_within(struct conn *c, int secs, struct err *e);
/* How long resolving the server's name took (0 when the transport
 * does not resolve names). */
double conn_dns_secs(const struct conn *c);
/* The unread buffered bytes, and consuming n of them. */
const char *conn_data(const struct conn *c, size_t *len);
void conn_consume(struct conn *c, size_t n);
/* Whether any byte was received and not consumed, or is waiting on the
 * transport: used to detect response injection after STARTTLS. */
bool conn_has_unread(struct conn *c);

/* Starts TLS on the connection (STARTTLS or implicit). Fills *info (caller
 * frees with tls_info_free) even on a certificate failure, so the user can
 * see what was presented. On error e->reason is "cert_verify",
 * "tls_handshake", "timeout" or "cancelled". */
int conn_starttls(struct conn *c, const struct tls_cfg *cfg, const char *host,
    struct tls_info **info, struct err *e);
/* Prepares the handshake conn_starttls will run (tls_prepare), now, while
 * the server is still to speak; conn_starttls then uses it, with the cfg
 * and host given here. Nothing is said when it fails: conn_starttls
 * starts afresh and reports the failure where the handshake stands. */
void conn_tls_prepare(struct conn *c, const struct tls_cfg *cfg,
    const char *host);
bool conn_is_tls(const struct conn *c);
/* Opens a second connection to host:port and says whether it answers a
 * TLS ClientHello: a port that speaks TLS from the first byte. */
bool conn_speaks_tls(const struct conn_ops *ops, const char *host, int port,
    int timeout, atomic_bool *cancel);

#endif
