/* The composer: the ncurses front end. The only module that touches the
 * terminal. */
#ifndef MISSIVE_UI_H
#define MISSIVE_UI_H

#include <stdbool.h>

struct ui_opts {
	const char *profile;		/* -p NAME, or NULL for the default */
	const char *subject;		/* -s */
	const char *const *attach;	/* -a FILE..., NULL-terminated or NULL */
	const char *const *args;	/* ADDRESS or mailto: URL..., NULL-terminated */
	const char *theme;		/* --theme, or NULL */
	bool demo;			/* --demo: demo sink and demo profile */
	/* missive reply / forward: the message file ("-": standard input,
	 * the terminal then read from /dev/tty) */
	const char *answer;
	bool forward;			/* forward it, else reply */
	bool all;			/* reply --all */
	bool inline_text;		/* forward --inline */
	bool dry_run;			/* print the answer; no terminal */
};

/* Runs the composer until the user quits; returns the process exit status.
 * Main thread only. */
int ui_run(const struct ui_opts *o);

#endif
