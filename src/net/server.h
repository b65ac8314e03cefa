/* SERVER as people write it: "host", "host:port", "[v6addr]" or
 * "[v6addr]:port", and the HELO name: one grammar for the command line,
 * profiles, msmtprc import and the composer. Pure; any thread. */
#ifndef MISSIVE_SERVER_H
#define MISSIVE_SERVER_H

#include <stdbool.h>

#include "base/err.h"

/* Splits and checks SERVER: a DNS name (ASCII letters, digits, '-', '_',
 * dots; an internationalised name is converted to its A-labels), a
 * dotted IPv4 address, or an IPv6 address in brackets (zone allowed),
 * and an optional port from 1 to 65535. *host (caller frees) is without
 * brackets; *port is 0 when none was written. -1 with e->msg saying
 * what is wrong, without repeating the value (reason "usage"). */
int server_split(const char *server, char **host, int *port, struct err *e);

/* Whether name can follow EHLO/HELO: a host name or an address literal
 * such as [192.0.2.1] or [IPv6:2001:db8::1]. -1 with e (reason "usage"). */
int server_helo_check(const char *name, struct err *e);

#endif
