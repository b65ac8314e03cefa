/* Engine progress events: one record type for every step the engine
 * reports. The CLI prints them (text or JSON), the worker queues copies of
 * them for the UI. All strings are owned by the event. */
#ifndef MISSIVE_EVENT_H
#define MISSIVE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

enum ev_type {
	EV_CONNECT,	/* host, port, address */
	EV_GREETING,	/* code, text */
	EV_EHLO,	/* caps/ncaps, tls */
	EV_HELO,	/* EHLO refused, HELO used */
	EV_STARTTLS,	/* STARTTLS sent */
	EV_TLS,		/* tls (diagnostic record) */
	EV_TLS_FAILED,	/* reason */
	EV_FALLBACK,	/* reason */
	EV_AUTH,	/* mechanism, ok (code, text: server's answer) */
	EV_RCPT,	/* address, code, text, accepted */
	EV_DATA,	/* sent_bytes, total_bytes */
	EV_SENT,	/* code, text */
	EV_ERROR,	/* stage, reason, text (the message) */
	EV_WARNING,	/* text: something the user must know (e.g. --insecure) */
	EV_DIALOGUE,	/* text: one line of the dialogue, dir '>' or '<' (redacted) */
	EV_RESULT,	/* result */
};

/* One certificate of the peer chain. */
struct cert_info {
	char *subject, *issuer;
	char *not_before, *not_after;	/* "YYYY-MM-DDTHH:MM:SSZ" */
	long days_left;			/* until not_after, negative when expired */
	char *sans;			/* "DNS:a, IP:192.0.2.1, URI:..." as listed */
	char *fingerprint;		/* SHA-256 of the certificate, "AB:CD:…" */
	char *pubkey;			/* SHA-256 of its public key (SPKI), "AB:CD:…" */
	char *key;			/* "RSA 2048 bits", "EC 256 bits" */
};

/* Why a certificate was not verified. tls.c classifies (the one home of
 * the decision); app/explain.c says it in words. */
enum tls_verify {
	TV_OK,			/* the chain and the name check passed */
	TV_NO_CERT,		/* the server sent no certificate */
	TV_MISSING_ISSUER,	/* the issuer of chain[verify_depth]
				 * (missing_issuer) was not sent and is not
				 * trusted: a missing intermediate */
	TV_UNTRUSTED_ROOT,	/* the chain ends at chain[verify_depth], an
				 * authority that signs itself, not trusted */
	TV_SELF_SIGNED,		/* the server's own certificate signs itself */
	TV_EXPIRED,		/* chain[verify_depth] */
	TV_NOT_YET_VALID,	/* chain[verify_depth] */
	TV_BAD_SIGNATURE,
	TV_WEAK_KEY,		/* chain[verify_depth]'s key is below TLS_MIN_* */
	TV_NAME_MISMATCH,	/* no name of the leaf is the host's */
	TV_NAME_NO_SAN,		/* the leaf has no subjectAltName at all */
	TV_NAME_WILDCARD,	/* ... and only wildcards RFC 9525 does not allow */
	TV_OTHER,		/* verify_error holds the library's words */
};

/* A pin that did not match (the chain may still have verified). */
enum tls_pin_fail { PIN_FAIL_NONE, PIN_FAIL_FINGERPRINT, PIN_FAIL_PUBKEY };

/* The JSON word for a verification code ("missing_issuer", ...). */
const char *tls_verify_name(enum tls_verify v);

#define TLS_KEY_SHARES	2	/* the most a ClientHello sends */

/* What a handshake produced; also kept in the result for the TLS screen. */
struct tls_info {
	char *version;		/* "TLSv1.3" */
	char *cipher;
	char *group;		/* key exchange group, or NULL when unknown */
	const char *key_shares[TLS_KEY_SHARES];	/* the groups the
				 * ClientHello sent a key for ("x25519";
				 * static) */
	size_t nkey_shares;
	bool verified;		/* chain and host name check passed */
	bool insecure;		/* --insecure: verification skipped */
	bool pinned;		/* accepted by --fingerprint / --pin-pubkey */
	bool aborted;		/* refused during the handshake (alert sent) */
	bool weak;		/* a key of the chain is below TLS_MIN_* */
	char *verify_error;	/* TV_OTHER: the library's words, or NULL */
	enum tls_verify verify_code;
	int verify_depth;	/* the certificate of chain the code is about */
	char *missing_issuer;	/* TV_MISSING_ISSUER: the issuer's name */
	char *host;		/* the name or address the leaf was checked for */
	bool ca_file;		/* the anchors came from a CA file */
	enum tls_pin_fail pin_failed;
	bool resumed;		/* no certificate was sent: the chain and the
				 * verdict are those of the full handshake
				 * resumed, made under the same settings */
	long long checked_at;	/* when the chain was checked (seconds since
				 * the epoch): by this handshake, or by the
				 * one resumed */
	struct cert_info *chain;	/* leaf first */
	size_t nchain;
};

/* The stages of a session's timeline, each measured by the engine. */
enum tl_stage {
	TL_DNS, TL_CONNECT, TL_GREETING, TL_EHLO, TL_STARTTLS, TL_HANDSHAKE,
	TL_AUTH, TL_ENVELOPE, TL_DATA, TL_FINAL, TL_COUNT
};

