#!/bin/sh
# Shell completion (completions/bash/missive, completions/zsh/_missive):
# the options each script offers are those of the command's --help; and in
# an interactive bash and zsh in tmux, with the build's missive on PATH and
# profiles in a test XDG_CONFIG_HOME, `missive sen<TAB>` completes the
# subcommand, `missive -p <TAB>` lists the profiles (missive profiles
# --names), --theme the themes (missive --list-themes), -a the files.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

BASH_COMP=$TESTS_SRCDIR/../completions/bash/missive
ZSH_COMP_DIR=$TESTS_SRCDIR/../completions/zsh
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[ -f "$BASH_COMP" ] && [ -f "$ZSH_COMP_DIR/_missive" ] || fail "no completion scripts in $TESTS_SRCDIR/../completions"
[ -f "$BASH_COMPLETION" ] ||
    skip "bash-completion is not installed (apt-get install bash-completion; tools/deps does)"
BIN_DIR=$(cd "$(dirname "$MISSIVE")" && pwd)
[ "$(basename "$MISSIVE")" = missive ] || fail "MISSIVE must be a program named missive, not $MISSIVE"

mkdir -p "$XDG_CONFIG_HOME/missive"
cat >"$XDG_CONFIG_HOME/missive/profiles.ini" <<'EOF'
[work]
server = mail.example.org:587

[home]
server = mx.example.net
EOF
: >"$WORK/notes.txt"

# --- the option lists follow --help ------------------------------------------

# help_opts CMD...: the options on the option lines of CMD's --help.
help_opts() {
	"$MISSIVE" "$@" --help | grep -E '^ +-' |
	    grep -o -E '(^|[ ,])--?[A-Za-z][A-Za-z-]*' | sed 's/^[ ,]*//' | sort -u
}
# bash_offers WORD...: what the bash completion offers for the line WORD...
bash_offers() {
	PATH=$BIN_DIR:$PATH bash -c '
	    . "$1"; . "$2"; shift 2
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	    _missive missive "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	    printf "%s\n" "${COMPREPLY[@]}"' sh "$BASH_COMPLETION" "$BASH_COMP" "$@"
}
for cmd in "" send probe profiles setup servers receipts reply forward sendmail outbox; do
	help_opts $cmd >"$WORK/help-opts-${cmd:-composer}"
	[ -s "$WORK/help-opts-${cmd:-composer}" ] || fail "no options found in missive $cmd --help"
	bash_offers missive $cmd - | sort -u >"$WORK/bash-opts-${cmd:-composer}"
	# --help itself may be missing from a command's list of options.
	missing=$(comm -23 "$WORK/help-opts-${cmd:-composer}" "$WORK/bash-opts-${cmd:-composer}" | tr '\n' ' ')
	extra=$(comm -13 "$WORK/help-opts-${cmd:-composer}" "$WORK/bash-opts-${cmd:-composer}" |
	    grep -v -x -e --help -e -h | tr '\n' ' ')
	[ -z "$missing" ] || fail "bash completion of 'missive $cmd' lacks $missing(in --help)"
	[ -z "$extra" ] || fail "bash completion of 'missive $cmd' offers $extra(not in --help)"
	for o in $(grep -e '^--' "$WORK/help-opts-${cmd:-composer}"); do
		grep -q -E -e "$o([^A-Za-z-]|\$)" "$ZSH_COMP_DIR/_missive" ||
		    fail "zsh completion lacks $o of missive $cmd --help"
	done
done
pass "bash and zsh complete exactly the options of each command's --help"

# `missive servers forget <TAB>`: the servers remembered.
mkdir -p "$XDG_STATE_HOME/missive"
printf '%s\n' "mail.example.org:587 starttls verified 2025-01-01T00:00:00Z 2025-02-01T00:00:00Z -" \
    >"$XDG_STATE_HOME/missive/servers"
assert_eq "$(bash_offers missive servers '')" forget "bash: missive servers <TAB>"
assert_eq "$(bash_offers missive servers forget '')" mail.example.org:587 "bash: missive servers forget <TAB>"
pass "bash: missive servers <TAB> offers forget, then the remembered servers"

