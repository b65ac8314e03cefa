#!/usr/bin/python3
"""A large missive state folder from a small real one: SRC's servers file
with SERVERS more entries (other names, the same certificate's fields)
before its own, and its receipts.jsonl with its last receipt repeated up
to RECEIPTS lines. For bench/run: the cost of the server memory and the
receipts that every send reads and writes, when they have grown.

Usage: mkstate.py SRC DST SERVERS RECEIPTS
"""

import os
import sys


def main():
    src, dst, nserv, nrec = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(os.path.join(src, "servers"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    head = [l for l in lines if l.startswith("#") or not l.strip()]
    entries = [l for l in lines if l.strip() and not l.startswith("#")]
    if not entries:
        sys.exit("mkstate.py: no entry in %s/servers" % src)
    fields = entries[0].split()
    more = ["mx%d.example.net:587 %s" % (i, " ".join(fields[1:])) for i in range(nserv)]
    with open(os.path.join(src, "receipts.jsonl"), encoding="utf-8") as f:
        receipts = f.read().splitlines()
    if not receipts:
        sys.exit("mkstate.py: no receipt in %s/receipts" % src)
    receipts += [receipts[-1]] * max(0, nrec - len(receipts))
    os.makedirs(dst, mode=0o700, exist_ok=True)
    for name, body in (("servers", head + more + entries), ("receipts.jsonl", receipts)):
        path = os.path.join(dst, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(body) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
