/* TLS through wolfSSL. The handshake always completes certificate checks
 * through a verify callback that records the first failure instead of
 * aborting, so that the diagnostic record can show what the server
 * presented; the policy decision (verified, pinned, --insecure) is made
 * afterwards, in one place. */
#include "config.h"

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>
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

#include "base/i18n.h"
#include "base/util.h"
#include "net/event.h"
#include "net/tls.h"

struct tls_session {
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	tls_io_fn rd, wr;
	void *io_ctx;
	int io_errno;		/* errno of the last failed transport call */
	int verify_err;		/* first certificate error seen, or 0 */
	int verify_depth;
	int tls_min;
};

static const char *
cfg_min_name(const struct tls_session *s)
{
	return s->tls_min == 13 ? "1.3" : "1.2";
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
	if (r > 0)
		return (int)r;
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

static int
verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct tls_session *s = store->userCtx;

	if (!preverify && s != NULL && s->verify_err == 0) {
		s->verify_err = store->error;
		s->verify_depth = store->error_depth;
	}
	return 1;	/* decided after the handshake, see tls_connect() */
}

/* The reason a certificate failed, in words a user can act on. */
static const char *
verify_reason(int err)
{
	/* wolfSSL reports OpenSSL-style X509_V_ERR codes through the store
	 * in its compatibility build, its own codes otherwise. */
	switch (err) {
	case ASN_NO_SIGNER_E:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		return _("the certificate is not signed by a trusted authority");
	case ASN_SELF_SIGNED_E:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return _("the certificate is self-signed and not trusted");
	case ASN_AFTER_DATE_E:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return _("the certificate has expired");
	case ASN_BEFORE_DATE_E:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
		return _("the certificate is not yet valid");
	case ASN_SIG_CONFIRM_E:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return _("the certificate's signature does not verify");
	default:
		return NULL;
	}
}

static char *
asn1_time_str(const WOLFSSL_ASN1_TIME *t, long *days_left)
{
	struct tm tm;
	char out[32];

	memset(&tm, 0, sizeof tm);
	if (t == NULL || wolfSSL_ASN1_TIME_to_tm(t, &tm) != WOLFSSL_SUCCESS)
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

static void
cert_fill(struct cert_info *ci, WOLFSSL_X509 *x)
{
	char *name, *alt;
	const unsigned char *der;
	int derlen = 0;
	struct buf sans;

	name = wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_subject_name(x), NULL, 0);
	ci->subject = xstrdup(name != NULL ? name : "?");
	XFREE(name, NULL, DYNAMIC_TYPE_OPENSSL);
	name = wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_issuer_name(x), NULL, 0);
	ci->issuer = xstrdup(name != NULL ? name : "?");
	XFREE(name, NULL, DYNAMIC_TYPE_OPENSSL);
	ci->not_before = asn1_time_str(wolfSSL_X509_get_notBefore(x), NULL);
	ci->not_after = asn1_time_str(wolfSSL_X509_get_notAfter(x), &ci->days_left);
	buf_init(&sans);
	while ((alt = wolfSSL_X509_get_next_altname(x)) != NULL) {
		unsigned char v6[16];
		char shortv6[INET6_ADDRSTRLEN];

		if (sans.len > 0)
			buf_adds(&sans, ", ");
		/* wolfSSL spells IPv6 names out in full; show them as people
		 * write them. */
		if (inet_pton(AF_INET6, alt, v6) == 1 &&
		    inet_ntop(AF_INET6, v6, shortv6, sizeof shortv6) != NULL)
			buf_adds(&sans, shortv6);
		else
			buf_adds(&sans, alt);
	}
	ci->sans = sans.data != NULL ? sans.data : xstrdup("");
	der = wolfSSL_X509_get_der(x, &derlen);
	ci->fingerprint = fingerprint_of(der, derlen);
}

