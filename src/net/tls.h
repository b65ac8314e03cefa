/* TLS through wolfSSL: a context built from the job's policy (CA file or
 * system store, minimum version, cipher and group preferences), the
 * handshake over any transport, and the diagnostic record afterwards.
 * Only the engine's thread touches WOLFSSL objects. */
#ifndef MISSIVE_TLS_H
#define MISSIVE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

struct tls_info;
struct tls_session;
struct tls_resume;

struct tls_cfg {
	const char *ca_file;		/* NULL: system store */
	const char *fingerprint;	/* SHA-256 hex, colons optional, or NULL */
	const char *pin_pubkey;		/* tls_pubkey_pins_norm's form, or NULL */
	bool insecure;
	int tls_min;			/* 12 or 13 */
	int timeout;
	int port;			/* with the host, names a kept session */
	struct tls_resume *resume;	/* sessions to resume and keep, or NULL */
	const char *share_group;	/* the group this server chose last
					 * time ("x25519", any case): the one
					 * key share sent; NULL or a group not
					 * offered: the usual two */
};

/* Sessions kept for resuming (a TLS 1.3 ticket, a TLS 1.2 session ID or
 * ticket), each under the server (host, port) and every setting that
 * decides whether a certificate is accepted (CA file, fingerprint,
 * public-key pins, --insecure, the lowest version), with the record of
 * the full handshake that checked the certificate. A resumed handshake
 * sends no certificate: its record (tls_info) is that one's, marked
 * resumed, with the time of the check (doc/design.md, "Resumed TLS
 * sessions"). Only sessions whose certificate was accepted are kept; a
 * changed setting finds none. Plain bytes, wiped when dropped: whoever
 * holds it may hand it to one handshake at a time, on any thread. */
struct tls_resume *tls_resume_new(void);
void tls_resume_free(struct tls_resume *r);
/* How many sessions it holds (tests). */
size_t tls_resume_count(const struct tls_resume *r);

/* The IANA name ("x25519", "secp256r1") of a group missive offers,
 * given in any case (wolfSSL's "SECP256R1"); NULL for any other. Static. */
const char *tls_group_iana(const char *name);

/* "wolfSSL 5.5.4", with " (AES-NI)" when AES-GCM is accelerated (the
 * cipher order then puts it first). Static. */
const char *tls_library(void);

/* Once per process, from main(). */
int tls_init(void);
void tls_cleanup(void);
/* Frees what wolfSSL keeps per thread (its ECC fixed-point cache); every
 * thread that did a handshake calls it before it ends. */
void tls_thread_cleanup(void);

/* Byte transport the session runs over. read/write follow conn_ops. */
typedef ssize_t (*tls_io_fn)(void *ctx, void *buf, size_t n);

/* The weakest keys and groups accepted: a certificate's RSA (or DSA) key,
 * its EC key, a finite-field Diffie-Hellman group (TLS 1.2 DHE). */
#define TLS_MIN_RSA_BITS	2048
#define TLS_MIN_EC_BITS		256
#define TLS_MIN_DH_BITS		2048

/* Handshakes as a client for host over io; on success returns a session,
 * on failure NULL with e (reason cert_verify/tls_handshake). The server's
 * identity is checked during the handshake, so that a refusal ends it
 * with the TLS alert that names the failure. *info is filled whenever a
 * certificate was seen and accepted, or refused. */
struct tls_session *tls_connect(const struct tls_cfg *cfg, const char *host,
    tls_io_fn rd, tls_io_fn wr, void *io_ctx, struct tls_info **info,
    struct err *e);
/* tls_connect in two steps. tls_prepare does all that needs no byte from
 * the server: the context with its trust anchors (the CA file or the
 * system store, parsed), the session object, its key pairs, the session
 * to resume. The engine calls it while the server has yet to greet, so
 * that this work overlaps the server's. cfg is copied; the strings it
 * points to and host must outlive the session. tls_handshake then runs
 * the handshake as tls_connect does, consuming s: on failure it is
 * freed. */
struct tls_session *tls_prepare(const struct tls_cfg *cfg, const char *host,
    struct err *e);
struct tls_session *tls_handshake(struct tls_session *s, tls_io_fn rd,
    tls_io_fn wr, void *io_ctx, struct tls_info **info, struct err *e);
/* Whether the peer answers a ClientHello with a TLS record (a port that
 * speaks TLS from the first byte); nothing is verified, the session is
 * dropped at once. */
bool tls_peer_speaks_tls(const char *host, tls_io_fn rd, tls_io_fn wr,
    void *io_ctx);
/* Like read(2)/write(2) through the session; -1 with errno set. */
ssize_t tls_read(struct tls_session *s, void *buf, size_t n);
ssize_t tls_write(struct tls_session *s, const void *buf, size_t n);
/* Bytes already decrypted and waiting. */
bool tls_pending(struct tls_session *s);
void tls_close(struct tls_session *s);

/* A SHA-256 fingerprint as people paste it (colons or spaces between
 * the bytes, or none; any case) normalised to "AB:CD:..."; NULL when it
 * is not 64 hex digits. Caller frees. */
char *tls_fingerprint_norm(const char *hex);
/* The forms it takes, in words, for messages. */
const char *tls_fingerprint_words(void);

/* Public-key pins (--pin-pubkey, the profile's pin_pubkey): the SHA-256
 * of the server's SubjectPublicKeyInfo, which survives a renewal of the
 * certificate that keeps the key. One or more, separated by commas, each
 * 64 hex digits (colons optional) or sha256//BASE64 (curl's form).
 * Normalised to "AB:CD:...[,AB:...]", or NULL when s is not such a list.
 * The one parser of the command line and profiles. Caller frees. */
char *tls_pubkey_pins_norm(const char *s);
const char *tls_pubkey_pin_words(void);

/* RFC 9525 6.3: whether the DNS name ref (a host name as the user gave
 * it, A-labels, one trailing dot allowed) matches the dNSName presented
 * (n bytes, as in the certificate): equal ignoring ASCII case, or a
 * wildcard that is the whole left-most label of a name with at least
 * two more labels and stands for exactly one label. */
bool tls_dns_id_match(const char *ref, const char *presented, size_t n);

/* The lowest TLS version as written ("1.2", "1.3"; "TLSv1.3" too): 12 or
 * 13, or -1. */
int tls_version_parse(const char *s);
#define TLS_VERSION_NAMES "1.2, 1.3"

#endif