/* One stage as it happened: start and length in seconds since the job
 * started. A fallback's second connection repeats the stages. */
struct tl_span {
	enum tl_stage stage;
	double start, secs;
};

/* "dns", "connect", ..., "final_reply": the JSON word of a stage. */
const char *tl_stage_name(enum tl_stage st);

/* One RCPT's answer, for the receipt. */
struct rcpt_answer {
	char *address;
	int code;
	char *text;		/* the reply's lines, joined with "\n" */
};

/* Where the password of a login came from, for the words of a refusal. */
enum secret_from { SECRET_NONE, SECRET_STORED, SECRET_CMD, SECRET_TYPED };

struct result {
	bool sent;
	bool encrypted;
	bool fell_back;
	const char *reason;	/* NULL or a JSON reason word (static string) */
	const char *stage;	/* where it failed (static), or NULL; "data_end":
				 * the message was out, its fate is unknown */
	char *message;		/* human message of the failure, or NULL; safe
				 * to show as it is (the server text it quotes
				 * is escaped) */
	char **accepted, **refused;
	size_t naccepted, nrefused;
	size_t nrefused_temp;	/* refused with a 4xx: "not now", not "no" */
	char **caps_plain, **caps_tls;	/* EHLO keywords before / after TLS */
	size_t ncaps_plain, ncaps_tls;
	struct tls_info *tls;	/* NULL when no handshake completed */
	int exit_status;	/* 0, 1, 2 or 3 as the CLI contract says */
	char *sent_copy;	/* where the sent copy was kept, or NULL */
	/* For the words of app/explain.c: */
	const char *detail;	/* a finer cause than reason (static word), or
				 * NULL: "plaintext_port", "implicit_tls_port",
				 * "starttls_missing", "auth_mech" */
	int port;		/* the job's port and TLS policy (enum tls_mode) */
	int policy;
	bool policy_implied;	/* the policy came from the port, not chosen */
	int code;		/* the server's reply that ended the session, or 0 */
	char enh[16];		/* its enhanced status code (RFC 3463), or "" */
	char *auth_offered;	/* "auth_mech": what the server offers */
	bool logged_in;		/* AUTH succeeded */
	int secret;		/* enum secret_from: the password's source */
	struct tl_span *stages;	/* the timeline, in order */
	size_t nstages;
	/* What a receipt tells (app/record.c), and the memory's word. */
	char *address;		/* the address last connected to, or NULL */
	char *auth_mech;	/* the mechanism that logged in, or NULL */
	uint64_t size;		/* bytes of the message as rendered for the server */
	struct rcpt_answer *rcpts;	/* every RCPT's answer, in order */
	size_t nrcpts;
	int final_code;		/* the reply to the message (0: none came) */
	char *final_text;	/* its lines, joined with "\n", or NULL */
	char *queue_id;		/* the queue id that reply names, or NULL */
	char *tls_seen;		/* the job's memory.last_seen: the server was
				 * remembered (a copy), or NULL */
	char *host;		/* the job's host (for HOST:PORT in words) */
};

struct event {
	enum ev_type type;
	double t;		/* seconds since the job started */
	char *host, *address;
	int port;
	int code;
	char *text;		/* reply text, warning, dialogue line, error message */
	char **caps;
	size_t ncaps;
	bool tls;		/* EV_EHLO: over TLS */
	char dir;		/* EV_DIALOGUE: '>' client, '<' server */
	char *mechanism;
	bool ok;		/* EV_AUTH */
	bool accepted;		/* EV_RCPT */
	uint64_t sent_bytes, total_bytes;
	const char *stage;	/* EV_ERROR: "connect", "tls", "auth", ... (static) */
	const char *reason;	/* EV_ERROR/EV_TLS_FAILED/EV_FALLBACK reason word (static) */
	struct tls_info *tls_info;
	struct result *result;	/* EV_RESULT; EV_ERROR: the result so far */
	char enh[16];		/* EV_RCPT, EV_AUTH, EV_SENT: the enhanced status
				 * code of the reply, or "" */
	char *queue_id;		/* EV_SENT: the queue id it names, or NULL */
};

/* The sink every engine step is reported to. Called on the engine's thread;
 * the event and what it points to are valid only during the call. */
typedef void (*event_fn)(const struct event *ev, void *arg);

/* Whether a failed send may still have been delivered: the whole message
 * went out, then the connection failed or timed out before the server's
 * answer. (A refusal after the message is a definite no.) */
bool result_maybe_sent(const struct result *r);


/* Deep copies, for handing events across threads. */
struct event *event_dup(const struct event *ev);
void event_free(struct event *ev);
struct tls_info *tls_info_dup(const struct tls_info *ti);
void tls_info_free(struct tls_info *ti);
struct result *result_dup(const struct result *r);
void result_free(struct result *r);

/* One JSON object (no newline) for ev, per the JSON contract of doc/design.md. */
void event_to_json(const struct event *ev, struct buf *out);

#endif
