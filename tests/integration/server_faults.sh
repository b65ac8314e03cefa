#!/bin/sh
# The test bed itself: each fault scenario of the test server does what
# the tests of missive rely on, checked with a raw socket client (e.g. the
# injected bytes of starttls-inject really arrive before the handshake), and
# the server survives misbehaving clients.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

# client SCENARIO: runs the raw client check named SCENARIO against the
# last started server.
client() {
	"$PYTHON" - "$1" "$SERVER_PORT" "$PKI" <<'EOF' || fail "scenario $1: client check failed"
import os, select, socket, ssl, sys, time
name, port, pki = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def readable(s, t):
    return bool(select.select([s], [], [], t)[0])

def reply(s):
    """Raw bytes of one complete reply."""
    data = b""
    while True:
        chunk = s.recv(65536)
        assert chunk, "EOF after %r" % data[-200:]
        data += chunk
        lines = data.split(b"\r\n")
        for l in lines[:-1]:
            if len(l) >= 4 and l[3:4] == b" ":
                return data
        if data.endswith(b"\r\n") and len(lines) > 1 and len(lines[-2]) == 3:
            return data

def cmd(s, line):
    s.sendall(line + b"\r\n")
    return reply(s)

def tls_ctx(**kw):
    ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    return ctx

if name == "starttls-inject":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    s.sendall(b"STARTTLS\r\n")
    time.sleep(0.2)
    data = s.recv(65536)
    assert data.startswith(b"220 "), data
    first, rest = data.split(b"\r\n", 1)
    assert rest.startswith(b"250-INJECTED\r\n"), data
    print("injected after the 220:", rest)
elif name == "long-line":
    s = conn()
    reply(s)
    r = cmd(s, b"EHLO c")
    assert max(len(l) for l in r.split(b"\r\n")) >= 10000, len(r)
elif name == "garbage":
    s = conn()
    g = reply(s)
    assert b"\x1b[" in g and b"\xff" in g, g
    r = cmd(s, b"EHLO c")
    assert b"\x00" in r and b"\x1b" in r
    assert any(l and not l[:3].isdigit() for l in r.split(b"\r\n")), r
elif name == "endless":
    s = conn()
    reply(s)
    s.sendall(b"EHLO c\r\n")
    got, end = b"", time.monotonic() + 0.5
    while time.monotonic() < end:
        got += s.recv(65536)
    n = got.count(b"\r\n250-")
    assert n > 20 and b"\r\n250 " not in got, (n, got[-100:])
    s.close()
elif name == "multiline-mismatch":
    s = conn()
    reply(s)
    s.sendall(b"EHLO c\r\n")
    time.sleep(0.2)
    r = s.recv(65536)
    lines = r.split(b"\r\n")
    assert lines[0].startswith(b"250-") and any(l.startswith(b"251 ") for l in lines), r
elif name == "greeting-421":
    s = conn()
    assert reply(s).startswith(b"421 ")
    assert s.recv(100) == b""
elif name == "no-greeting":
    s = conn()
    assert not readable(s, 0.3)
elif name == "helo-only":
    s = conn()
    reply(s)
    assert cmd(s, b"EHLO c").startswith(b"502")
    r = cmd(s, b"HELO c")
    assert r.startswith(b"250 ") and b"\r\n250" not in r, r
    assert cmd(s, b"MAIL FROM:<a@b>").startswith(b"250")
elif name == "dribble":
    s = conn()
    reads, data = 0, b""
    while not data.endswith(b"\r\n"):
        data += s.recv(65536)
        reads += 1
    assert data.startswith(b"220 ") and reads > 5, (reads, data)
elif name == "tls-old-new-client":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    assert cmd(s, b"STARTTLS").startswith(b"220")
    try:
        tls_ctx().wrap_socket(s, server_hostname="localhost")
    except ssl.SSLError as e:
        print("TLS 1.2+ client refused as expected:", e)
    else:
        raise AssertionError("TLS 1.2+ handshake succeeded against tls-old")
elif name == "tls-old-old-client":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    assert cmd(s, b"STARTTLS").startswith(b"220")
    ctx = tls_ctx()
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        t = ctx.wrap_socket(s, server_hostname="localhost")
    except ssl.SSLError as e:
        print("SKIP-OLD-TLS local OpenSSL cannot speak TLS 1.1:", e)
        sys.exit(0)
    assert t.version() in ("TLSv1", "TLSv1.1"), t.version()
    print("negotiated", t.version())
elif name == "close-mid-data":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    cmd(s, b"MAIL FROM:<a@b>")
    cmd(s, b"RCPT TO:<c@d>")
    assert cmd(s, b"DATA").startswith(b"354")
    s.sendall(b"Subject: x\r\n\r\nsome text\r\n")
    assert readable(s, 2) and s.recv(100) == b""
elif name == "no-final-reply":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    cmd(s, b"MAIL FROM:<a@b>")
    cmd(s, b"RCPT TO:<c@d>")
    assert cmd(s, b"DATA").startswith(b"354")
    s.sendall(b"Subject: x\r\n\r\ntext\r\n.\r\n")
    assert not readable(s, 0.5)
elif name == "starttls-454":
    s = conn()
    reply(s)
    assert b"STARTTLS" in cmd(s, b"EHLO c")
    assert cmd(s, b"STARTTLS").startswith(b"454 ")
elif name == "no-starttls":
    s = conn()
    reply(s)
    assert b"STARTTLS" not in cmd(s, b"EHLO c")
    assert cmd(s, b"STARTTLS").startswith(b"502")
elif name == "starttls-no-tls":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    assert cmd(s, b"STARTTLS").startswith(b"220")
    try:
        tls_ctx().wrap_socket(s, server_hostname="localhost")
    except (ssl.SSLError, OSError) as e:
        print("handshake failed as expected:", e)
    else:
        raise AssertionError("handshake succeeded")
elif name == "auth-no-tls":
    s = conn()
    reply(s)
    r = cmd(s, b"EHLO c")
    assert b"AUTH PLAIN" in r and b"STARTTLS" not in r, r
    assert cmd(s, b"AUTH PLAIN AHUAcA==").startswith(b"235")
elif name == "auth-fail":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    cmd(s, b"STARTTLS")
    t = tls_ctx().wrap_socket(s, server_hostname="localhost")
    assert b"AUTH" in cmd(t, b"EHLO c")
    assert cmd(t, b"AUTH PLAIN AHUAcA==").startswith(b"535 5.7.8")
elif name == "refuse-rcpt":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    cmd(s, b"MAIL FROM:<a@b>")
    assert cmd(s, b"RCPT TO:<good@d>").startswith(b"550 5.1.1")
elif name == "pipelined-after-starttls":
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    s.sendall(b"STARTTLS\r\nEHLO sneaky\r\n")
    reply(s)
    s.close()
elif name == "implicit":
    s = tls_ctx().wrap_socket(conn(), server_hostname="localhost")
    assert reply(s).startswith(b"220")
    assert b"STARTTLS" not in cmd(s, b"EHLO c")
elif name == "abuse":
    # A long line, binary junk, a BDAT with a lie, then a normal session.
    s = conn()
    reply(s)
    s.sendall(b"X" * 100000 + b"\r\n")
    assert reply(s).startswith(b"500")
    s.sendall(b"\x00\xff\x1b[2J\r\n")
    assert reply(s).startswith(b"500")
    s.sendall(b"BDAT 999999999999 LAST\r\nabc")
    s.close()
    s = conn()
    s.sendall(b"\x16\x03\x01\x00\x05hello")
    s.close()
    s = conn()
    reply(s)
    cmd(s, b"EHLO c")
    assert cmd(s, b"NOOP").startswith(b"250")
    assert cmd(s, b"QUIT").startswith(b"221")
elif name == "delay":
    t0 = time.monotonic()
    s = conn()
    reply(s)
    cmd(s, b"NOOP")
    dt = time.monotonic() - t0
    assert 0.4 <= dt < 2, dt
else:
    raise SystemExit("unknown check " + name)
EOF
	pass "$1"
}

