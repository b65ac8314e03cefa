#!/usr/bin/python3
"""An independent judge for messages rendered by missive's message layer.

Usage: msg_judge.py MESSAGE.eml EXPECT.json

Parses MESSAGE.eml with Python's email package (policy=email.policy.default)
and checks that it reads back to exactly what EXPECT.json says was typed,
and that the wire form obeys the rules a server relies on. Exit 0 when
every check passes, 1 (with the failures on stderr) otherwise.

EXPECT.json keys (all optional except from):
  from         [display_name, "local@domain"]
  to, cc       lists of [display_name, "local@domain"] (group members
               flattened, in order); "groups": {"To": [[name, count], ...]}
  reply_to     list as for to
  subject      string (None/absent: no Subject header)
  body         the text as typed, LF line ends, signature included
  flowed       true: the body is format=flowed; it is unflowed first
  attachments  list of {"filename", "path" (file whose bytes it must
               decode to), "sha256", "size", "content_type"}
  absent       strings that must not occur anywhere in the headers (Bcc)
  eightbit     true when 8-bit bytes are allowed on the wire
  utf8         true when raw UTF-8 is allowed in the headers
  cte          expected Content-Transfer-Encoding of the text part
  size         expected byte count of the file
"""

import codecs
import email
import email.policy
import hashlib
import json
import sys

failures = []


def fail(msg):
    failures.append(msg)


def udomain(d):
    """Unicode form of a domain, decoding A-labels with Python's own
    punycode codec (independent of missive's)."""
    out = []
    for label in d.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = codecs.decode(label[4:].encode("ascii"), "punycode")
            except Exception as e:  # noqa: BLE001
                fail("bad A-label %r: %s" % (label, e))
        out.append(label.lower() if label.isascii() else label)
    return ".".join(out)


def norm_addr(a):
    local, _, dom = a.rpartition("@")
    return local + "@" + udomain(dom)


def addrs_of(header):
    res = []
    if header is None:
        return res
    for g in header.groups:
        for a in g.addresses:
            res.append([a.display_name, norm_addr(a.username + "@" + a.domain)])
    return res


def unflow(text, delsp=False):
    """RFC 3676 decoding: the quote depth counted, one stuffing space
    dropped, lines ending in a space (soft breaks) joined with the next
    one of the same depth. Quoted lines come out as ">>> text"."""
    out, cur, cur_depth = [], None, 0
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
        trail = True
    else:
        trail = False
    for line in lines:
        depth = len(line) - len(line.lstrip(">"))
        line = line[depth:]
        if line.startswith(" "):
            line = line[1:]
        if cur is not None and depth != cur_depth:
            out.append(cur)
            cur = None
        soft = line.endswith(" ") and line != "-- "
        if soft and delsp:
            line = line[:-1]
        if cur is None:
            cur = (">" * depth + " " if depth else "") + line
            cur_depth = depth
        else:
            cur += line
        if not soft:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return "\n".join(out) + ("\n" if trail else "")


def check_wire(raw, exp):
    if b"\x00" in raw:
        fail("NUL byte on the wire")
    lines = raw.split(b"\r\n")
    if lines[-1] != b"":
        fail("message does not end with CRLF")
    for i, line in enumerate(lines[:-1]):
        if b"\n" in line or b"\r" in line:
            fail("bare CR or LF in line %d" % (i + 1))
        if len(line) > 998:
            fail("line %d is %d octets (> 998)" % (i + 1, len(line)))
    head = raw.split(b"\r\n\r\n", 1)[0]
    for i, line in enumerate(head.split(b"\r\n")):
        # Foldable header lines stay within 78 unless one word is longer.
        if len(line) > 78 and b" " in line.strip() and not exp.get("long_ok"):
            words = line.split()
            if max(len(w) for w in words) + 1 < 78:
                fail("header line %d is %d octets but could fold: %r"
                     % (i + 1, len(line), line[:100]))
    if not exp.get("utf8") and any(c >= 0x80 for c in head):
        fail("8-bit bytes in the headers without UTF-8 allowed")
    if not exp.get("eightbit") and not exp.get("utf8") and any(c >= 0x80 for c in raw):
        fail("8-bit bytes in the message without 8BITMIME")
    for s in exp.get("absent", []):
        if s.encode() in head.lower() or s.lower().encode() in head.lower():
            fail("%r appears in the headers" % s)
    if b"\nBcc:" in b"\n" + head or b"\nbcc:" in (b"\n" + head).lower():
        fail("a Bcc header was written")
    if "size" in exp and exp["size"] != len(raw):
        fail("file has %d bytes, expected %d" % (len(raw), exp["size"]))


