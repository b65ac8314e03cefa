#!/usr/bin/python3
"""blackhole.py: TCP addresses that never answer a connect.

    blackhole.py --port N ADDRESS... [--parent-pid PID]

Listens on each ADDRESS:N (N 0: a free port, the same for all) with a
backlog of zero and fills that backlog itself, so the kernel drops every
further SYN: a client's connect() to these addresses hangs until its own
timeout, as with a host that is down or a firewall that drops. Prints
"PORT <n>" once ready; exits on SIGTERM or when PID goes away.
"""

import argparse
import os
import signal
import socket
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--parent-pid", type=int)
    p.add_argument("addresses", nargs="+")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    port = a.port
    keep = []
    for addr in a.addresses:
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(0)
        port = s.getsockname()[1]
        keep.append(s)
        # Fill the accept queue (never accepted): later SYNs are dropped.
        for _ in range(4):
            c = socket.socket(s.family)
            c.setblocking(False)
            try:
                c.connect((addr, port))
            except BlockingIOError:
                pass
            keep.append(c)
    time.sleep(0.3)
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    ppid = a.parent_pid or os.getppid()
    while True:
        time.sleep(0.5)
        try:
            os.kill(ppid, 0)
        except ProcessLookupError:
            return 0


if __name__ == "__main__":
    sys.exit(main())
