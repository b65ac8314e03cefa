/* The SERVER and HELO grammars; see server.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/encode.h"
#include "net/server.h"

static bool
port_parse(const char *s, int *port)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = (int)v;
	return true;
}

/* A DNS name (letters, digits, '-', '_', dots) or a dotted IPv4 address. */
static bool
hostname_ok(const char *s)
{
	size_t n = strlen(s), label = 0, i, labels = 0;
	bool numeric = true;
	struct in_addr a4;

	if (n == 0 || n > 254 || (n == 254 && s[n - 1] != '.') || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (c > 0x7f || (!isalnum(c) && c != '-' && c != '_'))
			return false;
		if (label == 0 && c == '-')
			return false;
		if (!isdigit(c))
			numeric = false;
		if (++label > 63)
			return false;
	}
	if (label > 0) {
		labels++;
		if (s[n - 1] == '-')
			return false;
	}
	/* All digits and dots: it has to be a real IPv4 address. */
	if (numeric)
		return labels == 4 && inet_pton(AF_INET, s, &a4) == 1;
	return true;
}

static bool
ipv6_ok(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 32];
	const char *pct;
	struct in6_addr a6;

	if (n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* A zone (fe80::1%eth0) is kept for the resolver. */
	if ((pct = strchr(tmp, '%')) != NULL) {
		if (pct[1] == '\0')
			return false;
		tmp[pct - tmp] = '\0';
	}
	return inet_pton(AF_INET6, tmp, &a6) == 1;
}

int
server_split(const char *s, char **host, int *port, struct err *e)
{
	const char *close, *colon = NULL;
	char *h;
	struct err ie;

	*host = NULL;
	*port = 0;
	if (s == NULL || *s == '\0')
		return err_setr(e, "usage", "%s", _("no server given"));
	if (str_has_control(s) || strchr(s, ' ') != NULL)
		return err_setr(e, "usage", "%s", _("spaces and control "
		    "characters are not allowed"));
	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return err_setr(e, "usage", "%s",
			    _("`[` without a closing `]`"));
		if (!ipv6_ok(s + 1, (size_t)(close - s - 1)))
			return err_setr(e, "usage", "%s",
			    _("the part in brackets is not an IPv6 address"));
		if (close[1] != '\0' && close[1] != ':')
			return err_setr(e, "usage", "%s",
			    _("expected `:PORT` after `]`"));
		if (close[1] == ':')
			colon = close + 1;
		h = xstrndup(s + 1, (size_t)(close - s - 1));
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			return err_setr(e, "usage", "%s", _("write an IPv6 address "
			    "in brackets, e.g. `[2001:db8::1]:587`"));
		h = colon != NULL ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
		/* An internationalised name travels as its A-labels. */
		if (enc_has_8bit(h, strlen(h))) {
			char *a;

			err_clear(&ie);
			if ((a = enc_idn_to_ascii(h, &ie)) == NULL) {
				free(h);
				return err_setr(e, "usage", "%s", ie.msg);
			}
			free(h);
			h = a;
		}
		if (!hostname_ok(h)) {
			free(h);
			return err_setr(e, "usage", "%s", _("not a host name, "
			    "`host:port` or `[IPv6]:port`"));
		}
	}
	if (colon != NULL && !port_parse(colon + 1, port)) {
		free(h);
		return err_setr(e, "usage", "%s",
		    _("the port must be a number from 1 to 65535"));
	}
	*host = h;
	return 0;
}

int
server_helo_check(const char *v, struct err *e)
{
	size_t n = strlen(v);
	bool ok;

	if (n > 2 && v[0] == '[' && v[n - 1] == ']') {
		struct in_addr a4;
		char *s = xstrndup(v + 1, n - 2);

		ok = inet_pton(AF_INET, s, &a4) == 1 ||
		    (strncasecmp(s, "IPv6:", 5) == 0 &&
		    ipv6_ok(s + 5, strlen(s + 5)));
		free(s);
	} else
		ok = hostname_ok(v);
	if (!ok)
		return err_setr(e, "usage", "%s", _("not a host name or an "
		    "address literal like [192.0.2.1]"));
	return 0;
}
