/* TLS through wolfSSL. Certificate checks are wolfSSL's (chain, dates,
 * key sizes), reported to a verify callback that records the first
 * failure; at the leaf, the last call, the policy decision is made in one
 * place (verify_decide: pins, the chain, the server's identity as RFC 9525
 * says, weak keys, --insecure). A refusal fails the callback, so wolfSSL
 * ends the handshake with the alert that names the failure; the record
 * of what the server presented is kept either way. */
#include "config.h"

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/openssl/evp.h>
#include <wolfssl/openssl/x509v3.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/error-ssl.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "mail/encode.h"
#include "net/event.h"
#include "net/tls.h"

#define KEY_SHARES	TLS_KEY_SHARES

struct tls_session {
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	tls_io_fn rd, wr;
	void *io_ctx;
	int io_errno;		/* errno of the last failed transport call */
	int verify_err;		/* first certificate error seen, or 0 */
	int verify_depth;
	struct tls_cfg cfg;	/* a copy: a prepared session outlives the
				 * caller's struct */
	const char *host;
	struct tls_info *ti;	/* made at the leaf's check */
	bool refused;		/* verify_decide said no: why holds it */
	bool established;	/* the handshake completed: close_notify on close */
	struct err why;
	/* Resumption: where the session is kept when it ends, under which
	 * key, with the record of the handshake that checked its
	 * certificate. */
	struct tls_resume *resume;
	char *resume_key;
	struct tls_info *record;
	struct resume_entry *offered;	/* the session offered, or NULL */
	const char *shares[KEY_SHARES];	/* the key shares sent */
	size_t nshares;
	unsigned char head[8];	/* the first bytes the peer sent: plain text
				 * where TLS was expected shows here */
	size_t nhead;
};

/* --- kept sessions */

#define RESUME_MAX	8	/* servers remembered; the oldest goes first */

struct resume_entry {
	char *key;
	unsigned char *sess;	/* wolfSSL_i2d_SSL_SESSION: secret */
	size_t len;
	struct tls_info *record;
};

struct tls_resume {
	struct resume_entry e[RESUME_MAX];
	size_t n;
};

struct tls_resume *
tls_resume_new(void)
{
	return xcalloc(1, sizeof(struct tls_resume));
}

static void
entry_clear(struct resume_entry *en)
{
	free(en->key);
	if (en->sess != NULL) {
		mem_wipe(en->sess, en->len);
		free(en->sess);
	}
	tls_info_free(en->record);
	memset(en, 0, sizeof *en);
}

void
tls_resume_free(struct tls_resume *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		entry_clear(&r->e[i]);
	free(r);
}

size_t
tls_resume_count(const struct tls_resume *r)
{
	return r != NULL ? r->n : 0;
}

/* Everything that decides whether a certificate is accepted: a session
 * made under other settings is never resumed. */
static char *
resume_key(const struct tls_cfg *cfg, const char *host)
{
	return xasprintf("%s\n%d\n%s\n%s\n%s\n%d\n%d", host, cfg->port,
	    cfg->ca_file ? cfg->ca_file : "", cfg->fingerprint ? cfg->fingerprint : "",
	    cfg->pin_pubkey ? cfg->pin_pubkey : "", cfg->insecure, cfg->tls_min);
}

static struct resume_entry *
resume_find(struct tls_resume *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->e[i].key, key) == 0)
			return &r->e[i];
	return NULL;
}

/* Keeps the session as it is now (with the tickets the server sent
 * after the handshake) under the key, replacing an older one. */
static void
resume_keep(struct tls_session *s)
{
	struct tls_resume *r = s->resume;
	struct resume_entry *en;
	WOLFSSL_SESSION *ws = wolfSSL_get1_session(s->ssl);
	unsigned char *der, *p;
	int len;

	if (ws == NULL)
		return;
	len = wolfSSL_i2d_SSL_SESSION(ws, NULL);
	if (len <= 0) {
		wolfSSL_SESSION_free(ws);
		return;
	}
	der = p = xmalloc((size_t)len);
	if (wolfSSL_i2d_SSL_SESSION(ws, &p) != len) {
		mem_wipe(der, (size_t)len);
		free(der);
		wolfSSL_SESSION_free(ws);
		return;
	}
	wolfSSL_SESSION_free(ws);
	if ((en = resume_find(r, s->resume_key)) != NULL)
		entry_clear(en);
	else {
		if (r->n == RESUME_MAX) {
			entry_clear(&r->e[0]);
			memmove(&r->e[0], &r->e[1], (RESUME_MAX - 1) * sizeof r->e[0]);
			memset(&r->e[RESUME_MAX - 1], 0, sizeof r->e[0]);
			r->n--;
		}
		en = &r->e[r->n++];
	}
	en->key = xstrdup(s->resume_key);
	en->sess = der;
	en->len = (size_t)len;
	en->record = s->record;
	s->record = NULL;
}

/* Offers the kept session for this key, if any; the entry offered. */
static struct resume_entry *
resume_offer(struct tls_session *s)
{
	struct resume_entry *en = resume_find(s->resume, s->resume_key);
	const unsigned char *p;
	WOLFSSL_SESSION *ws;
	int rc;

	if (en == NULL)
		return NULL;
	p = en->sess;
	if ((ws = wolfSSL_d2i_SSL_SESSION(NULL, &p, (long)en->len)) == NULL)
		return NULL;
	rc = wolfSSL_set_session(s->ssl, ws);	/* copied */
	wolfSSL_SESSION_free(ws);
	return rc == WOLFSSL_SUCCESS ? en : NULL;
}

static const char *
cfg_min_name(const struct tls_session *s)
{
	return s->cfg.tls_min == 13 ? "1.3" : "1.2";
}

/* Debian's wolfSSL has no AES-NI code: ChaCha20-Poly1305 is twice as fast
 * as AES-GCM there, so it goes first. TLS 1.3 leaves out AES-256-GCM:
 * servers that impose their own order (OpenSSL's puts it first) then
 * pick ChaCha20, and every TLS 1.3 server must offer AES-128-GCM. */
static const char cipher_list[] =
    "TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
/* A wolfSSL built with AES-NI (bench/build-wolfssl) on a processor that
 * has it: AES-128-GCM is then the cheaper cipher, and AES-256-GCM before
 * ChaCha20, so that a server with its own order (OpenSSL's: AES-256
 * first) uses AES too, cheaper for it than ChaCha20 (bench/: the sink's
 * CPU for 100 MiB). */
