/* Running `missive setup` from the composer; see wizard.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "mail/address.h"
#include "ui/sig.h"
#include "ui/state.h"
#include "ui/term.h"
#include "ui/wizard.h"

/* What the child wrote on its --name-fd, up to the newline. */
static char *
read_name(int fd)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0' ? xstrdup(buf) : NULL;
}

/* After a failure its words stay on the screen until the user has read
 * them. */
static void
wait_enter(void)
{
	char c;

	fputs(_("\nPress Enter to go back to the composer."), stdout);
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n' && c != '\r')
		;
}

/* The profiles as the file says now; the one named name (may be NULL)
 * put to use. */
static void
reload(struct ui *u, const char *name)
{
	const struct profile *p;
	struct err e;
	const char *keep = u->prof != NULL && u->prof != &u->demo_prof ?
	    u->prof->name : NULL;

	err_clear(&e);
	if (ui_reload_profiles(u, keep, &e) == -1) {
		ui_msg(u, SEV_ERROR, _("The profiles cannot be read back: %s"),
		    e.msg);
		return;
	}
	if (name == NULL || (p = profiles_find(u->ps, name)) == NULL)
		return;
	ui_apply_profile(u, p, true);
	ui_msg(u, SEV_OK, _("Profile %s made by missive setup and in use: "
	    "server %s, from %s."), p->name, p->server ? p->server : "-",
	    p->from ? p->from : "-");
}

void
wizard_run(struct ui *u)
{
	char *from = ui_field(u, F_FROM), *addr = NULL, *self, *name = NULL;
	const struct profile *cur = ui_profile(u);
	char *argv[8];
	int pfd[2], status = 0, argc = 0;
	pid_t pid;

	/* The demo's address has no server to find. */
	if (*from != '\0' && !u->demo_on)
		addr = addr_bare(from);
	free(from);
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot run missive setup: %s"),
		    strerror(errno));
		free(addr);
		return;
	}
	/* This very program, so that the setup is the one of this build. */
	if ((self = self_path()) == NULL)
		self = xstrdup("missive");
	argv[argc++] = self;
	argv[argc++] = (char *)"setup";
	argv[argc++] = (char *)"--name-fd";
	argv[argc++] = (char *)"3";
	/* A private CA the profile in use trusts is trusted for the new one
	 * too (the demo's is not). */
	if (cur != NULL && !u->demo_on && cur->ca_file != NULL) {
		argv[argc++] = (char *)"--ca-file";
		argv[argc++] = cur->ca_file;
	}
	if (addr != NULL && *addr != '\0')
		argv[argc++] = addr;
	argv[argc] = NULL;
	term_suspend();
	sig_child_terminal(true);
	fputs(_("missive setup (Ctrl-C goes back to the composer)\n\n"), stdout);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sig_child_reset();
		/* The name comes back on descriptor 3 (dup2 leaves the
		 * copy open across exec; the same number would not be). */
		if (dup2(pfd[1], 3) == -1 || fcntl(3, F_SETFD, 0) == -1)
			_exit(127);
		/* Its explanations go where its questions are, whatever
		 * the composer's stderr is. */
		if (isatty(STDOUT_FILENO))
			dup2(STDOUT_FILENO, STDERR_FILENO);
		execv(self, argv);
		execvp("missive", argv);
		_exit(127);
	}
	close(pfd[1]);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		name = read_name(pfd[0]);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			wait_enter();
	}
	close(pfd[0]);
	sig_child_terminal(false);
	term_resume();
	u->dirty = true;
	if (pid == -1)
		ui_msg(u, SEV_ERROR, _("Cannot run missive setup: %s"),
		    strerror(errno));
	else if (name != NULL)
		reload(u, name);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		ui_msg(u, SEV_ERROR, _("Cannot run missive setup (%s)."), self);
	else
		ui_msg(u, SEV_INFO, _("missive setup wrote no profile."));
	free(name);
	free(self);
	free(addr);
}
