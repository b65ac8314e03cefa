/* SASL mechanisms. Secrets live in buffers that are wiped when freed. */
#include "config.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "base/i18n.h"
#include "base/util.h"
#include "mail/encode.h"
#include "net/sasl.h"

enum mech { M_PLAIN, M_LOGIN, M_SCRAM, M_XOAUTH2, M_OAUTHBEARER };

#define SCRAM_MIN_ITERATIONS	4096	/* RFC 7677 4 */
#define SCRAM_MAX_ITERATIONS	1000000	/* beyond it, a stalling server */

/* Best first. PLAIN before LOGIN: same secrecy, one round trip fewer. */
static const struct {
	const char *name;
	enum mech m;
	bool auto_pick;		/* token mechanisms only when asked for */
} mechs[] = {
	{ "SCRAM-SHA-256", M_SCRAM, true },
	{ "PLAIN", M_PLAIN, true },
	{ "LOGIN", M_LOGIN, true },
	{ "XOAUTH2", M_XOAUTH2, false },
	{ "OAUTHBEARER", M_OAUTHBEARER, false },
};
#define NMECHS (sizeof mechs / sizeof mechs[0])

struct sasl {
	enum mech m;
	const char *name;
	char *user, *secret;
	char *host;
	int port;
	int step;
	char nonce[64];
	struct buf first_bare;	/* SCRAM client-first-message-bare */
	unsigned char server_sig[WC_SHA256_DIGEST_SIZE];
	bool verified;
};

const char *
sasl_canonical(const char *mech)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (strcasecmp(mech, mechs[i].name) == 0)
			return mechs[i].name;
	return NULL;
}

bool
sasl_offered(const char *offered, const char *mech)
{
	const char *p = offered;
	size_t len = strlen(mech), n;

	if (offered == NULL || len == 0)
		return false;
	n = strlen(offered);
	while ((p = strcasestr(p, mech)) != NULL) {
		bool start = p == offered || p[-1] == ' ';
		bool end = (size_t)(p - offered) + len == n || p[len] == ' ';

		if (start && end)
			return true;
		p += len;
	}
	return false;
}

const char *
sasl_pick(const char *offered)
{
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (mechs[i].auto_pick && sasl_offered(offered, mechs[i].name))
			return mechs[i].name;
	return NULL;
}

/* The base64 of encode.h, as strings; what it encodes is a secret more
 * often than not, so the buffers are secret ones (caller secret_frees). */
static char *
b64_encode(const void *in, size_t n)
{
	struct buf b;

	buf_init_secret(&b);
	enc_b64_encode(&b, in, n);
	buf_cstr(&b);
	return b.data;
}

/* Decodes base64 text; NULL when it is not base64. */
static char *
b64_decode(const char *in, size_t *outlen)
{
	struct buf b;

	buf_init_secret(&b);
	if (enc_b64_decode(&b, in, strlen(in)) == -1) {
		buf_wipe(&b);
		return NULL;
	}
	buf_cstr(&b);
	*outlen = b.len;
	return b.data;
}

struct sasl *
sasl_new(const char *mech, const char *user, const char *secret,
    const char *host, int port, struct err *e)
{
	struct sasl *s;
	unsigned char rnd[18];
	size_t i;

	for (i = 0; i < NMECHS; i++)
		if (strcasecmp(mech, mechs[i].name) == 0)
			break;
	if (i == NMECHS) {
		err_setr(e, "usage", _("--auth: missive does not know `%s' (it "
		    "knows %s)"), mech, SASL_NAMES);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->m = mechs[i].m;
	s->name = mechs[i].name;
	s->user = xstrdup(user != NULL ? user : "");
	s->secret = xstrdup(secret != NULL ? secret : "");
	s->host = xstrdup(host);
	s->port = port;
	buf_init(&s->first_bare);
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		sasl_free(s);
		err_setr(e, "auth", _("no random numbers for the SCRAM nonce"));
		return NULL;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(s->nonce + i * 2, 3, "%02x", rnd[i]);
	return s;
}

void
sasl_free(struct sasl *s)
{
	if (s == NULL)
		return;
	secret_free(s->user);
	secret_free(s->secret);
	free(s->host);
	buf_wipe(&s->first_bare);
	mem_wipe(s, sizeof *s);
	free(s);
}

const char *
sasl_mech(const struct sasl *s)
{
	return s->name;
}

void
sasl_set_nonce(struct sasl *s, const char *nonce)
{
	snprintf(s->nonce, sizeof s->nonce, "%s", nonce);
}

bool
sasl_done_ok(const struct sasl *s)
{
	return s->m != M_SCRAM || s->verified;
}

/* Encodes the secret-bearing bytes in b and wipes b. */
static int
finish(struct buf *b, char **out)
{
	*out = b64_encode(b->data != NULL ? b->data : "", b->len);
	buf_wipe(b);
	return 0;
}

static void
scram_name(struct buf *b, const char *user)
{
	for (; *user != '\0'; user++) {
		if (*user == '=')
			buf_adds(b, "=3D");
		else if (*user == ',')
			buf_adds(b, "=2C");
		else
			buf_addc(b, *user);
	}
}

static int
hmac(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char *out)
{
	Hmac h;
	int rc;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0)
		return -1;
	rc = wc_HmacSetKey(&h, WC_SHA256, key, (word32)klen) == 0 &&
	    wc_HmacUpdate(&h, msg, (word32)mlen) == 0 &&
	    wc_HmacFinal(&h, out) == 0 ? 0 : -1;
	wc_HmacFree(&h);
	return rc;
}

