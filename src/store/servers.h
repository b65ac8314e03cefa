/* The server memory: $XDG_STATE_HOME/missive/servers, one line per
 * HOST:PORT that negotiated TLS with a verified or pinned certificate
 * (how, trust, first and last seen, the leaf's public-key SHA-256, the
 * key exchange group), so
 * that a later session that finds no TLS there can refuse to send (the
 * rule is app/record.c's and the engine's; this is only the file). The
 * format is in doc/design.md (Files). Updates re-read the file under a
 * lock and replace it atomically (0600); lines that are not entries,
 * comments too, are kept as they are. No terminal. */
#ifndef MISSIVE_SERVERS_H
#define MISSIVE_SERVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define SERVERS_TIME_LEN	20	/* "2025-03-01T10:22:01Z" */
#define SERVERS_GROUP_LEN	15	/* "secp256r1", "x25519mlkem768" */

struct server_mem {
	char *host;		/* no brackets; names compared ignoring ASCII case */
	int port;
	char how[9];		/* "starttls" or "implicit" */
	char trust[9];		/* "verified" or "pinned" */
	char first_seen[SERVERS_TIME_LEN + 1];	/* RFC 3339 UTC: with this key */
	char last_seen[SERVERS_TIME_LEN + 1];
	char *pubkey;		/* "AB:CD:..." (95 characters), or NULL: unknown */
	char group[SERVERS_GROUP_LEN + 1];	/* the key exchange group it
				 * chose ("x25519"), or "": unknown */
};

struct servers;

/* $XDG_STATE_HOME/missive/servers (caller frees). */
char *servers_path(void);
/* "host:port", "[v6]:port" (caller frees). */
char *servers_name(const char *host, int port);

/* Reads path (NULL: servers_path()); a missing file is an empty memory.
 * NULL with e when it cannot be read. */
struct servers *servers_load(const char *path, struct err *e);
void servers_free(struct servers *s);
size_t servers_count(const struct servers *s);
const struct server_mem *servers_get(const struct servers *s, size_t i);
const struct server_mem *servers_find(const struct servers *s,
    const char *host, int port);
/* Lines that are not entries (comments and blank lines aside): how
 * many; the first one's number and what is wrong with it. */
size_t servers_bad(const struct servers *s, size_t *line, const char **why);

/* Remembers a session (seen->last_seen is its time): an entry with the
 * same key keeps its first_seen; a new server, or a new key, starts
 * again from seen. Under a lock; the file replaced atomically. */
int servers_remember(const char *path, const struct server_mem *seen,
    struct err *e);
/* Removes host:port, or every port of host when port is 0; *gone gets
 * copies of what was removed (caller frees with servers_mem_free each and
 * free), *ngone how many (0: nothing was remembered, the file untouched). */
int servers_forget(const char *path, const char *host, int port,
    struct server_mem **gone, size_t *ngone, struct err *e);
void servers_mem_free(struct server_mem *m);	/* members, not m */

/* A group name as the file keeps it: 1 to SERVERS_GROUP_LEN lowercase
 * letters, digits, '_' or '-' (IANA's names, "x25519", "secp256r1"). */
bool servers_group_ok(const char *s);

/* RFC 3339 UTC as the file writes it, "YYYY-MM-DDTHH:MM:SSZ"; and the
 * current time so (buf of SERVERS_TIME_LEN + 1). */
bool servers_time_ok(const char *s);
void servers_time_now(char *buf);

#endif
