#!/bin/sh
# git send-email through `missive sendmail`: a two-patch series sent with
# --sendmail-cmd="missive sendmail -p test" arrives as git produced it
# (each message byte for byte, CRLF; the envelope from git's arguments),
# and the patches apply (git am) to give the same tree. Then the same
# series with the server down: queued, and sent by `outbox flush`.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

git send-email -h >/dev/null 2>&1
[ $? = 129 ] || git send-email --help >/dev/null 2>&1 ||
    skip "git send-email is not installed (Debian: git-email)"

start_server --maildir "$WORK/Maildir"
CONF=$XDG_CONFIG_HOME/missive
OUTBOX=$XDG_DATA_HOME/missive/outbox
mkdir -p "$CONF"
chmod 700 "$CONF"
profile() {
	printf '[test]\nserver = 127.0.0.1:%s\ntls = starttls\nca_file = %s\nfrom = ann@example.org\ntimeout = 5\n' \
	    "$1" "$PKI/ca.pem" >"$CONF/profiles.ini"
	chmod 600 "$CONF/profiles.ini"
}
profile "$SERVER_PORT"
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME="Ann Example"
GIT_AUTHOR_EMAIL=ann@example.org
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
    GIT_COMMITTER_EMAIL

# A repository with a base and two commits.
R=$WORK/repo
git init -q "$R" || fail "git init"
(
	cd "$R" || exit 1
	printf 'one\n' >a.txt
	git add a.txt && git commit -q -m base
	git tag base
	printf 'one\ntwo\n.\n..\n' >a.txt
	git commit -q -am "Add two and some dots" -m "Lines that are only dots must survive SMTP."
	printf 'three\n' >b.txt
	git add b.txt && git commit -q -m "Add b.txt"
	git format-patch -q -o "$WORK/patches" base
) || fail "making the series"
[ "$(ls "$WORK/patches" | wc -l)" = 2 ] || fail "format-patch did not make two patches"

# What git hands over, kept by a wrapper on its way to missive.
mkdir -p "$WORK/piped"
cat >"$WORK/tee-sendmail" <<EOF
#!/bin/sh
n=\$(ls "$WORK/piped" | grep -c '\.eml\$')
cat >"$WORK/piped/\$n.eml"
printf '%s\n' "\$*" >"$WORK/piped/\$n.args"
exec "$MISSIVE" sendmail -p test "\$@" <"$WORK/piped/\$n.eml"
EOF
chmod +x "$WORK/tee-sendmail"

send_series() {	# NAME SENDMAIL-CMD
	(cd "$R" && git send-email --sendmail-cmd="$2" --from="Ann Example <ann@example.org>" \
	    --to="Bob <bob@example.net>" --cc=carl@example.net --bcc=dora@example.net \
	    --confirm=never --no-validate --quiet "$WORK"/patches/*.patch) \
	    >"$WORK/$1.out" 2>"$WORK/$1.err"
}
send_series git1 "$WORK/tee-sendmail"
rc=$?
[ $rc = 0 ] || { cat "$WORK/git1.out" "$WORK/git1.err"; fail "git send-email exited $rc"; }
assert_msgs 2
sed 's/^/# git passed: /' "$WORK/piped/0.args"
"$PYTHON" - "$WORK/piped" "$RECORD" <<'PY' || fail "what arrived is not what git produced"
import glob, json, os, sys
piped, rec = sys.argv[1], sys.argv[2]
got = {}
for f in glob.glob(os.path.join(rec, "msg-*.eml")):
    got[int(f.rsplit("-", 1)[1].split(".")[0])] = f
for i in range(2):
    produced = open(os.path.join(piped, "%d.eml" % i), "rb").read()
    arrived = open(got[i + 1], "rb").read()
    env = json.load(open(got[i + 1][:-4] + ".json"))
    want = produced.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if arrived != want:
        sys.exit("message %d differs:\n%r\n%r" % (i, arrived[:400], want[:400]))
    if b"\nBcc:" in arrived or b"dora" in arrived:
        sys.exit("the Bcc reached the message")
    # The envelope is what git asked for: its arguments after -i.
    args = open(os.path.join(piped, "%d.args" % i)).read().split()
    asked = sorted(a for a in args if not a.startswith("-"))
    if sorted(env["rcpt_to"]) != asked or "dora@example.net" not in asked:
        sys.exit("envelope %r, git asked for %r" % (env["rcpt_to"], asked))
    if env["mail_from"] != "ann@example.org":
        sys.exit("sender %r" % env["mail_from"])
PY
pass "git send-email's two patches arrive byte for byte as git produced them (CRLF), to the recipients git named, Bcc in the envelope only"

# The patches apply from what the server delivered.
git clone -q "$R" "$WORK/clone" || fail "clone"
(cd "$WORK/clone" && git checkout -q base && git am -q "$WORK"/Maildir/new/*) \
    >"$WORK/am.out" 2>&1 || { cat "$WORK/am.out"; fail "git am of the delivered series"; }
[ "$(cd "$WORK/clone" && git rev-parse HEAD^{tree})" = "$(cd "$R" && git rev-parse HEAD^{tree})" ] ||
    fail "the applied series gives another tree"
pass "git am of the delivered messages gives the same tree (dot lines included)"

# With the server down: both queued, exit 0 for git; flushed later.
port=$SERVER_PORT
stop_server
send_series git2 "$MISSIVE sendmail -p test"
rc=$?
[ $rc = 0 ] || { cat "$WORK/git2.out" "$WORK/git2.err"; fail "git send-email with the server down exited $rc"; }
[ "$(ls "$OUTBOX" | grep -c '\.env$')" = 2 ] || fail "the series is not in the outbox"
start_server --port "$port"
run_missive flush outbox flush
expect_exit flush 0
assert_msgs 2
grep -q "^Subject: \[PATCH 2/2\] Add b.txt" "$RECORD"/msg-*.eml || fail "the second patch did not arrive"
pass "the server down: git send-email succeeds, the series waits in the outbox, outbox flush sends both"
