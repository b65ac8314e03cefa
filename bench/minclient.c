/*
 * minclient.c: the least a correct STARTTLS sender does with wolfSSL, as a
 * yardstick for missive (bench/run states missive's numbers as ratios to
 * this one's). It connects, reads the greeting, says EHLO, STARTTLS,
 * verifies the server's certificate against CAFILE and HOST (wolfSSL's
 * own checks: chain, dates, name or IP address), says EHLO again, then
 * sends MAIL, RCPT for each recipient and BDAT LAST (CHUNKING) or DATA,
 * pipelined, with the message and QUIT, and reads every reply.
 *
 * Everything goes out through one 16 KiB buffer: commands, message bytes
 * and QUIT are packed into full 16 KiB TLS records, so a small message is
 * one write and a large one is a stream of 16 KiB records. TCP_NODELAY.
 * The message is sent as it is (it must already have CRLF line ends, as
 * bench/mkmsg.py writes them); with DATA it is dot-stuffed. No retries,
 * no AUTH, no session resumption.
 *
 * Usage: minclient [-f FILE] [--data] HOST PORT CAFILE FROM TO... [< message]
 *   -f FILE  read the message from FILE (default: standard input)
 *   --data   use DATA even when the server offers CHUNKING
 * Exit status: 0 when the server accepted the message, 1 otherwise.
 * Build: cc -O2 -Wall -Wextra minclient.c $(pkg-config --cflags --libs wolfssl)
 */
#define _GNU_SOURCE
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC 16384

static int fd = -1;
static WOLFSSL *ssl;
static char obuf[REC];		/* what goes out: full records */
static size_t olen;
static char ibuf[8192];		/* what came in, not yet parsed */
static size_t istart, iend;
static int pending;		/* pipelined commands whose reply is unread */
static int pipelining, chunking, starttls;

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("minclient: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
flush(void)
{
	size_t off = 0;

	while (off < olen) {
		long w;
		if (ssl != NULL) {
			w = wolfSSL_write(ssl, obuf + off, (int)(olen - off));
			if (w <= 0)
				fail("TLS write: error %d", wolfSSL_get_error(ssl, (int)w));
		} else if ((w = write(fd, obuf + off, olen - off)) < 0) {
			if (errno == EINTR)
				continue;
			fail("write: %s", strerror(errno));
		}
		off += (size_t)w;
	}
	olen = 0;
}

/* Appends bytes, writing a record each time the buffer is full. */
static void
put(const char *p, size_t n)
{
	while (n > 0) {
		size_t k = sizeof obuf - olen < n ? sizeof obuf - olen : n;
		memcpy(obuf + olen, p, k);
		olen += k;
		p += k;
		n -= k;
		if (olen == sizeof obuf)
			flush();
	}
}

static void
fill(void)
{
	long r;

	if (istart > 0) {
		memmove(ibuf, ibuf + istart, iend - istart);
		iend -= istart;
		istart = 0;
	}
	if (iend == sizeof ibuf)
		fail("reply line too long");
	if (ssl != NULL) {
		r = wolfSSL_read(ssl, ibuf + iend, (int)(sizeof ibuf - iend));
		if (r <= 0)
			fail("TLS read: error %d", wolfSSL_get_error(ssl, (int)r));
	} else {
		while ((r = read(fd, ibuf + iend, sizeof ibuf - iend)) < 0 && errno == EINTR)
			;
		if (r < 0)
			fail("read: %s", strerror(errno));
		if (r == 0)
			fail("the server closed the connection");
	}
	iend += (size_t)r;
}

/* Reads one (multi-line) reply; returns its code. EHLO's lines set the
 * capability flags. */
static int
reply(const char *what)
{
	for (;;) {
		char *nl;
		while ((nl = memchr(ibuf + istart, '\n', iend - istart)) == NULL)
			fill();
		char *line = ibuf + istart;
		size_t n = (size_t)(nl - line);
		istart += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n < 3 || line[0] < '2' || line[0] > '5')
			fail("%s: malformed reply '%.*s'", what, (int)n, line);
		if (n > 4) {
			const char *cap = line + 4;
			size_t cn = n - 4;
#define CAP(s) (cn >= sizeof s - 1 && strncasecmp(cap, s, sizeof s - 1) == 0 && \
    (cn == sizeof s - 1 || cap[sizeof s - 1] == ' '))
			if (CAP("PIPELINING"))
				pipelining = 1;
			else if (CAP("CHUNKING"))
				chunking = 1;
			else if (CAP("STARTTLS"))
				starttls = 1;
#undef CAP
		}
		if (n == 3 || line[3] == ' ') {
			int code = atoi(line);
			if (code >= 400)
				fprintf(stderr, "minclient: %s: %.*s\n", what, (int)n, line);
			return code;
		}
	}
}

/* One command: pipelined when the server allows it, else answered now. */
static void
cmd(int want, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		fail("command too long");
	put(buf, (size_t)n);
	if (pipelining) {
		pending++;
		return;
	}
	flush();
	if (reply(buf) / 100 != want)
		exit(1);
}

static void
ehlo(void)
{
	pipelining = chunking = starttls = 0;
	put("EHLO minclient.invalid\r\n", 24);
	flush();
	if (reply("EHLO") != 250)
		exit(1);
}

