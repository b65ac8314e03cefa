/* `missive setup`'s logic, without its questions: the servers to try for
 * an address (RFC 6186 SRV records of its domain, else the usual names),
 * and the profile written from the answers. The dialogue is
 * cli/setup.c's; the composer runs that command. */
#ifndef MISSIVE_SETUP_H
#define MISSIVE_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "app/ports.h"
#include "base/err.h"

/* SRV records taken from each of the two services, at most. */
#define SETUP_SRV_MAX	4

struct setup_found {
	struct port_target *t;	/* what to probe, in order of preference */
	size_t n;
	char **notes;		/* what was looked up and found, a line each */
	size_t nnotes;
	bool srv;		/* the targets came from SRV records */
};

/* The servers to try for domain (A-labels): the targets of
 * _submissions._tcp.DOMAIN (implicit TLS) and _submission._tcp.DOMAIN
 * (STARTTLS) when there are any; otherwise smtp.DOMAIN and mail.DOMAIN,
 * each on 465, 587 and 25. Never fails: a failed lookup is a note and
 * the usual names are tried. */
void setup_discover(const char *domain, struct setup_found *f);
/* The targets of a server given as typed (SERVER's grammar): host:port
 * alone (its port's policy), or host on the three ports. */
int setup_server(const char *server, struct setup_found *f, struct err *e);
void setup_found_free(struct setup_found *f);

/* The address's parts, checked as a From address: a single mailbox.
 * *addr is local@domain as typed, *domain as typed, *ascii its A-label
 * form (caller frees all three). -1 with e. */
int setup_address(const char *s, char **addr, char **domain, char **ascii,
    struct err *e);

struct setup_answers {
	const char *name;	/* the profile's name */
	const char *address;	/* local@domain */
	const char *full_name;	/* for From, or NULL */
	const char *user;
	const char *password_cmd;	/* NULL: asked for at each session */
	const char *ca_file;	/* NULL: the system store */
	bool make_default;
};

/* The From line for the answers: "Full Name <addr>" (quoted when the
 * name needs it) or the address (caller frees). */
char *setup_from(const struct setup_answers *a);
/* Writes profile a->name for the chosen server through profiles_save
 * (validated, atomic, owner-only; never a password), then the default
 * profile when asked; dir NULL is the XDG folder. The policy is the
 * one seen to work: implicit, or starttls (also on port 25, where TLS
 * was verified). -1 with e. */
int setup_write(const char *dir, const struct setup_answers *a,
    const struct port_report *chosen, struct err *e);

#endif
