#!/usr/bin/python3
"""An independent judge of missive's replies and forwards.

Usage: answer_judge.py MODE ORIGINAL.eml ANSWER.eml OWN[,OWN...]

MODE is reply, all (reply --all), forward or inline (forward --inline).
ORIGINAL is the message answered, ANSWER what missive made of it (the
bytes the server received, or --dry-run's). OWN are the user's bare
addresses. Both are read with Python's email package (policy.default);
what the answer must hold is worked out from the original here, not
taken from missive:

  reply/all  Subject "Re: " and the original's without its reply
             prefixes; In-Reply-To its Message-ID; References its
             References (or a lone In-Reply-To) and its Message-ID, the
             first and the newest 29 when longer (RFC 5322 3.6.4); To its
             Reply-To or From (all: and its To), Cc (all) its Cc, none of
             OWN, each address once; the text part: "On DATE, NAME wrote:"
             then the original's text (its plain part, else its HTML made
             text) quoted line by line, without its signature.
  forward    Subject "Fwd: ..."; the original attached as message/rfc822,
             its bytes as they were (CRLF lines).
  inline     Subject "Fwd: ..."; the body holds the original's From, Date
             and Subject lines and its text.
Exit 0 when every check passes, 1 with the failures on stderr.
"""

import email
import email.policy
import email.utils
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)


REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|vs|ref|res|odp|r)(\[\d+\]|\(\d+\))?:\s*)+",
                          re.I)
FWD_PREFIX = re.compile(r"^\s*((fwd|fw|wg|tr|rv|enc|i)(\[\d+\]|\(\d+\))?:\s*)+", re.I)


def addrs(header):
    out = []
    if header is None:
        return out
    for a in header.addresses:
        if a.username or a.domain:
            out.append((a.display_name, (a.username + "@" + a.domain)))
    return out


def unflow(text, delsp=False):
    out, cur, depth = [], None, 0
    for line in text.split("\n"):
        q = len(line) - len(line.lstrip(">"))
        line = line[q:]
        if line.startswith(" "):
            line = line[1:]
        if cur is not None and q != depth:
            out.append(cur)
            cur = None
        soft = line.endswith(" ") and line != "-- "
        if soft and delsp:
            line = line[:-1]
        if cur is None:
            cur, depth = (">" * q + " " if q else "") + line, q
        else:
            cur += line
        if not soft:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return "\n".join(out)


def text_of(msg):
    """The answer's text part as the reader sees it."""
    part = msg.get_body(("plain",))
    if part is None:
        fail("the answer has no text/plain part")
        return ""
    t = part.get_content().replace("\r\n", "\n")
    if part.get_param("format") == "flowed":
        t = unflow(t, part.get_param("delsp") == "yes")
    return t


def original_text(orig):
    part = orig.get_body(("plain", "html"))
    if part is None:
        return None, ""
    t = part.get_content().replace("\r\n", "\n")
    if part.get_content_subtype() == "plain" and part.get_param("format") == "flowed":
        t = unflow(t, part.get_param("delsp") == "yes")
    return part.get_content_subtype(), t


def strip_sig(text):
    lines = text.split("\n")
    cut = None
    for i, l in enumerate(lines):
        if l == "-- ":
            cut = i
    if cut is not None:
        lines = lines[:cut]
    while lines and lines[-1].strip() == "":
        lines.pop()
    while lines and lines[0].strip() == "":
        lines.pop(0)
    return [l.rstrip() for l in lines]


def ids(value):
    return re.findall(r"<[^<>\s]+@[^<>\s]+>", value or "")


