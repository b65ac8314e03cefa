/* A profile turned into an SMTP job: the session settings it names,
 * and the server and TLS policy it gives together with what the user
 * typed or passed on the command line. */
#include "config.h"

#include <stdlib.h>

#include "base/util.h"
#include "net/smtp.h"
#include "store/profile.h"

static void
replace(char **member, const char *value)
{
	if (value == NULL)
		return;
	free(*member);
	*member = xstrdup(value);
}

static void
profile_apply_job(const struct profile *p, struct smtp_job *job)
{
	if (p == NULL)
		return;
	if (p->fallback_plaintext != -1)
		job->fallback_plaintext = p->fallback_plaintext == 1;
	replace(&job->ca_file, p->ca_file);
	replace(&job->fingerprint, p->fingerprint);
	replace(&job->pin_pubkey, p->pin_pubkey);
	if (p->tls_min != 0)
		job->tls_min = p->tls_min;
	replace(&job->user, p->user);
	if (p->password != NULL) {
		secret_free(job->password);
		job->password = xstrdup(p->password);
	}
	replace(&job->password_cmd, p->password_cmd);
	replace(&job->auth_mech, p->auth);
	if (p->allow_plaintext_auth != -1)
		job->allow_plaintext_auth = p->allow_plaintext_auth == 1;
	replace(&job->helo, p->helo);
	replace(&job->sent_maildir, p->sent_maildir);
	if (p->timeout > 0)
		job->timeout = p->timeout;
}


int
profile_job(const struct profile *p, const char *server, int tls,
    struct smtp_job *job, struct err *e)
{
	enum tls_mode mode;
	bool given;

	if (server == NULL || *server == '\0')
		server = p != NULL ? p->server : NULL;
	if (tls < 0 && p != NULL)
		tls = p->tls;
	given = tls >= 0;
	mode = given ? (enum tls_mode)tls : TLS_OPPORTUNISTIC;
	if (smtp_server_parse(server, given, &job->host, &job->port, &mode,
	    e) == -1)
		return -1;
	job->tls = mode;
	job->tls_implied = !given;
	profile_apply_job(p, job);
	return 0;
}
