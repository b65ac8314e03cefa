#!/usr/bin/python3
"""Runs commands in turn, round after round (the order rotated each
round), and records each run's wall time and CPU (user+sys of the child,
from wait4): on a shared machine, load that comes and goes then falls on
every command alike, and the differences between commands are read from
runs made seconds apart. For bench/run: what the server memory and the
receipts cost, against a build without them.

Input (a file, one command a line, tab-separated): NAME, XDG_STATE_HOME
for it or "-", a folder to remove before each run (outside the timing)
or "-", the command line (split as the shell would, no expansions).
Output (JSON file): {"runs": R, "cmds": {N: {"wall": [s...],
"cpu": [s...]}}}. A run that exits non-zero stops everything.

Usage: paired.py ROUNDS IN.tsv OUT.json
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time


def main():
    rounds, spec, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmds = []
    with open(spec, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            name, state, clear, cmd = line.rstrip("\n").split("\t")
            cmds.append({"name": name, "argv": shlex.split(cmd),
                         "env": {"XDG_STATE_HOME": state} if state != "-" else {},
                         "clear": clear if clear != "-" else None})
    res = {c["name"]: {"wall": [], "cpu": []} for c in cmds}
    for r in range(-1, rounds):  # round -1 warms the caches, not kept
        k = r % len(cmds) if r >= 0 else 0
        for c in cmds[k:] + cmds[:k]:
            if c.get("clear"):
                shutil.rmtree(c["clear"], ignore_errors=True)
            env = dict(os.environ)
            env.update(c.get("env") or {})
            t0 = time.perf_counter()
            p = subprocess.Popen(c["argv"], env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            err = p.stderr.read()
            p.stderr.close()
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                sys.stderr.write("paired.py: %s exited %d: %s\n"
                                 % (c["name"], p.returncode, err.decode(errors="replace")[:800]))
                return 1
            if r >= 0:
                res[c["name"]]["wall"].append(wall)
                res[c["name"]]["cpu"].append(ru.ru_utime + ru.ru_stime)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"runs": rounds, "cmds": res}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
