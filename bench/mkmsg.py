#!/usr/bin/python3
"""Writes the ready-made RFC 5322 messages that msmtp and curl send (they
take a finished message; missive, swaks and smtplib build their own).

Usage: mkmsg.py small BODYFILE OUT     headers + the text of BODYFILE
       mkmsg.py attach FILE OUT        headers, a short text part, FILE as a
                                       base64 application/octet-stream part
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


def main():
    kind, src, out = sys.argv[1:4]
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
