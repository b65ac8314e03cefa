/* Saved profiles: INI files read with libinih from
 * $XDG_CONFIG_HOME/missive/profiles.ini and profiles.d/NAME.ini, every key
 * validated with errors naming file, line and key. */
#ifndef MISSIVE_PROFILE_H
#define MISSIVE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* One profile. Unset values: NULL strings, -1 for tri-state ints, 0 for
 * tls_min and timeout. */
struct profile {
	char *name;
	char *file;		/* where it was defined */
	int line;		/* line of its [section] header */
	char *server;
	int tls;		/* enum tls_mode or -1 */
	int fallback_plaintext;	/* 0/1 or -1 */
	char *ca_file;		/* ~ expanded */
	char *fingerprint;
	char *pin_pubkey;	/* tls_pubkey_pins_norm's form */
	int tls_min;		/* 12, 13 or 0 */
	char *from, *user;
	char *password;		/* secret; only from an owner-only file */
	char *password_cmd;
	char *auth;
	int allow_plaintext_auth;	/* 0/1 or -1 */
	char *helo, *cc, *bcc;
	char *signature;	/* path, ~ expanded */
	int timeout;
	char *theme;
	char *sent_maildir;	/* keep sent copies here, ~ expanded */
	char *reply_to;		/* an address list */
	char *headers;		/* extra header lines, one a line (LF) */
	char *query_cmd;	/* address book: mutt's query format */
	char *alternates;	/* the user's other addresses, a list */
	int wrap;		/* MSG_WRAP_AUTO (unset), MSG_WRAP_OFF or a width */
	int edit_headers;	/* 0/1 or -1: the editor gets the header too */
};

struct profiles;

/* Loads every profile file in dir (NULL: the XDG config folder). A missing
 * folder or file is not an error (an empty set). On any invalid file,
 * returns NULL with e->msg like "profiles.ini:14: tls: `startls` is not one
 * of off, opportunistic, starttls, implicit". */
struct profiles *profiles_load(const char *dir, struct err *e);
void profiles_free(struct profiles *ps);
size_t profiles_count(const struct profiles *ps);
const struct profile *profiles_get(const struct profiles *ps, size_t i);
const struct profile *profiles_find(const struct profiles *ps, const char *name);
/* The [missive] default_profile, or the only profile when there is one. */
const struct profile *profiles_default(const struct profiles *ps);
/* The folder profiles_load(NULL) reads (caller frees). */
char *profiles_dir(void);

/* Whether name can be a profile's name (what profiles_save takes): -1
 * with e (reason "usage") saying what is wrong. */
int profile_name_check(const char *name, struct err *e);

/* Appends or replaces section p->name in dir/profiles.ini, atomically
 * (temp file + rename), keeping every other line byte for byte. */
int profiles_save(const char *dir, const struct profile *p, struct err *e);

/* Called once per problem, with a complete message such as
 * "profiles.ini:3: unknown key `sever` (did you mean `server`?)". */
typedef void (*profiles_report_fn)(void *arg, const char *msg);

/* As profiles_load, but goes on after a problem and reports every one
 * through report (NULL: none); with check_files it also checks that the
 * ca_file and signature files can be read. Returns NULL when anything was
 * reported, e->msg holding the first problem. */
struct profiles *profiles_load_all(const char *dir, bool check_files,
    profiles_report_fn report, void *arg, struct err *e);

struct smtp_job;

/* Fills job's server, port and TLS policy from server (as typed; NULL
 * or "" for the profile's own) and tls (an enum tls_mode, or -1 for the
 * profile's policy, or else the port's), then the profile's session
 * settings (p may be NULL). The one place where a profile and a server
 * make a policy. -1 with e naming the server's problem. */
int profile_job(const struct profile *p, const char *server, int tls,
    struct smtp_job *job, struct err *e);

/* An empty profile (every value unset), and freeing its members (the
 * password is wiped); p itself is not freed. */
void profile_init(struct profile *p);
void profile_clear(struct profile *p);

/* The [missive] default_profile as written, or NULL when none is set. */
const char *profiles_default_name(const struct profiles *ps);

/* Sets [missive] default_profile = name in dir/profiles.ini, atomically,
 * keeping every other line. The name is not checked against the profiles. */
int profiles_set_default(const char *dir, const char *name, struct err *e);
/* Sets one key of [section] ("missive" for the defaults) to value
 * (checked as the loader checks it; NULL removes the key), atomically,
 * keeping every other line; a missing section is added. Never the
 * password. */
int profiles_set_key(const char *dir, const char *section, const char *key,
    const char *value, struct err *e);
/* What [missive] sets for every profile (theme ...); a profile's own
 * value wins. Never NULL when ps is not. */
const struct profile *profiles_defaults(const struct profiles *ps);

/* msmtp's configuration (~/.msmtprc) read as profiles: one per account,
 * `defaults` and `account NAME : BASE` inheritance applied. */
struct msmtp_import {
	struct profile *v;
	size_t n;
	char *default_name;	/* the account msmtp uses by default, or NULL */
};

/* Reads path (an msmtprc); settings missive cannot take (a literal
 * password, tls_certcheck off, logfile ...) are left out and reported
 * through warn as "PATH:LINE: ..." (warn may be NULL). -1 with e when the
 * file cannot be read or is not valid msmtp syntax. */
int profiles_import_msmtp(const char *path, struct msmtp_import *im,
    profiles_report_fn warn, void *arg, struct err *e);
void msmtp_import_free(struct msmtp_import *im);

#endif
