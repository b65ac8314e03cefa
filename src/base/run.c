/* Running a command with a deadline; see run.h. */
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
#include "base/run.h"
#include "base/text.h"
#include "base/util.h"

#define STDERR_KEEP	512	/* enough for the first line of a complaint */

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child(const char *cmd, const char *arg, int out, int errfd)
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
	if (arg != NULL)
		execl("/bin/sh", "sh", "-c", cmd, "sh", arg, (char *)NULL);
	else
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
run_cmd(const char *what, const char *reason, const char *cmd,
    const char *label, const char *arg, int timeout, size_t max, bool secret,
    char **out, size_t *len, char **errline, int *exit_status, struct err *e)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, status = 0, rc = -1;
	char *buf, errbuf[STDERR_KEEP], *line, *shown, tmp[512];
	size_t blen = 0, elen = 0;
	bool too_long = false, timed_out = false, reaped = false;
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	struct pollfd pfd[2];
	double deadline, left;
	ssize_t r;
	pid_t pid, w;
	int i, nfd;

	*out = NULL;
	*len = 0;
	if (exit_status != NULL)
		*exit_status = 0;
	if (errline != NULL)
		*errline = NULL;
	if (timeout <= 0)
		timeout = 30;
	if (label == NULL)
		label = cmd;
	shown = str_escape(label, strlen(label));
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1) {
		err_setr(e, reason, "%s `%s`: %s", what, shown, strerror(errno));
		goto close_pipes;
	}
	buf = xmalloc(max + 1);
	deadline = time_now() + timeout;
	if ((pid = fork()) == -1) {
		err_setr(e, reason, "%s `%s`: %s", what, shown, strerror(errno));
		free(buf);
		goto close_pipes;
	}
	if (pid == 0)
		child(cmd, arg, po[1], pe[1]);
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
				if (blen < max)
					r = read(po[0], buf + blen, max - blen);
				else {
					r = read(po[0], tmp, sizeof tmp);
					if (r > 0)
						too_long = true;
					mem_wipe(tmp, sizeof tmp);
				}
				if (r > 0 && blen < max)
					blen += (size_t)r;
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
		err_setr(e, "timeout", _("%s `%s` did not finish within %d "
		    "seconds"), what, shown, timeout);
	else if (WIFSIGNALED(status))
		err_setr(e, reason, _("%s `%s` was killed by signal %d%s%s"), what,
		    shown, WTERMSIG(status), *line ? ": " : "", line);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	    exit_status == NULL)
		err_setr(e, reason, _("%s `%s` failed with exit status %d%s%s"),
		    what, shown, WEXITSTATUS(status), *line ? ": " : "", line);
	else if (too_long)
		err_setr(e, reason, _("%s `%s` printed more than %zu bytes"), what,
		    shown, max);
	else {
		buf[blen] = '\0';
		if (secret) {
			/* A block of the secret's size, and the big one wiped. */
			*out = xmalloc(blen + 1);
			memcpy(*out, buf, blen + 1);
			mem_wipe(buf, max + 1);
			free(buf);
		} else
			*out = xrealloc(buf, blen + 1);
		buf = NULL;
		*len = blen;
		if (exit_status != NULL)
			*exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
		if (errline != NULL) {
			*errline = line;
			line = NULL;
		}
		rc = 0;
	}
	free(line);
	if (buf != NULL) {
		if (secret)
			mem_wipe(buf, max + 1);
		free(buf);
	}
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