def main():
    raw = open(sys.argv[1], "rb").read()
    exp = json.load(open(sys.argv[2], encoding="utf-8"))
    check_wire(raw, exp)
    pol = email.policy.default
    bmsg = email.message_from_bytes(raw, policy=pol)
    # Raw UTF-8 headers (RFC 6532) read correctly only from text.
    hmsg = email.message_from_string(raw.decode("utf-8", "replace"), policy=pol)
    for m in (bmsg, hmsg):
        for part in m.walk():
            for d in part.defects:
                fail("defect in %s: %r" % (part.get_content_type(), d))
    for h in ("Date", "Message-ID", "MIME-Version", "From"):
        if hmsg[h] is None:
            fail("no %s header" % h)
    if hmsg["Date"] is not None and hmsg["Date"].datetime is None:
        fail("Date %r does not parse" % str(hmsg["Date"]))
    if hmsg["Message-ID"] is not None and not str(hmsg["Message-ID"]).startswith("<"):
        fail("Message-ID %r" % str(hmsg["Message-ID"]))
    if hmsg["User-Agent"] is None or not str(hmsg["User-Agent"]).startswith("missive/"):
        fail("User-Agent is %r" % hmsg["User-Agent"])

    if "from" in exp:
        got = addrs_of(hmsg["From"])
        want = [[exp["from"][0], norm_addr(exp["from"][1])]]
        if got != want:
            fail("From: got %r, want %r" % (got, want))
    for key, h in (("to", "To"), ("cc", "Cc"), ("reply_to", "Reply-To")):
        if key in exp:
            got = addrs_of(hmsg[h])
            want = [[n, norm_addr(a)] for n, a in exp[key]]
            if got != want:
                fail("%s: got %r, want %r" % (h, got, want))
    for h, groups in exp.get("groups", {}).items():
        got = [[g.display_name, len(g.addresses)] for g in hmsg[h].groups
               if g.display_name is not None]
        if got != groups:
            fail("%s groups: got %r, want %r" % (h, got, groups))
    if "subject" in exp:
        got = hmsg["Subject"]
        got = None if got is None else str(got)
        if got != exp["subject"]:
            fail("Subject: got %r, want %r" % (got, exp["subject"]))

    text = bmsg.get_body(("plain",))
    if text is None:
        fail("no text/plain part")
    elif "body" in exp:
        got = text.get_content().replace("\r\n", "\n")
        if exp.get("flowed"):
            if text.get_param("format") != "flowed":
                fail("text part is not format=flowed")
            got = unflow(got)
        if got != exp["body"]:
            fail("body: got %r, want %r" % (got[:300], exp["body"][:300]))
        if text.get_content_charset() != "utf-8":
            fail("charset is %r" % text.get_content_charset())
        if "cte" in exp and text["Content-Transfer-Encoding"] != exp["cte"]:
            fail("text part CTE %r, want %r"
                 % (str(text["Content-Transfer-Encoding"]), exp["cte"]))

    atts = list(bmsg.iter_attachments()) if bmsg.is_multipart() else []
    want = exp.get("attachments", [])
    if len(atts) != len(want):
        fail("%d attachments, want %d" % (len(atts), len(want)))
    for a, w in zip(atts, want):
        data = a.get_payload(decode=True)
        if a.get_filename() != w["filename"]:
            fail("filename %r, want %r" % (a.get_filename(), w["filename"]))
        if "path" in w:
            want_data = open(w["path"], "rb").read()
            if data != want_data:
                fail("attachment %r: decoded bytes differ from %s (%d vs %d bytes)"
                     % (w["filename"], w["path"], len(data), len(want_data)))
        if "sha256" in w and hashlib.sha256(data).hexdigest() != w["sha256"]:
            fail("attachment %r: SHA-256 differs (%d bytes decoded)"
                 % (w["filename"], len(data)))
        if "size" in w and len(data) != w["size"]:
            fail("attachment %r: %d bytes, want %d" % (w["filename"], len(data), w["size"]))
        if "content_type" in w and a.get_content_type() != w["content_type"]:
            fail("attachment type %r, want %r" % (a.get_content_type(), w["content_type"]))
        if a["Content-Transfer-Encoding"] != "base64":
            fail("attachment not base64")

    if failures:
        for f in failures:
            print("msg_judge: " + f, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