# scenario NAME [smtpd args]: a fresh server with that scenario, the check.
scenario() {
	_s=$1
	shift
	start_server --scenario "$_s" --auth-user u --auth-pass p "$@"
	client "$_s"
}

for s in long-line garbage endless multiline-mismatch greeting-421 no-greeting \
    helo-only dribble close-mid-data no-final-reply starttls-454 no-starttls \
    starttls-no-tls auth-no-tls auth-fail refuse-rcpt; do
	scenario "$s"
done
record_wait
assert_eq "$(record_msgs)" 0 "messages after refuse-rcpt"

scenario starttls-inject
record_wait
record_events starttls >"$WORK/st"
assert_file_contains "$WORK/st" '"pre_tls_bytes": ""'
if record_has_cmd '^MAIL'; then fail "MAIL recorded"; fi

start_server --scenario tls-old
client tls-old-new-client
client tls-old-old-client >"$WORK/tls-old.log"
cat "$WORK/tls-old.log"
if grep -q SKIP-OLD-TLS "$WORK/tls-old.log"; then
	note "the local OpenSSL cannot negotiate TLS 1.1 even at SECLEVEL=0"
fi

start_server
client pipelined-after-starttls
record_wait
record_events starttls >"$WORK/st2"
assert_file_contains "$WORK/st2" '"pipelined": "EHLO sneaky\r\n"'
pass "bytes pipelined after STARTTLS are recorded"

start_server --implicit-tls
client implicit
record_wait
record_events tls >"$WORK/tls-implicit"
assert_file_contains "$WORK/tls-implicit" '"how": "implicit"'

start_server
client abuse
record_wait
assert_eq "$(record_conns)" 3 "connections of the abuse check"
kill -0 "$SERVER_PID" 2>/dev/null || fail "server died after abuse"
pass "server survives abuse"

start_server --delay 0.2
client delay

# A clean stop on SIGTERM, exit status 0, in well under a second.
start_server
_t0=$(date +%s%N)
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
_rc=$?
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
assert_eq "$_rc" 0 "server exit status on SIGTERM"
[ "$_ms" -lt 1000 ] || fail "server took $_ms ms to stop"
pass "SIGTERM stops the server cleanly (${_ms} ms)"

# Start-up time (PORT line) under half a second.
_t0=$(date +%s%N)
start_server
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
note "server start: $_ms ms"
[ "$_ms" -lt 1500 ] || fail "server took $_ms ms to start"
pass "server starts quickly"

# IPv6 loopback, when the host has it.
if "$PYTHON" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	start_server --listen ::1
	"$PYTHON" - "$SERVER_PORT" <<'EOF' || fail "IPv6 session failed"
import smtplib, sys
s = smtplib.SMTP("::1", int(sys.argv[1]), timeout=5)
assert s.noop()[0] == 250
s.quit()
EOF
	record_wait
	record_events connect >"$WORK/v6"
	assert_file_contains "$WORK/v6" '"peer": "::1:'
	pass "IPv6 listener"
else
	note "no ::1 on this host: IPv6 listener not checked"
fi