static const char cipher_list_aesni[] =
    "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:"
    "TLS13-CHACHA20-POLY1305-SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

/* The key exchange groups offered, in this order, with a key share for
 * the first two: X25519 is what most servers pick, P-256 what the rest
 * (and every TLS 1.3 server) support, so neither needs a
 * HelloRetryRequest. wolfSSL's default list starts with P-521 (which
 * Exim and Postfix then choose, slowly) and shares X25519 only. P-521
 * and P-224 come last, never shared: a TLS 1.2 server shows an ECDSA
 * certificate only on a curve the client lists, and a P-521 one is
 * good while a P-224 one must reach the check that refuses it in
 * words (TLS_MIN_EC_BITS). A server remembered to have chosen one of
 * the first four (cfg->share_group) gets that one share alone: the
 * other key pair is a third of a send's CPU (P-256 in Debian's generic
 * math), and a server that changed its mind costs one round trip. */
static const struct group {
	int id;
	const char *name;	/* IANA's */
} groups[] = {
	{ WOLFSSL_ECC_X25519, "x25519" }, { WOLFSSL_ECC_SECP256R1, "secp256r1" },
	{ WOLFSSL_ECC_SECP384R1, "secp384r1" },
	{ WOLFSSL_ECC_SECP521R1, "secp521r1" },
	{ WOLFSSL_ECC_SECP224R1, "secp224r1" },
};
#define NGROUPS		(sizeof groups / sizeof groups[0])
#define SHAREABLE	4

static bool
aesni(void)
{
#if defined(WOLFSSL_AESNI) && (defined(__x86_64__) || defined(__i386__))
	return __builtin_cpu_supports("aes") != 0;
#else
	return false;
#endif
}

const char *
tls_library(void)
{
	return aesni() ? "wolfSSL " LIBWOLFSSL_VERSION_STRING " (AES-NI)" :
	    "wolfSSL " LIBWOLFSSL_VERSION_STRING;
}

int
tls_init(void)
{
	return wolfSSL_Init() == WOLFSSL_SUCCESS ? 0 : -1;
}

void
tls_cleanup(void)
{
	tls_thread_cleanup();
	wolfSSL_Cleanup();
}

void
tls_thread_cleanup(void)
{
#ifdef FP_ECC
	wc_ecc_fp_free();
#endif
}

static int
io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct tls_session *s = ctx;
	ssize_t r;

	(void)ssl;
	r = s->rd(s->io_ctx, buf, (size_t)sz);
	if (r > 0) {
		size_t take = sizeof s->head - s->nhead;

		if (take > (size_t)r)
			take = (size_t)r;
		memcpy(s->head + s->nhead, buf, take);
		s->nhead += take;
		return (int)r;
	}
	if (r == 0)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	s->io_errno = errno;
	return errno == ETIMEDOUT ? WOLFSSL_CBIO_ERR_TIMEOUT : WOLFSSL_CBIO_ERR_GENERAL;
}

static int
io_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct tls_session *s = ctx;
	ssize_t r;

	(void)ssl;
	r = s->wr(s->io_ctx, buf, (size_t)sz);
	if (r >= 0)
		return (int)r;
	s->io_errno = errno;
	return errno == ETIMEDOUT ? WOLFSSL_CBIO_ERR_TIMEOUT : WOLFSSL_CBIO_ERR_CONN_CLOSE;
}

/* What a certificate error of the library means (tls_info.verify_code;
 * app/explain.c has the words). A missing issuer is told apart from an
 * untrusted root by chain_top. */
static enum tls_verify
verify_classify(int err)
{
	/* wolfSSL reports OpenSSL-style X509_V_ERR codes through the store
	 * in its compatibility build, its own codes otherwise. */
	switch (err) {
	case ASN_NO_SIGNER_E:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		return TV_MISSING_ISSUER;
	case ASN_SELF_SIGNED_E:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return TV_SELF_SIGNED;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return TV_UNTRUSTED_ROOT;
	case ASN_AFTER_DATE_E:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return TV_EXPIRED;
	case ASN_BEFORE_DATE_E:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
		return TV_NOT_YET_VALID;
	case ASN_SIG_CONFIRM_E:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return TV_BAD_SIGNATURE;
	case RSA_KEY_SIZE_E:
	case ECC_KEY_SIZE_E:
		return TV_WEAK_KEY;
	default:
		return TV_OTHER;
	}
}

/* n digits at p as a number, or -1. */
static int
digits(const unsigned char *p, int n)
{
	int v = 0;

	for (; n > 0; n--, p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* A certificate's date (RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ, years
 * 50-99 being 19xx, or GeneralizedTime YYYYMMDDHHMMSSZ) read here, not by
 * wolfSSL_ASN1_TIME_to_tm: that one calls mktime, whose time zone set-up
 * frees and copies a string at every call, and handshakes run side by
 * side on several workers (probe --ports, setup). */
static int
asn1_time_tm(const WOLFSSL_ASN1_TIME *t, struct tm *tm)
{
	const unsigned char *p = t->data;
	int y, n = t->length;

	if (t->type == V_ASN1_UTCTIME && n == 13 && p[12] == 'Z') {
		if ((y = digits(p, 2)) < 0)
			return -1;
		y += y < 50 ? 2000 : 1900;
		p += 2;
	} else if (t->type == V_ASN1_GENERALIZEDTIME && n == 15 && p[14] == 'Z') {
		if ((y = digits(p, 4)) < 0)
			return -1;
		p += 4;
	} else
		return -1;
	tm->tm_year = y - 1900;
	tm->tm_mon = digits(p, 2) - 1;
	tm->tm_mday = digits(p + 2, 2);
	tm->tm_hour = digits(p + 4, 2);
	tm->tm_min = digits(p + 6, 2);
	tm->tm_sec = digits(p + 8, 2);
	if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 ||
	    tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 ||
	    tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 ||
	    tm->tm_sec > 60)
		return -1;
	return 0;
}

/* The certificate the sent chain reaches from the leaf, following each
 * issuer's name to a certificate the server sent: where an issuer is
 * missing, or the root that signs itself. */
static size_t
chain_top(const struct cert_info *chain, size_t n)
{
	size_t cur = 0, j, steps;

	for (steps = 0; steps < n; steps++) {
		if (strcmp(chain[cur].subject, chain[cur].issuer) == 0)
			break;
		for (j = 0; j < n; j++)
			if (j != cur && strcmp(chain[j].subject, chain[cur].issuer) == 0)
				break;
		if (j == n)
			break;
		cur = j;
	}
	return cur;
}

