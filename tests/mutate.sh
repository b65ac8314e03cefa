#!/bin/sh
# Mutation testing of the security and no-data-loss rules of SECURITY.md:
# each mutation below is a one-line change that breaks one rule (the file,
# the line as it is, what it becomes). Each is applied alone to a scratch
# copy of the tree, built once (in a build folder configured once and
# kept, so only the changed file recompiles), and the tests that should
# catch it are run. A mutation is "caught" when a test fails, "SURVIVED"
# when all pass (a missing test: write it), "stale" when its line is no
# longer in the file (update the list), "invalid" when it does not build.
#
#   tests/mutate.sh                  every mutation
#   tests/mutate.sh ID...            only these (IDs from tests/mutate.sh -l)
#   tests/mutate.sh -l               list them
#
# Environment: MUTATE_DIR, the scratch copy (default
# ${TMPDIR:-/tmp}/missive-mutate-$(id -u)); MUTATE_BASELINE=0 skips the
# first run of the chosen tests on the unmutated tree (which makes sure a
# failure is the mutation's doing). A developer tool: make check does not
# run it. It copies the work tree as it is (tracked and untracked files,
# not ignored ones), so new tests count before they are committed. Takes
# about a minute a mutation on two cores, plus the baseline.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
scratch=${MUTATE_DIR:-${TMPDIR:-/tmp}/missive-mutate-$(id -u)}
list=$(mktemp)
trap 'rm -f "$list"' EXIT

# mutation ID FILE TESTS ORIGINAL REPLACEMENT: ORIGINAL is matched against
# the trimmed lines of FILE and must match exactly one; REPLACEMENT keeps
# its indentation.
mutation() {
	printf '%s\n%s\n%s\n%s\n%s\n' "$1" "$2" "$3" "$4" "$5" >>"$list"
}

smtp=src/net/smtp.c
tls=src/net/tls.c
u=tests/unit
i=tests/integration
f=tests/fuzz

# -- TLS: response injection, capabilities after TLS, fallback, STARTTLS required
mutation inject-check $smtp "$u/test_smtp $f/fuzz_session $i/send_tls.sh" \
	'if (conn_has_unread(s->c)) {' \
	'if (0 && conn_has_unread(s->c)) {'
mutation caps-after-tls $smtp "$u/test_smtp $i/send_tls.sh" \
	'return hello(s) == -1 ? FAILED : OK;' \
	'return OK;'
mutation fallback-any-policy $smtp "$u/test_smtp $f/fuzz_session $i/send_tls.sh" \
	'rc = handshake(s, s->job->tls == TLS_OPPORTUNISTIC &&' \
	'rc = handshake(s, 1 &&'
mutation fallback-after-cert $smtp "$u/test_smtp $i/send_tls.sh $i/send_certs.sh" \
	'soft = e.reason != NULL && (strcmp(e.reason, "tls_handshake") == 0 ||' \
	'soft = e.reason != NULL && (1 ||'
mutation starttls-required $smtp "$u/test_smtp $f/fuzz_session $i/send_tls.sh" \
	'} else if (j->tls == TLS_STARTTLS) {' \
	'} else if (0) {'
mutation tls-min-version $tls "$i/send_tls.sh" \
	'WOLFSSL_TLSV1_3 : WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS ||' \
	'WOLFSSL_TLSV1_3 : WOLFSSL_TLSV1) != WOLFSSL_SUCCESS ||'
# -- certificates
mutation cert-verify $tls "$i/send_certs.sh" \
	'if (ti->verified)' \
	'if (1)'
mutation host-name $tls "$i/send_certs.sh $i/send_ident.sh" \
	'ok = tls_dns_id_match(host, (const char *)d, (size_t)len);' \
	'ok = true;'
mutation pin-any $tls "$i/send_certs.sh $i/send_pin.sh" \
	'(fp != NULL && strcmp(fp, c->fingerprint) == 0);' \
	'true;'
mutation system-bundle $tls "$i/system_store.sh" \
	'if (access(system_bundles[i], R_OK) == 0 &&' \
	'if (0 &&'
# -- AUTH
mutation auth-plaintext $smtp "$u/test_smtp $f/fuzz_session $i/send_auth.sh" \
	'if (!conn_is_tls(s->c) && !j->allow_plaintext_auth)' \
	'if (0)'
mutation auth-not-offered $smtp "$u/test_smtp $i/send_auth.sh" \
	'if (!(s->caps & CAP_AUTH))' \
	'if (0)'
# -- secrets in transcripts
mutation redact-initial $smtp "$u/test_smtp $f/fuzz_session $i/send_auth.sh" \
	'shown = xasprintf("AUTH %s <redacted>", sasl_mech(sa));' \
	'shown = NULL;'
mutation redact-challenge $smtp "$u/test_smtp $f/fuzz_session $i/send_auth.sh" \
	'shown = xstrdup("<redacted>");' \
	'shown = NULL;'
