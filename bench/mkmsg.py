#!/usr/bin/python3
"""Writes the ready-made RFC 5322 messages that msmtp and curl send (they
take a finished message; missive, swaks and smtplib build their own).

Usage: mkmsg.py small BODYFILE OUT     headers + the text of BODYFILE
       mkmsg.py attach FILE OUT        headers, a short text part, FILE as a
                                       base64 application/octet-stream part
       mkmsg.py text BYTES OUT         not a message: BYTES of plain text in
                                       lines of about 70 characters, every
                                       500th starting with a dot (a --body
                                       for the large-text case)
"""

import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from email import policy


def base():
    m = EmailMessage(policy=policy.SMTP)
    m["From"] = "from@example.org"
    m["To"] = "a@example.org, b@example.org"
    m["Subject"] = "s"
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="example.org")
    return m


def text(size, out):
    words = ("the quick brown fox jumps over a lazy dog while a mail client "
             "sends a long text from a terminal in short lines").split()
    lines, n, i = [], 0, 0
    while n < size:
        k = i % len(words)
        line = "%s%07d %s\n" % ("." if i % 500 == 0 else "", i,
                                " ".join(words[k:] + words[:k])[:62])
        lines.append(line)
        n += len(line)
        i += 1
    data = "".join(lines)[:size - 1] + "\n"
    with open(out, "w", encoding="ascii") as f:
        f.write(data)


def main():
    kind, src, out = sys.argv[1:4]
    if kind == "text":
        text(int(src), out)
        return 0
    m = base()
    if kind == "small":
        with open(src, encoding="utf-8") as f:
            m.set_content(f.read())
    elif kind == "attach":
        m.set_content("The file is attached.\n")
        with open(src, "rb") as f:
            data = f.read()
        m.add_attachment(data, maintype="application", subtype="octet-stream",
                         filename=src.rsplit("/", 1)[-1])
    else:
        sys.exit("mkmsg.py: unknown kind %r" % kind)
    with open(out, "wb") as f:
        f.write(m.as_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