static char *
asn1_time_str(const WOLFSSL_ASN1_TIME *t, long *days_left)
{
	struct tm tm;
	char out[32];

	memset(&tm, 0, sizeof tm);
	if (t == NULL || asn1_time_tm(t, &tm) == -1)
		return xstrdup("?");
	if (days_left != NULL) {
		time_t when = timegm(&tm);
		double d = difftime(when, time(NULL)) / 86400.0;

		*days_left = d < 0 ? (long)d - 1 : (long)d;
	}
	strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(out);
}

static char *
fingerprint_of(const unsigned char *der, int len)
{
	unsigned char hash[WC_SHA256_DIGEST_SIZE];
	char out[WC_SHA256_DIGEST_SIZE * 3];
	size_t i;

	if (der == NULL || wc_Sha256Hash(der, (word32)len, hash) != 0)
		return xstrdup("?");
	for (i = 0; i < sizeof hash; i++)
		snprintf(out + i * 3, 4, "%02X%s", hash[i], i + 1 < sizeof hash ? ":" : "");
	return xstrdup(out);
}

/* "RSA-2048", "EC-256", ...; *bits and *kind (0 unknown, 'r' RSA or DSA,
 * 'e' EC) for the minimum sizes. Through an EVP key: the slow way (each
 * one starts a random number generator), for what key_of_spki leaves. */
static char *
key_desc_evp(WOLFSSL_X509 *x, int *bits, char *kind)
{
	WOLFSSL_EVP_PKEY *k = wolfSSL_X509_get_pubkey(x);
	char *d;

	*bits = 0;
	*kind = 0;
	if (k == NULL)
		return xstrdup("?");
	*bits = wolfSSL_EVP_PKEY_bits(k);
	switch (wolfSSL_EVP_PKEY_base_id(k)) {
	case EVP_PKEY_RSA:
		*kind = 'r';
		d = xasprintf("RSA-%d", *bits);
		break;
	case EVP_PKEY_DSA:
		*kind = 'r';
		d = xasprintf("DSA-%d", *bits);
		break;
	case EVP_PKEY_EC:
		*kind = 'e';
		d = xasprintf("EC-%d", *bits);
		break;
	default:
		d = xasprintf("%d bits", *bits);
		break;
	}
	wolfSSL_EVP_PKEY_free(k);
	return d;
}

/* The same from the SubjectPublicKeyInfo of an RSA or EC key, with
 * wolfCrypt's decoders; NULL when it cannot tell. */
static char *
key_of_spki(WOLFSSL_X509 *x, const unsigned char *spki, int len, int *bits,
    char *kind)
{
	word32 idx = 0;
	char *d = NULL;

	switch (wolfSSL_X509_get_pubkey_type(x)) {
	case RSAk: {
		RsaKey k;
		unsigned char n[1024], e[16], top;
		word32 nl = sizeof n, el = sizeof e, i;

		if (wc_InitRsaKey(&k, NULL) != 0)
			return NULL;
		if (wc_RsaPublicKeyDecode(spki, &idx, &k, (word32)len) == 0 &&
		    wc_RsaFlattenPublicKey(&k, e, &el, n, &nl) == 0) {
			for (i = 0; i < nl && n[i] == 0; i++)
				;
			/* The modulus' bits: its bytes, less the leading zero
			 * bits of the first. */
			*bits = (int)(nl - i) * 8;
			for (top = i < nl ? n[i] : 0x80; top != 0 && top < 0x80; top <<= 1)
				(*bits)--;
			*kind = 'r';
			d = xasprintf("RSA-%d", *bits);
		}
		wc_FreeRsaKey(&k);
		return d;
	}
	case ECDSAk: {
		ecc_key k;

		if (wc_ecc_init(&k) != 0)
			return NULL;
		if (wc_EccPublicKeyDecode(spki, &idx, &k, (word32)len) == 0 &&
		    k.dp != NULL) {
			/* The field size; P-521's is not whole bytes. */
			*bits = k.dp->id == ECC_SECP521R1 ? 521 : wc_ecc_size(&k) * 8;
			*kind = 'e';
			d = xasprintf("EC-%d", *bits);
		}
		wc_ecc_free(&k);
		return d;
	}
	default:
		return NULL;
	}
}

/* The subjectAltName entries, in the certificate's order (wolfSSL's
 * stack holds them last first). NULL when there is no such extension. */
static WOLFSSL_STACK *
alt_names(WOLFSSL_X509 *x, int *n)
{
	WOLFSSL_STACK *st = wolfSSL_X509_get_ext_d2i(x, NID_subject_alt_name,
	    NULL, NULL);

	*n = st != NULL ? wolfSSL_sk_GENERAL_NAME_num(st) : 0;
	return st;
}

static const WOLFSSL_GENERAL_NAME *
alt_name(WOLFSSL_STACK *st, int n, int i)
{
	return wolfSSL_sk_GENERAL_NAME_value(st, n - 1 - i);
}

static void
alt_names_free(WOLFSSL_STACK *st)
{
	if (st != NULL)
		wolfSSL_sk_GENERAL_NAME_pop_free(st, wolfSSL_GENERAL_NAME_free);
}

/* One subjectAltName entry as shown: its kind and its value, escaped
 * later by whoever shows it. */
static void
alt_name_show(struct buf *b, const WOLFSSL_GENERAL_NAME *g)
{
	WOLFSSL_ASN1_STRING *v = g->d.ia5;
	const unsigned char *d = v != NULL ? wolfSSL_ASN1_STRING_data(v) : NULL;
	int len = v != NULL ? wolfSSL_ASN1_STRING_length(v) : 0;
	char ip[INET6_ADDRSTRLEN];

	switch (g->type) {
	case GEN_DNS:
		buf_adds(b, "DNS:");
		break;
	case GEN_IPADD:
		buf_adds(b, "IP:");
		if (d != NULL && (len == 4 || len == 16) &&
		    inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip, sizeof ip) != NULL) {
			buf_adds(b, ip);
			return;
		}
		buf_adds(b, "?");
		return;
	case GEN_EMAIL:
		buf_adds(b, "email:");
		break;
	case GEN_URI:
		buf_adds(b, "URI:");
		break;
	default:
		buf_addf(b, "type%d:", g->type);
		return;
	}
	if (d != NULL && len > 0)
		buf_add(b, d, (size_t)len);
}

