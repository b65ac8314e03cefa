/* What a host offers on each submission port: probes of several
 * host:port:policy targets at once (one worker each, so a silent port
 * costs one deadline, not one per port), what each answered (TLS
 * version, certificate verdict, AUTH mechanisms, SIZE, time), whether it
 * is usable, and which one to recommend (RFC 8314: implicit TLS first).
 * Shared by `missive probe --ports` and `missive setup`. UI thread (or
 * the command's only thread); sends no mail. */
#ifndef MISSIVE_PORTS_H
#define MISSIVE_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "net/smtp.h"

/* The deadline of one port's whole probe when none is given. */
#define PORTS_DEADLINE	10
/* Probes running at once (the rest wait for a free one). */
#define PORTS_PARALLEL	12

struct port_target {
	char *host;		/* name or address literal, no brackets */
	int port;
	enum tls_mode mode;
	char *source;		/* where it came from ("SRV _submissions._tcp.
				 * example.org"), or NULL */
};

struct port_report {
	struct port_target t;	/* a copy of the target */
	char *address;		/* the address connected to, or NULL */
	double secs;		/* the probe's wall time */
	bool greeted;		/* the server's greeting came */
	bool timed_out;		/* stopped at the deadline */
	struct result *r;	/* the engine's result, or NULL */
	char *memory;		/* what the server memory says of it, after
				 * this probe (record_memory_words) */
	char *warning;		/* the memory could not be read or written,
				 * or NULL */
};

/* The three ports of a mail server, RFC 8314's preference first: 465
 * implicit TLS, 587 STARTTLS, 25 opportunistic. host is copied. */
#define PORTS_STANDARD 3
void ports_standard(const char *host, struct port_target out[PORTS_STANDARD]);
void port_target_clear(struct port_target *t);

/* Probes every target, PORTS_PARALLEL at a time, each with tmpl's
 * session settings (ca_file, fingerprint, pin_pubkey, insecure, tls_min,
 * helo, timeout; nothing else of it) and stopped after deadline seconds.
 * Each probe goes through app/record.c, as probe does: a port remembered
 * for TLS that now offers none is a downgrade (reason tls_downgrade,
 * nothing sent), and one with a trusted certificate is remembered.
 * Fills out[0..n) (free with port_reports_free). -1 with e when a probe
 * cannot be started at all. */
int ports_probe(const struct port_target *t, size_t n,
    const struct smtp_job *tmpl, int deadline, struct port_report *out,
    struct err *e);
void port_reports_free(struct port_report *r, size_t n);

/* The server was reached and sent its greeting (whatever came after). */
bool port_answered(const struct port_report *p);
/* The server answered and TLS was negotiated with a verified or pinned
 * certificate. */
bool port_usable(const struct port_report *p);
/* The certificate's verdict: "verified", "pinned", "not verified" or
 * NULL without TLS. Static, untranslated (JSON); port_verdict_words
 * gives the words. */
const char *port_verdict(const struct port_report *p);
const char *port_verdict_words(const struct port_report *p);
/* The AUTH mechanisms offered (after TLS when there was TLS), as a
 * vector of nv strings (free with strv_free), or NULL when none. */
char **port_auth(const struct port_report *p, size_t *nv);
/* SIZE offered: true, *max the stated limit (0: none stated). */
bool port_size(const struct port_report *p, uint64_t *max);
/* The port was remembered for TLS and this probe found none: nothing
 * was sent (reason tls_downgrade). */
bool port_downgraded(const struct port_report *p);
/* Why a port is not usable, in words (caller frees), or NULL when it is. */
char *port_problem(const struct port_report *p);

/* The one to recommend, or -1 when none is usable: usable first, then
 * offering AUTH, then implicit TLS over STARTTLS over opportunistic (RFC
 * 8314 §3), then the order given (SRV priority). */
long ports_recommend(const struct port_report *p, size_t n);
/* Why that one, in a sentence (static, translated). */
const char *ports_why(const struct port_report *p);

/* One JSON object (no newline): host, port, tls_mode, source, address,
 * answered, encrypted, tls_version, cipher, certificate, verify_error,
 * auth, size, time, usable, recommended, reason, message. */
void port_report_json(const struct port_report *p, bool recommended,
    struct buf *out);

#endif
