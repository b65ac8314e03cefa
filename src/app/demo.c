/* Runs the demo sink child; see demo.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/demo.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"

static char *
demo_script(void)
{
	const char *env = getenv("MISSIVE_DEMO_SINK");

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	return data_path("demo-sink");
}

/* The #! line of script: the interpreter and its one argument (into
 * line, which holds both); 0, or -1 when there is none. */
static int
shebang(const char *script, char *line, size_t n, char **interp, char **arg)
{
	FILE *f = fopen(script, "r");
	char *p;
	int rc = -1;

	*interp = *arg = NULL;
	if (f == NULL)
		return -1;
	if (fgets(line, (int)n, f) != NULL && strncmp(line, "#!", 2) == 0) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line + 2; *p == ' '; p++)
			;
		*interp = p;
		if ((p = strchr(p, ' ')) != NULL) {
			*p = '\0';
			if (p[1] != '\0')
				*arg = p + 1;
		}
		rc = 0;
	}
	fclose(f);
	return rc;
}

/* Whether prog (a path, or a name looked up in PATH) can be run. */
static bool
runnable(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	bool ok = false;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	for (p = path != NULL ? path : "/usr/bin:/bin"; !ok && *p != '\0';
	    p = *end ? end + 1 : end) {
		char *full;

		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		full = xasprintf("%.*s/%s", (int)(end - p), p, prog);
		ok = access(full, X_OK) == 0;
		free(full);
	}
	return ok;
}

/* The program the sink needs that is missing (caller frees), or NULL:
 * said before starting it, as "install python3", not as a sink that
 * "exited before reporting its port". */
static char *
missing_interpreter(const char *script)
{
	char line[256], *interp, *arg;
	const char *need;

	if (shebang(script, line, sizeof line, &interp, &arg) == -1)
		return NULL;
	need = strcmp(interp, "/usr/bin/env") == 0 && arg != NULL ? arg : interp;
	return runnable(need) ? NULL : xstrdup(need);
}

/* Execs script, through its #! interpreter when it is not executable. */
static void
exec_script(const char *script, const char *dir)
{
	char line[256], *interp, *arg;

	if (access(script, X_OK) == 0)
		execl(script, script, "run", "--dir", dir, (char *)NULL);
	if (shebang(script, line, sizeof line, &interp, &arg) == -1)
		execl("/bin/sh", "sh", script, "run", "--dir", dir, (char *)NULL);
	else if (arg != NULL)
		execl(interp, interp, arg, script, "run", "--dir", dir,
		    (char *)NULL);
	else
		execl(interp, interp, script, "run", "--dir", dir, (char *)NULL);
	_exit(127);
}

/* The demo folder is made 0700 or must already be a private folder of
 * ours, not a symbolic link: in /tmp anyone could have made it first,
 * and the sink writes its certificates and the mail into it. */