/* Finds "k=" in a SCRAM attribute list; returns a new string or NULL. */
static char *
scram_attr(const char *msg, char k)
{
	const char *p = msg, *end;

	while (p != NULL && *p != '\0') {
		if (p[0] == k && p[1] == '=') {
			end = strchr(p, ',');
			return end ? xstrndup(p + 2, (size_t)(end - p - 2)) : xstrdup(p + 2);
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static int
scram_final(struct sasl *s, const char *server_first, char **out, struct err *e)
{
	char *nonce = scram_attr(server_first, 'r');
	char *salt64 = scram_attr(server_first, 's');
	char *iters = scram_attr(server_first, 'i');
	char *salt = NULL, *proof64 = NULL;
	unsigned char salted[WC_SHA256_DIGEST_SIZE], ckey[WC_SHA256_DIGEST_SIZE];
	unsigned char stored[WC_SHA256_DIGEST_SIZE], csig[WC_SHA256_DIGEST_SIZE];
	unsigned char skey[WC_SHA256_DIGEST_SIZE];
	struct buf without, authmsg, final;
	size_t saltlen = 0, i;
	long it;
	int rc = -1;

	buf_init(&without);
	buf_init(&authmsg);
	buf_init_secret(&final);
	/* RFC 5802 5.1: "m=" is an extension the client must understand; not
	 * knowing any, it must abort. */
	if (strncmp(server_first, "m=", 2) == 0) {
		err_setr(e, "auth", "%s", _("SCRAM: the server requires a "
		    "mandatory extension (m=) that missive does not know; the "
		    "exchange is cancelled (RFC 5802)"));
		goto out;
	}
	it = -1;
	if (iters != NULL && *iters != '\0' && strlen(iters) <= 9 &&
	    strspn(iters, "0123456789") == strlen(iters))
		it = strtol(iters, NULL, 10);
	/* r=, s=, i= in this order, then only extensions. */
	if (nonce == NULL || salt64 == NULL || it < 0 ||
	    strncmp(server_first, "r=", 2) != 0 ||
	    strncmp(server_first + 2 + strlen(nonce), ",s=", 3) != 0 ||
	    strncmp(server_first + 5 + strlen(nonce) + strlen(salt64), ",i=", 3) != 0 ||
	    strlen(nonce) <= strlen(s->nonce) ||
	    strncmp(nonce, s->nonce, strlen(s->nonce)) != 0 ||
	    (salt = b64_decode(salt64, &saltlen)) == NULL) {
		err_setr(e, "auth", _("SCRAM: the server's challenge is malformed"));
		goto out;
	}
	if (it < SCRAM_MIN_ITERATIONS) {
		err_setr(e, "auth", ngettext("SCRAM: the server asks for only %ld "
		    "iteration of the password hash; RFC 7677 requires at least %d, "
		    "or what is sent would make the password easy to guess; the "
		    "exchange is cancelled", "SCRAM: the server asks for only %ld "
		    "iterations of the password hash; RFC 7677 requires at least %d, "
		    "or what is sent would make the password easy to guess; the "
		    "exchange is cancelled", (unsigned long)it), it,
		    SCRAM_MIN_ITERATIONS);
		goto out;
	}
	if (it > SCRAM_MAX_ITERATIONS) {
		err_setr(e, "auth", _("SCRAM: the server asks for %ld iterations of "
		    "the password hash; missive does at most %d"), it,
		    SCRAM_MAX_ITERATIONS);
		goto out;
	}
	buf_addf(&without, "c=biws,r=%s", nonce);
	buf_add(&authmsg, s->first_bare.data, s->first_bare.len);
	buf_addf(&authmsg, ",%s,%s", server_first, without.data);
	if (wc_PBKDF2(salted, (const byte *)s->secret, (int)strlen(s->secret),
	    (const byte *)salt, (int)saltlen, (int)it, sizeof salted, WC_SHA256) != 0 ||
	    hmac(salted, sizeof salted, "Client Key", 10, ckey) == -1 ||
	    wc_Sha256Hash(ckey, sizeof ckey, stored) != 0 ||
	    hmac(stored, sizeof stored, authmsg.data, authmsg.len, csig) == -1 ||
	    hmac(salted, sizeof salted, "Server Key", 10, skey) == -1 ||
	    hmac(skey, sizeof skey, authmsg.data, authmsg.len, s->server_sig) == -1) {
		err_setr(e, "auth", _("SCRAM: cannot compute the proof"));
		goto out;
	}
	for (i = 0; i < sizeof ckey; i++)
		ckey[i] ^= csig[i];
	proof64 = b64_encode(ckey, sizeof ckey);
	buf_addf(&final, "%s,p=%s", without.data, proof64);
	rc = finish(&final, out);
out:
	mem_wipe(salted, sizeof salted);
	mem_wipe(ckey, sizeof ckey);
	mem_wipe(skey, sizeof skey);
	free(nonce);
	free(salt64);
	free(iters);
	free(salt);
	secret_free(proof64);
	buf_free(&without);
	buf_free(&authmsg);
	buf_wipe(&final);
	return rc;
}

static int
scram_verify(struct sasl *s, const char *server_final, char **out, struct err *e)
{
	char *v = scram_attr(server_final, 'v'), *sig;
	size_t len = 0;
	bool ok;

	sig = v != NULL ? b64_decode(v, &len) : NULL;
	ok = sig != NULL && len == sizeof s->server_sig &&
	    memcmp(sig, s->server_sig, len) == 0;
	free(v);
	secret_free(sig);
	if (!ok)
		return err_setr(e, "auth", _("SCRAM: the server could not prove it "
		    "knows the password (server signature mismatch)"));
	s->verified = true;
	*out = xstrdup("");
	return 0;
}

int
sasl_step(struct sasl *s, const char *challenge, char **out, struct err *e)
{
	struct buf b;
	char *chal = NULL;
	size_t chlen = 0;
	int rc = 0;

	*out = NULL;
	buf_init_secret(&b);
	if (challenge != NULL && (chal = b64_decode(challenge, &chlen)) == NULL)
		return err_setr(e, "auth", _("the server's AUTH challenge is not base64"));
	switch (s->m) {
	case M_PLAIN:
		if (s->step == 0) {
			buf_addc(&b, '\0');
			buf_adds(&b, s->user);
			buf_addc(&b, '\0');
			buf_adds(&b, s->secret);
			rc = finish(&b, out);
		} else
			rc = err_setr(e, "auth", _("unexpected AUTH challenge"));
		break;
	case M_LOGIN:
		/* Step 0 has no initial response; then user, then password. */
		if (s->step == 1) {
			buf_adds(&b, s->user);
			rc = finish(&b, out);
		} else if (s->step == 2) {
			buf_adds(&b, s->secret);
			rc = finish(&b, out);
		} else if (s->step > 2)
			rc = err_setr(e, "auth", _("unexpected AUTH challenge"));
		break;
	case M_XOAUTH2:
		if (s->step == 0) {
			buf_addf(&b, "user=%s\001auth=Bearer %s\001\001", s->user, s->secret);
			rc = finish(&b, out);
		} else	/* an error report: answer empty to get the final code */
			*out = xstrdup("");
		break;
	case M_OAUTHBEARER:
		if (s->step == 0) {
			buf_adds(&b, "n,a=");
			scram_name(&b, s->user);
			buf_addf(&b, ",\001host=%s\001port=%d\001auth=Bearer %s\001\001",
			    s->host, s->port, s->secret);
			rc = finish(&b, out);
		} else
			*out = xstrdup("AQ==");	/* base64 of %x01: abort */
		break;
	case M_SCRAM:
		if (s->step == 0) {
			buf_adds(&s->first_bare, "n=");
			scram_name(&s->first_bare, s->user);
			buf_addf(&s->first_bare, ",r=%s", s->nonce);
			buf_adds(&b, "n,,");
			buf_add(&b, s->first_bare.data, s->first_bare.len);
			rc = finish(&b, out);
		} else if (s->step == 1)
			rc = scram_final(s, chal, out, e);
		else if (s->step == 2)
			rc = scram_verify(s, chal, out, e);
		else
			rc = err_setr(e, "auth", _("unexpected AUTH challenge"));
		break;
	}
	if (chal != NULL) {
		mem_wipe(chal, chlen);
		free(chal);
	}
	s->step++;
	return rc;
}
