/* Text of the full-screen views: the help screen (every key), the TLS
 * diagnostics screen and the dialogue view. Pure builders that fill a
 * struct lines; the pager draws them. */
#ifndef MISSIVE_VIEWS_H
#define MISSIVE_VIEWS_H

#include <stdbool.h>

#include "net/event.h"
#include "ui/lines.h"

struct tls_view_in {
	const char *server;		/* as typed in the Server field */
	int policy;			/* enum tls_mode, or -1 if unknown */
	bool fallback;
	const struct result *result;	/* last send or probe, or NULL */
	const struct tls_info *live;	/* TLS info seen in a running job */
	bool running;			/* a send or probe is running */
	bool probe;			/* the result came from a probe */
	int width;			/* columns the lines may take */
	bool utf8;			/* bars of blocks, not of # */
};

void view_help(struct lines *out);
void view_tls(struct lines *out, const struct tls_view_in *in);

struct receipt;
/* The receipt of the last message sent (NULL: none yet); stale: a later
 * send was not accepted. path: where every receipt is kept. */
void view_receipt(struct lines *out, const struct receipt *r, bool stale,
    const char *path);

#endif