static void
cert_fill(struct cert_info *ci, WOLFSSL_X509 *x, int *bits, char *kind)
{
	char *name;
	const unsigned char *der;
	unsigned char *spki = NULL;
	int derlen = 0, spkilen = 0, i, n;
	struct buf sans;
	WOLFSSL_STACK *st;

	name = wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_subject_name(x), NULL, 0);
	ci->subject = xstrdup(name != NULL ? name : "?");
	XFREE(name, NULL, DYNAMIC_TYPE_OPENSSL);
	name = wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_issuer_name(x), NULL, 0);
	ci->issuer = xstrdup(name != NULL ? name : "?");
	XFREE(name, NULL, DYNAMIC_TYPE_OPENSSL);
	ci->not_before = asn1_time_str(wolfSSL_X509_get_notBefore(x), NULL);
	ci->not_after = asn1_time_str(wolfSSL_X509_get_notAfter(x), &ci->days_left);
	buf_init(&sans);
	buf_adds(&sans, "");
	st = alt_names(x, &n);
	for (i = 0; i < n; i++) {
		if (sans.len > 0)
			buf_adds(&sans, ", ");
		alt_name_show(&sans, alt_name(st, n, i));
	}
	alt_names_free(st);
	ci->sans = sans.data;
	der = wolfSSL_X509_get_der(x, &derlen);
	ci->fingerprint = fingerprint_of(der, derlen);
	/* The SubjectPublicKeyInfo as the certificate carries it: its
	 * SHA-256 is what a public-key pin names. */
	ci->key = NULL;
	if (wolfSSL_X509_get_pubkey_buffer(x, NULL, &spkilen) == WOLFSSL_SUCCESS &&
	    spkilen > 0) {
		spki = xmalloc((size_t)spkilen);
		if (wolfSSL_X509_get_pubkey_buffer(x, spki, &spkilen) != WOLFSSL_SUCCESS)
			spkilen = 0;
	}
	ci->pubkey = spkilen > 0 ? fingerprint_of(spki, spkilen) : xstrdup("?");
	if (spkilen > 0)
		ci->key = key_of_spki(x, spki, spkilen, bits, kind);
	if (ci->key == NULL)
		ci->key = key_desc_evp(x, bits, kind);
	free(spki);
}

/* The store's current certificate when it is the i-th of the chain as
 * sent (the leaf, at the last call): the same bytes, parsed already. */
static WOLFSSL_X509 *
leaf_of(WOLFSSL_X509_STORE_CTX *store, int i)
{
	const unsigned char *der;
	int len = 0;

	if (i != 0 || store->current_cert == NULL ||
	    (der = wolfSSL_X509_get_der(store->current_cert, &len)) == NULL ||
	    (word32)len != store->certs[0].length ||
	    memcmp(der, store->certs[0].buffer, (size_t)len) != 0)
		return NULL;
	return store->current_cert;
}

/* The peer chain as sent, leaf first, from the verify callback's
 * buffers; the first key too small for TLS_MIN_* is noted in *weak (its
 * index) or -1. */
static struct cert_info *
chain_fill(WOLFSSL_X509_STORE_CTX *store, size_t *nchain, int *weak)
{
	struct cert_info *chain;
	int i, bits;
	char kind;

	*nchain = 0;
	*weak = -1;
	if (store->certs == NULL || store->totalCerts <= 0)
		return NULL;
	chain = xcalloc((size_t)store->totalCerts, sizeof *chain);
	for (i = 0; i < store->totalCerts; i++) {
		WOLFSSL_X509 *x = leaf_of(store, i);
		bool own = x == NULL;

		/* The leaf is parsed already (current_cert); the others are
		 * parsed here. */
		if (own && (x = wolfSSL_X509_d2i(NULL, store->certs[i].buffer,
		    (int)store->certs[i].length)) == NULL)
			continue;
		cert_fill(&chain[(*nchain)++], x, &bits, &kind);
		if (own)
			wolfSSL_X509_free(x);
		if (*weak == -1 && ((kind == 'r' && bits < TLS_MIN_RSA_BITS) ||
		    (kind == 'e' && bits < TLS_MIN_EC_BITS)))
			*weak = (int)*nchain - 1;
	}
	return chain;
}

char *
tls_fingerprint_norm(const char *hex)
{
	char digits[65], out[WC_SHA256_DIGEST_SIZE * 3];
	size_t n = 0, i;

	for (; *hex != '\0'; hex++) {
		if (*hex == ':' || *hex == ' ')
			continue;
		if (!isxdigit((unsigned char)*hex) || n == 64)
			return NULL;
		digits[n++] = (char)toupper((unsigned char)*hex);
	}
	if (n != 64)
		return NULL;
	for (i = 0; i < 32; i++) {
		out[i * 3] = digits[i * 2];
		out[i * 3 + 1] = digits[i * 2 + 1];
		out[i * 3 + 2] = i < 31 ? ':' : '\0';
	}
	return xstrdup(out);
}

const char *
tls_fingerprint_words(void)
{
	return _("64 hex digits, colons optional");
}

/* One pin: hex as tls_fingerprint_norm takes it, or sha256//BASE64. */
static char *
pubkey_pin_one(const char *s, size_t n)
{
	char *one = xstrndup(s, n), *norm = NULL, hex[WC_SHA256_DIGEST_SIZE * 2 + 1];
	struct buf raw;
	size_t i;

	if (strncasecmp(one, "sha256//", 8) == 0) {
		buf_init(&raw);
		if (enc_b64_decode(&raw, one + 8, strlen(one + 8)) == 0 &&
		    raw.len == WC_SHA256_DIGEST_SIZE) {
			for (i = 0; i < raw.len; i++)
				snprintf(hex + i * 2, 3, "%02X", (unsigned char)raw.data[i]);
			norm = tls_fingerprint_norm(hex);
		}
		buf_free(&raw);
	} else
		norm = tls_fingerprint_norm(one);
	free(one);
	return norm;
}

char *
tls_pubkey_pins_norm(const char *s)
{
	struct buf out;
	const char *p = s, *end;
	char *one;
	size_t n;

	buf_init(&out);
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0 || (one = pubkey_pin_one(p, n)) == NULL) {
			buf_free(&out);
			return NULL;
		}
		if (out.len > 0)
			buf_addc(&out, ',');
		buf_adds(&out, one);
		free(one);
		if (end == NULL)
			break;
		p = end + 1;
	}
	return out.data;
}

const char *
tls_pubkey_pin_words(void)
{
	return _("the SHA-256 of the server's public key: 64 hex digits (colons "
	    "optional) or sha256//BASE64, several separated by commas");
}

