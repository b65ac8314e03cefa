#!/bin/sh
# What issue 14 puts on the wire, as the test server received it: send's
# --reply-to and --header (and a profile's reply_to and headers), the
# fields missive writes itself refused with the reason, CR/LF refused;
# --dry-run's envelope on stderr (Bcc included); lines longer than 78 as
# format=flowed, judged by an RFC 3676 decoder; wrap = N and wrap = off;
# a text attachment's charset.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

start_server
CA="--ca-file $PKI/ca.pem"
SRV=127.0.0.1:$SERVER_PORT
mkdir -p "$XDG_CONFIG_HOME/missive"
cat >"$XDG_CONFIG_HOME/missive/profiles.ini" <<EOT
[team]
server = $SRV
ca_file = $PKI/ca.pem
from = Ann <ann@example.org>
reply_to = Team <team@example.org>
headers = X-Clacks-Overhead: GNU Terry Pratchett
headers = Organization: Grüße GmbH

[narrow]
server = $SRV
ca_file = $PKI/ca.pem
from = ann@example.org
wrap = 40

[typed]
server = $SRV
ca_file = $PKI/ca.pem
from = ann@example.org
wrap = off
EOT
chmod 600 "$XDG_CONFIG_HOME/missive/profiles.ini"

# judge N EXPR...: Python on the n-th message received (m: the message,
# text: its text part decoded and unflowed, raw: its bytes).
judge() {
	_n=$1
	shift
	"$PYTHON" - "$RECORD/msg-$_n.eml" "$@" <<'EOF'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
part = m.get_body(("plain",))
text = part.get_content().replace("\r\n", "\n")
def unflow(t):
    # RFC 3676: quote depth, stuffing, soft breaks within one depth.
    out, cur, depth = [], None, 0
    for line in t.split("\n"):
        q = len(line) - len(line.lstrip(">"))
        line = line[q:]
        if line.startswith(" "):
            line = line[1:]
        if cur is not None and q != depth:
            out.append(cur); cur = None
        soft = line.endswith(" ") and line != "-- "
        if cur is None:
            cur, depth = (">" * q + " " if q else "") + line, q
        else:
            cur += line
        if not soft:
            out.append(cur); cur = None
    if cur is not None:
        out.append(cur)
    return "\n".join(out)
flowed = part.get_param("format") == "flowed"
if flowed:
    text = unflow(text)
for expr in sys.argv[2:]:
    if not eval(expr):
        sys.exit("failed: %s\n(text %r)" % (expr, text))
EOF
}

# 1. --reply-to and --header on the wire; the User-Agent may be replaced.
run_missive h1 send $CA --subject "Headers" --reply-to "Desk <desk@example.org>" \
    --reply-to other@example.org --header "X-Clacks-Overhead: GNU Terry Pratchett" \
    --header "Organization: Müller & Söhne" --header "User-Agent: my-script/2" \
    "$SRV" a@example.org b@example.org
expect_exit h1 0
assert_msgs 1
assert_file_contains "$RECORD/msg-1.eml" "X-Clacks-Overhead: GNU Terry Pratchett"
judge 1 'str(m["Reply-To"]) == "Desk <desk@example.org>, other@example.org"' \
    'str(m["Organization"]) == "Müller & Söhne"' \
    'str(m["User-Agent"]) == "my-script/2"' 'len(m.get_all("User-Agent")) == 1' ||
    fail "the extra headers are not what was given"
pass "--reply-to and --header reach the server (an own User-Agent replaces missive's)"

# 2. A profile's reply_to and headers; the command line's --reply-to wins.
run_missive h2 send -p team --subject "From the profile" b@example.org
expect_exit h2 0
run_missive h3 send -p team --reply-to solo@example.org --header "X-Extra: 1" \
    --subject "Both" b@example.org
expect_exit h3 0
assert_msgs 3
judge 2 'str(m["Reply-To"]) == "Team <team@example.org>"' \
    'str(m["X-Clacks-Overhead"]) == "GNU Terry Pratchett"' \
    'str(m["Organization"]) == "Grüße GmbH"' || fail "profile headers"
judge 3 'str(m["Reply-To"]) == "solo@example.org"' 'str(m["X-Extra"]) == "1"' \
    'str(m["Organization"]) == "Grüße GmbH"' || fail "profile and command-line headers"
pass "a profile's reply_to and headers are sent; --reply-to overrides, --header adds"

# 3. Refused before connecting, each with its reason.
for h in "Subject: mine" "bcc: x@example.org" "Content-Type: text/html" "Date: today"; do
	run_missive bad send $CA --header "$h" "$SRV" a@example.org b@example.org
	expect_exit bad 2
	assert_file_contains "$WORK/bad.err" "itself; it cannot be given as an extra header"
