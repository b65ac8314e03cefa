/* Connections: the TCP transport, the read buffer, and TLS layered on the
 * same transport through wolfSSL's I/O callbacks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/conn.h"
#include "net/event.h"
#include "net/tls.h"

#define CONN_BUFSZ	16384

struct conn {
	const struct conn_ops *ops;
	void *h;
	int timeout;
	atomic_bool *cancel;
	struct tls_session *tls;
	struct tls_session *prepared;	/* conn_tls_prepare's, until used */
	char *buf;
	size_t off, len;
	double dns;		/* seconds resolving the name took */
};

/* --- TCP transport */

struct tcp {
	int fd;
	double dns;	/* seconds the name took to resolve */
};

static bool
cancelled(atomic_bool *cancel)
{
	return cancel != NULL && atomic_load(cancel);
}

/* Waits until fd is ready for events, in slices so cancel is noticed
 * within a tenth of a second. 0, or -1 with errno. */
static int
tcp_wait(int fd, short events, int timeout, atomic_bool *cancel)
{
	double end = time_now() + timeout;
	struct pollfd p;
	int n;

	for (;;) {
		double left = end - time_now();

		if (cancelled(cancel)) {
			errno = ECANCELED;
			return -1;
		}
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = events;
		n = poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
		if (n == -1 && errno != EINTR)
			return -1;
		if (n > 0)
			return 0;
	}
}

/* Happy Eyeballs (RFC 8305): a new attempt every 250 ms while the earlier
 * ones still wait, the next one at once when one fails; the first to
 * connect wins. One deadline covers every address. */
#define HE_DELAY	0.25
#define HE_MAX		16	/* addresses tried; a name rarely has more */

struct attempt {
	int fd;
	char numeric[NI_MAXHOST];
};

/* Starts a non-blocking connect; the fd, or -1 with errno. *done says it
 * connected at once. */
static int
tcp_start(const struct addrinfo *ai, bool *done)
{
	int fd, one = 1, saved;

	*done = false;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    ai->ai_protocol);
	if (fd == -1)
		return -1;
	/* Small pipelined writes followed by a read would otherwise wait for
	 * the peer's delayed ACK. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		*done = true;
		return fd;
	}
	if (errno == EINPROGRESS)
		return fd;
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* The addresses in the order RFC 8305 4 tries them: the resolver's
 * first, then alternating between the families. */
static size_t
he_order(struct addrinfo *res, const struct addrinfo **out)
{
	const struct addrinfo *a, *fam[2][HE_MAX];
	size_t n[2] = { 0, 0 }, i[2] = { 0, 0 }, total = 0;
	int first = res != NULL && res->ai_family == AF_INET6 ? 1 : 0, f;

	for (a = res; a != NULL; a = a->ai_next) {
		f = a->ai_family == AF_INET6 ? 1 : 0;
		if (n[f] < HE_MAX)
			fam[f][n[f]++] = a;
	}
	for (f = first; total < HE_MAX && (i[0] < n[0] || i[1] < n[1]); f = 1 - f)
		if (i[f] < n[f])
			out[total++] = fam[f][i[f]++];
	return total;
}

static void
tried_add(char *list, size_t size, const char *numeric)
{
	size_t len = strlen(list);

	if (len + strlen(numeric) + 3 >= size)
		return;
	snprintf(list + len, size - len, "%s%s", len > 0 ? ", " : "", numeric);
}

