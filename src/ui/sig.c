/* Signals; see sig.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ui/sig.h"
#include "ui/term.h"

static volatile sig_atomic_t g_sig;
static int g_pipe[2] = { -1, -1 };
static void (*g_crash)(void *, int);
static void *g_crash_arg;
/* ncurses notes a resize in its own SIGWINCH handler; ours calls it and
 * also wakes poll(), which may be about to sleep with no timeout. */
static struct sigaction curses_winch;

static void
wake(void)
{
	int saved = errno;
	char c = 0;

	if (g_pipe[1] != -1 && write(g_pipe[1], &c, 1) == -1)
		c = 1;
	errno = saved;
}

static void
on_signal(int sig)
{
	g_sig = sig;
	wake();
}

static void
on_winch(int sig)
{
	if (curses_winch.sa_handler != SIG_DFL &&
	    curses_winch.sa_handler != SIG_IGN &&
	    curses_winch.sa_handler != NULL)
		curses_winch.sa_handler(sig);
	wake();
}

/* Crashes: the terminal back first, then try to keep the text, as
 * htop's crash handler does. */
static void
on_fatal(int sig)
{
	static volatile sig_atomic_t once;

	if (once++)
		_exit(128 + sig);
	term_end_now();
	if (g_crash != NULL)
		g_crash(g_crash_arg, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
handlers(bool on)
{
	static const int term[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	for (i = 0; i < sizeof term / sizeof term[0]; i++)
		sigaction(term[i], &sa, NULL);
	sa.sa_handler = on ? on_fatal : SIG_DFL;
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_handler = on ? SIG_IGN : SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
}

int
sig_start(void (*crash)(void *, int), void *arg)
{
	struct sigaction sa;

	if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	g_crash = crash;
	g_crash_arg = arg;
	handlers(true);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, &curses_winch);
	return 0;
}

void
sig_stop(void)
{
	if (g_pipe[0] == -1)
		return;
	sigaction(SIGWINCH, &curses_winch, NULL);
	handlers(false);
	g_crash = NULL;
	close(g_pipe[0]);
	close(g_pipe[1]);
	g_pipe[0] = g_pipe[1] = -1;
}

int
sig_fd(void)
{
	return g_pipe[0];
}

int
sig_take(void)
{
	char junk[64];
	int sig;

	while (g_pipe[0] != -1 && read(g_pipe[0], junk, sizeof junk) > 0)
		;
	sig = g_sig;
	g_sig = 0;
	return sig;
}

void
sig_child_reset(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE };
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
}

void
sig_child_terminal(bool child)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = child ? SIG_IGN : on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}
