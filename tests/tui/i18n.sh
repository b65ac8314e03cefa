#!/bin/sh
# The composer and the command line in German and French (LANG=de_DE.UTF-8
# and fr_FR.UTF-8, LANGUAGE unset), with the catalogues compiled from po/
# and found through MISSIVE_LOCALEDIR: translated field labels, help line,
# prompts and screens at 80x24 with every line within 80 columns, the help
# line on the last rows and the field values in one column; `--help` and
# usage errors translated; --json stays valid JSON under a locale that
# writes decimal commas.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"
. "$TESTS_SRCDIR/tui/lib.sh"

command -v msgfmt >/dev/null 2>&1 || skip "msgfmt (gettext) is not installed"
for l in de_DE fr_FR; do
	locale -a 2>/dev/null | grep -i -q "^$l\.utf-\{0,1\}8$" ||
	    skip "locale $l.UTF-8 is not generated (run tools/locales as root)"
done

# The catalogues as the sources have them, where the binary is told to look.
LOCALES=$WORK/locale
for l in de fr; do
	mkdir -p "$LOCALES/$l/LC_MESSAGES"
	msgfmt -c -o "$LOCALES/$l/LC_MESSAGES/missive.mo" \
	    "$TESTS_SRCDIR/../po/$l.po" || fail "msgfmt po/$l.po"
done

# in_lang LL_CC: the environment a user of that language has.
in_lang() {
	echo "LC_ALL= LANG=$1.UTF-8 MISSIVE_LOCALEDIR=$LOCALES"
}

# run_lang NAME LL_CC ARGS...: run_missive with that locale.
cat >"$WORK/missive-lang" <<EOF
#!/bin/sh
exec env LC_ALL= LANG="\$I18N_LANG" MISSIVE_LOCALEDIR="$LOCALES" "$MISSIVE" "\$@"
EOF
chmod +x "$WORK/missive-lang"
run_lang() {
	_n=$1 _m=$MISSIVE
	I18N_LANG=$2.UTF-8
	export I18N_LANG
	shift 2
	MISSIVE=$WORK/missive-lang
	run_missive "$_n" "$@"
	MISSIVE=$_m
}