static void *
tcp_open(const char *host, int port, int timeout, atomic_bool *cancel,
    char *addr, size_t addrlen, struct err *e)
{
	struct addrinfo hints, *res;
	const struct addrinfo *order[HE_MAX];
	struct attempt pend[HE_MAX];
	struct pollfd pfd[HE_MAX];
	char portstr[16], tried[512] = "";
	double deadline, next_at, now, wait, t0, dns;
	size_t n, next = 0, npend = 0, i;
	int rc, fd = -1, saved = 0, soerr;
	socklen_t len;
	bool done;
	struct tcp *t;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof portstr, "%d", port);
	/* An address literal needs no resolver, nor AI_ADDRCONFIG's look at
	 * the interfaces (a netlink socket, an nscd attempt). */
	hints.ai_flags = AI_NUMERICHOST;
	t0 = time_now();
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		hints.ai_flags = AI_ADDRCONFIG;
		rc = getaddrinfo(host, portstr, &hints, &res);
	}
	if (rc == EAI_BADFLAGS || (rc != 0 && rc != EAI_NONAME && rc != EAI_AGAIN)) {
		hints.ai_flags = 0;
		rc = getaddrinfo(host, portstr, &hints, &res);
	}
	if (rc != 0) {
		err_setr(e, "network", _("cannot resolve `%s': %s"), host,
		    gai_strerror(rc));
		return NULL;
	}
	n = he_order(res, order);
	dns = time_now() - t0;
	deadline = time_now() + timeout;
	next_at = 0;
	for (;;) {
		if (cancelled(cancel)) {
			saved = ECANCELED;
			break;
		}
		now = time_now();
		if (now >= deadline) {
			saved = ETIMEDOUT;
			break;
		}
		if (next < n && (npend == 0 || now >= next_at)) {
			struct attempt *at = &pend[npend];

			if (getnameinfo(order[next]->ai_addr, order[next]->ai_addrlen,
			    at->numeric, sizeof at->numeric, NULL, 0,
			    NI_NUMERICHOST) != 0)
				strcpy(at->numeric, "?");
			tried_add(tried, sizeof tried, at->numeric);
			at->fd = tcp_start(order[next++], &done);
			if (at->fd != -1 && done) {
				fd = at->fd;
				snprintf(addr, addrlen, "%s", at->numeric);
				break;
			}
			if (at->fd == -1) {
				if (saved == 0)
					saved = errno;
				continue;	/* failed at once: the next one now */
			}
			npend++;
			next_at = now + HE_DELAY;
		}
		if (npend == 0)
			break;		/* every address failed */
		wait = deadline - now;
		if (next < n && next_at - now < wait)
			wait = next_at - now;
		if (wait > 0.1)
			wait = 0.1;	/* cancel is noticed within a tenth */
		for (i = 0; i < npend; i++) {
			pfd[i].fd = pend[i].fd;
			pfd[i].events = POLLOUT;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)npend, (int)(wait * 1000) + 1) == -1 &&
		    errno != EINTR) {
			saved = errno;
			break;
		}
		for (i = 0; i < npend && fd == -1; i++) {
			if (pfd[i].revents == 0)
				continue;
			soerr = 0;
			len = sizeof soerr;
			if (getsockopt(pend[i].fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
				soerr = errno;
			if (soerr == 0) {
				fd = pend[i].fd;
				snprintf(addr, addrlen, "%s", pend[i].numeric);
				pend[i] = pend[--npend];
				break;
			}
			if (saved == 0 || saved == ETIMEDOUT)
				saved = soerr;
			close(pend[i].fd);
			pend[i] = pend[--npend];
			pfd[i] = pfd[npend];
			i--;
			next_at = 0;	/* one failed: the next one now */
		}
		if (fd != -1)
			break;
	}
	/* The attempts still waiting lose. */
	for (i = 0; i < npend; i++)
		if (pend[i].fd != fd)
			close(pend[i].fd);
	freeaddrinfo(res);
	if (fd == -1) {
		if (saved == ECANCELED)
			err_setr(e, "cancelled", _("cancelled"));
		else if (saved == ETIMEDOUT)
			err_setr(e, "timeout", _("connecting to %s port %d (%s): "
			    "no answer within %d seconds"), host, port, tried, timeout);
		else
			err_setr(e, "network", _("cannot connect to %s port %d (%s): %s"),
			    host, port, tried, strerror(saved != 0 ? saved : ECONNREFUSED));
		return NULL;
	}
	t = xmalloc(sizeof *t);
	t->fd = fd;
	t->dns = dns;
	return t;
}

static ssize_t
tcp_read(void *h, void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	struct tcp *t = h;
	ssize_t r;

	for (;;) {
		r = recv(t->fd, buf, n, 0);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (tcp_wait(t->fd, POLLIN, timeout, cancel) == -1)
			return -1;
	}
}

static ssize_t
tcp_write(void *h, const void *buf, size_t n, int timeout, atomic_bool *cancel)
{
	struct tcp *t = h;
	const char *p = buf;
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = send(t->fd, p + done, n - done, MSG_NOSIGNAL);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (tcp_wait(t->fd, POLLOUT, timeout, cancel) == -1)
			return -1;
	}
	return (ssize_t)n;
}

