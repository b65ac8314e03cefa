/* SASL client mechanisms for SMTP AUTH (RFC 4954): PLAIN, LOGIN,
 * SCRAM-SHA-256 (RFC 7677, server signature checked), XOAUTH2 and
 * OAUTHBEARER (RFC 7628) with a token as the secret. */
#ifndef MISSIVE_SASL_H
#define MISSIVE_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct sasl;

/* The mechanisms, for messages; the same list as the table in sasl.c. */
#define SASL_NAMES "PLAIN, LOGIN, SCRAM-SHA-256, XOAUTH2, OAUTHBEARER"

/* mech's canonical (upper-case) name, or NULL when missive lacks it. */
const char *sasl_canonical(const char *mech);
/* Whether mech is in the server's space-separated list (any case). */
bool sasl_offered(const char *offered, const char *mech);
/* The best mechanism in the server's space-separated list, or NULL. */
const char *sasl_pick(const char *offered);

/* A client for mech; user and secret are copied (and wiped on free). */
struct sasl *sasl_new(const char *mech, const char *user, const char *secret,
    const char *host, int port, struct err *e);
void sasl_free(struct sasl *s);
const char *sasl_mech(const struct sasl *s);	/* canonical upper-case name */

/* Produces the next base64 response: challenge is the server's base64
 * text after 334 (NULL for the initial response). *out is NULL when the
 * mechanism has no initial response. Caller frees *out with secret_free.
 * -1 with e (reason "auth") on a bad challenge or a server signature that
 * does not verify. */
int sasl_step(struct sasl *s, const char *challenge, char **out, struct err *e);

/* Whether the exchange ended with the server proving itself (SCRAM), or
 * the mechanism has no such proof. */
bool sasl_done_ok(const struct sasl *s);

/* For tests: a fixed client nonce instead of a random one. */
void sasl_set_nonce(struct sasl *s, const char *nonce);

#endif