# -- the message
mutation bcc-header src/mail/msg.c "$u/test_msg $f/fuzz_msg $i/send_basic.sh" \
	'hdr_addrs(b, "Cc", &m->cc, utf8);' \
	'hdr_addrs(b, "Cc", &m->cc, utf8); hdr_addrs(b, "Bcc", &m->bcc, utf8);'
mutation dot-stuffing $smtp "$u/test_smtp $f/fuzz_session $i/send_basic.sh" \
	'if (bol && *p == '"'"'.'"'"')' \
	'if (0)'
mutation crlf-fields src/mail/msg.c "$u/test_msg $f/fuzz_msg $i/send_basic.sh" \
	'if (s != NULL && addr_check_text(_(texts[i].name), s, strlen(s), e) == -1)' \
	'if (s != NULL && 0)'
mutation crlf-helo $smtp "$u/test_smtp $i/send_basic.sh $i/one_rule.sh" \
	'if (server_helo_check(s.helo, &he) == -1) {' \
	'if (0) {'
# -- recipients
mutation all-or-nothing $smtp "$u/test_smtp $f/fuzz_session $i/send_rcpt.sh" \
	'go_data = s->res->naccepted > 0 && (s->res->nrefused == 0 || j->partial);' \
	'go_data = s->res->naccepted > 0;'
mutation bdat-refused-sent $smtp "$f/fuzz_session" \
	'if (r.code / 100 != 2 || !go_data) {' \
	'if (r.code / 100 != 2) {'
# -- replies
mutation reply-max-lines src/net/reply.c "$u/test_reply $f/fuzz_reply $i/send_faults.sh" \
	'if (p->cur.nlines == REPLY_MAX_LINES) {' \
	'if (p->cur.nlines == 100 * REPLY_MAX_LINES) {'
mutation reply-control src/net/reply.c "$u/test_reply $f/fuzz_session $i/send_faults.sh" \
	'if ((c < 0x20 && c != '"'"'\t'"'"') || c == 0x7f) {' \
	'if (c == 0x7f) {'
# -- JSON
mutation json-quote src/base/text.c "$u/test_event $f/fuzz_event $f/fuzz_session $i/send_faults.sh" \
	'buf_adds(b, "\\\"");' \
	'buf_adds(b, "\"");'
mutation json-controls src/base/text.c "$u/test_event $f/fuzz_event $f/fuzz_session $i/send_faults.sh" \
	'buf_addf(b, "\\u%04x", u[i]);' \
	'buf_addc(b, (char)u[i]);'
# -- drafts and undo
mutation draft-fsync src/base/fs.c "$u/test_fs $u/test_draft tests/tui/drafts.sh" \
	'if (fsync(fd) == -1)' \
	'if (0)'
mutation undo-below-load src/ui/textbuf.c "$u/test_ui_textbuf $f/fuzz_textbuf tests/tui/undo_fresh.sh" \
	'tb_undo_forget(tb);' \
	'(void)tb;'
# -- setup: verified TLS only, the policy seen to work, no replacing unasked
# A port is usable only with a verified or pinned certificate: the probe's
# judgement (reason cert_verify) holds it, and ports.c's check again
# (port_usable), so breaking that second check alone changes nothing a
# user sees; the first is broken here.
mutation probe-unverified $smtp "$i/probe_explain.sh $i/probe_basic.sh" \
	'if (ti == NULL || ti->verified || ti->pinned)' \
	'if (ti == NULL || ti->verified || ti->pinned || 1)'
mutation setup-policy src/app/setup.c "$i/setup_cli.sh" \
	'p.tls = chosen->t.mode == TLS_IMPLICIT ? TLS_IMPLICIT : TLS_STARTTLS;' \
	'p.tls = chosen->t.mode;'
mutation setup-replace src/cli/setup.c "$i/setup_cli.sh tests/tui/setup.sh" \
	'if ((old = profiles_find(ps, a->name)) == NULL)' \
	'if ((old = profiles_find(ps, a->name)) == NULL || 1)'
mutation ports-memory src/app/ports.c "$i/probe_ports.sh" \
	'if (record_after(s->rec, p->r, NULL, &w) == -1)' \
	'if (0 && record_after(s->rec, p->r, NULL, &w) == -1)'
# -- the server memory and receipts
mutation downgrade-stripped $smtp "$u/test_smtp $i/downgrade.sh" \
	'} else if (downgrade_watched(s)) {' \
	'} else if (0) {'
mutation downgrade-refused $smtp "$u/test_smtp $i/downgrade.sh" \
	'if (downgrade_watched(s)) {' \
	'if (0) {'
mutation downgrade-handshake $smtp "$i/downgrade.sh" \
	'if (soft && downgrade_watched(s))' \
	'if (0)'
mutation insecure-remembered src/app/record.c "$i/downgrade.sh" \
	'!ti->insecure && !rec->insecure && ti->nchain > 0;' \
	'ti->nchain > 0 && rec != NULL;'
