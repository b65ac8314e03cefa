/* The external editor; see editor.h. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"
#include "ui/editor.h"
#include "ui/sig.h"
#include "ui/state.h"
#include "ui/term.h"

#define EDITOR_FILE_MAX	(64 * 1024 * 1024)	/* a body, not an archive */

void
editor_run(struct ui *u)
{
	const char *ed = getenv("VISUAL"), *tmp = getenv("TMPDIR");
	char *path, *cmd, *text, *back;
	struct err e;
	size_t tl, bl;
	pid_t pid;
	int fd, status = 0;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if ((fd = tmpfile_make(tmp, "missive-body-", ".txt", &path)) == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot make a file for the editor in %s: "
		    "%s"), tmp, strerror(errno));
		return;
	}
	text = tb_utf8(u->body);
	tl = strlen(text);
	if (write(fd, text, tl) != (ssize_t)tl || close(fd) == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot write %s: %s"), path,
		    strerror(errno));
		unlink(path);
		free(path);
		free(text);
		return;
	}
	/* "$1" keeps any path safe from the shell; the editor variable may
	 * hold arguments (emacs -nw), as git treats it. */
	cmd = xasprintf("%s \"$1\"", ed);
	term_suspend();
	sig_child_terminal(true);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	sig_child_terminal(false);
	term_resume();
	u->dirty = true;
	free(cmd);
	if (pid == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot start the editor: %s"),
		    strerror(errno));
		unlink(path);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ui_msg(u, SEV_ERROR, _("The editor (%s) failed (status %d); the "
		    "body is unchanged. Its file is kept: %s"), ed,
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
		    WTERMSIG(status), path);
		goto out;
	}
	err_clear(&e);
	if (file_read(path, EDITOR_FILE_MAX, &back, NULL, NULL, &e) != 0) {
		ui_msg(u, SEV_ERROR, _("Cannot read the editor's file back: "
		    "%s: %s; the body is unchanged."), path, e.msg[0] ? e.msg :
		    strerror(ENOENT));
		goto out;
	}
	/* Editors add a final newline; don't count it as a change. */
	bl = strlen(back);
	if (bl == tl + 1 && back[bl - 1] == '\n' && strncmp(back, text, tl) == 0)
		back[--bl] = '\0';
	if (strcmp(back, text) != 0) {
		/* The editor had the text: its own undo covers what it did. */
		tb_load_utf8(u->body, back);
		ui_msg(u, SEV_OK, _("Body read back from %s."), ed);
	} else
		ui_msg(u, SEV_INFO, _("The editor left the body unchanged."));
	free(back);
	unlink(path);
	u->focus = FOCUS_BODY;
	u->goal = -1;
out:
	free(text);
	free(path);
}
