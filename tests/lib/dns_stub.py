#!/usr/bin/python3
"""A tiny authoritative DNS server for the tests: answers A, AAAA and SRV
queries over UDP from a zone table, so that `missive setup` can look up
RFC 6186 SRV records and host names with the system resolver and no real
DNS. Standard library only (packets built with struct).

    dns_stub.py --listen 127.0.0.153 [--port 53] --zone FILE
                [--log FILE] [--parent-pid PID]

The zone FILE has one record a line ('#' starts a comment):

    _submissions._tcp.example.test  SRV  0 1 465 submit.example.test
    _submission._tcp.none.test      SRV  0 0 0 .
    submit.example.test             A    127.0.0.10
    submit.example.test             AAAA ::1

A name with records of another type gets an empty answer (NOERROR,
"no data"); a name the table does not have gets NXDOMAIN, as a real
server's. Once bound it prints "READY" on stdout (flushed); every query
is appended to the --log file as "NAME TYPE" (lower-case name). The
table is read again for every query, so a test changes it by rewriting
the file. It ends
on SIGTERM or when the process --parent-pid is no longer its parent.
"""

import argparse
import ipaddress
import os
import select
import signal
import socket
import struct
import sys

TYPES = {"A": 1, "AAAA": 28, "SRV": 33, "CNAME": 5, "SOA": 6, "TXT": 16,
         "MX": 15, "NS": 2}
TYPE_NAMES = {v: k for k, v in TYPES.items()}


def encode_name(name):
    name = name.rstrip(".")
    out = b""
    if name:
        for label in name.split("."):
            raw = label.encode("ascii")
            if not 0 < len(raw) < 64:
                raise ValueError("bad label in %r" % name)
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def decode_name(msg, off):
    """The question's name (no compression in a question we are sent)."""
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            break
        if n & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n
    return ".".join(labels), off


def load_zone(path):
    zone = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            name, rtype, data = parts[0].rstrip(".").lower(), parts[1].upper(), parts[2:]
            if rtype == "A":
                rdata = ipaddress.IPv4Address(data[0]).packed
            elif rtype == "AAAA":
                rdata = ipaddress.IPv6Address(data[0]).packed
            elif rtype == "SRV":
                prio, weight, port = (int(x) for x in data[:3])
                rdata = struct.pack("!HHH", prio, weight, port) + encode_name(data[3])
            else:
                raise SystemExit("%s:%d: type %s is not served" % (path, lineno, rtype))
            zone.setdefault(name, []).append((TYPES[rtype], rdata))
    return zone


def answer(zone, query):
    qid, flags, qd, _an, _ns, _ar = struct.unpack("!6H", query[:12])
    if qd != 1:
        return None, None
    name, off = decode_name(query, 12)
    qtype, qclass = struct.unpack("!HH", query[off:off + 4])
    question = query[12:off + 4]
    rd = flags & 0x0100
    key = name.rstrip(".").lower()
    records = zone.get(key)
    if records is None:
        rcode, rrs = 3, []           # NXDOMAIN
    else:
        rcode = 0
        rrs = [r for r in records if r[0] == qtype] if qclass == 1 else []
    body = b""
    for rtype, rdata in rrs:
        body += encode_name(key) + struct.pack("!HHIH", rtype, 1, 60, len(rdata)) + rdata
    # QR, AA, RD as asked, RA
    head = struct.pack("!6H", qid, 0x8400 | rd | 0x0080 | rcode, 1, len(rrs), 0, 0)
    return head + question + body, "%s %s" % (key, TYPE_NAMES.get(qtype, str(qtype)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", default="127.0.0.153")
    p.add_argument("--port", type=int, default=53)
    p.add_argument("--zone", required=True)
    p.add_argument("--log")
    p.add_argument("--parent-pid", type=int)
    args = p.parse_args()
    load_zone(args.zone)         # a bad table fails at the start
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.listen, args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("READY", flush=True)
    while True:
        r, _, _ = select.select([s], [], [], 0.5)
        if args.parent_pid and os.getppid() != args.parent_pid:
            return
        if not r:
            continue
        query, peer = s.recvfrom(4096)
        try:
            # Read again for every query: a test changes the table by
            # rewriting the file.
            reply, what = answer(load_zone(args.zone), query)
        except (ValueError, struct.error, IndexError):
            continue
        if reply is None:
            continue
        if args.log:
            with open(args.log, "a") as f:
                f.write(what + "\n")
        s.sendto(reply, peer)


if __name__ == "__main__":
    main()
