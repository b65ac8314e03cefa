/* The address book: a query_cmd in mutt's query format (abook
 * --mutt-query, khard email --parsable, notmuch-addrlookup, LDAP
 * scripts): run with what was typed, for a few seconds at most; its
 * first line is a message, then one "address<TAB>name<TAB>other" line a
 * match. No terminal; any thread. */
#ifndef MISSIVE_ABOOK_H
#define MISSIVE_ABOOK_H

#include <stddef.h>

#include "base/err.h"

#define ABOOK_TIMEOUT	5	/* seconds a query may take */
#define ABOOK_OUT_MAX	(1024 * 1024)

/* The matches in a query's output, as "Name <address>" (the name quoted
 * when it must be), each address once, lines that are not a match
 * skipped; *msg (when not NULL) the first line when it is a message,
 * else NULL (caller frees). Free the list with strv_free. */
char **abook_parse(const char *out, size_t len, size_t *n, char **msg);

/* Runs cmd with typed as its query: every %s (also '%s' and "%s")
 * stands for it, or it is added at the end; it reaches the command as
 * a shell variable, never as shell text. An exit status of 1 with
 * nothing on stderr means no match (abook's "Not found"): 0 with *n 0.
 * -1 with e when the command fails, prints too much or takes longer
 * than timeout seconds. */
int abook_query(const char *cmd, const char *typed, int timeout, char ***v,
    size_t *n, char **msg, struct err *e);

#endif
