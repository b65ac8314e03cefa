#!/usr/bin/python3
"""Scriptable ESMTP test server for missive's integration tests.

A correct ESMTP server (STARTTLS, AUTH, PIPELINING, SIZE, 8BITMIME,
SMTPUTF8, CHUNKING, DSN, ENHANCEDSTATUSCODES, each switchable) with named
fault scenarios, which records everything a client did into a folder so
tests can assert on it. Standard library only; one thread per connection,
blocking sockets, so faults can be injected byte by byte. The record format
is documented in tests/server/README.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import select
import signal
import socket
import ssl
import stat
import sys
import threading
import time
import warnings

ALL_CAPS = ["pipelining", "size", "8bitmime", "smtputf8", "chunking", "dsn",
            "enhancedstatuscodes", "starttls", "auth"]

SCENARIOS = {
    "no-starttls": "STARTTLS not offered (and refused with 502)",
    "starttls-454": "STARTTLS offered, answered 454 4.7.0",
    "starttls-inject": "220 to STARTTLS followed by plaintext reply lines in the same write",
    "starttls-no-tls": "220 to STARTTLS, then read the ClientHello and close",
    "starttls-hang": "220 to STARTTLS, then never answer the handshake",
    "tls-old": "TLS 1.0/1.1 only (SECLEVEL=0)",
    "auth-no-tls": "AUTH offered on the plain connection, no STARTTLS",
    "auth-fail": "every AUTH answered 535 5.7.8",
    "refuse-rcpt": "every RCPT answered 550 5.1.1",
    "dribble": "every reply written one byte at a time",
    "multiline-mismatch": "EHLO reply lines with different codes (250-, then 251)",
    "long-line": "EHLO reply holds a line of 10000 bytes",
    "endless": "EHLO reply continues with 250- lines until the client closes",
    "garbage": "NUL, escape sequences and invalid UTF-8 in greeting and replies",
    "greeting-421": "greeting is 421, then close",
    "close-mid-data": "close the connection after part of the message data",
    "no-final-reply": "never answer the end of data (final dot or BDAT LAST)",
    "no-greeting": "accept and say nothing",
    "helo-only": "EHLO answered 502, HELO works",
    "scram-mext": "SCRAM server-first-message begins with a mandatory extension m=",
    "scram-low-iter": "SCRAM server-first-message asks for i=1 iteration",
    "bidi": "greeting and EHLO reply hold C1 controls and bidi overrides/isolates",
    "mail-451": "MAIL FROM answered 451 4.3.0 (try again later)",
    "final-451": "the end of data answered 451 4.3.0; nothing stored",
    "final-554": "the end of data answered 554 5.7.1; nothing stored",
    "final-lost": "the message stored, then the connection closed before the 250",
    "multiline-final": "the reply to the message is two lines, the queue id on the last",
    "slow-ehlo": "the first EHLO reply comes after SLOW seconds (0.6)",
    "slow-final": "the reply to the message comes after SLOW seconds (0.6)",
}

# How long the slow-* scenarios wait, in seconds.
SLOW = 0.6

# Scenarios that act within a session only: what --fault-pool may pick
# per connection (the others shape capabilities or TLS for the server).
SESSION_SCENARIOS = {"mail-451", "final-451", "final-554", "final-lost",
                     "no-final-reply", "close-mid-data", "greeting-421",
                     "no-greeting", "dribble", "refuse-rcpt", "auth-fail"}

# U+009B (CSI), U+202E (right-to-left override), U+202C, U+2066..U+2069:
# valid UTF-8 that reorders or drives what a terminal shows.
BIDI = "\u009b2J \u202eevil\u202c \u2066a\u2069 \u2067b\u2069 \u2068c\u2069"

HOSTNAME = "mx.test.invalid"


class Server:
    """Settings and shared state (counters, record folder, TLS contexts)."""

    def __init__(self, args):
        self.args = args
        self.scen = set()
        for s in args.scenario or []:
            for name in s.split(","):
                name = name.strip()
                if not name:
                    continue
                if name not in SCENARIOS:
                    raise SystemExit("smtpd.py: unknown scenario %r (known: %s)"
                                     % (name, ", ".join(sorted(SCENARIOS))))
                self.scen.add(name)
        if args.caps is None:
            self.caps = set(ALL_CAPS)
        else:
            self.caps = set(c.strip().lower() for c in args.caps.split(",") if c.strip())
            bad = self.caps - set(ALL_CAPS)
            if bad:
                raise SystemExit("smtpd.py: unknown capabilities: %s" % ", ".join(sorted(bad)))
        self.caps_tls = None
        if args.caps_tls is not None:
            self.caps_tls = set(c.strip().lower() for c in args.caps_tls.split(",") if c.strip())
            bad = self.caps_tls - set(ALL_CAPS)
            if bad:
                raise SystemExit("smtpd.py: unknown capabilities: %s" % ", ".join(sorted(bad)))
        if "no-starttls" in self.scen or "auth-no-tls" in self.scen:
            self.caps.discard("starttls")
        if not args.cert:
            self.caps.discard("starttls")
        self.mechs = [m.strip().upper() for m in args.auth_mechs.split(",") if m.strip()]
        self.lock = threading.Lock()
        self.nconn = 0
        self.nmsg = 0
        self.record = args.record
        if self.record:
            os.makedirs(self.record, exist_ok=True)
        self.maildir = args.maildir
        if self.maildir:
            for sub in ("new", "cur", "tmp"):
                os.makedirs(os.path.join(self.maildir, sub), exist_ok=True)
        self.ctx = None
        if args.cert:
            self.ctx = self.make_ctx()
        self.pool = []
        for name in (args.fault_pool or "").split(","):
            name = name.strip()
            if not name:
                continue
            if name not in SESSION_SCENARIOS:
                raise SystemExit("smtpd.py: --fault-pool takes session scenarios "
                                 "only (%s), not %r" % (", ".join(sorted(SESSION_SCENARIOS)), name))
            self.pool.append(name)
        self.rng = random.Random(args.fault_seed)

    def scen_for_conn(self):
        """This connection's scenarios: the server's, or with --fault-rate
        one picked at random from --fault-pool instead."""
        with self.lock:
            if self.pool and self.rng.random() < self.args.fault_rate:
                return {self.rng.choice(self.pool)}
        return self.scen

    def make_ctx(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # Before the certificate: the security level in the cipher string
        # decides which keys OpenSSL agrees to load (weak-key tests).
        if self.args.ciphers:
            ctx.set_ciphers(self.args.ciphers)
        ctx.load_cert_chain(self.args.cert, self.args.key or None)
        if self.args.dh_params:
            ctx.load_dh_params(self.args.dh_params)
        if self.args.ecdh_curve:
            # OpenSSL 3: the only group the server accepts (a client whose
            # first key share is another needs a HelloRetryRequest).
            ctx.set_ecdh_curve(self.args.ecdh_curve)
        ctx._msg_callback = hello_callback
        if "tls-old" in self.scen:
            # OpenSSL 3 refuses TLS < 1.2 at the default security level.
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = version_of(self.args.tls_min)
                ctx.maximum_version = version_of(self.args.tls_max)
        ctx.sni_callback = sni_callback
        return ctx

    def next_conn(self):
        with self.lock:
            self.nconn += 1
            return self.nconn

    def next_msg(self):
        with self.lock:
            self.nmsg += 1
            return self.nmsg


def version_of(s):
    return {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
            "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[s]


def sni_callback(sslsock, name, ctx):
    # The name the client asked for, kept until handshake() records it.
    SNI[id(sslsock)] = name
    return None


SNI = {}

# What each connection's ClientHellos said, kept until handshake()
# records it: how many (two after a HelloRetryRequest) and the first one's
# cipher suites, supported groups and key shares, in the client's order.
HELLOS = {}
GROUP_NAMES = {21: "secp224r1", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519",
               30: "x448", 256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096"}
SUITE_NAMES = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
               0x1303: "TLS_CHACHA20_POLY1305_SHA256"}


def parse_client_hello(m):
    """Cipher suites, groups and key shares of a ClientHello handshake
    message (its 4-byte header included); empty lists where it is cut."""
    out = {"ciphers": [], "groups": [], "key_shares": []}
    try:
        i = 4 + 2 + 32
        i += 1 + m[i]
        n = int.from_bytes(m[i:i + 2], "big")
        for k in range(i + 2, i + 2 + n, 2):
            c = int.from_bytes(m[k:k + 2], "big")
            out["ciphers"].append(SUITE_NAMES.get(c, "0x%04x" % c))
        i += 2 + n
        i += 1 + m[i]
        end = i + 2 + int.from_bytes(m[i:i + 2], "big")
        i += 2
        while i + 4 <= end:
            typ = int.from_bytes(m[i:i + 2], "big")
            ln = int.from_bytes(m[i + 2:i + 4], "big")
            body = m[i + 4:i + 4 + ln]
            if typ == 10:
                for k in range(2, 2 + int.from_bytes(body[0:2], "big"), 2):
                    g = int.from_bytes(body[k:k + 2], "big")
                    out["groups"].append(GROUP_NAMES.get(g, str(g)))
            elif typ == 51:
                k = 2
                while k + 4 <= len(body):
                    g = int.from_bytes(body[k:k + 2], "big")
                    out["key_shares"].append(GROUP_NAMES.get(g, str(g)))
                    k += 4 + int.from_bytes(body[k + 2:k + 4], "big")
            i += 4 + ln
    except IndexError:
        pass
    return out


def hello_callback(conn, direction, version, content_type, msg_type, data):
    if direction != "read" or content_type != 22 or msg_type != 1:
        return
    h = HELLOS.setdefault(id(conn), {"client_hellos": 0})
    h["client_hellos"] += 1
    if h["client_hellos"] == 1:
        h.update(parse_client_hello(bytes(data)))


def text(b):
    """Bytes as JSON-safe text: UTF-8 where valid, \\xNN escapes elsewhere."""
    if isinstance(b, str):
        return b
    return b.decode("utf-8", "backslashreplace")


class Closed(Exception):
    """The client went away (EOF, reset, timeout); the session ends."""


class Session:
    """One client connection, from greeting to close."""

    def __init__(self, server, sock, peer):
        self.srv = server
        self.args = server.args
        self.scen = server.scen_for_conn()
        self.raw = sock
        self.sock = sock
        self.peer = peer
        self.n = server.next_conn()
        self.buf = bytearray()
        self.tls = False
        self.tls_version = None
        self.recfile = None
        if server.record:
            path = os.path.join(server.record, "conn-%d.jsonl" % self.n)
            self.recfile = open(path, "a", buffering=1, encoding="utf-8")
        self.t0 = time.monotonic()
        self.reset_session()

    # --- record

    def rec(self, ev, **kw):
        if not self.recfile:
            return
        obj = {"ev": ev, "t": round(time.monotonic() - self.t0, 4)}
        obj.update(kw)
        try:
            self.recfile.write(json.dumps(obj, ensure_ascii=False) + "\n")
        except (OSError, ValueError):
            pass

    # --- state

    def reset_session(self):
        self.helo = None
        self.esmtp = False
        self.auth_user = None
        self.reset_txn()

    def reset_txn(self):
        self.mail_from = None
        self.mail_params = {}
        self.rcpts = []
        self.rcpt_params = []
        self.bdat = None	# bytearray while a BDAT transfer is open
        self.bdat_failed = False

    def caps_now(self):
        """Capabilities offered at this point of the session."""
        caps = set(self.srv.caps)
        if self.tls and self.srv.caps_tls is not None:
            caps = set(self.srv.caps_tls)
        if self.tls:
            caps.discard("starttls")
        elif "auth" in caps and not ("auth-no-tls" in self.scen
                                     or self.args.plaintext_auth):
            caps.discard("auth")
        if not self.srv.ctx or self.args.implicit_tls:
            caps.discard("starttls")
        return caps

    # --- I/O

    def write(self, data):
        if self.args.delay:
            time.sleep(self.args.delay)
        self.rec("reply", data=text(data))
        try:
            if "dribble" in self.scen:
                for i in range(len(data)):
                    self.sock.sendall(data[i:i + 1])
                    time.sleep(0.001)
            else:
                self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise Closed("write: %s" % e)

    def reply(self, code, esc, *lines):
        """One reply: code, enhanced status (or None), text lines."""
        if "enhancedstatuscodes" not in self.srv.caps or not self.esmtp:
            esc = None
        if not lines:
            lines = ("",)
        out = bytearray()
        for i, line in enumerate(lines):
            sep = " " if i == len(lines) - 1 else "-"
            body = esc + (" " + line if line else "") if esc else line
            out += ("%d%s%s\r\n" % (code, sep, body)).encode("utf-8")
        self.write(bytes(out))

    def throttle(self, n):
        """--read-rate: a slow reader, so a client's progress can be seen."""
        if self.args.read_rate and n:
            time.sleep(n / self.args.read_rate)

    def recv_some(self):
        if self.buf:
            data = bytes(self.buf)
            self.buf.clear()
            return data
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Closed("idle timeout")
        except (OSError, ssl.SSLError) as e:
            raise Closed("read: %s" % e)
        if not data:
            raise Closed("eof")
        return data

    def readline(self, limit=4096):
        """One line without its CRLF; None when it was longer than limit."""
        too_long = False
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                if too_long or len(line) > limit:
                    return None
                return line.rstrip(b"\r\n")
            if len(self.buf) > limit:
                too_long = True
                self.buf.clear()
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise Closed("idle timeout")
            except (OSError, ssl.SSLError) as e:
                raise Closed("read: %s" % e)
            self.throttle(len(data))
            if not data:
                if self.buf:
                    self.rec("partial_line", data=text(bytes(self.buf)))
                raise Closed("eof")
            self.buf += data

    def read_exact(self, n):
        out = bytearray()
        while len(out) < n:
            if self.buf:
                take = min(n - len(out), len(self.buf))
                out += self.buf[:take]
                del self.buf[:take]
                continue
            try:
                data = self.sock.recv(min(65536, n - len(out)))
            except socket.timeout:
                raise Closed("idle timeout")
            except (OSError, ssl.SSLError) as e:
                raise Closed("read: %s" % e)
            self.throttle(len(data))
            if not data:
                self.rec("partial_data", bytes=len(out))
                raise Closed("eof")
            out += data
        return bytes(out)

    def drain_until_close(self, limit_s=None):
        """Reads and records whatever comes until the client goes away."""
        end = time.monotonic() + (limit_s or self.args.idle_timeout)
        while time.monotonic() < end:
            try:
                data = self.recv_some()
            except Closed:
                return
            self.rec("ignored", data=text(data))
        raise Closed("idle timeout")

    # --- TLS

    def handshake(self, how):
        sslsock = self.srv.ctx.wrap_socket(self.raw, server_side=True,
                                           do_handshake_on_connect=False)
        try:
            sslsock.do_handshake()
        except (OSError, ssl.SSLError, ValueError) as e:
            HELLOS.pop(id(sslsock), None)
            self.rec("tls_error", how=how, error=str(e))
            raise Closed("handshake: %s" % e)
        self.sock = sslsock
        self.tls = True
        self.tls_version = sslsock.version()
        c = sslsock.cipher()
        hello = HELLOS.pop(id(sslsock), {})
        self.rec("tls", how=how, version=sslsock.version(),
                 cipher=c[0] if c else None,
                 sni=SNI.pop(id(sslsock), None),
                 resumed=sslsock.session_reused,
                 client_hellos=hello.get("client_hellos", 0),
                 ciphers=hello.get("ciphers", []),
                 groups=hello.get("groups", []),
                 key_shares=hello.get("key_shares", []))

    def pre_handshake_bytes(self):
        """Plaintext that arrived after our 220 and before the ClientHello.

        A TLS handshake record starts with 0x16 0x03; bytes before it are a
        client sending plaintext after STARTTLS."""
        got = bytearray()
        self.raw.settimeout(self.args.idle_timeout)
        while True:
            r, _, _ = select.select([self.raw], [], [], self.args.idle_timeout)
            if not r:
                break
            try:
                peek = self.raw.recv(65536, socket.MSG_PEEK)
            except OSError:
                break
            if not peek:
                break
            i = peek.find(b"\x16\x03")
            if i == 0:
                break
            n = i if i > 0 else len(peek)
            got += self.raw.recv(n)
            if i > 0:
                break
        return bytes(got)

    # --- the session

    def run(self):
        self.rec("connect", conn=self.n, peer=self.peer,
                 implicit_tls=bool(self.args.implicit_tls),
                 scenarios=sorted(self.scen))
        reason = "quit"
        try:
            self.raw.settimeout(self.args.idle_timeout)
            try:
                self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            if self.args.implicit_tls:
                self.handshake("implicit")
            self.serve()
        except Closed as e:
            reason = str(e)
        except Exception as e:  # a misbehaving client must not kill the server
            reason = "error: %r" % (e,)
            self.rec("server_error", error=repr(e))
        finally:
            self.rec("close", reason=reason)
            try:
                self.sock.close()
            except Exception:
                pass
            try:
                self.raw.close()
            except Exception:
                pass
            if self.recfile:
                try:
                    self.recfile.close()
                except Exception:
                    pass

    def serve(self):
        if "no-greeting" in self.scen:
            self.drain_until_close()
            return
        if "greeting-421" in self.scen:
            self.write(b"421 4.3.2 " + HOSTNAME.encode() +
                       b" Service not available, closing channel\r\n")
            try:
                self.raw.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self.drain_until_close(2)
            return
        if "bidi" in self.scen:
            self.write(("220 %s %s ESMTP\r\n" % (HOSTNAME, BIDI)).encode())
        elif "garbage" in self.scen:
            self.write(b"220 " + HOSTNAME.encode() +
                       b" \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \xff\xfe\xc3\x28 ESMTP\r\n")
        else:
            self.write(("220 %s ESMTP missive test server\r\n" % HOSTNAME).encode())
        while True:
            line = self.readline()
            if line is None:
                self.rec("cmd", line=None, too_long=True, tls=self.tls)
                self.reply(500, "5.5.2", "Line too long")
                continue
            self.rec("cmd", line=text(line), tls=self.tls)
            if not self.command(line):
                return

    def command(self, line):
        """Handles one command line; False ends the session."""
        s = text(line)
        verb, _, arg = s.partition(" ")
        verb = verb.upper()
        arg = arg.strip()
        if self.bdat is not None and verb not in ("BDAT", "RSET", "QUIT", "NOOP"):
            self.reply(503, "5.5.1", "Only BDAT, RSET, QUIT allowed during a BDAT transfer")
            return True
        handler = getattr(self, "cmd_" + verb.lower(), None)
        if handler is None or not verb.isalpha():
            self.reply(500, "5.5.2", "Command not recognized")
            return True
        return handler(arg) is not False

    def cmd_ehlo(self, arg):
        if "slow-ehlo" in self.scen and not self.tls:
            time.sleep(SLOW)
        if "helo-only" in self.scen:
            self.reply(502, None, "5.5.1 EHLO not implemented")
            return
        if not arg:
            self.reply(501, "5.5.4", "EHLO needs a domain")
            return
        self.reset_txn()
        self.helo = arg
        self.esmtp = True
        if "garbage" in self.scen:
            self.write(b"250-" + HOSTNAME.encode() + b" \x1b[2J\x00hi\r\n"
                       b"\x1b[31m\x00\xff\xfe garbage \xc3\x28\r\n"
                       b"250 \x1b]0;title\x07OK\r\n")
            return
        if "endless" in self.scen:
            self.write(b"250-" + HOSTNAME.encode() + b"\r\n")
            end = time.monotonic() + self.args.idle_timeout
            i = 0
            while time.monotonic() < end:
                i += 1
                self.write(b"250-ENDLESS-%d\r\n" % i)
                time.sleep(0.005)
            raise Closed("endless: time limit")
        caps = self.caps_now()
        lines = ["%s greets %s" % (HOSTNAME, arg)]
        if "bidi" in self.scen:
            lines[0] += " " + BIDI
        if "long-line" in self.scen:
            lines.append("X" * 10000)
        if "pipelining" in caps:
            lines.append("PIPELINING")
        if "size" in caps:
            lines.append("SIZE %d" % self.args.size_limit if self.args.size_limit else "SIZE")
        if "8bitmime" in caps:
            lines.append("8BITMIME")
        if "smtputf8" in caps:
            lines.append("SMTPUTF8")
        if "chunking" in caps:
            lines.append("CHUNKING")
        if "dsn" in caps:
            lines.append("DSN")
        if "enhancedstatuscodes" in caps:
            lines.append("ENHANCEDSTATUSCODES")
        if "starttls" in caps:
            lines.append("STARTTLS")
        if "auth" in caps and self.srv.mechs:
            lines.append("AUTH " + " ".join(self.srv.mechs))
        if "multiline-mismatch" in self.scen:
            out = "".join("250-%s\r\n" % l for l in lines[:-1])
            out += "251 %s\r\n" % lines[-1]
            self.write(out.encode())
            return
        self.reply(250, None, *lines)

    def cmd_helo(self, arg):
        if not arg:
            self.reply(501, "5.5.4", "HELO needs a domain")
            return
        self.reset_txn()
        self.helo = arg
        self.esmtp = False
        self.reply(250, None, "%s greets %s" % (HOSTNAME, arg))

    def cmd_starttls(self, arg):
        if "starttls" not in self.caps_now():
            self.reply(502, "5.5.1", "STARTTLS not available")
            return
        if arg:
            self.reply(501, "5.5.4", "STARTTLS takes no parameters")
            return
        if "starttls-454" in self.scen:
            self.reply(454, "4.7.0", "TLS not available due to temporary reason")
            return
        # Bytes the client sent after STARTTLS without waiting (pipelined).
        pipelined = bytes(self.buf)
        self.buf.clear()
        if "starttls-inject" in self.scen:
            self.write(b"220 2.0.0 Ready to start TLS\r\n"
                       b"250-INJECTED\r\n250 PIPELINING\r\n")
        else:
            self.reply(220, "2.0.0", "Ready to start TLS")
        late = self.pre_handshake_bytes()
        self.rec("starttls", pre_tls_bytes=text(pipelined + late),
                 pipelined=text(pipelined), late=text(late))
        if "starttls-no-tls" in self.scen:
            try:
                r, _, _ = select.select([self.raw], [], [], 2)
                if r:
                    hello = self.raw.recv(65536)
                    self.rec("ignored", bytes=len(hello))
            except OSError:
                pass
            raise Closed("starttls-no-tls: closed instead of TLS")
        if "starttls-hang" in self.scen:
            self.drain_until_close()
            return False
        self.handshake("starttls")
        self.reset_session()

    def cmd_auth(self, arg):
        if "auth" not in self.caps_now():
            if not self.tls and "auth" in self.srv.caps:
                self.reply(538, "5.7.11", "Encryption required for requested authentication mechanism")
            else:
                self.reply(502, "5.5.1", "AUTH not available")
            return
        if not self.esmtp:
            self.reply(503, "5.5.1", "Send EHLO first")
            return
        if self.auth_user is not None:
            self.reply(503, "5.5.1", "Already authenticated")
            return
        if self.mail_from is not None:
            self.reply(503, "5.5.1", "AUTH not allowed during a mail transaction")
            return
        mech, _, initial = arg.partition(" ")
        mech = mech.upper()
        initial = initial.strip() or None
        if mech not in self.srv.mechs:
            self.rec("auth", mech=mech, ok=False, tls=self.tls, error="unsupported mechanism")
            self.reply(504, "5.5.4", "Unrecognized authentication type")
            return
        try:
            user, password, authzid, ok, error = getattr(
                self, "auth_" + mech.replace("-", "_").lower())(initial)
        except AuthAbort as e:
            self.rec("auth", mech=mech, ok=False, tls=self.tls, error=str(e))
            self.reply(501, "5.5.2", str(e))
            return
        if "auth-fail" in self.scen:
            ok = False
            error = error or "auth-fail scenario"
        self.rec("auth", mech=mech, user=user, password=password,
                 authzid=authzid, ok=ok, tls=self.tls, error=error)
        if ok:
            self.auth_user = user
            self.reply(235, "2.7.0", "Authentication successful")
        else:
            self.reply(535, "5.7.8", "Authentication credentials invalid")

    def auth_line(self, challenge):
        """Sends a 334 challenge, returns the decoded answer."""
        self.write(b"334 " + base64.b64encode(challenge) + b"\r\n")
        line = self.readline()
        if line is None:
            raise AuthAbort("line too long")
        self.rec("cmd", line=text(line), tls=self.tls, auth_continuation=True)
        if line.strip() == b"*":
            raise AuthAbort("AUTH cancelled")
        return b64(line)

    def check(self, user, password):
        return (self.args.auth_user is not None and user == self.args.auth_user
                and password == self.args.auth_pass)

    def auth_plain(self, initial):
        if initial is None:
            data = self.auth_line(b"")
        elif initial == "=":
            data = b""
        else:
            data = b64(initial.encode())
        parts = data.split(b"\0")
        if len(parts) != 3:
            raise AuthAbort("malformed PLAIN response")
        authzid, user, password = (text(p) for p in parts)
        ok = self.check(user, password)
        return user, password, authzid, ok, None if ok else "bad credentials"

    def auth_login(self, initial):
        if initial is not None:
            user = text(b64(initial.encode()))
        else:
            user = text(self.auth_line(b"Username:"))
        password = text(self.auth_line(b"Password:"))
        ok = self.check(user, password)
        return user, password, None, ok, None if ok else "bad credentials"

    def auth_cram_md5(self, initial):
        if initial is not None:
            raise AuthAbort("CRAM-MD5 takes no initial response")
        chal = ("<%d.%d@%s>" % (os.getpid(), time.time_ns(), HOSTNAME)).encode()
        resp = self.auth_line(chal)
        user, _, digest = text(resp).rpartition(" ")
        good = hmac.new((self.args.auth_pass or "").encode(), chal, hashlib.md5).hexdigest()
        ok = user == self.args.auth_user and hmac.compare_digest(digest, good)
        return user, None, None, ok, None if ok else "bad credentials"

    def auth_scram_sha_256(self, initial):
        first = b64(initial.encode()) if initial is not None else self.auth_line(b"")
        first = text(first)
        gs2, sep, bare = first.partition(",")
        authz, sep2, bare = bare.partition(",")
        if not sep or not sep2 or gs2 not in ("n", "y"):
            raise AuthAbort("malformed SCRAM client-first message")
        attrs = dict(a.split("=", 1) for a in bare.split(",") if "=" in a)
        user = attrs.get("n", "").replace("=2C", ",").replace("=3D", "=")
        cnonce = attrs.get("r")
        if not cnonce:
            raise AuthAbort("SCRAM client-first without nonce")
        salt = b"missive-test-salt"
        iters = 1 if "scram-low-iter" in self.scen else 4096
        nonce = cnonce + base64.b64encode(os.urandom(18)).decode()
        server_first = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(salt).decode(), iters)
        if "scram-mext" in self.scen:
            server_first = "m=channel-binding-required," + server_first
        final = text(self.auth_line(server_first.encode()))
        without_proof, _, proof = final.rpartition(",p=")
        fattrs = dict(a.split("=", 1) for a in without_proof.split(",") if "=" in a)
        if fattrs.get("r") != nonce or not proof:
            raise AuthAbort("SCRAM nonce mismatch")
        gs2_header = gs2 + "," + authz + ","
        if b64(fattrs.get("c", "").encode()) != gs2_header.encode():
            raise AuthAbort("SCRAM channel binding mismatch")
        salted = hashlib.pbkdf2_hmac("sha256", (self.args.auth_pass or "").encode(), salt, iters)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        auth_msg = ("%s,%s,%s" % (bare, server_first, without_proof)).encode()
        client_sig = hmac.new(stored_key, auth_msg, hashlib.sha256).digest()
        try:
            got = base64.b64decode(proof, validate=True)
        except ValueError:
            got = b""
        ok = False
        if len(got) == len(client_sig):
            ck = bytes(a ^ b for a, b in zip(got, client_sig))
            ok = (user == self.args.auth_user
                  and hmac.compare_digest(hashlib.sha256(ck).digest(), stored_key))
        if ok and "auth-fail" not in self.scen:
            server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
            sig = hmac.new(server_key, auth_msg, hashlib.sha256).digest()
            self.auth_line(b"v=" + base64.b64encode(sig))
        return user, None, authz or None, ok, None if ok else "bad proof"

    def cmd_mail(self, arg):
        if self.helo is None:
            self.reply(503, "5.5.1", "Send EHLO/HELO first")
            return
        if self.mail_from is not None:
            self.reply(503, "5.5.1", "Nested MAIL command")
            return
        if self.args.require_auth and self.auth_user is None:
            self.reply(530, "5.7.0", "Authentication required")
            return
        addr, params, err = parse_path(arg, "FROM:")
        if err:
            self.reply(501, "5.5.4", err)
            return
        caps = self.caps_now() if self.esmtp else set()
        ok_params = set()
        if "size" in caps:
            ok_params.add("SIZE")
        if "8bitmime" in caps:
            ok_params.add("BODY")
        if "smtputf8" in caps:
            ok_params.add("SMTPUTF8")
        if "dsn" in caps:
            ok_params.update(("RET", "ENVID"))
        if "auth" in caps:
            ok_params.add("AUTH")
        for k in params:
            if k not in ok_params:
                self.reply(555, "5.5.4", "MAIL parameter %s not recognized" % k)
                return
        if "BODY" in params and params["BODY"].upper() not in ("7BIT", "8BITMIME"):
            self.reply(501, "5.5.4", "Unknown BODY type")
            return
        if "SIZE" in params:
            try:
                size = int(params["SIZE"])
            except (TypeError, ValueError):
                self.reply(501, "5.5.4", "Bad SIZE value")
                return
            if self.args.size_limit and size > self.args.size_limit:
                self.reply(552, "5.3.4", "Message size exceeds fixed maximum message size")
                return
        if "mail-451" in self.scen:
            self.reply(451, "4.3.0", "Temporary failure, try again later")
            return
        if not addr.isascii() and "SMTPUTF8" not in params:
            self.reply(553, "5.6.7", "SMTPUTF8 required for this address")
            return
        self.mail_from = addr
        self.mail_params = params
        self.reply(250, "2.1.0", "Sender <%s> ok" % addr)

    def cmd_rcpt(self, arg):
        if self.mail_from is None:
            self.reply(503, "5.5.1", "Need MAIL before RCPT")
            return
        addr, params, err = parse_path(arg, "TO:")
        if err or not addr:
            self.reply(501, "5.5.4", err or "Empty recipient")
            return
        caps = self.caps_now() if self.esmtp else set()
        for k in params:
            if not ("dsn" in caps and k in ("NOTIFY", "ORCPT")):
                self.reply(555, "5.5.4", "RCPT parameter %s not recognized" % k)
                return
        if not addr.isascii() and "SMTPUTF8" not in self.mail_params:
            self.reply(553, "5.6.7", "SMTPUTF8 required for this address")
            return
        local = addr.rpartition("@")[0].lower() if "@" in addr else addr.lower()
        if "refuse-rcpt" in self.scen or local.startswith("refuse"):
            self.reply(550, "5.1.1", "<%s>: Recipient address rejected: User unknown" % addr)
            return
        if local.startswith("relay"):
            self.reply(554, "5.7.1", "<%s>: Relay access denied" % addr)
            return
        if local.startswith("tempfail"):
            self.reply(451, "4.3.0", "<%s>: Temporary failure, try again later" % addr)
            return
        if len(self.rcpts) >= 100:
            self.reply(452, "4.5.3", "Too many recipients")
            return
        self.rcpts.append(addr)
        self.rcpt_params.append(params)
        self.reply(250, "2.1.5", "Recipient <%s> ok" % addr)

    def cmd_data(self, arg):
        if self.mail_from is None:
            self.reply(503, "5.5.1", "Need MAIL command")
            return
        if not self.rcpts:
            self.reply(554, "5.5.1", "No valid recipients")
            return
        self.reply(354, None, "End data with <CR><LF>.<CR><LF>")
        if "close-mid-data" in self.scen:
            got = self.recv_some()
            self.rec("data_partial", bytes=len(got))
            raise Closed("close-mid-data: closed during DATA")
        acc = bytearray(b"\r\n")	# a virtual CRLF so an empty message ends at 0
        pos = 0
        while True:
            idx = acc.find(b"\r\n.\r\n", pos)
            if idx >= 0:
                break
            pos = max(0, len(acc) - 4)
            try:
                acc += self.recv_some()
            except Closed:
                self.rec("data_partial", bytes=len(acc) - 2)
                raise
        self.buf[:0] = acc[idx + 5:]
        raw = bytes(acc[2:idx + 2])
        body = (b"\r\n" + raw).replace(b"\r\n.", b"\r\n")[2:]
        self.finish_message(body, "DATA")

    def cmd_bdat(self, arg):
        parts = arg.split()
        if not parts or len(parts) > 2 or not parts[0].isdigit() or \
                (len(parts) == 2 and parts[1].upper() != "LAST"):
            self.reply(501, "5.5.4", "Syntax: BDAT size [LAST]")
            return
        n = int(parts[0])
        last = len(parts) == 2
        if "chunking" not in self.caps_now():
            self.read_exact(n)
            self.reply(502, "5.5.1", "BDAT not available")
            return
        if "close-mid-data" in self.scen:
            got = self.read_exact(min(n, max(1, n // 2)))
            self.rec("data_partial", bytes=len(got))
            raise Closed("close-mid-data: closed during BDAT")
        chunk = self.read_exact(n)
        if self.mail_from is None or not self.rcpts:
            self.reply(503, "5.5.1", "Need MAIL and RCPT before BDAT")
            self.bdat = None
            return
        if self.bdat is None:
            self.bdat = bytearray()
        self.bdat += chunk
        self.rec("bdat", size=n, last=last)
        if last:
            body = bytes(self.bdat)
            self.bdat = None
            self.finish_message(body, "BDAT")
        else:
            self.reply(250, "2.0.0", "%d octets received" % n)

    def finish_message(self, body, method):
        if "no-final-reply" in self.scen:
            self.rec("no_final_reply", bytes=len(body))
            self.drain_until_close()
            raise Closed("no-final-reply: client closed")
        if self.args.size_limit and len(body) > self.args.size_limit:
            self.rec("too_big", bytes=len(body))
            self.reset_txn()
            self.reply(552, "5.3.4", "Message too big")
            return
        for scen, code, esc, words in (
                ("final-451", 451, "4.3.0", "Temporary failure, try again later"),
                ("final-554", 554, "5.7.1", "Message refused")):
            if scen in self.scen:
                self.rec("final_refused", code=code, bytes=len(body))
                self.reset_txn()
                self.reply(code, esc, words)
                return
        n = self.srv.next_msg()
        meta = {
            "n": n,
            "conn": self.n,
            "method": method,
            "helo": self.helo,
            "esmtp": self.esmtp,
            "mail_from": self.mail_from,
            "mail_params": self.mail_params,
            "rcpt_to": self.rcpts,
            "rcpt_params": self.rcpt_params,
            "tls": self.tls,
            "tls_version": self.tls_version,
            "auth_user": self.auth_user,
            "size": len(body),
            "eight_bit": any(b > 127 for b in body),
        }
        rec = self.srv.record
        if rec:
            write_atomic(os.path.join(rec, "msg-%d.eml" % n), body)
            write_atomic(os.path.join(rec, "msg-%d.json" % n),
                         (json.dumps(meta, ensure_ascii=False, indent=1) + "\n").encode())
        if self.srv.maildir:
            deliver_maildir(self.srv.maildir, n, self.mail_from, body)
        self.rec("message", n=n, bytes=len(body))
        self.reset_txn()
        if "final-lost" in self.scen:
            raise Closed("final-lost: closed before the 250")
        if "slow-final" in self.scen:
            time.sleep(SLOW)
        if "multiline-final" in self.scen:
            self.reply(250, "2.0.0", "Message received, thank you", "Ok: queued as Q%04dX" % n)
            return
        self.reply(250, "2.0.0", "Ok: queued as %d" % n)

    def cmd_rset(self, arg):
        self.reset_txn()
        self.reply(250, "2.0.0", "Ok")

    def cmd_noop(self, arg):
        self.reply(250, "2.0.0", "Ok")

    def cmd_vrfy(self, arg):
        self.reply(252, "2.5.2", "Cannot VRFY user")

    def cmd_help(self, arg):
        self.reply(214, "2.0.0", "missive test server; see tests/server/README")

    def cmd_quit(self, arg):
        self.reply(221, "2.0.0", "Bye")
        return False


class AuthAbort(Exception):
    pass


def b64(data):
    try:
        return base64.b64decode(data.strip(), validate=True)
    except ValueError:
        raise AuthAbort("invalid base64")


def parse_path(arg, prefix):
    """'FROM:<a@b> K=V ...' -> (address, {K: V or True}, error or None)."""
    if arg[:len(prefix)].upper() != prefix:
        return None, None, "Syntax: %s<address>" % prefix
    rest = arg[len(prefix):].lstrip()
    if not rest.startswith("<"):
        return None, None, "Address must be in angle brackets"
    end = rest.find(">")
    if end < 0:
        return None, None, "Missing closing bracket"
    addr = rest[1:end]
    params = {}
    for p in rest[end + 1:].split():
        k, eq, v = p.partition("=")
        params[k.upper()] = v if eq else True
    return addr, params, None


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def deliver_maildir(md, n, mail_from, body):
    """Maildir delivery: LF line ends and a Return-Path, as an MDA writes."""
    name = "%d.M%dP%dQ%d.missive-demo" % (time.time(), time.time_ns() % 1000000,
                                          os.getpid(), n)
    data = b"Return-Path: <" + mail_from.encode() + b">\n" + body.replace(b"\r\n", b"\n")
    tmp = os.path.join(md, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, os.path.join(md, "new", name))


def listen(args):
    infos = socket.getaddrinfo(args.listen, args.port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE | socket.AI_NUMERICHOST)
    fam, typ, proto, _, addr = infos[0]
    s = socket.socket(fam, typ, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(addr)
    s.listen(64)
    return s


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--listen", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--scenario", action="append",
                   help="fault scenario(s), comma-separated or repeated: "
                   + ", ".join(sorted(SCENARIOS)))
    p.add_argument("--caps", help="capabilities to offer (default: all): "
                   + ",".join(ALL_CAPS))
    p.add_argument("--caps-tls", help="capabilities to offer after TLS "
                   "(default: the same as --caps)")
    p.add_argument("--size-limit", type=int, default=0)
    p.add_argument("--auth-user")
    p.add_argument("--auth-pass")
    p.add_argument("--auth-mechs", default="PLAIN,LOGIN",
                   help="offered mechanisms: PLAIN,LOGIN,CRAM-MD5,SCRAM-SHA-256")
    p.add_argument("--plaintext-auth", action="store_true",
                   help="offer AUTH before TLS too")
    p.add_argument("--require-auth", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--ciphers", help="OpenSSL cipher string for TLS 1.2 and older "
                   "(e.g. 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0')")
    p.add_argument("--ecdh-curve", help="the one ECDHE group accepted (OpenSSL "
                   "name, e.g. prime256v1)")
    p.add_argument("--dh-params", help="PEM file of finite-field DH parameters "
                   "for the DHE cipher suites")
    p.add_argument("--tls-min", default="1.2", choices=["1.0", "1.1", "1.2", "1.3"])
    p.add_argument("--tls-max", default="1.3", choices=["1.0", "1.1", "1.2", "1.3"])
    p.add_argument("--delay", type=float, default=0.0,
                   help="seconds to wait before every reply")
    p.add_argument("--idle-timeout", type=float, default=60.0)
    p.add_argument("--read-rate", type=float, default=0.0,
                   help="read at most this many bytes a second")
    p.add_argument("--record", help="folder for the record (see README)")
    p.add_argument("--maildir", help="also deliver every message into this Maildir")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="exit when stdin (a pipe or socket) reaches EOF")
    p.add_argument("--watch-parent", action="store_true",
                   help="exit when the parent process goes away")
    p.add_argument("--parent-pid", type=int,
                   help="exit when this process is not (or no longer) the parent")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--pid-file", help="write the pid here once listening")
    p.add_argument("--list-scenarios", action="store_true")
    p.add_argument("--fault-rate", type=float, default=0.0,
                   help="the share of connections that get a scenario of "
                   "--fault-pool instead of the server's own")
    p.add_argument("--fault-pool", help="session scenarios to pick from, "
                   "comma-separated: " + ", ".join(sorted(SESSION_SCENARIOS)))
    p.add_argument("--fault-seed", type=int, default=1,
                   help="seed of the per-connection choice")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.list_scenarios:
        for k in sorted(SCENARIOS):
            print("%-20s %s" % (k, SCENARIOS[k]))
        return 0
    srv = Server(args)
    lsock = listen(args)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, stop)

    # The parent as it is before the PORT line: a parent that reads it
    # and exits at once must not leave us taking init for the parent
    # (with --parent-pid, one that died before we started is seen too).
    ppid = args.parent_pid or os.getppid()
    port = lsock.getsockname()[1]
    written = []
    for path, value in ((args.port_file, port), (args.pid_file, os.getpid())):
        if path:
            write_atomic(path, b"%d\n" % value)
            written.append((path, b"%d\n" % value))
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    watch = [lsock]
    # Only a pipe or socket on stdin tells of the parent's end; a terminal
    # or /dev/null must not be read (or taken for an EOF).
    if args.exit_on_stdin_eof:
        try:
            mode = os.fstat(0).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                watch.append(0)
        except OSError:
            pass
    watch_parent = args.watch_parent or args.parent_pid is not None
    try:
        while True:
            if watch_parent and os.getppid() != ppid:
                return 0
            r, _, _ = select.select(watch, [], [], 1.0)
            if 0 in r:
                try:
                    if not os.read(0, 4096):
                        return 0
                except OSError:
                    return 0
            if lsock in r:
                try:
                    c, peer = lsock.accept()
                except OSError:
                    continue
                sess = Session(srv, c, "%s:%d" % (peer[0], peer[1]))
                threading.Thread(target=sess.run, daemon=True).start()
    except SystemExit:
        return 0
    finally:
        lsock.close()
        for path, value in written:
            try:	# unless another instance has taken it over since
                with open(path, "rb") as f:
                    if f.read() == value:
                        os.unlink(path)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
