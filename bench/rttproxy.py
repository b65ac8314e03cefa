#!/usr/bin/python3
"""Loopback TCP proxy that delays the server-to-client direction by a fixed
time, and counts how often the client waited for the server.

Used by bench/run to count round trips: with a one-way delay D on what the
server sends, a client that needs N answers before it is done takes about
N x D longer than without it, whatever the server does. A "turn" is counted
each time the client acts (sends bytes, or closes) after data from the
server reached it since its previous action; that is the number of server
flights the client waited on (the greeting, each unpipelined reply, each TLS
handshake flight, the final reply, the 221 to QUIT if it reads it).

Usage: rttproxy.py --target PORT --delay SECONDS --log FILE
Prints "PORT n" on stdout once it listens on 127.0.0.1. One JSON line per
finished connection is appended to FILE:
  {"conn": n, "turns": t, "client_chunks": c, "server_chunks": s,
   "client_bytes": b, "server_bytes": b, "seconds": d,
   "tls_records": r, "tls_record_bytes": b}
where tls_records counts the client's TLS records from its first
ClientHello on (after STARTTLS, or from the start with implicit TLS).
Standard library only; stops on SIGTERM/SIGINT.
"""

import argparse
import collections
import json
import signal
import socket
import sys
import threading
import time


class Conn:
    """One proxied connection: client <-> proxy <-> server."""

    def __init__(self, n, client, args):
        self.n = n
        self.client = client
        self.args = args
        self.server = socket.create_connection(("127.0.0.1", args.target))
        for s in (self.client, self.server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.queue = collections.deque()	# (deliver_at, bytes or None)
        self.delivered = False	# server data reached the client since its last action
        self.turns = 0
        self.client_chunks = 0
        self.server_chunks = 0
        self.client_bytes = 0
        self.server_bytes = 0
        self.t0 = time.monotonic()
        self.tls = False	# the client's stream is TLS records from here
        self.rec_left = 0	# bytes of the current record still to come
        self.hdr = b""
        self.records = 0
        self.record_bytes = 0

    def count_records(self, data):
        """Follows TLS record headers (5 bytes: type, version, length)."""
        if not self.tls:
            if not data.startswith(b"\x16\x03"):
                return
            self.tls = True
        i = 0
        while i < len(data):
            if self.rec_left > 0:
                take = min(self.rec_left, len(data) - i)
                self.rec_left -= take
                i += take
                continue
            need = 5 - len(self.hdr)
            self.hdr += data[i:i + need]
            i += need
            if len(self.hdr) == 5:
                n = int.from_bytes(self.hdr[3:5], "big")
                self.records += 1
                self.record_bytes += n
                self.rec_left = n
                self.hdr = b""

    def client_acted(self):
        with self.lock:
            if self.delivered:
                self.turns += 1
                self.delivered = False

    def up(self):
        """Client to server, at once; every chunk or the EOF is an action."""
        try:
            while True:
                data = self.client.recv(65536)
                self.client_acted()
                if not data:
                    break
                self.client_chunks += 1
                self.client_bytes += len(data)
                self.count_records(data)
                self.server.sendall(data)
        except OSError:
            pass
        try:
            self.server.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def down_read(self):
        """Server to the delay queue."""
        try:
            while True:
                data = self.server.recv(65536)
                with self.cond:
                    self.queue.append((time.monotonic() + self.args.delay,
                                       data if data else None))
                    self.cond.notify()
                if not data:
                    break
                self.server_chunks += 1
                self.server_bytes += len(data)
        except OSError:
            with self.cond:
                self.queue.append((time.monotonic() + self.args.delay, None))
                self.cond.notify()

    def down_deliver(self):
        """Delay queue to the client, each chunk at its time, in order."""
        while True:
            with self.cond:
                while not self.queue:
                    self.cond.wait()
                when, data = self.queue.popleft()
            left = when - time.monotonic()
            if left > 0:
                time.sleep(left)
            if data is None:
                try:
                    self.client.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            # Flagged before the bytes leave, so that a client answering
            # within microseconds is still seen as having waited.
            with self.lock:
                self.delivered = True
            try:
                self.client.sendall(data)
            except OSError:
                return

    def run(self):
        threads = [threading.Thread(target=f, daemon=True)
                   for f in (self.up, self.down_read, self.down_deliver)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s in (self.client, self.server):
            try:
                s.close()
            except OSError:
                pass
        rec = {"conn": self.n, "turns": self.turns,
               "client_chunks": self.client_chunks,
               "server_chunks": self.server_chunks,
               "client_bytes": self.client_bytes,
               "server_bytes": self.server_bytes,
               "seconds": round(time.monotonic() - self.t0, 4),
               "tls_records": self.records,
               "tls_record_bytes": self.record_bytes}
        with open(self.args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--target", type=int, required=True)
    p.add_argument("--delay", type=float, default=0.02)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    sys.stdout.write("PORT %d\n" % ls.getsockname()[1])
    sys.stdout.flush()
    n = 0
    try:
        while True:
            c, _ = ls.accept()
            n += 1
            try:
                conn = Conn(n, c, args)
            except OSError as e:
                sys.stderr.write("rttproxy: upstream: %s\n" % e)
                c.close()
                continue
            threading.Thread(target=conn.run, daemon=True).start()
    except SystemExit:
        return 0
    finally:
        ls.close()


if __name__ == "__main__":
    sys.exit(main())