int
main(int argc, char **argv)
{
	const char *file = NULL, *host, *port, *ca, *from;
	int use_data = 0, i = 1, in = 0, one = 1, rc, ok = 1;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	struct stat st;
	char *msg = NULL;
	size_t msglen = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--data") == 0)
			use_data = 1;
		else
			break;
	}
	if (argc - i < 5) {
		fputs("usage: minclient [-f FILE] [--data] HOST PORT CAFILE FROM TO... [< message]\n",
		    stderr);
		return 2;
	}
	host = argv[i];
	port = argv[i + 1];
	ca = argv[i + 2];
	from = argv[i + 3];
	i += 4;

	/* The message: its size is needed up front for BDAT. A regular file
	 * is streamed; anything else is read into memory first. */
	if (file != NULL && (in = open(file, O_RDONLY)) == -1)
		fail("%s: %s", file, strerror(errno));
	if (fstat(in, &st) == -1)
		fail("fstat: %s", strerror(errno));
	if (S_ISREG(st.st_mode))
		msglen = (size_t)st.st_size;
	else {
		size_t cap = 0;
		long r;
		for (;;) {
			if (msglen == cap && (msg = realloc(msg, cap = cap * 2 + 65536)) == NULL)
				fail("out of memory");
			if ((r = read(in, msg + msglen, cap - msglen)) <= 0)
				break;
			msglen += (size_t)r;
		}
		if (r < 0)
			fail("reading the message: %s", strerror(errno));
	}

	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		fail("%s: %s", host, gai_strerror(rc));
	for (a = ai; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol)) == -1)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd == -1)
		fail("cannot connect to %s port %s: %s", host, port, strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

	if (reply("greeting") != 220)
		return 1;
	ehlo();
	if (!starttls)
		fail("the server does not offer STARTTLS");
	put("STARTTLS\r\n", 10);
	flush();
	if (reply("STARTTLS") != 220)
		return 1;
	if (istart != iend)
		fail("the server sent bytes after its 220 to STARTTLS");

	wolfSSL_Init();
	WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
	if (ctx == NULL || wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS)
		fail("cannot create a TLS context");
	if (wolfSSL_CTX_load_verify_locations(ctx, ca, NULL) != WOLFSSL_SUCCESS)
		fail("%s: cannot load CA certificates", ca);
	wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
	if ((ssl = wolfSSL_new(ctx)) == NULL || wolfSSL_set_fd(ssl, fd) != WOLFSSL_SUCCESS)
		fail("cannot create a TLS session");
	{
		unsigned char addr[16];
		int is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
		if (!is_ip && wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, host,
		    (unsigned short)strlen(host)) != WOLFSSL_SUCCESS)
			fail("cannot set SNI");
		/* Checked against the certificate's DNS and IP names during
		 * the handshake, which fails on a mismatch. */
		if (wolfSSL_check_domain_name(ssl, host) != WOLFSSL_SUCCESS)
			fail("cannot set the name to verify");
	}
	if ((rc = wolfSSL_connect(ssl)) != WOLFSSL_SUCCESS) {
		char e[WOLFSSL_MAX_ERROR_SZ];
		fail("TLS handshake: %s", wolfSSL_ERR_error_string(
		    (unsigned long)wolfSSL_get_error(ssl, rc), e));
	}
	ehlo();

	cmd(2, "MAIL FROM:<%s>\r\n", from);
	for (; i < argc; i++)
		cmd(2, "RCPT TO:<%s>\r\n", argv[i]);
	if (chunking && !use_data) {
		char buf[64], *p = msg;
		int n = snprintf(buf, sizeof buf, "BDAT %zu LAST\r\n", msglen);
		put(buf, (size_t)n);	/* its data follows in the same flight */
		pending++;
		for (size_t left = msglen; left > 0;) {
			if (msg != NULL) {
				put(p, left);
				break;
			}
			/* Read straight into the output buffer. */
			long r = read(in, obuf + olen, sizeof obuf - olen < left ?
			    sizeof obuf - olen : left);
			if (r <= 0)
				fail("reading the message: %s", r < 0 ? strerror(errno) : "short file");
			olen += (size_t)r;
			left -= (size_t)r;
			if (olen == sizeof obuf)
				flush();
		}
	} else {
		cmd(3, "DATA\r\n");
		flush();
		for (; pending > 0; pending--) {
			rc = reply(pending == 1 ? "DATA" : "MAIL/RCPT");
			if (pending == 1 && rc != 354)
				return 1;
			if (pending > 1 && rc / 100 != 2)
				ok = 0;
		}
		/* Dot-stuffing: a dot at a line start is doubled. */
		char rb[65536], *p;
		int bol = 1, lastlf = 1;
		for (size_t left = msglen, off = 0; left > 0;) {
			size_t n;
			if (msg != NULL) {
				p = msg + off;
				n = left;
			} else {
				long r = read(in, rb, sizeof rb);
				if (r <= 0)
					fail("reading the message: %s", r < 0 ? strerror(errno) : "short file");
				p = rb;
				n = (size_t)r;
			}
			off += n;
			left -= n;
			while (n > 0) {
				if (bol && *p == '.')
					put(".", 1);
				char *nl = memchr(p, '\n', n);
				size_t k = nl != NULL ? (size_t)(nl - p) + 1 : n;
				put(p, k);
				bol = nl != NULL;
				p += k;
				n -= k;
			}
			lastlf = bol;
		}
		put(lastlf ? ".\r\n" : "\r\n.\r\n", lastlf ? 3 : 5);
		pending = 1;
	}
	if (!pipelining) {
		flush();
		if (reply("end of message") / 100 != 2)
			ok = 0;
		pending = 0;
	}
	put("QUIT\r\n", 6);
	flush();
	/* The pipelined replies, in order, then QUIT's: any failure fails. */
	for (pending++; pending > 0; pending--)
		if (reply(pending == 1 ? "QUIT" : "MAIL/RCPT/message") >= 400)
			ok = 0;
	wolfSSL_shutdown(ssl);
	wolfSSL_free(ssl);
	wolfSSL_CTX_free(ctx);
	close(fd);
	return ok ? 0 : 1;
}
