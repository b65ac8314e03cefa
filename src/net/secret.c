/* Secrets from a command (password_cmd): runs it through /bin/sh -c in a
 * process group of its own with a deadline, takes its stdout as the
 * secret, and wipes every buffer that held it. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "net/secret.h"

#define SECRET_MAX	16384	/* a password or an OAuth token fits */
#define STDERR_KEEP	512	/* enough for the first line of a complaint */

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child(const char *cmd, int out, int errfd)
{
	struct sigaction sa;
	sigset_t none;
	int null;

	setpgid(0, 0);
	/* The caller may be a thread with signals blocked, or a program
	 * that ignores SIGPIPE: the command gets the usual defaults. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	if ((null = open("/dev/null", O_RDONLY)) != -1) {
		dup2(null, 0);
		if (null != 0)
			close(null);
	}
	if (dup2(out, 1) == -1 || dup2(errfd, 2) == -1)
		_exit(126);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* The first line of what the command said on stderr, escaped. */
static char *
first_line(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);

	if (nl != NULL)
		n = (size_t)(nl - s);
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	return str_escape(s, n);
}

static void
kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

int
secret_from_cmd(const char *cmd, int timeout, char **out, struct err *e)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status = 0, rc = -1;
	char *sec, errbuf[STDERR_KEEP], *line, *shown, tmp[512];
	size_t slen = 0, elen = 0;
	bool too_long = false, timed_out = false, reaped = false;
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	struct pollfd pfd[2];
	double deadline, left;
	ssize_t r;
	pid_t pid, w;
	int i, nfd;

	*out = NULL;
	if (cmd == NULL || *cmd == '\0')
		return err_setr(e, "auth", "%s", _("password_cmd is empty"));
	if (timeout <= 0)
		timeout = 30;
	shown = str_escape(cmd, strlen(cmd));
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1) {
		err_setr(e, "auth", _("password_cmd `%s`: %s"), shown,
		    strerror(errno));
		goto close_pipes;
	}
	sec = xmalloc(SECRET_MAX + 1);
	deadline = time_now() + timeout;
	if ((pid = fork()) == -1) {
		err_setr(e, "auth", _("password_cmd `%s`: %s"), shown,
		    strerror(errno));
		free(sec);
		goto close_pipes;
	}
	if (pid == 0)
		child(cmd, po[1], pe[1]);
	/* Also in the parent, against a race with the child's own call. */
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;

	/* Read both pipes until the command closes them or time runs out. */
	while (po[0] != -1 || pe[0] != -1) {
		left = deadline - time_now();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		nfd = 0;
		if (po[0] != -1) {
			pfd[nfd].fd = po[0];
			pfd[nfd++].events = POLLIN;
		}
		if (pe[0] != -1) {
			pfd[nfd].fd = pe[0];
			pfd[nfd++].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nfd, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nfd; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == po[0]) {
				if (slen < SECRET_MAX)
					r = read(po[0], sec + slen,
					    SECRET_MAX - slen);
				else {
					r = read(po[0], tmp, sizeof tmp);
					if (r > 0)
						too_long = true;
					mem_wipe(tmp, sizeof tmp);
				}
				if (r > 0 && slen < SECRET_MAX)
					slen += (size_t)r;
				if (r == 0 || (r == -1 && errno != EINTR &&
				    errno != EAGAIN)) {
					close(po[0]);
					po[0] = -1;
				}
			} else {
				if (elen < sizeof errbuf)
					r = read(pe[0], errbuf + elen,
					    sizeof errbuf - elen);
				else
					r = read(pe[0], tmp, sizeof tmp);
				if (r > 0 && elen < sizeof errbuf)
					elen += (size_t)r;
				if (r == 0 || (r == -1 && errno != EINTR &&
				    errno != EAGAIN)) {
					close(pe[0]);
					pe[0] = -1;
				}
			}
		}
	}

	/* The pipes are closed; the command may still be running. */
	while (!timed_out) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			reaped = true;
			break;
		}
		if (w == -1 && errno != EINTR) {
			/* SIGCHLD ignored: the child was reaped for us. */
			reaped = true;
			status = 0;
			break;
		}
		if (time_now() >= deadline) {
			timed_out = true;
			break;
		}
		nanosleep(&nap, NULL);
	}
	/* Only a command that overran its time is killed, with whatever it
	 * started in its group; a clean exit leaves daemons it spawned
	 * (gpg-agent) alone. */
	if (!reaped) {
		kill_group(pid);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}

	line = first_line(errbuf, elen);
	if (timed_out)
		err_setr(e, "timeout",
		    _("password_cmd `%s` did not finish within %d seconds"),
		    shown, timeout);
	else if (WIFSIGNALED(status))
		err_setr(e, "auth", _("password_cmd `%s` was killed by signal %d%s%s"),
		    shown, WTERMSIG(status), *line ? ": " : "", line);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		err_setr(e, "auth", _("password_cmd `%s` failed with exit status %d%s%s"),
		    shown, WEXITSTATUS(status), *line ? ": " : "", line);
	else if (too_long)
		err_setr(e, "auth",
		    _("password_cmd `%s` printed more than %d bytes"), shown,
		    SECRET_MAX);
	else {
		if (slen > 0 && sec[slen - 1] == '\n')
			slen--;
		sec[slen] = '\0';
		if (slen == 0)
			err_setr(e, "auth",
			    _("password_cmd `%s` printed nothing%s%s"), shown,
			    *line ? ": " : "", line);
		else if (strlen(sec) != slen)
			err_setr(e, "auth",
			    _("password_cmd `%s` printed a NUL byte"), shown);
		else {
			*out = xstrndup(sec, slen);
			rc = 0;
		}
	}
	free(line);
	mem_wipe(sec, SECRET_MAX + 1);
	free(sec);
	mem_wipe(errbuf, sizeof errbuf);
close_pipes:
	for (i = 0; i < 2; i++) {
		if (po[i] != -1)
			close(po[i]);
		if (pe[i] != -1)
			close(pe[i]);
	}
	free(shown);
	return rc;
}
