/* SRV records (RFC 2782) through the system resolver (libresolv: the
 * nameservers and options of /etc/resolv.conf, as getaddrinfo uses), for
 * finding a domain's submission servers (RFC 6186). The only module that
 * includes <resolv.h>. Any thread; blocks for at most the resolver's
 * timeouts, capped here (DNS_RETRANS_MAX seconds a try, DNS_RETRY_MAX
 * tries a server). */
#ifndef MISSIVE_DNS_H
#define MISSIVE_DNS_H

#include <stddef.h>

#include "base/err.h"

#define DNS_RETRANS_MAX	3
#define DNS_RETRY_MAX	2

struct dns_srv {
	char *target;		/* host name, without the final dot */
	int port;
	int priority, weight;
};

/* Looks up the SRV records of name (e.g. "_submissions._tcp.example.org",
 * A-labels). Returns the number of records (sorted: lowest priority
 * first, then highest weight, then as the server listed them) with *v
 * (free with dns_srv_free); 0 when there is none, e->msg saying why in
 * words (no such domain, no SRV record, or a record with the target "."
 * that says the service is not offered); -1 when the lookup itself
 * failed (no answer, a server failure), e->reason "dns". */
int dns_srv_lookup(const char *name, struct dns_srv **v, struct err *e);
void dns_srv_free(struct dns_srv *v, size_t n);

#endif