static int
private_dir(const char *dir, struct err *e)
{
	struct stat st;
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_set(e, _("cannot create %s: %s"), dir, strerror(errno));
	/* Opened without following a link, then judged as opened. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && (errno == ELOOP || errno == ENOTDIR) &&
	    lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		return err_set(e, _("%s is a symbolic link; the demo folder must be "
		    "a private folder of yours: remove it, or set XDG_RUNTIME_DIR "
		    "to a private folder"), dir);
	if (fd == -1)
		return err_set(e, _("%s: %s; the demo folder must be a private "
		    "folder of yours"), dir, strerror(errno));
	if (fstat(fd, &st) == -1) {
		err_set(e, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (st.st_uid != getuid()) {
		const char *who = getpwuid_r(st.st_uid, &pw, pwbuf, sizeof pwbuf,
		    &res) == 0 && res != NULL ? pw.pw_name : NULL;
		char num[32];

		snprintf(num, sizeof num, "%ld", (long)st.st_uid);
		return err_set(e, _("%s belongs to another user (%s); the demo folder "
		    "must be a private folder of yours: remove it, or set "
		    "XDG_RUNTIME_DIR to a private folder"), dir, who ? who : num);
	}
	if ((st.st_mode & 077) != 0)
		return err_set(e, _("%s is open to other users (mode %04o); the demo "
		    "folder must be a private folder of yours: run `chmod 700 %s`"),
		    dir, (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

static void
demo_reset(struct demo *d)
{
	free(d->dir);
	free(d->ca_file);
	free(d->maildir);
	free(d->script);
	memset(d, 0, sizeof *d);
	d->fd = -1;
}

int
demo_start(struct demo *d, struct err *e)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char *logpath, buf[512];
	size_t have = 0;
	double deadline;
	int pfd[2], logfd;
	pid_t pid;

	memset(d, 0, sizeof *d);
	d->fd = -1;
	d->script = demo_script();
	if (access(d->script, R_OK) == -1) {
		err_set(e, _("demo sink %s: %s (set MISSIVE_DEMO_SINK to its "
		    "path)"), d->script, strerror(errno));
		demo_reset(d);
		return -1;
	}
	if ((logpath = missing_interpreter(d->script)) != NULL) {
		err_set(e, _("the demo's local mail sink is a Python program and "
		    "%s is not installed: install it (apt install python3) and "
		    "try again; `missive send` works without it"), logpath);
		free(logpath);
		demo_reset(d);
		return -1;
	}
	d->dir = xasprintf("%s/missive-demo-%ld", rt && *rt == '/' ? rt : "/tmp",
	    (long)getuid());
	d->ca_file = xasprintf("%s/pki/ca.pem", d->dir);
	d->maildir = xasprintf("%s/Maildir", d->dir);
	if (private_dir(d->dir, e) == -1) {
		demo_reset(d);
		return -1;
	}
	logpath = xasprintf("%s/sink.log", d->dir);
	logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	free(logpath);
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		err_set(e, _("pipe: %s"), strerror(errno));
		if (logfd != -1)
			close(logfd);
		demo_reset(d);
		return -1;
	}
	if ((pid = fork()) == -1) {
		err_set(e, _("fork: %s"), strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		if (logfd != -1)
			close(logfd);
		demo_reset(d);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* Its own process group, so the terminal's ^C never hits it. */
		setpgid(0, 0);
		if (null != -1)
			dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(logfd != -1 ? logfd : (null != -1 ? null : 2), 2);
		signal(SIGPIPE, SIG_DFL);
		exec_script(d->script, d->dir);
		_exit(127);
	}
	close(pfd[1]);
	if (logfd != -1)
		close(logfd);
	d->pid = pid;
	d->fd = pfd[0];
	deadline = time_now() + 10;
	for (;;) {
		struct pollfd p = { .fd = d->fd, .events = POLLIN };
		double left = deadline - time_now();
		char *nl, *line;
		ssize_t n;

		if (left <= 0) {
			err_set(e, _("the demo sink did not report its port within "
			    "10 s (see %s/sink.log)"), d->dir);
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			err_set(e, "poll: %s", strerror(errno));
			break;
		}
		n = read(d->fd, buf + have, sizeof buf - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(e, _("the demo sink exited before reporting its "
			    "port (see %s/sink.log)"), d->dir);
			break;
		}
		have += (size_t)n;
		buf[have] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n')) != NULL) {
			int port;

			*nl = '\0';
			if (sscanf(line, "PORT %d", &port) == 1 && port > 0 &&
			    port < 65536) {
				d->port = port;
				/* Nothing more is read: don't let a chatty
				 * child block on a full pipe. */
				fcntl(d->fd, F_SETFL, O_NONBLOCK);
				return 0;
			}
			line = nl + 1;
		}
		have = strlen(line);
		memmove(buf, line, have + 1);
		if (have == sizeof buf - 1)
			have = 0;
	}
	demo_stop(d);
	return -1;
}

void
demo_kill_now(const struct demo *d)
{
	if (d != NULL && d->pid > 0 && kill(-d->pid, SIGTERM) == -1)
		kill(d->pid, SIGTERM);
}

void
demo_stop(struct demo *d)
{
	int i, status;

	if (d->pid > 0) {
		/* The child leads its own group: stop what it started too. */
		demo_kill_now(d);
		for (i = 0; i < 100; i++) {
			pid_t r = waitpid(d->pid, &status, WNOHANG);

			if (r == d->pid || (r == -1 && errno != EINTR))
				break;
			usleep(10000);
		}
		if (i == 100) {
			if (kill(-d->pid, SIGKILL) == -1)
				kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
		}
	}
	if (d->fd != -1)
		close(d->fd);
	demo_reset(d);
}
