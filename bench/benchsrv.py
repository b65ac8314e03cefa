#!/usr/bin/python3
"""The project's test server (tests/server/smtpd.py) with one change for
benchmarks: a delivered message is answered 250 at once and written to the
record folder by a background thread, and the per-byte 8-bit scan is left
out. With a 100 MiB message that scan alone costs the stock server several
seconds before its final reply, which would be measured as the client's
time. Everything else (protocol, TLS, --delay, the record) is smtpd.py's.

Usage: benchsrv.py --smtpd PATH [--client-cipher-order] [smtpd.py options]
  --client-cipher-order  let the client's cipher order decide (see below)
"""

import importlib.util
import json
import os
import sys
import threading


def load_smtpd(path):
    spec = importlib.util.spec_from_file_location("missive_smtpd", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def patch(mod):
    def finish_message(self, body, method):
        n = self.srv.next_msg()
        meta = {
            "n": n, "conn": self.n, "method": method, "helo": self.helo,
            "mail_from": self.mail_from, "rcpt_to": self.rcpts,
            "tls": self.tls, "tls_version": self.tls_version,
            "size": len(body),
        }
        self.rec("message", n=n, bytes=len(body))
        self.reset_txn()
        rec = self.srv.record
        if rec:
            def save():
                # The .json appears last: readers wait for it.
                mod.write_atomic(os.path.join(rec, "msg-%d.eml" % n), body)
                mod.write_atomic(os.path.join(rec, "msg-%d.json" % n),
                                 (json.dumps(meta) + "\n").encode())
            threading.Thread(target=save).start()
        self.reply(250, "2.0.0", "Ok: queued as %d" % n)

    mod.Session.finish_message = finish_message


def client_cipher_order(mod):
    """Python's ssl sets OP_CIPHER_SERVER_PREFERENCE, so the stock server
    always picks AES-256-GCM; most MTAs (Postfix: tls_preempt_cipherlist
    = no) follow the client's order instead."""
    make_ctx = mod.Server.make_ctx

    def make_ctx_client_order(self):
        ctx = make_ctx(self)
        ctx.options &= ~mod.ssl.OP_CIPHER_SERVER_PREFERENCE
        return ctx

    mod.Server.make_ctx = make_ctx_client_order


def main():
    argv = sys.argv[1:]
    if len(argv) < 2 or argv[0] != "--smtpd":
        sys.exit("usage: benchsrv.py --smtpd PATH [smtpd.py options]")
    mod = load_smtpd(argv[1])
    patch(mod)
    rest = argv[2:]
    if "--client-cipher-order" in rest:
        rest.remove("--client-cipher-order")
        client_cipher_order(mod)
    return mod.main(rest)


if __name__ == "__main__":
    sys.exit(main())