mutation receipt-unaccepted src/app/record.c "$i/receipts.sh tests/tui/receipt_view.sh" \
	'if (r->sent) {' \
	'if (1) {'
mutation receipt-torn-line src/store/receipts.c "$u/test_trust_files $i/receipts.sh" \
	"if (last != '\\n')" \
	'if (0)'

# --- the driver
if [ "${1:-}" = -l ]; then
	awk 'NR % 5 == 1 { id = $0 } NR % 5 == 2 { f = $0 } NR % 5 == 3 { printf "%-20s %-20s %s\n", id, f, $0 }' "$list"
	exit 0
fi
want=" $* "

edit() {	# edit FILE ORIGINAL REPLACEMENT: 0 done, 3 line not found or not unique
	/usr/bin/python3 - "$@" <<'PY'
import sys
path, orig, new = sys.argv[1:4]
lines = open(path).read().split("\n")
hits = [i for i, l in enumerate(lines) if l.strip() == orig.strip()]
if len(hits) != 1:
    sys.exit(3)
l = lines[hits[0]]
lines[hits[0]] = l[:len(l) - len(l.lstrip())] + new
open(path, "w").write("\n".join(lines))
PY
}

echo "== scratch copy in $scratch"
mkdir -p "$scratch/src-orig"
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 tar cf -) |
	(cd "$scratch" && tar xf -) || exit 2
if [ ! -f "$scratch/build/Makefile" ]; then
	echo "== configuring (once; kept for the next run)"
	(cd "$scratch" && ./autogen.sh >/dev/null 2>&1 && mkdir -p build && cd build &&
	    ../configure --enable-werror >configure.log 2>&1) ||
	    { echo "configure failed: $scratch/build/configure.log"; exit 2; }
fi
b=$scratch/build
jobs=$(nproc 2>/dev/null || echo 2)
(cd "$b" && make -s -j"$jobs" >make.log 2>&1) || { echo "the unmutated tree does not build: $b/make.log"; exit 2; }

# run_tests TESTS: builds missive and the test programs among TESTS, runs them.
run_tests() {
	progs=
	for t in $1; do
		case $t in *.sh) ;; *) progs="$progs $t" ;; esac
	done
	(cd "$b" && timeout 600 make -s -j"$jobs" check TESTS="$1" check_PROGRAMS="$progs" \
	    >"$b/mutate-run.log" 2>&1)
}

ids=
while read -r id; read -r file; read -r tests; read -r orig; read -r new; do
	case $want in "  ") ;; *" $id "*) ;; *) continue ;; esac
	ids="$ids $id"
done <"$list"

if [ "${MUTATE_BASELINE:-1}" != 0 ]; then
	all=$(awk -v ids="$ids" 'BEGIN { n = split(ids, a, " "); for (k = 1; k <= n; k++) w[a[k]] = 1 }
	    NR % 5 == 1 { keep = ($0 in w) } NR % 5 == 3 && keep { print }' "$list" |
	    tr ' ' '\n' | sort -u | tr '\n' ' ')
	echo "== baseline: $all"
	run_tests "$all" || { echo "the unmutated tree fails its tests: $b/mutate-run.log"; tail -n 30 "$b/mutate-run.log"; exit 2; }
fi

caught=0 total=0 survived=
report=$b/mutate-report.txt
: >"$report"
while read -r id; read -r file; read -r tests; read -r orig; read -r new; do
	case $ids in *" $id"*) ;; *) continue ;; esac
	t0=$(date +%s)
	cp "$scratch/$file" "$scratch/src-orig/$(echo "$file" | tr / _)"
	edit "$scratch/$file" "$orig" "$new"
	case $? in
	0) ;;
	*) printf '%-20s stale   (line not found once in %s)\n' "$id" "$file" | tee -a "$report"
	   continue ;;
	esac
	total=$((total + 1))
	: >"$b/mutate-run.log"
	if ! (cd "$b" && make -s -j"$jobs" >"$b/mutate-build.log" 2>&1); then
		verdict=invalid
	elif run_tests "$tests"; then
		verdict=SURVIVED
		survived="$survived $id"
	else
		verdict=caught
		caught=$((caught + 1))
	fi
	# Put the line back; a fresh mtime makes the next build take it.
	cp "$scratch/src-orig/$(echo "$file" | tr / _)" "$scratch/$file"
	touch "$scratch/$file"
	fails=$(grep -h '^FAIL:' "$b/mutate-run.log" 2>/dev/null | sed 's/^FAIL: //' | head -n 3 | tr '\n' ' ')
	printf '%-20s %-8s %3ss  %s  %s\n' "$id" "$verdict" $(( $(date +%s) - t0 )) "$file" "$fails" | tee -a "$report"
done <"$list"
(cd "$b" && make -s -j"$jobs" >/dev/null 2>&1)
echo "== mutation score: $caught caught of $total${survived:+ (survived:$survived)}"
echo "   report: $report"
[ -z "$survived" ]
