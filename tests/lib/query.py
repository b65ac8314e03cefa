#!/usr/bin/python3
"""Queries for the integration tests: the test server's record folder and
missive's --json output. Prints answers on stdout; exits 1 (with the reason
on stderr) when a check fails, 2 on bad usage.

  query.py record DIR wait [SECONDS]   wait until every connection is closed
  query.py record DIR conns            number of connections
  query.py record DIR msgs             number of delivered messages
  query.py record DIR cmds [N]         "tls|plain LINE" per command (conn N or all)
  query.py record DIR events EV [N]    the JSON objects of one record event type
  query.py record DIR has-cmd REGEX    exit 0 when a command line matches
  query.py json FILE check             every line JSON with event and t,
                                       the last one event=result
  query.py json FILE events NAME       the JSON objects of one event type
  query.py json FILE ev NAME EXPR      EXPR on each event e of that type
  query.py json FILE result [EXPR]     the result object, or EXPR on it (r)
  query.py json FILE has EVENT         exit 0 when an event of that type exists
  query.py get FILE EXPR               EXPR evaluated on a JSON file (d)
"""

import glob
import json
import os
import re
import sys
import time


def die(msg, code=1):
    sys.stderr.write("query.py: %s\n" % msg)
    sys.exit(code)


def out(v):
    if isinstance(v, str):
        print(v)
    elif v is None:
        print("null")
    else:
        print(json.dumps(v, ensure_ascii=False))


def conn_files(d):
    files = glob.glob(os.path.join(d, "conn-*.jsonl"))
    return sorted(files, key=lambda f: int(re.search(r"conn-(\d+)", f).group(1)))


def load_conn(f):
    evs = []
    with open(f, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                try:
                    evs.append(json.loads(line))
                except ValueError:
                    pass	# the line being written right now
    return evs


def conns(d, which=None):
    files = conn_files(d)
    if which is not None:
        files = [f for f in files if f.endswith("conn-%s.jsonl" % which)]
    return [load_conn(f) for f in files]


def record(args):
    if len(args) < 2:
        die("usage: record DIR CMD ...", 2)
    d, cmd, rest = args[0], args[1], args[2:]
    if cmd == "wait":
        limit = float(rest[0]) if rest else 5.0
        end = time.monotonic() + limit
        while True:
            open_ = [i + 1 for i, evs in enumerate(conns(d))
                     if not any(e.get("ev") == "close" for e in evs)]
            if not open_:
                return
            if time.monotonic() > end:
                die("connections still open after %gs: %s" % (limit, open_))
            time.sleep(0.02)
    elif cmd == "conns":
        out(len(conn_files(d)))
    elif cmd == "msgs":
        out(len(glob.glob(os.path.join(d, "msg-*.json"))))
    elif cmd == "cmds":
        for evs in conns(d, rest[0] if rest else None):
            for e in evs:
                if e.get("ev") == "cmd":
                    print("%s %s" % ("tls" if e.get("tls") else "plain",
                                     e.get("line") if e.get("line") is not None else "<too long>"))
    elif cmd == "events":
        if not rest:
            die("usage: record DIR events EV [N]", 2)
        for evs in conns(d, rest[1] if len(rest) > 1 else None):
            for e in evs:
                if e.get("ev") == rest[0]:
                    out(e)
    elif cmd == "has-cmd":
        if not rest:
            die("usage: record DIR has-cmd REGEX", 2)
        rx = re.compile(rest[0], re.I)
        for evs in conns(d):
            for e in evs:
                if e.get("ev") == "cmd" and e.get("line") and rx.search(e["line"]):
                    return
        sys.exit(1)
    else:
        die("unknown record command %r" % cmd, 2)


def load_json_lines(path):
    objs = []
    with open(path, "rb") as fh:
        data = fh.read()
    for i, raw in enumerate(data.split(b"\n")):
        if not raw.strip():
            if raw:
                die("%s:%d: blank line" % (path, i + 1))
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            die("%s:%d: not UTF-8: %r" % (path, i + 1, raw[:200]))
        try:
            o = json.loads(line)
        except ValueError as e:
            die("%s:%d: not JSON (%s): %r" % (path, i + 1, e, line[:200]))
        if not isinstance(o, dict):
            die("%s:%d: not a JSON object" % (path, i + 1))
        objs.append(o)
    return objs


def jsonout(args):
    if len(args) < 2:
        die("usage: json FILE CMD ...", 2)
    path, cmd, rest = args[0], args[1], args[2:]
    objs = load_json_lines(path)
    if cmd == "check":
        if not objs:
            die("%s: no JSON lines" % path)
        for i, o in enumerate(objs):
            if not isinstance(o.get("event"), str):
                die("%s:%d: no \"event\" string" % (path, i + 1))
            if not isinstance(o.get("t"), (int, float)) or isinstance(o.get("t"), bool):
                die("%s:%d: no numeric \"t\"" % (path, i + 1))
        if objs[-1]["event"] != "result":
            die("%s: last line is %r, not result" % (path, objs[-1]["event"]))
        n = sum(1 for o in objs if o["event"] == "result")
        if n != 1:
            die("%s: %d result lines" % (path, n))
        r = objs[-1]
        for k, typ in (("sent", bool), ("encrypted", bool), ("accepted", list),
                       ("refused", list)):
            if not isinstance(r.get(k), typ):
                die("%s: result.%s missing or not %s" % (path, k, typ.__name__))
        if "reason" not in r:
            die("%s: result has no reason field" % path)
    elif cmd == "events":
        for o in objs:
            if o.get("event") == rest[0]:
                out(o)
    elif cmd == "ev":
        if len(rest) != 2:
            die("usage: json FILE ev EVENT EXPR", 2)
        for o in objs:
            if o.get("event") == rest[0]:
                out(eval(rest[1], {"e": o, "len": len, "any": any, "all": all}))
    elif cmd == "has":
        if not any(o.get("event") == rest[0] for o in objs):
            sys.exit(1)
    elif cmd == "result":
        res = [o for o in objs if o.get("event") == "result"]
        if not res:
            die("%s: no result line" % path)
        r = res[-1]
        if rest:
            out(eval(rest[0], {"r": r, "len": len, "any": any, "all": all}))
        else:
            out(r)
    else:
        die("unknown json command %r" % cmd, 2)


def get(args):
    if len(args) != 2:
        die("usage: get FILE EXPR", 2)
    with open(args[0], encoding="utf-8") as fh:
        d = json.load(fh)
    out(eval(args[1], {"d": d, "len": len, "any": any, "all": all}))


def main():
    if len(sys.argv) < 2:
        die(__doc__, 2)
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == "record":
        record(args)
    elif kind == "json":
        jsonout(args)
    elif kind == "get":
        get(args)
    else:
        die("unknown query %r" % kind, 2)


if __name__ == "__main__":
    main()