static bool
tcp_pending(void *h)
{
	struct tcp *t = h;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	char c;

	/* Readable also means "closed": only a byte counts. */
	return poll(&p, 1, 0) > 0 &&
	    recv(t->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

static void
tcp_close(void *h)
{
	struct tcp *t = h;

	close(t->fd);
	free(t);
}

static const struct conn_ops conn_tcp_ops = {
	tcp_open, tcp_read, tcp_write, tcp_pending, tcp_close
};

/* --- connection */

static int
io_error(struct err *e, int errnum, const char *what)
{
	if (errnum == ETIMEDOUT)
		return err_setr(e, "timeout", _("%s: the server did not answer in time"), what);
	if (errnum == ECANCELED)
		return err_setr(e, "cancelled", _("cancelled"));
	return err_setr(e, "network", _("%s: %s"), what, strerror(errnum));
}

struct conn *
conn_open(const struct conn_ops *ops, const char *host, int port, int timeout,
    atomic_bool *cancel, char *addr, size_t addrlen, struct err *e)
{
	struct conn *c;
	void *h;

	if (ops == NULL)
		ops = &conn_tcp_ops;
	if ((h = ops->open(host, port, timeout, cancel, addr, addrlen, e)) == NULL)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->ops = ops;
	c->h = h;
	c->timeout = timeout;
	c->cancel = cancel;
	c->buf = xmalloc(CONN_BUFSZ);
	if (ops == &conn_tcp_ops)
		c->dns = ((struct tcp *)h)->dns;
	return c;
}

double
conn_dns_secs(const struct conn *c)
{
	return c->dns;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	tls_close(c->tls);
	tls_close(c->prepared);
	c->ops->close(c->h);
	free(c->buf);
	free(c);
}

int
conn_write(struct conn *c, const void *buf, size_t n, struct err *e)
{
	ssize_t w;

	if (c->tls != NULL)
		w = tls_write(c->tls, buf, n);
	else
		w = c->ops->write(c->h, buf, n, c->timeout, c->cancel);
	if (w < 0)
		return io_error(e, errno, _("sending to the server"));
	return 0;
}

int
conn_fill(struct conn *c, struct err *e)
{
	return conn_fill_within(c, c->timeout, e);
}

int
conn_fill_within(struct conn *c, int secs, struct err *e)
{
	ssize_t r;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len == CONN_BUFSZ)
		return err_setr(e, "protocol", _("the server's reply is too long"));
	if (c->tls != NULL)
		r = tls_read(c->tls, c->buf + c->len, CONN_BUFSZ - c->len);
	else
		r = c->ops->read(c->h, c->buf + c->len, CONN_BUFSZ - c->len,
		    secs, c->cancel);
	if (r < 0)
		return io_error(e, errno, _("reading from the server"));
	if (r == 0)
		return err_setr(e, "network", _("the server closed the connection"));
	c->len += (size_t)r;
	return 0;
}

const char *
conn_data(const struct conn *c, size_t *len)
{
	*len = c->len - c->off;
	return c->buf + c->off;
}

void
conn_consume(struct conn *c, size_t n)
{
	c->off += n;
	if (c->off >= c->len)
		c->off = c->len = 0;
}

bool
conn_has_unread(struct conn *c)
{
	if (c->len > c->off)
		return true;
	if (c->tls != NULL)
		return tls_pending(c->tls);
	return c->ops->pending(c->h);
}

static ssize_t
conn_io_read(void *ctx, void *buf, size_t n)
{
	struct conn *c = ctx;

	return c->ops->read(c->h, buf, n, c->timeout, c->cancel);
}

static ssize_t
conn_io_write(void *ctx, void *buf, size_t n)
{
	struct conn *c = ctx;

	return c->ops->write(c->h, buf, n, c->timeout, c->cancel);
}

int
conn_starttls(struct conn *c, const struct tls_cfg *cfg, const char *host,
    struct tls_info **info, struct err *e)
{
	if (c->prepared != NULL) {
		c->tls = tls_handshake(c->prepared, conn_io_read, conn_io_write, c,
		    info, e);
		c->prepared = NULL;
	} else
		c->tls = tls_connect(cfg, host, conn_io_read, conn_io_write, c,
		    info, e);
	if (c->tls == NULL) {
		if (cancelled(c->cancel))
			err_setr(e, "cancelled", _("cancelled"));
		return -1;
	}
	return 0;
}

void
conn_tls_prepare(struct conn *c, const struct tls_cfg *cfg, const char *host)
{
	struct err e = { 0 };

	if (c->prepared == NULL && c->tls == NULL)
		c->prepared = tls_prepare(cfg, host, &e);
	err_clear(&e);
}

bool
conn_speaks_tls(const struct conn_ops *ops, const char *host, int port,
    int timeout, atomic_bool *cancel)
{
	char addr[64];
	struct err e = { 0 };
	struct conn *c;
	bool tls;

	if ((c = conn_open(ops, host, port, timeout, cancel, addr, sizeof addr,
	    &e)) == NULL)
		return false;
	tls = tls_peer_speaks_tls(host, conn_io_read, conn_io_write, c);
	conn_close(c);
	return tls;
}

bool
conn_is_tls(const struct conn *c)
{
	return c->tls != NULL;
}