/* Whether the normalised pin is one of the normalised list. */
static bool
pin_in(const char *pin, const char *list)
{
	size_t n = strlen(pin);
	const char *p = list;

	while (p != NULL) {
		if (strncmp(p, pin, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return false;
}

int
tls_version_parse(const char *s)
{
	if (strncasecmp(s, "TLSv", 4) == 0)
		s += 4;
	if (strcmp(s, "1.2") == 0)
		return 12;
	if (strcmp(s, "1.3") == 0)
		return 13;
	return -1;
}

/* The binary form of an address literal (4 or 16 bytes; a zone such as
 * %eth0 is not part of the address), or 0 when host is a name. */
static size_t
ip_literal(const char *host, unsigned char out[16])
{
	char tmp[INET6_ADDRSTRLEN + 32];

	if (inet_pton(AF_INET, host, out) == 1)
		return 4;
	snprintf(tmp, sizeof tmp, "%s", host);
	tmp[strcspn(tmp, "%")] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1 ? 16 : 0;
}

/* A name's length without one trailing dot (an absolute name). */
static size_t
dns_len(const char *s, size_t n)
{
	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

/* A wildcard presented identifier RFC 9525 lets a client use: "*." and
 * then at least two labels, no other '*', no empty label. */
static bool
wildcard_ok(const char *p, size_t n)
{
	size_t i, dots = 0;

	if (n < 2 || p[0] != '*' || p[1] != '.')
		return false;
	for (i = 2; i < n; i++) {
		if (p[i] == '*')
			return false;
		if (p[i] == '.') {
			if (p[i - 1] == '.')
				return false;
			dots++;
		}
	}
	return n > 2 && p[2] != '.' && p[n - 1] != '.' && dots >= 1;
}

bool
tls_dns_id_match(const char *ref, const char *pres, size_t n)
{
	size_t rl = dns_len(ref, strlen(ref)), i, first;

	/* A dNSName is ASCII (IA5String): a NUL or an 8-bit byte in it is
	 * never a name. */
	for (i = 0; i < n; i++)
		if (pres[i] == '\0' || (unsigned char)pres[i] > 0x7f)
			return false;
	n = dns_len(pres, n);
	if (rl == 0 || n == 0 || ip_literal(ref, (unsigned char[16]){ 0 }) > 0)
		return false;
	for (i = 0; i < rl; i++)
		if ((unsigned char)ref[i] > 0x7f)
			return false;
	if (memchr(pres, '*', n) == NULL)
		return rl == n && strncasecmp(ref, pres, n) == 0;
	if (!wildcard_ok(pres, n))
		return false;
	/* "*" stands for exactly one whole, non-empty label. */
	first = strcspn(ref, ".");
	if (first == 0 || first >= rl)
		return false;
	return rl - first == n - 1 && strncasecmp(ref + first, pres + 1, n - 1) == 0;
}

/* The server's identity (RFC 9525 6): an address literal only against
 * the iPAddress entries, compared as binary addresses; a name only
 * against the dNSName entries; never the subject's CN. TV_OK when it
 * matches, else which way it does not. */
static enum tls_verify
ident_check(WOLFSSL_X509 *leaf, const char *host)
{
	unsigned char want[16];
	size_t wlen = ip_literal(host, want);
	WOLFSSL_STACK *st;
	int i, n;
	bool ok = false, bad_wild = false;

	st = alt_names(leaf, &n);
	for (i = 0; i < n && !ok; i++) {
		const WOLFSSL_GENERAL_NAME *g = alt_name(st, n, i);
		WOLFSSL_ASN1_STRING *v = g->d.ia5;
		const unsigned char *d = v != NULL ? wolfSSL_ASN1_STRING_data(v) : NULL;
		int len = v != NULL ? wolfSSL_ASN1_STRING_length(v) : 0;

		if (d == NULL || len <= 0)
			continue;
		if (wlen > 0 && g->type == GEN_IPADD)
			ok = (size_t)len == wlen && memcmp(d, want, wlen) == 0;
		else if (wlen == 0 && g->type == GEN_DNS) {
			ok = tls_dns_id_match(host, (const char *)d, (size_t)len);
			if (!ok && memchr(d, '*', (size_t)len) != NULL &&
			    !wildcard_ok((const char *)d, dns_len((const char *)d,
			    (size_t)len)))
				bad_wild = true;
		}
	}
	alt_names_free(st);
	if (ok)
		return TV_OK;
	if (n == 0)
		return TV_NAME_NO_SAN;
	return bad_wild ? TV_NAME_WILDCARD : TV_NAME_MISMATCH;
}

static int verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store);

/* The system store is the distribution's bundle file, the first of these
 * that loads (the places curl and Go look). wolfSSL's own search
 * (wolfSSL_CTX_load_system_CA_certs, the fallback) reads every file of
 * the certificate folder: on Debian each anchor twice, under its name and
 * its hash, and the bundle besides, 300 files where the bundle alone is
 * half the work. An anchor the bundle holds but wolfSSL cannot use (an
 * expired root) is skipped, not a reason to drop the others. */
static const char *const system_bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt",	/* Debian, Ubuntu, Arch, Gentoo */
	"/etc/pki/tls/certs/ca-bundle.crt",	/* Fedora, RHEL */
	"/etc/ssl/ca-bundle.pem",		/* openSUSE */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",	/* CentOS */
	"/etc/ssl/cert.pem",			/* Alpine, the BSDs */
};

static bool
system_bundle_load(WOLFSSL_CTX *ctx)
{
	for (size_t i = 0; i < sizeof system_bundles / sizeof system_bundles[0]; i++)
		if (access(system_bundles[i], R_OK) == 0 &&
		    wolfSSL_CTX_load_verify_locations_ex(ctx, system_bundles[i], NULL,
		    WOLFSSL_LOAD_FLAG_IGNORE_ERR) == WOLFSSL_SUCCESS)
			return true;
	return false;
}

static WOLFSSL_CTX *
ctx_new(const struct tls_cfg *cfg, struct err *e)
{
	WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());

	if (ctx == NULL) {
		err_setr(e, "tls_handshake", _("cannot create a TLS context"));
		return NULL;
	}
	if (wolfSSL_CTX_SetMinVersion(ctx, cfg->tls_min == 13 ?
	    WOLFSSL_TLSV1_3 : WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_cipher_list(ctx, aesni() ? cipher_list_aesni :
	    cipher_list) != WOLFSSL_SUCCESS) {
		err_setr(e, "tls_handshake", _("cannot set the TLS version or ciphers"));
		goto fail;
	}
	/* wolfSSL's own defaults (RSA 1024, EC 224, DH 1024) are too weak. */
	if (wolfSSL_CTX_SetMinRsaKey_Sz(ctx, TLS_MIN_RSA_BITS) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_SetMinEccKey_Sz(ctx, TLS_MIN_EC_BITS) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_SetMinDhKey_Sz(ctx, TLS_MIN_DH_BITS) != WOLFSSL_SUCCESS) {
		err_setr(e, "tls_handshake", _("cannot set the smallest key sizes"));
		goto fail;
	}
	if (cfg->ca_file != NULL) {
		if (wolfSSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) !=
		    WOLFSSL_SUCCESS) {
			err_setr(e, "usage", _("--ca-file: cannot load certificates from `%s'"),
			    cfg->ca_file);
			goto fail;
		}
	} else if (!system_bundle_load(ctx) &&
	    wolfSSL_CTX_load_system_CA_certs(ctx) != WOLFSSL_SUCCESS) {
		/* Without anchors every certificate fails verification, which
		 * is reported then; nothing to do here. */
	}
	wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, verify_cb);
	wolfSSL_CTX_SetIORecv(ctx, io_recv);
	wolfSSL_CTX_SetIOSend(ctx, io_send);
	return ctx;
fail:
	wolfSSL_CTX_free(ctx);
	return NULL;
}

