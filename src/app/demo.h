/* The demo sink for `missive --demo`: starts the local test server script
 * as a child (`<script> run --dir DIR`), reads the port it listens on, and
 * stops it again. No terminal; the child's stderr goes to DIR/sink.log. */
#ifndef MISSIVE_DEMO_H
#define MISSIVE_DEMO_H

#include <sys/types.h>

#include "base/err.h"

struct demo {
	pid_t pid;		/* 0 when not running */
	int fd;			/* read end of the child's stdout */
	int port;
	char *dir;		/* ${XDG_RUNTIME_DIR:-/tmp}/missive-demo-UID */
	char *ca_file;		/* DIR/pki/ca.pem */
	char *maildir;		/* DIR/Maildir */
	char *script;
};

/* Starts the sink and waits (up to 10 s) for its "PORT n" line. */
int demo_start(struct demo *d, struct err *e);
/* SIGTERM, then SIGKILL after a second; reaps the child. Idempotent. */
void demo_stop(struct demo *d);
/* For fatal paths (signal handlers): SIGTERM only, no waiting. */
void demo_kill_now(const struct demo *d);

#endif
