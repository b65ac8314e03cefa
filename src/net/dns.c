/* SRV lookups with res_nquery and ns_parserr; see dns.h. */
#include "config.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "net/dns.h"

/* RFC 2782's order for a person to read: by priority, and within one
 * priority the heaviest first (a client picks among equals at random
 * by weight; a setup lists the likeliest first). Stable for ties. */
static void
srv_sort(struct dns_srv *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct dns_srv x = v[i];

		for (j = i; j > 0 && (v[j - 1].priority > x.priority ||
		    (v[j - 1].priority == x.priority &&
		    v[j - 1].weight < x.weight)); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int
failed(struct err *e, const char *name, int h)
{
	switch (h) {
	case HOST_NOT_FOUND:	/* the name does not exist: no record either */
	case NO_DATA:
		err_set(e, _("%s: no SRV record"), name);
		return 0;
	case TRY_AGAIN:
		return err_setr(e, "dns", _("%s: the DNS server did not answer "
		    "(or failed); check the network and /etc/resolv.conf"), name);
	default:
		return err_setr(e, "dns", _("%s: the DNS lookup failed (%s)"),
		    name, hstrerror(h));
	}
}

int
dns_srv_lookup(const char *name, struct dns_srv **v, struct err *e)
{
	struct __res_state st;
	unsigned char *ans = NULL;
	ns_msg msg;
	ns_rr rr;
	size_t n = 0, dots = 0;
	int len, count, i, rc = -1;

	*v = NULL;
	memset(&st, 0, sizeof st);
	if (res_ninit(&st) == -1)
		return err_setr(e, "dns", "%s", _("cannot read the resolver's "
		    "configuration (/etc/resolv.conf)"));
	/* A setup waits for these, the user watching: keep a dead
	 * nameserver from costing the resolver's default 5 s x 2 x 3. */
	if (st.retrans > DNS_RETRANS_MAX)
		st.retrans = DNS_RETRANS_MAX;
	if (st.retry > DNS_RETRY_MAX)
		st.retry = DNS_RETRY_MAX;
	ans = xmalloc(NS_MAXMSG);
	len = res_nquery(&st, name, ns_c_in, ns_t_srv, ans, NS_MAXMSG);
	if (len < 0) {
		rc = failed(e, name, st.res_h_errno);
		goto out;
	}
	if (len > NS_MAXMSG)
		len = NS_MAXMSG;
	if (ns_initparse(ans, len, &msg) == -1) {
		rc = err_setr(e, "dns", _("%s: the DNS answer cannot be read"),
		    name);
		goto out;
	}
	count = ns_msg_count(msg, ns_s_an);
	*v = xcalloc((size_t)(count > 0 ? count : 1), sizeof **v);
	for (i = 0; i < count; i++) {
		char target[NS_MAXDNAME];
		const unsigned char *rd;

		if (ns_parserr(&msg, ns_s_an, i, &rr) == -1)
			break;
		/* A CNAME on the way is followed by the resolver; only the
		 * SRV records are ours. */
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in ||
		    ns_rr_rdlen(rr) < 7)
			continue;
		rd = ns_rr_rdata(rr);
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target,
		    sizeof target) < 0)
			continue;
		/* "." says the service is decidedly not offered. */
		if (target[0] == '\0' || strcmp(target, ".") == 0) {
			dots++;
			continue;
		}
		(*v)[n].priority = ns_get16(rd);
		(*v)[n].weight = ns_get16(rd + 2);
		(*v)[n].port = ns_get16(rd + 4);
		if ((*v)[n].port == 0)
			continue;
		(*v)[n].target = xstrdup(target);
		n++;
	}
	if (n == 0) {
		if (dots > 0)
			err_set(e, _("%s: the domain says it offers no such "
			    "service (target \".\")"), name);
		else
			err_set(e, _("%s: no SRV record"), name);
		free(*v);
		*v = NULL;
		rc = 0;
		goto out;
	}
	srv_sort(*v, n);
	rc = (int)n;
out:
	free(ans);
	res_nclose(&st);
	return rc;
}

void
dns_srv_free(struct dns_srv *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].target);
	free(v);
}
