/* The SMTP client engine: one job from connect to QUIT, with the TLS
 * policies of doc/design.md, reporting every step through an event_fn. */
#ifndef MISSIVE_SMTP_H
#define MISSIVE_SMTP_H

#include <stdatomic.h>
#include <stdbool.h>

#include "base/err.h"
#include "net/event.h"

struct msg;
struct conn_ops;
struct tls_resume;

enum tls_mode { TLS_OFF, TLS_OPPORTUNISTIC, TLS_STARTTLS, TLS_IMPLICIT };

/* What the downgrade memory (doc/design.md) knows of the job's server,
 * as plain data: the front end looks it up (app/record.c) and the engine
 * enforces it; the engine reads and writes no file. All NULL: the server
 * is not remembered. */
struct tls_memory {
	char *last_seen;	/* RFC 3339 UTC: when TLS with a verified or
				 * pinned certificate was last negotiated here */
	char *pubkey;		/* that session's leaf public-key SHA-256
				 * ("AB:CD:..."), or NULL */
	char *group;		/* the key exchange group it chose
				 * ("x25519"), or NULL: the one key share
				 * the next handshake sends */
};

/* Parses "off", "opportunistic", "starttls", "implicit" (any case); -1
 * otherwise. */
#define TLS_MODE_NAMES "off, opportunistic, starttls, implicit"
int tls_mode_parse(const char *s);
const char *tls_mode_name(enum tls_mode m);

struct smtp_job {
	char *host;		/* name or address literal, no brackets */
	int port;
	enum tls_mode tls;
	bool tls_implied;	/* the policy came from the port (or the
				 * default), not from the user: said so */
	bool fallback_plaintext;
	char *ca_file;		/* NULL: system store */
	char *fingerprint;	/* SHA-256 hex, colons optional */
	char *pin_pubkey;	/* tls_pubkey_pins_norm's form, or NULL */
	bool insecure;
	int tls_min;		/* 12 or 13 */
	char *user;
	char *password;		/* secret: wiped by smtp_job_free */
	char *password_cmd;	/* run when a password is needed and none given */
	bool password_typed;	/* password was typed at a prompt (the words
				 * of a refused login say so) */
	char *auth_mech;	/* NULL: best offered */
	bool allow_plaintext_auth;
	char *helo;		/* NULL: this host's name */
	int timeout;		/* seconds, every network wait */
	bool partial;
	bool probe;		/* report capabilities/TLS only, send nothing */
	/* Called on the engine's thread just before what completes the
	 * message (the final dot, the last BDAT chunk) is written: from then
	 * on the server may have it even if no answer comes. -1 with e set
	 * stops the send there, nothing delivered (reason e->reason, else
	 * "local"). NULL: no hook. */
	int (*before_commit)(void *arg, struct err *e);
	void *commit_arg;
	char *sent_maildir;	/* keep a copy here once sent, or NULL */
	struct msg *msg;	/* owned by the job; NULL for probe */
	struct tls_resume *resume;	/* TLS sessions to resume and keep (the
				 * composer's, across its sends), or NULL;
				 * not owned, one job at a time */
	/* Under opportunistic, a remembered server that offers no STARTTLS,
	 * refuses it or fails the handshake gets nothing (reason
	 * tls_downgrade), --fallback-plaintext or not; a changed key is
	 * warned about. */
	struct tls_memory memory;
};

/* SERVER (server.h's grammar) with the defaults of doc/design.md: no
 * port and no policy means 25, opportunistic; a port without a policy
 * gives it (465 implicit, 25 opportunistic, any other starttls); a
 * policy without a port gives the port (465 implicit, 587 starttls, else
 * 25). tls_given says whether *mode holds a chosen policy. -1 with e
 * (reason "usage") naming what is wrong. */
int smtp_server_parse(const char *server, bool tls_given, char **host,
    int *port, enum tls_mode *mode, struct err *e);

/* A timeout as written: whole seconds from 1 to SMTP_TIMEOUT_MAX, digits
 * only. 0 with *secs set, or -1. */
#define SMTP_TIMEOUT_MAX 3600
int smtp_timeout_parse(const char *s, int *secs);

void smtp_job_init(struct smtp_job *job);
void smtp_job_free(struct smtp_job *job);	/* frees members, not job */

/* Runs the job to the end on the calling thread and returns its result
 * (caller frees with result_free); the last event emitted is EV_RESULT
 * with the same record. cancel, when not NULL, is polled at every wait.
 * ops NULL means real TCP; tests pass an in-memory transport. */
struct result *smtp_run(struct smtp_job *job, event_fn fn, void *arg,
    atomic_bool *cancel, const struct conn_ops *ops);

#endif