/* Whether the first bytes of the peer are an SMTP reply ("220 ", "554-"). */
static bool
head_is_smtp(const struct tls_session *s)
{
	const unsigned char *h = s->head;

	return s->nhead >= 4 && h[0] >= '2' && h[0] <= '5' && isdigit(h[1]) &&
	    isdigit(h[2]) && (h[3] == ' ' || h[3] == '-');
}

/* Why a handshake failed, from wolfSSL's error code and the transport. */
static int
handshake_error(struct tls_session *s, int err, struct err *e)
{
	char msg[WOLFSSL_MAX_ERROR_SZ];

	if (s->io_errno == ETIMEDOUT)
		return err_setr(e, "timeout", _("TLS handshake: the server did not answer in time"));
	if (s->io_errno == ECANCELED)
		return err_setr(e, "cancelled", _("cancelled"));
	if (head_is_smtp(s)) {
		/* "220 ..." where a ServerHello was expected: a port that
		 * speaks SMTP in plain text first (STARTTLS or none). */
		e->detail = "plaintext_port";
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the "
		    "server answered in plain text (an SMTP reply, %.3s ...) "
		    "instead of TLS"), (const char *)s->head);
	}
	switch (err) {
	case VERSION_ERROR:
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the server "
		    "does not speak TLS %s or newer"), cfg_min_name(s));
	case MATCH_SUITE_ERROR:
		return err_setr(e, "tls_handshake", _("TLS handshake failed: no cipher "
		    "suite in common with the server"));
	case DH_KEY_SIZE_E: {
		int bits = wolfSSL_GetDhKey_Sz(s->ssl);

		if (bits > 0)
			return err_setr(e, "tls_handshake", _("TLS handshake failed: the "
			    "server offered a %d-bit Diffie-Hellman group; missive "
			    "requires at least %d bits (the server should offer ECDHE or "
			    "a larger group)"), bits, TLS_MIN_DH_BITS);
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the "
		    "server offered a Diffie-Hellman group smaller than %d bits; the "
		    "server should offer ECDHE or a larger group"), TLS_MIN_DH_BITS);
	}
	case SOCKET_PEER_CLOSED_E:
	case SOCKET_ERROR_E:
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the server "
		    "closed the connection"));
	case FATAL_ERROR: {
		WOLFSSL_ALERT_HISTORY h;

		memset(&h, 0, sizeof h);
		(void)wolfSSL_get_alert_history(s->ssl, &h);
		if (h.last_rx.code == protocol_version)
			return err_setr(e, "tls_handshake", _("TLS handshake failed: the "
			    "server does not speak TLS %s or newer"), cfg_min_name(s));
		if (h.last_rx.code == handshake_failure)
			return err_setr(e, "tls_handshake", _("TLS handshake failed: the "
			    "server found no cipher suite or group in common"));
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the server "
		    "sent fatal alert %d (%s)"), h.last_rx.code,
		    wolfSSL_alert_desc_string_long(h.last_rx.code));
	}
	default:
		wolfSSL_ERR_error_string_n((unsigned long)err, msg, sizeof msg);
		return err_setr(e, "tls_handshake", _("TLS handshake failed: %s (%d)"),
		    msg, err);
	}
}

/* Applies the policy to what the handshake saw at the leaf: weak keys,
 * the chain result, the server's identity, pins, --insecure. Fills
 * ti->verified, pinned, insecure, verify_code, verify_depth,
 * missing_issuer, pin_failed. 0 to go on, -1 with e. */