/* The peer chain as sent, leaf first. */
static void
chain_fill(struct tls_session *s, struct tls_info *ti)
{
	WOLFSSL_X509_CHAIN *chain = wolfSSL_get_peer_chain(s->ssl);
	int i, n = chain != NULL ? wolfSSL_get_chain_count(chain) : 0;

	if (n <= 0) {
		WOLFSSL_X509 *leaf = wolfSSL_get_peer_certificate(s->ssl);

		if (leaf == NULL)
			return;
		ti->chain = xcalloc(1, sizeof *ti->chain);
		cert_fill(&ti->chain[0], leaf);
		ti->nchain = 1;
		wolfSSL_X509_free(leaf);
		return;
	}
	ti->chain = xcalloc((size_t)n, sizeof *ti->chain);
	for (i = 0; i < n; i++) {
		WOLFSSL_X509 *x = wolfSSL_get_chain_X509(chain, i);

		if (x == NULL)
			continue;
		cert_fill(&ti->chain[ti->nchain++], x);
		wolfSSL_X509_free(x);
	}
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

static bool
is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

/* Whether the address literal host is one of the IP names in sans (as
 * cert_fill lists them), compared as addresses, not as text: wolfSSL's
 * own check compares IPv6 names as spelled. */
static bool
ip_in_sans(const char *host, const char *sans)
{
	unsigned char want[16], have[16];
	int fam = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	size_t len = fam == AF_INET6 ? 16 : 4;
	char *list = xstrdup(sans), *tok, *save = NULL;
	bool found = false;

	if (inet_pton(fam, host, want) != 1) {
		free(list);
		return false;
	}
	for (tok = strtok_r(list, ", ", &save); tok != NULL && !found;
	    tok = strtok_r(NULL, ", ", &save))
		found = inet_pton(fam, tok, have) == 1 && memcmp(want, have, len) == 0;
	free(list);
	return found;
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
	    wolfSSL_CTX_set_cipher_list(ctx, cipher_list) != WOLFSSL_SUCCESS) {
		err_setr(e, "tls_handshake", _("cannot set the TLS version or ciphers"));
		goto fail;
	}
	if (cfg->ca_file != NULL) {
		if (wolfSSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) !=
		    WOLFSSL_SUCCESS) {
			err_setr(e, "usage", _("--ca-file: cannot load certificates from `%s'"),
			    cfg->ca_file);
			goto fail;
		}
	} else if (wolfSSL_CTX_load_system_CA_certs(ctx) != WOLFSSL_SUCCESS &&
	    wolfSSL_CTX_load_verify_locations(ctx,
	    "/etc/ssl/certs/ca-certificates.crt", NULL) != WOLFSSL_SUCCESS) {
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

/* Why a handshake failed, from wolfSSL's error code and the transport. */
static int
handshake_error(struct tls_session *s, int err, struct err *e)
{
	char msg[WOLFSSL_MAX_ERROR_SZ];

	if (s->io_errno == ETIMEDOUT)
		return err_setr(e, "timeout", _("TLS handshake: the server did not answer in time"));
	if (s->io_errno == ECANCELED)
		return err_setr(e, "cancelled", _("cancelled"));
	switch (err) {
	case VERSION_ERROR:
		return err_setr(e, "tls_handshake", _("TLS handshake failed: the server "
		    "does not speak TLS %s or newer"), cfg_min_name(s));
	case MATCH_SUITE_ERROR:
		return err_setr(e, "tls_handshake", _("TLS handshake failed: no cipher "
		    "suite in common with the server"));
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

/* Applies the policy to what the handshake saw: pinning, the chain result,
 * the host name. Returns 0 to go on, -1 with e set to stop. */
static int
verify_decide(struct tls_session *s, const struct tls_cfg *cfg,
    const char *host, struct tls_info *ti, struct err *e)
{
	WOLFSSL_X509 *leaf = wolfSSL_get_peer_certificate(s->ssl);
	const char *why = NULL;
	char *pin = NULL;
	int ok_host;

	if (leaf == NULL) {
		ti->verify_error = xstrdup(_("the server sent no certificate"));
		goto judge;
	}
	if (s->verify_err != 0) {
		why = verify_reason(s->verify_err);
		if (why != NULL)
			ti->verify_error = xstrdup(why);
		else
			ti->verify_error = xasprintf(_("certificate error %d: %s"),
			    s->verify_err,
			    wolfSSL_X509_verify_cert_error_string(s->verify_err));
	} else {
		if (is_ip_literal(host))
			ok_host = ti->nchain > 0 && ip_in_sans(host, ti->chain[0].sans) ?
			    WOLFSSL_SUCCESS : WOLFSSL_FAILURE;
		else
			ok_host = wolfSSL_X509_check_host(leaf, host, strlen(host), 0, NULL);
		if (ok_host != WOLFSSL_SUCCESS)
			ti->verify_error = xasprintf(_("the certificate is not valid for "
			    "`%s' (it names: %s)"), host,
			    ti->nchain > 0 && ti->chain[0].sans[0] != '\0' ?
			    ti->chain[0].sans : ti->nchain > 0 ? ti->chain[0].subject : "?");
		else
			ti->verified = true;
	}
	wolfSSL_X509_free(leaf);
judge:
	if (cfg->fingerprint != NULL) {
		pin = tls_fingerprint_norm(cfg->fingerprint);
		if (pin != NULL && ti->nchain > 0 &&
		    strcmp(pin, ti->chain[0].fingerprint) == 0) {
			ti->pinned = true;
			free(pin);
			return 0;
		}
		free(pin);
		return err_setr(e, "cert_verify", _("the server's certificate (SHA-256 %s) "
		    "does not match --fingerprint"),
		    ti->nchain > 0 ? ti->chain[0].fingerprint : "?");
	}
	if (ti->verified)
		return 0;
	if (cfg->insecure) {
		ti->insecure = true;
		return 0;
	}
	return err_setr(e, "cert_verify", _("certificate verification failed: %s"),
	    ti->verify_error);
}

struct tls_session *
tls_connect(const struct tls_cfg *cfg, const char *host, tls_io_fn rd,
    tls_io_fn wr, void *io_ctx, struct tls_info **info, struct err *e)
{
	struct tls_session *s = xcalloc(1, sizeof *s);
	struct tls_info *ti;
	const char *group;
	int rc;

	*info = NULL;
	s->rd = rd;
	s->wr = wr;
	s->io_ctx = io_ctx;
	s->tls_min = cfg->tls_min;
	if ((s->ctx = ctx_new(cfg, e)) == NULL)
		goto fail;
	if ((s->ssl = wolfSSL_new(s->ctx)) == NULL) {
		err_setr(e, "tls_handshake", _("cannot create a TLS session"));
		goto fail;
	}
	wolfSSL_SetIOReadCtx(s->ssl, s);
	wolfSSL_SetIOWriteCtx(s->ssl, s);
	wolfSSL_SetCertCbCtx(s->ssl, s);
	if (!is_ip_literal(host))
		(void)wolfSSL_UseSNI(s->ssl, WOLFSSL_SNI_HOST_NAME, host,
		    (unsigned short)strlen(host));
	/* An X25519 share in the first flight saves the P-256 work and,
	 * with most servers, a HelloRetryRequest. */
	(void)wolfSSL_UseKeyShare(s->ssl, WOLFSSL_ECC_X25519);
	rc = wolfSSL_connect(s->ssl);
	if (rc != WOLFSSL_SUCCESS) {
		handshake_error(s, wolfSSL_get_error(s->ssl, rc), e);
		goto fail;
	}
	ti = xcalloc(1, sizeof *ti);
	ti->version = xstrdup(wolfSSL_get_version(s->ssl));
	ti->cipher = xstrdup(wolfSSL_get_cipher_name(s->ssl));
	group = wolfSSL_get_curve_name(s->ssl);
	ti->group = xstrdup(group);
	ti->resumed = wolfSSL_session_reused(s->ssl) == 1;
	chain_fill(s, ti);
	*info = ti;
	if (verify_decide(s, cfg, host, ti, e) == -1)
		goto fail;
	return s;
fail:
	tls_close(s);
	return NULL;
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
	if (s->ssl != NULL)
		wolfSSL_free(s->ssl);
	if (s->ctx != NULL)
		wolfSSL_CTX_free(s->ctx);
	free(s);
}
