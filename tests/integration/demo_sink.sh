#!/bin/sh
# The demo sink that `missive --demo` runs: the foreground mode prints its
# port, takes mail over verified STARTTLS into DIR/Maildir, and stops on
# EOF of its stdin pipe and on SIGTERM; start/status/stop manage a
# background one.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

SINK=$TESTS_SRCDIR/server/demo-sink
D=$WORK/demo

"$PYTHON" - "$SINK" "$D" <<'EOF' || fail "demo-sink run mode"
import os, signal, smtplib, ssl, subprocess, sys, time
sink, d = sys.argv[1], sys.argv[2]

def spawn():
    p = subprocess.Popen([sys.executable, sink, "run", "--dir", d],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = p.stdout.readline().decode()
    assert line.startswith("PORT "), line
    return p, int(line.split()[1])

def send(port, subject):
    ctx = ssl.create_default_context(cafile=os.path.join(d, "pki", "ca.pem"))
    s = smtplib.SMTP("127.0.0.1", port, timeout=10)
    s.starttls(context=ctx)
    s.sendmail("me@example.org", ["you@example.org"],
               ("Subject: %s\r\n\r\nHello demo.\r\n" % subject).encode())
    s.quit()

def gone(p, what):
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("demo-sink did not exit on " + what)
    assert not os.path.exists(os.path.join(d, "pid")), "pid file left"
    assert not os.path.exists(os.path.join(d, "port")), "port file left"

t0 = time.monotonic()
p, port = spawn()
print("first start (with PKI): %.0f ms" % ((time.monotonic() - t0) * 1000))
assert open(os.path.join(d, "port")).read().strip() == str(port)
assert open(os.path.join(d, "pid")).read().strip() == str(p.pid)
send(port, "first")
# A second sink on the same folder (a second missive --demo) runs beside it.
q, port2 = spawn()
assert port2 != port
send(port2, "parallel")
q.stdin.close()
q.wait(timeout=5)
assert q.returncode == 0
p.stdin.close()
gone(p, "stdin EOF")

t0 = time.monotonic()
p, port = spawn()
print("second start: %.0f ms" % ((time.monotonic() - t0) * 1000))
send(port, "second")
p.send_signal(signal.SIGTERM)
gone(p, "SIGTERM")
assert p.returncode == 0, p.returncode

# As missive runs it: stdin /dev/null (never read), stdout a pipe; when the
# parent dies without a word, the sink goes too.
mid = subprocess.run([sys.executable, "-c", """
import subprocess, sys
p = subprocess.Popen([sys.executable, sys.argv[1], "run", "--dir", sys.argv[2]],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
assert p.stdout.readline().startswith(b"PORT ")
print(p.pid)
""", sink, d], capture_output=True, timeout=20)
orphan = int(mid.stdout)
end = time.monotonic() + 5
while time.monotonic() < end:
    try:
        st = open("/proc/%d/stat" % orphan).read().rsplit(")", 1)[1].split()[0]
    except OSError:
        break
    if st == "Z":
        break
    time.sleep(0.05)
else:
    os.kill(orphan, signal.SIGKILL)
    raise AssertionError("the sink outlived its parent")
EOF
pass "run mode: PORT line, STARTTLS with the demo CA, stops on EOF, SIGTERM and parent exit"

ls "$D/Maildir/new" >"$WORK/new"
assert_eq "$(wc -l <"$WORK/new" | tr -d ' ')" 3 "messages in the Maildir"
cat "$D"/Maildir/new/* >"$WORK/all"
assert_file_contains "$WORK/all" "Subject: first"
assert_file_contains "$WORK/all" "Subject: second"
assert_file_contains "$WORK/all" "Subject: parallel"
assert_file_contains "$WORK/all" "Return-Path: <me@example.org>"
[ -d "$D/Maildir/cur" ] && [ -d "$D/Maildir/tmp" ] || fail "Maildir incomplete"
[ -z "$(ls "$D/Maildir/tmp")" ] || fail "files left in Maildir/tmp"
openssl verify -CAfile "$D/pki/ca.pem" "$D/pki/localhost.pem" >/dev/null ||
    fail "demo certificate does not verify"
pass "Maildir holds the three messages; demo PKI verifies"

# Background mode.
at_exit "\"$PYTHON\" \"$SINK\" stop --dir \"$D\" >/dev/null 2>&1"
"$PYTHON" "$SINK" start --dir "$D" >"$WORK/start.out" || fail "demo-sink start"
assert_file_matches "$WORK/start.out" '^PORT [0-9]+$'
"$PYTHON" "$SINK" status --dir "$D" >"$WORK/status" || fail "status says not running"
assert_file_contains "$WORK/status" "running: pid"
pid=$(cat "$D/pid")
"$PYTHON" "$SINK" stop --dir "$D" || fail "demo-sink stop"
if "$PYTHON" "$SINK" status --dir "$D" >/dev/null; then fail "still running after stop"; fi
if [ -r "/proc/$pid/stat" ] && ! grep -q ') Z' "/proc/$pid/stat"; then
	fail "process $pid still alive"
fi
pass "start/status/stop"
