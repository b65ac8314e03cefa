#!/usr/bin/python3
"""Sends one message with Python's smtplib, as a script author would:
SMTP(), starttls() with a verifying context, send_message(), quit();
with --implicit, SMTP_SSL() with that context instead.

Usage: smtplib_send.py [--implicit|--plain] --port N --ca CA [--body FILE]
                       [--attach FILE] FROM TO...
"""

import argparse
import smtplib
import ssl
import sys
from email.message import EmailMessage


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca")
    p.add_argument("--plain", action="store_true")
    p.add_argument("--implicit", action="store_true")
    p.add_argument("--body")
    p.add_argument("--attach")
    p.add_argument("sender")
    p.add_argument("rcpts", nargs="+")
    a = p.parse_args()
    m = EmailMessage()
    m["From"] = a.sender
    m["To"] = ", ".join(a.rcpts)
    m["Subject"] = "s"
    if a.body:
        with open(a.body, encoding="utf-8") as f:
            m.set_content(f.read())
    else:
        m.set_content("The file is attached.\n")
    if a.attach:
        with open(a.attach, "rb") as f:
            m.add_attachment(f.read(), maintype="application",
                             subtype="octet-stream",
                             filename=a.attach.rsplit("/", 1)[-1])
    if a.implicit:
        ctx = ssl.create_default_context(cafile=a.ca)
        with smtplib.SMTP_SSL("127.0.0.1", a.port, timeout=60, context=ctx) as s:
            s.send_message(m, a.sender, a.rcpts)
        return 0
    with smtplib.SMTP("127.0.0.1", a.port, timeout=60) as s:
        if not a.plain:
            s.starttls(context=ssl.create_default_context(cafile=a.ca))
        s.send_message(m, a.sender, a.rcpts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
