#!/bin/sh
# Rendering on different terminals: NO_COLOR gives no colour at all (only
# attributes), TERM=xterm (8 colours) and xterm-256color draw the same
# text, every theme can be picked with a live preview, and a broken theme
# is reported with its file and line while the screen stays usable.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

profile work 127.0.0.1:2525 tls=starttls "from=Ann <ann@example.org>"

esc=$(printf '\033')

sgr() {	# the SGR sequences on the screen, one a line, ESC dropped
	tmux_ capture-pane -t tui -p -e | grep -o "$esc\[[0-9;]*m" | tr -d "$esc"
}

sgr_colours() {	# how many SGR sequences set a colour (30-38, 40-48, 90-107)
	sgr | grep -E -c '^\[(([0-9]*;)*)(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)' || true
}

TUI_ENV="NO_COLOR=1"
tui_start -p work --theme dark
tui_wait "Ready."
tui_has "Subject:" || fail "NO_COLOR: fields"
n=$(sgr_colours)
[ "$n" = 0 ] || { sgr | sort | uniq -c; fail "NO_COLOR: $n colour sequences"; }
sgr | grep -E -q '^\[([0-9]*;)*7(;|m)' ||
    fail "NO_COLOR: no reverse video for the title"
pass "NO_COLOR: attributes only"
TUI_ENV=

for term in xterm xterm-256color; do
	TUI_TERM=$term
	tui_start -p work --theme solarized-dark
	tui_wait "Ready."
	tui_has "^X Send" || fail "$term: help line"
	[ "$(sgr_colours)" -gt 0 ] || fail "$term: no colours"
	pass "TERM=$term renders in colour"
done
# A terminal without colours: attributes only, still readable.
TUI_TERM=vt100
tui_start -p work --theme dark
tui_wait "Ready."
tui_has "^X Send" || fail "vt100: help line"
[ "$(sgr_colours)" = 0 ] || fail "vt100: colours on a monochrome terminal"
sgr | grep -E -q '^\[([0-9]*;)*7(;|m)' || fail "vt100: no reverse video"
pass "TERM=vt100 (monochrome) renders with attributes"
TUI_TERM=xterm-256color

# The theme picker previews as the selection moves.
tui_start -p work
tui_wait "Ready."
tui_keys F7
tui_wait "Theme: a preview"
for t in dark default high-contrast light mono solarized-dark; do
	tui_has "$t" || { tui_dump; fail "theme $t not offered"; }
done
before=$(tmux_ capture-pane -t tui -p -e | md5sum)
tui_keys Up
sleep 0.3
after=$(tmux_ capture-pane -t tui -p -e | md5sum)
[ "$before" != "$after" ] || fail "moving in the picker did not change the colours"
tui_keys Enter
tui_wait "for this session"
pass "the theme picker previews live"

# A broken theme: error with file and line, default colours, still usable.
mkdir -p "$XDG_CONFIG_HOME/missive/themes"
printf '[colors]\ntitle = white,blue\nlabel = notacolour,default\n' \
    >"$XDG_CONFIG_HOME/missive/themes/broken.theme"
tui_start -p work --theme broken
tui_wait "broken.theme:3:"
tui_has "3: label: \`notacolour\` is not a colour" || { tui_dump; fail "no line number"; }
tui_has "using the default" || { tui_dump; fail "no fallback note"; }
tui_type "still works"
tui_wait "To:      still works"
pass "a broken theme names file and line and falls back"