done
run_missive crlf send $CA --header "$(printf 'X-Evil: a\r\nBcc: x@example.org')" \
    "$SRV" a@example.org b@example.org
expect_exit crlf 2
assert_file_contains "$WORK/crlf.err" "Header: a header line must not contain CR or LF"
run_missive nocolon send $CA --header "X-Nothing" "$SRV" a@example.org b@example.org
expect_exit nocolon 2
assert_file_contains "$WORK/nocolon.err" "is not a header line like \`X-Name: value\`"
run_missive badrt send $CA --reply-to "not an address" "$SRV" a@example.org b@example.org
expect_exit badrt 2
assert_file_contains "$WORK/badrt.err" "Reply-To:"
assert_msgs 3
pass "owned fields, CR/LF, a line without a colon and a bad Reply-To are refused (exit 2), nothing sent"

# 4. --dry-run: the message on stdout, its envelope on stderr.
run_missive dry send --dry-run $CA --cc c@example.org --bcc hidden@example.net \
    "$SRV" a@example.org b@example.org
expect_exit dry 0
assert_file_not_contains "$WORK/dry.out" "hidden@example.net"
assert_file_not_contains "$WORK/dry.out" "envelope"
assert_file_contains "$WORK/dry.err" "dry run, nothing was sent; the envelope would be:"
assert_file_contains "$WORK/dry.err" "  MAIL FROM:<a@example.org>"
assert_file_contains "$WORK/dry.err" "  RCPT TO:<b@example.org>  (To)"
assert_file_contains "$WORK/dry.err" "  RCPT TO:<c@example.org>  (Cc)"
assert_file_contains "$WORK/dry.err" "  RCPT TO:<hidden@example.net>  (Bcc: not in the message's header)"
assert_eq "$(record_conns)" 3 "connections after --dry-run"
pass "--dry-run prints the envelope, Bcc included, on stderr; stdout stays the message"

# 5. Long lines: format=flowed, decoded back to what was typed.
long="This paragraph was typed as one line of well over seventy-eight characters; a reader's client reflows it to its window."
quoted="> > And a quoted line that is long too, so that it is wrapped at its own level and never joined to another."
printf '%s\n%s\n>\nshort\n' "$long" "$quoted" >"$WORK/long.txt"
run_missive fl send $CA --subject flowed --body "$WORK/long.txt" "$SRV" a@example.org b@example.org
expect_exit fl 0
assert_msgs 4
judge 4 'flowed' "text.split('\\n')[0] == '''$long'''" \
    "text.split('\\n')[1] == '>> And a quoted line that is long too, so that it is wrapped at its own level and never joined to another.'" \
    "text.split('\\n')[2:5] == ['> ', 'short', '']" \
    'all(len(l) <= 78 for l in part.get_content().split("\n"))' ||
    fail "format=flowed does not decode to the typed text"
pass "a line over 78 characters goes as format=flowed and decodes back to the text (quote levels kept)"

# 6. wrap = 40: hard breaks, no format=flowed; wrap = off: as typed.
run_missive w40 send -p narrow --subject narrow --body "$WORK/long.txt" b@example.org
expect_exit w40 0
run_missive woff send -p typed --subject typed --body "$WORK/long.txt" b@example.org
expect_exit woff 0
assert_msgs 6
judge 5 'not flowed' 'all(len(l) <= 40 for l in text.split("\n") if " " in l)' \
    "text.split('\\n')[0] == 'This paragraph was typed as one line of'" \
    "any(l.startswith('> > ') for l in text.split('\\n')[4:])" ||
    fail "wrap = 40"
judge 6 'not flowed' "text.split('\\n')[0] == '''$long'''" || fail "wrap = off"
pass "wrap = 40 hard-wraps (quote marks repeated), wrap = off sends lines as typed"

# 7. A text attachment says its charset.
printf 'Grüße, 東京\n' >"$WORK/notes.txt"
printf 'plain ascii\n' >"$WORK/ascii.txt"
run_missive att send $CA --subject att --attach "$WORK/notes.txt" --attach "$WORK/ascii.txt" \
    "$SRV" a@example.org b@example.org
expect_exit att 0
assert_msgs 7
judge 7 '[p.get_content_charset() for p in m.iter_attachments()] == ["utf-8", "us-ascii"]' \
    '[p.get_content() for p in m.iter_attachments()] == ["Grüße, 東京\n", "plain ascii\n"]' ||
    fail "the text attachments do not carry their charset"
pass "text attachments carry their charset (UTF-8, US-ASCII) and read back as typed"