def check_reply(orig, ans, mode, own):
    osubj = str(orig["Subject"] or "")
    want = "Re: " + REPLY_PREFIX.sub("", osubj)
    if str(ans["Subject"]) != want:
        fail("Subject %r, want %r" % (str(ans["Subject"]), want))
    mid = ids(str(orig["Message-ID"] or ""))
    if mid:
        if ids(str(ans["In-Reply-To"] or "")) != mid[:1]:
            fail("In-Reply-To %r, want %r" % (ans["In-Reply-To"], mid[0]))
    refs = ids(str(orig["References"] or ""))
    if not refs:
        irt = ids(str(orig["In-Reply-To"] or ""))
        refs = irt if len(irt) == 1 else []
    if mid and (not refs or refs[-1] != mid[0]):
        refs = refs + mid[:1]
    if len(refs) > 30:
        refs = refs[:1] + refs[-29:]
    got = ids(str(ans["References"] or ""))
    if got != refs:
        fail("References %r, want %r" % (got, refs))

    own = [o.lower() for o in own]
    frm = addrs(orig["From"])
    mine = frm and frm[0][1].lower() in own
    to, cc = [], []

    def add(lst, items):
        for n, a in items:
            if a.lower() in own or a.lower() in [x[1].lower() for x in to + cc]:
                continue
            lst.append((n, a))
    if mine:
        add(to, addrs(orig["To"]))
    else:
        add(to, addrs(orig["Reply-To"]) or frm)
        if mode == "all":
            add(to, addrs(orig["To"]))
    if mode == "all":
        add(cc, addrs(orig["Cc"]))
    if addrs(ans["To"]) != to:
        fail("To %r, want %r" % (addrs(ans["To"]), to))
    if addrs(ans["Cc"]) != cc:
        fail("Cc %r, want %r" % (addrs(ans["Cc"]), cc))

    text = text_of(ans).split("\n")
    kind, otext = original_text(orig)
    name = frm[0][0] or frm[0][1] if frm else ""
    # The Date as written (policy.default would rewrite it).
    raw = email.message_from_bytes(orig.as_bytes(policy=email.policy.compat32))
    date = re.sub(r"\s+", " ", str(raw["Date"] or "")).strip()
    want_attr = ("On %s, %s wrote:" % (date, name)) if date else "%s wrote:" % name
    if not text or text[0] != want_attr:
        fail("attribution %r, want %r" % (text[:1], want_attr))
    quoted = []
    for l in text[1:]:
        if not l.startswith(">"):
            break
        quoted.append(l)
    if kind == "plain":
        want = strip_sig(otext)
        unq = []
        for l in quoted:
            unq.append(l[2:] if l.startswith("> ") else l[1:])
        if unq != want:
            fail("the quote unquoted is %r,\n  the original's text %r" % (unq, want))
    elif kind == "html":
        joined = " ".join(quoted)
        if "<p" in joined or "<div" in joined or "MsoNormal" in joined:
            fail("HTML markup in the quote: %r" % joined[:200])
        # Every word of the HTML's visible text is in the quote.
        visible = re.sub(r"<(style|head|script)[^>]*>.*?</\1>", " ", otext, flags=re.S | re.I)
        visible = re.sub(r"<[^>]+>", " ", visible)
        import html as htmlmod
        words = htmlmod.unescape(visible).split()
        for w in words:
            if w not in joined:
                fail("the quote lacks %r of the HTML's text" % w)
                break
    # The signature the user's own text ends with is the profile's only.
    sigs = [i for i, l in enumerate(text) if l == "-- "]
    if len(sigs) > 1:
        fail("%d signature separators in the reply" % len(sigs))


def check_forward(orig_raw, orig, ans, ans_raw, inline):
    osubj = str(orig["Subject"] or "")
    want = "Fwd: " + FWD_PREFIX.sub("", osubj)
    if str(ans["Subject"]) != want:
        fail("Subject %r, want %r" % (str(ans["Subject"]), want))
    if ans["In-Reply-To"] is not None:
        fail("a forward has In-Reply-To")
    if inline:
        body = text_of(ans)
        raw = email.message_from_bytes(orig_raw)
        for n, a in addrs(orig["From"]):
            line = [l for l in body.split("\n") if l.startswith("From: ")]
            if not line or a not in line[0] or n not in line[0]:
                fail("the forwarded text's From line %r lacks %r <%s>" % (line[:1], n, a))
        for h in ("Date", "Subject"):
            # The Date as written; the others decoded.
            v = re.sub(r"\s+", " ", str(raw[h])).strip() if h == "Date" else str(orig[h])
            if orig[h] is not None and ("%s: %s" % (h, v)) not in body:
                fail("the forwarded text lacks its %s line %r" % (h, v))
        kind, otext = original_text(orig)
        if kind == "plain":
            for l in strip_sig(otext):
                if l.strip() and l.strip() not in body:
                    fail("the forwarded text lacks %r" % l)
                    break
        return
    atts = [p for p in ans.walk() if p.get_content_type() == "message/rfc822"]
    if len(atts) != 1:
        fail("%d message/rfc822 parts, want 1" % len(atts))
        return
    inner = atts[0].get_payload()[0]
    if str(inner["Subject"]) != osubj:
        fail("the attached message's Subject is %r" % str(inner["Subject"]))
    crlf = orig_raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not crlf.endswith(b"\r\n"):
        crlf += b"\r\n"
    cte = str(atts[0]["Content-Transfer-Encoding"] or "7bit").lower()
    if cte in ("7bit", "8bit") and crlf not in ans_raw:
        fail("the attached message is not the original's bytes")
    elif cte == "base64" and atts[0].get_payload(decode=True) != orig_raw:
        fail("the attached message decodes to other bytes")


def main():
    mode, opath, apath, own = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    orig_raw = open(opath, "rb").read()
    ans_raw = open(apath, "rb").read()
    pol = email.policy.default
    orig = email.message_from_bytes(orig_raw, policy=pol)
    ans = email.message_from_bytes(ans_raw, policy=pol)
    for part in ans.walk():
        for d in part.defects:
            fail("defect in the answer's %s: %r" % (part.get_content_type(), d))
    if mode in ("reply", "all"):
        check_reply(orig, ans, mode, own.split(","))
    else:
        check_forward(orig_raw, orig, ans, ans_raw, mode == "inline")
    for f in failures:
        print("answer_judge: %s: %s" % (opath.rsplit("/", 1)[-1], f), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