# fits FILE WHAT: every line of FILE is at most 80 columns wide.
fits() {
	"$PYTHON" - "$1" <<'EOF' || { cat "$1" >&2; fail "$2: a line is wider than 80 columns"; }
import sys, unicodedata
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if width(l) > 80]
for l in bad:
    print(width(l), l, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

# aligned FILE FIRST LAST LABEL...: rows FIRST..LAST are " LABEL:" then
# blanks, in this order, and every value starts in the same column, the
# one after the widest label (as in English: "Subject: x").
aligned() {
	"$PYTHON" - "$@" <<'EOF'
import sys, re
path, first, last, labels = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rows = open(path, encoding="utf-8").read().split("\n")[first - 1:last]
lw = max(len(l) for l in labels)
ok = True
for row, label in zip(rows, labels):
    m = re.match(r"^ (.+?):( *)(.*)$", row)
    if not m or m.group(1) != label:
        print("row %r is not the label %r" % (row, label), file=sys.stderr)
        ok = False
        continue
    col = 1 + len(label) + 1 + len(m.group(2))
    if m.group(3) and col != 1 + lw + 2:
        print("value of %r starts in column %d, not %d" % (label, col, 1 + lw + 2),
              file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
EOF
}

# kv_aligned FILE LABEL...: on the pager screen, each "  LABEL  value"
# row shows its value in column 17 (two blanks, a 14-column label, a
# blank), whatever letters the label has.
kv_aligned() {
	"$PYTHON" - "$@" <<'EOF'
import sys
path, labels = sys.argv[1], sys.argv[2:]
rows = open(path, encoding="utf-8").read().split("\n")
ok = True
for label in labels:
    hit = [r for r in rows if r.startswith("  " + label + " ")]
    if not hit:
        print("no row for %r" % label, file=sys.stderr)
        ok = False
        continue
    r = hit[0]
    rest = r[2 + len(label):]
    col = 2 + len(label) + (len(rest) - len(rest.lstrip(" ")))
    if col != 17:
        print("%r: value in column %d, not 17: %r" % (label, col, r), file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
EOF
}

# screen_check NAME: the screen now: 24 rows of at most 80 columns,
# saved as $WORK/NAME.txt.
screen_check() {
	tui_screen >"$WORK/$1.txt"
	[ "$(wc -l <"$WORK/$1.txt")" -eq 24 ] || { tui_dump; fail "$1: not 24 rows"; }
	fits "$WORK/$1.txt" "$1"
}

# has NAME TEXT...: the saved screen NAME shows every TEXT.
has() {
	_f=$WORK/$1.txt
	shift
	for _w in "$@"; do
		grep -F -q -e "$_w" "$_f" || { cat "$_f" >&2; fail "$(basename "$_f"): no '$_w'"; }
	done
}

# has_not NAME TEXT...: the saved screen NAME shows none of TEXT.
has_not() {
	_f=$WORK/$1.txt
	shift
	for _w in "$@"; do
		if grep -F -q -e "$_w" "$_f"; then
			cat "$_f" >&2
			fail "$(basename "$_f"): still English: '$_w'"
		fi
	done
}

start_server
profile work "localhost:$SERVER_PORT" tls=starttls "ca_file=$PKI/ca.pem" \
    "from=Ann <ann@example.org>"

# French puts a no-break space before : ? and inside « ».
nb=$(printf '\302\240')

# Per language: the composer with To and Subject filled, a field's help
# line, the quit prompt, the help and TLS screens, then the command line.
for l in de_DE fr_FR; do
	case $l in
	de_DE)
		ready="Bereit." labels="Server Von An Cc Bcc Betreff Anhang"
		message="── Nachricht" status="── Status"
		row23="^X Senden|^C Beenden|^G Hilfe|^S Speichern|^T TLS|^P Profile"
		row24="^_ Editor|^K Ausschn.|^Y Einfügen|^Z Zurück|S-Tab Felder|^O Dialog"
		fields="Tab Weiter"
		body="Schreiben Sie hier Ihre Nachricht"
		quit="Beenden? [j] beenden, [n] bleiben, [v] Entwurf verwerfen" yes=j
		answer="Enter Antwort"
		keys="missive — Tasten" helptitle="missive — Hilfe" back="Esc Zurück"
		tls="missive — TLS-Diagnose" probe="p Server testen"
		kv="Server Richtlinie Ergebnis Version Cipher-Suite Verifizierung"
		verified="verschlüsselt, Zertifikat geprüft"
		usage="Aufruf: missive" helpwords="Verfassen:|Befehle:|Exit-Status:"
		# shellcheck disable=SC1111 # German quotation marks, meant
		tryhelp="„missive --help“ liefert weitere Informationen."
		subject="Grüße aus Köln";;
	fr_FR)
		ready="Prêt." labels="Serveur De À Cc Cci Objet Joindre"
		message="── Message" status="── État"
		row23="^X Envoyer|^C Quitter|^G Aide|^S Sauver|^T TLS|^P Profils"
		row24="^_ Éditeur|^K Couper|^Y Coller|^Z Défaire|S-Tab Champs|^O Dialogue"
		fields="Tab Suivant"
		body="Écrivez votre message ici"
		quit="Quitter$nb? [o] quitter, [n] rester, [s] supprimer le brouillon" yes=o
		answer="Enter Répondre"
		keys="missive — touches" helptitle="missive — Aide" back="Esc Retour"
		tls="missive — Diagnostic TLS" probe="p Tester le serveur"
		kv="Serveur Politique Bilan Version Chiffrement Vérification Émetteur Validité"
		verified="chiffré, certificat vérifié"
		usage="Usage$nb: missive"
		helpwords="Rédaction$nb:|Commandes$nb:|Code de sortie$nb:"
		tryhelp="Essayez «${nb}missive --help$nb» pour plus d’informations."
		subject="Bonjour de Lyon";;
	esac
	TUI_ENV=$(in_lang "$l")

	tui_start -p work -s "$subject" bob@example.org
	tui_wait "$ready"
	screen_check "compose-$l"
	# shellcheck disable=SC2086
	aligned "$WORK/compose-$l.txt" 2 8 $labels ||
	    { cat "$WORK/compose-$l.txt" >&2; fail "$l: the field labels are not aligned"; }
	has "compose-$l" "$message" "$status" "$body" "$subject" "bob@example.org"
	IFS='|'
	# shellcheck disable=SC2086
	set -- $row23
	unset IFS
	sed -n 23p "$WORK/compose-$l.txt" >"$WORK/row23.txt"
	has row23 "$@"
	IFS='|'
	# shellcheck disable=SC2086
	set -- $row24
	unset IFS
	sed -n 24p "$WORK/compose-$l.txt" >"$WORK/row24.txt"
	has row24 "$@"
	has_not "compose-$l" "Subject:" "Attach:" "Ready." "^X Send " \
	    "^C Quit " "Write your message"
	pass "$l: composer at 80x24: labels aligned, help line on the last two rows, no English"

	# In a field the help line offers field keys.
	tui_keys BTab
	tui_wait "$fields"
	screen_check "fields-$l"
	sed -n 24p "$WORK/fields-$l.txt" >"$WORK/row24.txt"
	has row24 "$fields"
	tui_keys Tab

	# Something to keep: the quit question names the draft. It wraps
	# over the rows it needs, nothing cut, in either language.
	tui_type "Text"
	tui_keys C-c
	tui_wait "$quit"
	screen_check "quit-$l"
	has "quit-$l" "$answer"
	tui_bottom 4 | grep -q "draft-[0-9-]*\.txt)\." ||
	    { tui_dump; fail "$l: the quit question is cut"; }
	tui_keys n
	tui_wait_gone "$quit"
	pass "$l: the quit prompt is translated, wraps and fits"

	tui_keys C-g
	tui_wait "$keys"
	screen_check "help-$l"
	has "help-$l" "$helptitle" "$back"
	tui_keys Escape
	tui_wait "$ready"

	tui_keys C-t
	tui_wait "$tls"
	tui_keys p
	tui_wait "$verified" 10
	screen_check "tls-$l"
	has "tls-$l" "$probe" "$back" "TLS 1.3" "CN=localhost"
	# shellcheck disable=SC2086
	kv_aligned "$WORK/tls-$l.txt" $kv ||
	    { cat "$WORK/tls-$l.txt" >&2; fail "$l: TLS screen labels are not aligned"; }
	pass "$l: help and TLS screens translated, within 80 columns, labels aligned"
	tui_keys Escape
	tui_keys C-c
	tui_wait "$quit"
	tui_keys "$yes"		# the language's letter for yes
	[ "$(tui_exit_status)" = 0 ] || { tui_dump; fail "$l: quit status"; }
	pass "$l: the language's letter answers yes"
	rm -rf "$(drafts_dir)"	# not offered to the next language's run

	# The command line.
	run_lang "help-$l" "$l" --help
	expect_exit "help-$l" 0
	fits "$WORK/help-$l.out" "$l: missive --help"
	IFS='|'
	# shellcheck disable=SC2086
	set -- "$usage" $helpwords
	unset IFS
	for w in "$@"; do
		assert_file_contains "$WORK/help-$l.out" "$w"
	done
	assert_file_not_contains "$WORK/help-$l.out" "Exit status:"
	run_lang "send-help-$l" "$l" send --help
	expect_exit "send-help-$l" 0
	fits "$WORK/send-help-$l.out" "$l: missive send --help"
	run_lang "setup-help-$l" "$l" setup --help
	expect_exit "setup-help-$l" 0
	fits "$WORK/setup-help-$l.out" "$l: missive setup --help"
	run_lang "profiles-help-$l" "$l" profiles --help
	# The lines naming the (long, temporary) configuration folder aside.
	cat "$WORK/profiles-help-$l.out" "$WORK/profiles-help-$l.err" |
	    grep -v -F "$XDG_CONFIG_HOME" >"$WORK/profiles-help-$l.txt"
	[ -s "$WORK/profiles-help-$l.txt" ] || fail "$l: profiles --help printed nothing"
	fits "$WORK/profiles-help-$l.txt" "$l: missive profiles --help"
	run_lang "bad-$l" "$l" --no-such-option
	expect_exit "bad-$l" 2
	assert_file_contains "$WORK/bad-$l.err" "$tryhelp"
	pass "$l: --help, send and setup --help and usage errors translated, within 80 columns"
done

# Decimal commas must not leak into JSON: the "t" field is a number.
run_lang json de_DE send --json --timeout 5 127.0.0.1:1 a@example.org b@example.org
expect_exit json 1
check_json json
pass "--json output is valid JSON under LANG=de_DE.UTF-8"