# --- an interactive bash -------------------------------------------------------

# shell_start NAME COMMAND: a fresh tmux server running COMMAND in $WORK.
shell_start() {
	TUI_RUNS=$((TUI_RUNS + 1))
	tui_use "$TUI_RUNS"
	tmux_ new-session -d -s tui -x "$TUI_W" -y "$TUI_H" -c "$WORK" \
	    "env -i HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
XDG_DATA_HOME='$XDG_DATA_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
MISSIVE_DATADIR='$MISSIVE_DATADIR' LC_ALL=C.UTF-8 TERM='$TUI_TERM' \
PATH='$BIN_DIR:/usr/bin:/bin' $2; echo SHELL-EXIT=\$?; sleep 600" ||
	    fail "cannot start tmux for $1"
	tmux_ set-option -t tui status off >/dev/null 2>&1
}
# line_wait TEXT: the prompt line (the last row that starts with TEXT's
# first word, the prompt) is TEXT; a list may show below it.
line_wait() {
	_i=0
	while [ $_i -lt 100 ]; do
		[ "$(tui_screen | grep -F -e "${1%% *}" | tail -n 1 | sed 's/ *$//')" = "$1" ] && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	tui_dump
	fail "the prompt line is not '$1'"
}

cat >"$WORK/bashrc" <<EOF
PS1='bash\$ '
. '$BASH_COMPLETION'
. '$BASH_COMP'
EOF
shell_start bash "bash --noprofile --rcfile '$WORK/bashrc' -i"
line_wait 'bash$'
tui_type "missive sen"
tui_keys Tab
line_wait 'bash$ missive send'
tui_keys C-u
tui_type "missive setu"
tui_keys Tab
line_wait 'bash$ missive setup'
pass "bash: missive sen<TAB> and setu<TAB> complete to missive send and setup (se: send, servers or setup)"

tui_keys C-u
tui_type "missive -p "
tui_keys Tab Tab
tui_wait "home"
tui_screen | grep -E -q '^home +work *$' || { tui_dump; fail "missive -p <TAB><TAB> does not list home and work"; }
tui_type "wo"
tui_keys Tab
line_wait 'bash$ missive -p work'
pass "bash: missive -p <TAB> lists the profiles and completes one"

tui_keys C-u
tui_type "missive --theme sol"
tui_keys Tab
line_wait 'bash$ missive --theme solarized-dark'
tui_keys C-u
tui_type "missive -a not"
tui_keys Tab
line_wait 'bash$ missive -a notes.txt'
tui_keys C-u
tui_type "missive send --bo"
tui_keys Tab
line_wait 'bash$ missive send --body'
pass "bash: themes for --theme, files for -a, options of send"

# --- an interactive zsh --------------------------------------------------------

if ! command -v zsh >/dev/null 2>&1; then
	note "zsh is not installed: its interactive check is left out (tools/deps installs it)"
	exit 0
fi
mkdir -p "$WORK/zsh"
cat >"$WORK/zsh/.zshrc" <<EOF
PS1='zsh%% '
fpath=('$ZSH_COMP_DIR' \$fpath)
autoload -Uz compinit && compinit -u -d '$WORK/zsh/compdump'
EOF
shell_start zsh "ZDOTDIR='$WORK/zsh' zsh -i"
line_wait 'zsh%'
tui_type "missive sen"
tui_keys Tab
line_wait 'zsh% missive send'
tui_keys C-u
tui_type "missive -p "
tui_keys Tab
tui_wait "home"
tui_screen | grep -E -q '^home +work *$' || { tui_dump; fail "zsh: missive -p <TAB> does not list home and work"; }
tui_type "w"
tui_keys Tab
line_wait 'zsh% missive -p work'
tui_keys C-u
tui_type "missive --theme=sol"
tui_keys Tab
line_wait 'zsh% missive --theme=solarized-dark'
pass "zsh: missive sen<TAB>, the profiles for -p, the themes for --theme"
