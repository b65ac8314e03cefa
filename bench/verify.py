#!/usr/bin/python3
"""Checks that a recorded message carries a file intact: finds the longest
run of base64 lines in the message, decodes it, and compares its length and
SHA-256 with the original file. Prints "ok BYTES" or "BAD ..." (exit 1).

Usage: verify.py MESSAGE.eml ORIGINAL
"""

import binascii
import hashlib
import sys

B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def main():
    eml, orig = sys.argv[1:3]
    with open(eml, "rb") as f:
        lines = f.read().split(b"\r\n")
    best = (0, 0)	# (length in lines, start)
    start = None
    for i, line in enumerate(lines + [b""]):
        if line and not line.translate(None, B64):
            if start is None:
                start = i
        else:
            if start is not None and i - start > best[0]:
                best = (i - start, start)
            start = None
    n, s = best
    data = binascii.a2b_base64(b"".join(lines[s:s + n]))
    with open(orig, "rb") as f:
        want = f.read()
    if len(data) == len(want) and hashlib.sha256(data).digest() == hashlib.sha256(want).digest():
        print("ok %d" % len(data))
        return 0
    print("BAD: decoded %d bytes, expected %d (or contents differ)" % (len(data), len(want)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