static int
verify_decide(struct tls_session *s, WOLFSSL_X509 *leaf, int weak, struct err *e)
{
	const struct tls_cfg *cfg = &s->cfg;
	struct tls_info *ti = s->ti;
	const struct cert_info *c = ti->nchain > 0 ? &ti->chain[0] : NULL;
	char *fp = NULL;
	bool fp_ok, pk_ok;
	int rc;

	if (leaf == NULL || c == NULL)
		ti->verify_code = TV_NO_CERT;
	else if (weak >= 0) {
		ti->weak = true;
		ti->verify_code = TV_WEAK_KEY;
		ti->verify_depth = weak;
	} else if (s->verify_err != 0) {
		ti->verify_code = verify_classify(s->verify_err);
		ti->verify_depth = s->verify_depth >= 0 &&
		    (size_t)s->verify_depth < ti->nchain ? s->verify_depth : 0;
		if (ti->verify_code == TV_MISSING_ISSUER ||
		    ti->verify_code == TV_SELF_SIGNED ||
		    ti->verify_code == TV_UNTRUSTED_ROOT) {
			/* Which it is shows in what the server sent. */
			size_t top = chain_top(ti->chain, ti->nchain);
			const struct cert_info *t = &ti->chain[top];

			ti->verify_depth = (int)top;
			if (strcmp(t->subject, t->issuer) != 0) {
				ti->verify_code = TV_MISSING_ISSUER;
				ti->missing_issuer = xstrdup(t->issuer);
			} else
				ti->verify_code = top == 0 ? TV_SELF_SIGNED :
				    TV_UNTRUSTED_ROOT;
		} else if (ti->verify_code == TV_OTHER)
			ti->verify_error = xasprintf("%d: %s", s->verify_err,
			    wolfSSL_X509_verify_cert_error_string(s->verify_err));
	} else if ((ti->verify_code = ident_check(leaf, s->host)) == TV_OK)
		ti->verified = true;

	/* A weak key is refused even when pinned: the pin would only say
	 * which key an attacker may already have broken. */
	if (weak >= 0 && !cfg->insecure)
		return err_setr(e, "cert_verify", _("certificate refused (%s)"),
		    tls_verify_name(ti->verify_code));
	if (c != NULL && (cfg->fingerprint != NULL || cfg->pin_pubkey != NULL)) {
		fp = cfg->fingerprint != NULL ? tls_fingerprint_norm(cfg->fingerprint) : NULL;
		fp_ok = cfg->fingerprint == NULL ||
		    (fp != NULL && strcmp(fp, c->fingerprint) == 0);
		pk_ok = cfg->pin_pubkey == NULL || pin_in(c->pubkey, cfg->pin_pubkey);
		free(fp);
		if (fp_ok && pk_ok) {
			ti->pinned = true;
			return 0;
		}
		ti->pin_failed = !fp_ok ? PIN_FAIL_FINGERPRINT : PIN_FAIL_PUBKEY;
		rc = err_setr(e, "cert_verify", !fp_ok ? _("the server's "
		    "certificate does not match --fingerprint") : _("the server's "
		    "public key does not match --pin-pubkey"));
		if (cfg->insecure) {
			/* Asked not to verify: a pin that does not match is
			 * still said, as a warning would be. */
			ti->insecure = true;
			return 0;
		}
		return rc;
	}
	if (ti->verified)
		return 0;
	if (cfg->insecure) {
		ti->insecure = true;
		return 0;
	}
	return err_setr(e, "cert_verify", _("certificate refused (%s)"),
	    tls_verify_name(ti->verify_code));
}

static struct tls_info *
info_new(struct tls_session *s)
{
	struct tls_info *ti = xcalloc(1, sizeof *ti);
	const char *group = wolfSSL_get_curve_name(s->ssl);

	ti->version = xstrdup(wolfSSL_get_version(s->ssl));
	ti->cipher = xstrdup(wolfSSL_get_cipher_name(s->ssl));
	ti->group = xstrdup(group);
	ti->host = xstrdup(s->host);
	ti->ca_file = s->cfg.ca_file != NULL;
	return ti;
}

/* A wolfSSL built with FP_ECC (Debian's is) caches every point it
 * multiplies, 257 points of ~3 KiB each, and builds a table of 256
 * inverses for one it meets twice: the curve's base point, met by the
 * P-256 key share and each ECDSA verification. A short-lived client
 * never uses the table enough to repay it (on a P-256 chain it was 31 of
 * 55 million instructions of a whole send, and 2.4 MiB of its memory),
 * so the cache is dropped after each use that fills it. */
static void
fp_cache_drop(void)
{
#ifdef FP_ECC
	wc_ecc_fp_free();
#endif
}

/* Called by wolfSSL for every certificate the server sent (this build has
 * WOLFSSL_ALWAYS_VERIFY_CB and WOLFSSL_VERIFY_CB_ALL_CERTS), the
 * intermediates first and the leaf (depth 0) last. */
static int
verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct tls_session *s = store->userCtx;
	int weak;

	if (s == NULL)
		return 0;
	fp_cache_drop();	/* this certificate's signature was checked */
	if (!preverify && s->verify_err == 0) {
		s->verify_err = store->error;
		s->verify_depth = store->error_depth;
	}
	if (store->error_depth > 0)
		return 1;	/* decided at the leaf */
	tls_info_free(s->ti);
	s->ti = info_new(s);
	s->ti->chain = chain_fill(store, &s->ti->nchain, &weak);
	err_clear(&s->why);
	s->refused = verify_decide(s, store->current_cert, weak, &s->why) == -1;
	/* Failing here makes wolfSSL send its alert for the error
	 * (certificate_expired, unknown_ca, else bad_certificate). */
	return s->refused ? 0 : 1;
}

const char *
tls_group_iana(const char *name)
{
	size_t i;

	/* wolfSSL's names are IANA's in capitals. */
	for (i = 0; name != NULL && i < NGROUPS; i++)
		if (strcasecmp(name, groups[i].name) == 0)
			return groups[i].name;
	return NULL;
}

/* The groups and the key shares, whose key pairs are made here, not in
 * the handshake. */
static int
set_groups(struct tls_session *s)
{
	const char *want = tls_group_iana(s->cfg.share_group);
	int ids[NGROUPS];
	size_t i, one = NGROUPS;

	for (i = 0; i < NGROUPS; i++) {
		ids[i] = groups[i].id;
		if (i < SHAREABLE && groups[i].name == want)
			one = i;
	}
	if (wolfSSL_set_groups(s->ssl, ids, (int)NGROUPS) != WOLFSSL_SUCCESS)
		return -1;
	for (i = 0; i < NGROUPS && s->nshares < KEY_SHARES; i++) {
		if (one < NGROUPS ? i != one : i >= KEY_SHARES)
			continue;
		/* A build without the group sends no key for it. */
		if (wolfSSL_UseKeyShare(s->ssl, (word16)groups[i].id) ==
		    WOLFSSL_SUCCESS)
			s->shares[s->nshares++] = groups[i].name;
	}
	return 0;
}

struct tls_session *
tls_prepare(const struct tls_cfg *cfg, const char *host, struct err *e)
{
	struct tls_session *s = xcalloc(1, sizeof *s);

	s->cfg = *cfg;
	s->host = host;
	if ((s->ctx = ctx_new(cfg, e)) == NULL)
		goto fail;
	if ((s->ssl = wolfSSL_new(s->ctx)) == NULL) {
		err_setr(e, "tls_handshake", _("cannot create a TLS session"));
		goto fail;
	}
	wolfSSL_SetIOReadCtx(s->ssl, s);
	wolfSSL_SetIOWriteCtx(s->ssl, s);
	wolfSSL_SetCertCbCtx(s->ssl, s);
	if (ip_literal(host, (unsigned char[16]){ 0 }) == 0)
		(void)wolfSSL_UseSNI(s->ssl, WOLFSSL_SNI_HOST_NAME, host,
		    (unsigned short)strlen(host));
	if (set_groups(s) == -1) {
		err_setr(e, "tls_handshake", _("cannot set the TLS key exchange groups"));
		goto fail;
	}
	fp_cache_drop();
	if (cfg->resume != NULL) {
		s->resume = cfg->resume;
		s->resume_key = resume_key(cfg, host);
#ifdef HAVE_SESSION_TICKET
		(void)wolfSSL_UseSessionTicket(s->ssl);	/* TLS 1.2 tickets */
#endif
		s->offered = resume_offer(s);
	}
	return s;
fail:
	tls_close(s);
	return NULL;
}

