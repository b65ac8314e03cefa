/* What the parts of the profile reader share (profile.c the loader,
 * profile_ini.c the line reader under libinih, profile_keys.c the key
 * table and its checks, profile_edit.c the INI editor). Not for use
 * outside src/store/profile*.c. The loader uses the reader, the reader
 * the key table; the editor uses all three. */
#ifndef MISSIVE_PROFILE_INT_H
#define MISSIVE_PROFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "store/profile.h"

#define PROFILE_FILE_MAX	(1024 * 1024)
#define PROFILE_NAME_MAX	49	/* libinih keeps 50 bytes of a section name */
#define PROFILE_KEYS_MAX	32	/* room in struct loader for every key */

enum kind {
	K_SERVER, K_TLS, K_BOOL, K_PATH, K_FINGERPRINT, K_PUBKEY_PIN, K_TLS_MIN,
	K_ADDRESS,
	K_TEXT, K_PASSWORD, K_COMMAND, K_AUTH, K_HELO, K_TIMEOUT, K_THEME,
	K_HEADER, K_WRAP
};

/* One profile key: its name, kind and place in struct profile. */
struct pkey {
	const char *name;
	enum kind kind;
	size_t off;
};

/* profile_keys.c: the table, in the order profiles_save writes them. */
extern const struct pkey profile_keys[];
extern const size_t profile_nkeys;
const struct pkey *pkey_find(const char *name);
int pkey_index(const char *name);
/* The closest of names to word when it is close enough to be a typo. */
const char *pkey_suggest(const char *word, const char *const *names,
    size_t n);

struct profiles {
	struct profile *v;
	size_t n, cap;
	char *default_name;
	struct profile defaults;	/* what [missive] gives every profile */
};

/* A section seen while loading, for duplicates and default_profile. */
struct seen {
	char *name;
	char *where;		/* "profiles.ini:5" */
};

enum section { SEC_NONE, SEC_MISSIVE, SEC_PROFILE };

/* A problem waiting to be reported in file and line order. */
struct problem {
	int file, line;
	size_t seq;
	char *msg;
};

/* Loading one or more files: every problem is collected with its file
 * and line, and reported in that order (profile.c). */
struct loader {
	struct profiles *ps;
	struct problem *problems;
	int nerr;
	int file;		/* index of the file being read */
	bool check_files;
	const char *dir;

	struct seen *seen;
	size_t nseen;
	char *default_where;	/* where default_profile was set */
	int default_file, default_line;

	/* The file being read. */
	const char *rel;	/* as shown: "profiles.ini", "profiles.d/a.ini" */
	const char *path;
	mode_t mode;
	const char *data;
	size_t len, pos;
	int lineno;

	/* The line last handed to libinih, when it is a key line. */
	bool line_key;
	/* The last key line was `password`: an indented line now would be
	 * the rest of the password to libinih, and is never quoted. */
	bool after_secret;
	char key[64];
	const char *value;	/* as written, trimmed; points into data */
	size_t value_len;

	enum section sec;
	struct profile cur;
	bool cur_ok;
	int keyline[PROFILE_KEYS_MAX];
	int missive_keyline;
};

/* The file as messages name it ("" while checking a profile to save). */
#define REL(ld) ((ld)->rel != NULL ? (ld)->rel : "")

/* profile.c: profiles.d/NAME.ini, sorted byte-wise; NULL with *n 0 when there is
 * no such folder; -1 in *n with e when it cannot be read. */
char **profile_dropins(const char *dir, size_t *n, struct err *e);

/* profile_keys.c: validates v for k and stores it in p; -1 with e->msg
 * the reason, without the "FILE:LINE: key:" prefix. */
int pkey_set(struct loader *ld, struct profile *p, const struct pkey *k,
    const char *v, struct err *e);
/* The value of k in p as written in a file, or NULL when unset. */
char *pkey_render(const struct pkey *k, const struct profile *p);
/* For hints to copy and paste: path from /, and a word for the shell.
 * Caller frees. */
char *path_absolute(const char *path);
char *shell_quote(const char *s);

/* profile_ini.c: the reader; problems are collected with file and line,
 * reported sorted (the first one is returned). */
void problem(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *problems_flush(struct loader *ld, profiles_report_fn report,
    void *arg);
void loader_free(struct loader *ld);
/* A section (profile) name: what fits libinih's buffer and a command
 * line. -1 with e. */
int ini_name_check(const char *s, size_t n, struct err *e);
bool ini_space(int c);
/* Where libinih would stop scanning s for one of chars: at the first of
 * them or at an inline comment (';' after a space); *comment tells which. */
size_t ini_scan(const char *s, size_t n, const char *chars, bool *comment);
/* Parses data (the contents of rel) into ld->ps. */
void ini_load_buffer(struct loader *ld, const char *rel, const char *path,
    mode_t mode, const char *data, size_t len);

#endif
