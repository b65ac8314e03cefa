/* The external editor; see editor.h. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "mail/msg.h"
#include "ui/editor.h"
#include "ui/sig.h"
#include "ui/state.h"
#include "ui/term.h"

#define EDITOR_FILE_MAX	(64 * 1024 * 1024)	/* a body, not an archive */

/* The fields an edit_headers file shows, in order. */
static const int head_fields[] = { F_FROM, F_TO, F_CC, F_BCC, F_REPLY_TO,
	F_SUBJECT };
static const char *const head_names[] = { "From", "To", "Cc", "Bcc",
	"Reply-To", "Subject" };
#define NHEAD (sizeof head_fields / sizeof head_fields[0])

/* The file: with edit_headers the header first, as mutt writes it. */
static char *
file_text(struct ui *u, const char *body, bool heads)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, "");
	if (heads) {
		for (i = 0; i < NHEAD; i++) {
			char *v = ui_field(u, head_fields[i]);

			buf_addf(&b, "%s: %s\n", head_names[i], v);
			free(v);
		}
		if (u->extra_headers != NULL && *u->extra_headers != '\0')
			buf_addf(&b, "%s\n", u->extra_headers);
		buf_addc(&b, '\n');
	}
	buf_adds(&b, body);
	/* Editors and tools want a last line that ends. */
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	return buf_cstr(&b);
}

/* Reads the header part of an edit_headers file back: the fields into
 * vals[], every other line (checked as an extra header) into *extra.
 * Returns where the body starts, or NULL with e naming the bad line. */
static const char *
read_head(const char *text, char *vals[NHEAD], char **extra, struct err *e)
{
	const char *p = text, *nl;
	struct buf x;
	int line = 0;
	size_t i;

	buf_init(&x);
	buf_adds(&x, "");
	for (i = 0; i < NHEAD; i++)
		vals[i] = NULL;
	while (*p != '\0') {
		char *l, *colon, *v;
		size_t n;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		line++;
		if (n == 0) {
			p = nl + 1;
			break;
		}
		l = xstrndup(p, n);
		p = nl != NULL ? nl + 1 : p + n;
		/* A folded line goes on the one before. */
		while (*p == ' ' || *p == '\t') {
			const char *nl2 = strchr(p, '\n');
			size_t n2 = nl2 != NULL ? (size_t)(nl2 - p) : strlen(p);
			char *joined = xasprintf("%s%.*s", l, (int)n2, p);

			free(l);
			l = joined;
			p = nl2 != NULL ? nl2 + 1 : p + n2;
			line++;
		}
		colon = strchr(l, ':');
		for (i = 0; colon != NULL && i < NHEAD; i++)
			if ((size_t)(colon - l) == strlen(head_names[i]) &&
			    strncasecmp(l, head_names[i], (size_t)(colon - l)) == 0)
				break;
		if (colon != NULL && i < NHEAD) {
			for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
				;
			free(vals[i]);
			vals[i] = xstrdup(v);
			free(l);
			continue;
		}
		if (msg_header_check(l, e) == -1) {
			char *m = xasprintf(_("line %d: %s"), line, e->msg);

			err_set(e, "%s", m);
			free(m);
			free(l);
			goto fail;
		}
		if (x.len > 0)
			buf_addc(&x, '\n');
		buf_adds(&x, l);
		free(l);
	}
	*extra = x.len > 0 ? xstrdup(x.data) : NULL;
	buf_free(&x);
	return p;
fail:
	buf_free(&x);
	for (i = 0; i < NHEAD; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
	return NULL;
}

void
editor_run(struct ui *u)
{
	const char *ed = getenv("VISUAL"), *tmp = getenv("TMPDIR"), *bstart;
	char *path, *cmd, *text, *back, *file, *vals[NHEAD], *extra = NULL;
	bool heads = ui_edit_headers(u), changed = false;
	struct err e;
	size_t tl, bl, i;
	pid_t pid;
	int fd, status = 0;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	/* A .eml file: vim, emacs and nano take it for mail (ft=mail). */
	if ((fd = tmpfile_make(tmp, "missive-", ".eml", &path)) == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot make a file for the editor in %s: "
		    "%s"), tmp, strerror(errno));
		return;
	}
	text = tb_utf8(u->body);
	file = file_text(u, text, heads);
	tl = strlen(file);
	if (write(fd, file, tl) != (ssize_t)tl || close(fd) == -1) {
		ui_msg(u, SEV_ERROR, _("Cannot write %s: %s"), path,
		    strerror(errno));
		unlink(path);
		free(path);
		free(text);
		free(file);
		return;
	}
	/* "$1" keeps any path safe from the shell; the editor variable may
	 * hold arguments (emacs -nw), as git treats it. */
	cmd = xasprintf("%s \"$1\"", ed);
	term_suspend();
	sig_child_terminal(true);
	pid = fork();
	if (pid == 0) {
		sig_child_reset();
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
	bstart = back;
	if (heads) {
		err_clear(&e);
		if ((bstart = read_head(back, vals, &extra, &e)) == NULL) {
			ui_msg(u, SEV_ERROR, _("The header in the editor's file is not "
			    "right: %s. Nothing was changed; the file is kept: %s"),
			    e.msg, path);
			free(back);
			goto out;
		}
		for (i = 0; i < NHEAD; i++) {
			char *cur = ui_field(u, head_fields[i]);

			if (vals[i] != NULL && strcmp(cur, vals[i]) != 0) {
				ui_set_field(u, head_fields[i], vals[i], false);
				changed = true;
			}
			free(cur);
			free(vals[i]);
		}
		if ((extra == NULL) != (u->extra_headers == NULL) ||
		    (extra != NULL && strcmp(extra, u->extra_headers) != 0)) {
			free(u->extra_headers);
			u->extra_headers = extra;
			extra = NULL;
			changed = true;
			u->meta_gen++;	/* not a textbuf: the draft must know */
		}
		free(extra);
	}
	/* The last newline is the file's, not the text's. */
	bl = strlen(bstart);
	if (bl > 0 && bstart[bl - 1] == '\n' && (strlen(text) == 0 ||
	    text[strlen(text) - 1] != '\n'))
		((char *)bstart)[--bl] = '\0';
	if (strcmp(bstart, text) != 0) {
		/* The editor had the text: its own undo covers what it did. */
		tb_load_utf8(u->body, bstart);
		ui_msg(u, SEV_OK, _("Body read back from %s."), ed);
	} else if (changed)
		ui_msg(u, SEV_OK, _("Header read back from %s."), ed);
	else
		ui_msg(u, SEV_INFO, _("The editor left the body unchanged."));
	free(back);
	unlink(path);
	u->focus = FOCUS_BODY;
	u->goal = -1;
out:
	free(text);
	free(file);
	free(path);
}
