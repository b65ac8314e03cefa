/* Signals while the composer runs: SIGTERM, SIGHUP, SIGINT and SIGQUIT
 * are noted and wake the loop through a pipe (the loop saves the draft
 * and ends); SIGWINCH wakes it too; a crash gives the terminal back and
 * tries to keep the text before the process dies; SIGPIPE is ignored.
 * UI thread (the handlers run on it: the worker blocks these). */
#ifndef MISSIVE_SIG_H
#define MISSIVE_SIG_H

#include <stdbool.h>

/* On a crash, after the terminal is given back: fn(arg) may try to keep
 * the text (not async-signal-safe, knowingly: the process is dying). */
int sig_start(void (*crash)(void *arg, int sig), void *arg);
void sig_stop(void);
/* The read end of the wake pipe, for poll(). */
int sig_fd(void);
/* Empties the wake pipe; returns the terminating signal that arrived
 * since the last call, or 0. */
int sig_take(void);
/* A child (the editor) owns the terminal: ^C and ^\ are for it. */
void sig_child_terminal(bool child);
/* In a forked child before exec: the signals the composer handles or
 * ignores back to their defaults. */
void sig_child_reset(void);

#endif
