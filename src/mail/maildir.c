/* Sent copies into a Maildir; see maildir.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/maildir.h"
#include "mail/msg.h"

static atomic_uint counter;

int
maildir_store(struct msg *m, unsigned flags, const char *dir, char **path,
    struct err *e)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char host[256], buf[65536], *tmp = NULL, *cur = NULL, *sub;
	struct timeval tv;
	ssize_t n;
	size_t i;
	int fd = -1, rc = -1;
	bool held_cr = false;

	*path = NULL;
	for (i = 0; i < 3; i++) {
		sub = xasprintf("%s/%s", dir, subs[i]);
		if (mkdir_p(sub) == -1) {
			err_set(e, _("sent copy: cannot create `%s': %s"), sub,
			    strerror(errno));
			free(sub);
			return -1;
		}
		free(sub);
	}
	if (gethostname(host, sizeof host) == -1)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	/* '/' and ':' may not appear in a Maildir name. */
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ':')
			*h = '_';
	gettimeofday(&tv, NULL);
	tmp = xasprintf("%s/tmp/%lld.M%ldP%dQ%u.%s", dir, (long long)tv.tv_sec,
	    (long)tv.tv_usec, (int)getpid(), atomic_fetch_add(&counter, 1) + 1, host);
	cur = xasprintf("%s/cur/%s:2,S", dir, strrchr(tmp, '/') + 1);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		err_set(e, _("sent copy: cannot create `%s': %s"), tmp, strerror(errno));
		goto out;
	}
	if (msg_start(m, flags, e) == -1)
		goto out;
	while ((n = msg_read(m, buf, sizeof buf, e)) > 0) {
		/* Maildir files hold lines as the system writes them: LF. A
		 * CR is held back until the next byte shows it ends a line. */
		char out[sizeof buf + 1];
		size_t j, k = 0;

		for (j = 0; j < (size_t)n; j++) {
			if (held_cr && buf[j] != '\n')
				out[k++] = '\r';
			held_cr = buf[j] == '\r';
			if (!held_cr)
				out[k++] = buf[j];
		}
		if (write(fd, out, k) != (ssize_t)k) {
			err_set(e, _("sent copy: cannot write `%s': %s"), tmp,
			    strerror(errno));
			goto out;
		}
	}
	if (n < 0)
		goto out;	/* msg_read said why */
	if (held_cr && write(fd, "\r", 1) != 1) {
		err_set(e, _("sent copy: cannot write `%s': %s"), tmp,
		    strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		err_set(e, _("sent copy: cannot write `%s': %s"), tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, cur) == -1) {
		err_set(e, _("sent copy: cannot move it into `%s/cur': %s"), dir,
		    strerror(errno));
		goto out;
	}
	/* Kept once the folder says so, like a draft. */
	sub = xasprintf("%s/cur", dir);
	(void)fsync_dir(sub);
	free(sub);
	*path = cur;
	cur = NULL;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(cur);
	return rc;
}