struct tls_session *
tls_handshake(struct tls_session *s, tls_io_fn rd, tls_io_fn wr, void *io_ctx,
    struct tls_info **info, struct err *e)
{
	struct resume_entry *offered = s->offered;
	int rc;

	*info = NULL;
	s->rd = rd;
	s->wr = wr;
	s->io_ctx = io_ctx;
	rc = wolfSSL_connect(s->ssl);
	fp_cache_drop();	/* the CertificateVerify's points */
	if (s->refused) {
		/* Refused at the leaf: wolfSSL has sent the alert. */
		s->ti->aborted = true;
		*info = s->ti;
		s->ti = NULL;
		*e = s->why;
		goto fail;
	}
	if (rc != WOLFSSL_SUCCESS) {
		handshake_error(s, wolfSSL_get_error(s->ssl, rc), e);
		goto fail;
	}
	s->established = true;
	if (s->ti == NULL && offered != NULL && wolfSSL_session_reused(s->ssl) == 1) {
		/* No certificate in a resumed handshake: the record is the
		 * full handshake's, whose key (server, CA, pins, --insecure,
		 * version) this one shares. */
		s->ti = tls_info_dup(offered->record);
		free(s->ti->group);
		s->ti->group = xstrdup(wolfSSL_get_curve_name(s->ssl));
	}
	if (s->ti == NULL) {
		/* No certificate reached the check (an anonymous suite):
		 * refused, with a close_notify as the only word left. */
		s->ti = info_new(s);
		if (verify_decide(s, NULL, -1, e) == -1) {
			*info = s->ti;
			s->ti = NULL;
			goto fail;
		}
	}
	s->ti->resumed = wolfSSL_session_reused(s->ssl) == 1;
	if (!s->ti->resumed)
		s->ti->checked_at = (long long)time(NULL);
	/* The version and cipher are final now. */
	free(s->ti->version);
	free(s->ti->cipher);
	s->ti->version = xstrdup(wolfSSL_get_version(s->ssl));
	s->ti->cipher = xstrdup(wolfSSL_get_cipher_name(s->ssl));
	/* This handshake's shares, also over a resumed record's. */
	memcpy(s->ti->key_shares, s->shares, sizeof s->shares);
	s->ti->nkey_shares = s->nshares;
	if (s->resume != NULL)
		s->record = tls_info_dup(s->ti);	/* kept with the session */
	*info = s->ti;
	s->ti = NULL;
	return s;
fail:
	tls_close(s);
	return NULL;
}

struct tls_session *
tls_connect(const struct tls_cfg *cfg, const char *host, tls_io_fn rd,
    tls_io_fn wr, void *io_ctx, struct tls_info **info, struct err *e)
{
	struct tls_session *s;

	*info = NULL;
	if ((s = tls_prepare(cfg, host, e)) == NULL)
		return NULL;
	return tls_handshake(s, rd, wr, io_ctx, info, e);
}

bool
tls_peer_speaks_tls(const char *host, tls_io_fn rd, tls_io_fn wr, void *io_ctx)
{
	struct tls_session *s = xcalloc(1, sizeof *s);
	bool tls;

	s->rd = rd;
	s->wr = wr;
	s->io_ctx = io_ctx;
	/* Nothing is verified or kept: only the first bytes of the answer
	 * count. */
	if ((s->ctx = wolfSSL_CTX_new(wolfSSLv23_client_method())) != NULL) {
		wolfSSL_CTX_set_verify(s->ctx, WOLFSSL_VERIFY_NONE, NULL);
		wolfSSL_CTX_SetIORecv(s->ctx, io_recv);
		wolfSSL_CTX_SetIOSend(s->ctx, io_send);
		s->ssl = wolfSSL_new(s->ctx);
	}
	if (s->ssl != NULL) {
		wolfSSL_SetIOReadCtx(s->ssl, s);
		wolfSSL_SetIOWriteCtx(s->ssl, s);
		if (ip_literal(host, (unsigned char[16]){ 0 }) == 0)
			(void)wolfSSL_UseSNI(s->ssl, WOLFSSL_SNI_HOST_NAME, host,
			    (unsigned short)strlen(host));
		(void)wolfSSL_connect(s->ssl);
	}
	/* A handshake (0x16) or alert (0x15) record of TLS 1.x. */
	tls = s->nhead >= 2 && (s->head[0] == 0x16 || s->head[0] == 0x15) &&
	    s->head[1] == 0x03;
	tls_close(s);
	return tls;
}

ssize_t
tls_read(struct tls_session *s, void *buf, size_t n)
{
	int r, err;

	s->io_errno = 0;
	r = wolfSSL_read(s->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	if (r > 0)
		return r;
	err = wolfSSL_get_error(s->ssl, r);
	if (err == WOLFSSL_ERROR_ZERO_RETURN || err == SOCKET_PEER_CLOSED_E)
		return 0;
	errno = s->io_errno != 0 ? s->io_errno : EPROTO;
	return -1;
}

ssize_t
tls_write(struct tls_session *s, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	int w, chunk;

	s->io_errno = 0;
	while (done < n) {
		chunk = n - done > 16384 ? 16384 : (int)(n - done);
		w = wolfSSL_write(s->ssl, p + done, chunk);
		if (w <= 0) {
			errno = s->io_errno != 0 ? s->io_errno : EPIPE;
			return -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

bool
tls_pending(struct tls_session *s)
{
	return wolfSSL_pending(s->ssl) > 0;
}

void
tls_close(struct tls_session *s)
{
	if (s == NULL)
		return;
	/* The session is kept for the next handshake with this server now
	 * that the server's tickets (sent after the handshake) are in. */
	if (s->established && s->ssl != NULL && s->record != NULL)
		resume_keep(s);
	/* close_notify, without waiting for the server's: the session ends
	 * cleanly on the wire, not by a bare TCP close. */
	if (s->established && s->ssl != NULL)
		(void)wolfSSL_shutdown(s->ssl);
	tls_info_free(s->ti);
	tls_info_free(s->record);
	free(s->resume_key);
	if (s->ssl != NULL)
		wolfSSL_free(s->ssl);
	if (s->ctx != NULL)
		wolfSSL_CTX_free(s->ctx);
	free(s);
}
