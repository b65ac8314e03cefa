#!/usr/bin/python3
"""Turns what bench/run collected into one Markdown table: absolute
numbers, and each tool's number as a multiple of the minimal wolfSSL
client's (bench/minclient.c; for the accelerated columns, the minimal
client built on the same accelerated wolfSSL).

Input, in the raw folder: CASE-TOOL.json (hyperfine), CASE-TOOL.sink.jsonl
(the sink's record of each connection of those runs), CASE-TOOL.rss (peak
RSS in KiB, one line per run), small-TOOL.rss, resume-TOOL.jsonl
(bench/twosend's lines), state.json (bench/paired.py's), data.tsv (TOOL KEY
VALUE).

Usage: report.py --raw DIR --tools "missive minclient ..."
"""

import argparse
import collections
import json
import os
import statistics
import sys

LABEL = {
    "missive": "missive",
    "missive-accel": "missive, accel. wolfSSL",
    "minclient": "minimal wolfSSL client",
    "minclient-accel": "minimal client, accel. wolfSSL",
    "missive-base": "missive, MISSIVE_BASE binary",
}


CASES = ("small", "d50", "d50i", "p256", "store", "big", "bigcc", "text", "textatt", "textsm", "textsmnq", "resume")


def jsonl(path):
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        pass
    return out


class Raw:
    def __init__(self, path):
        self.path = path
        self.data = collections.defaultdict(dict)
        with open(os.path.join(path, "data.tsv"), encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    self.data[parts[0]][parts[1]] = parts[2]

    def hf(self, case, tool):
        """hyperfine's result: mean, stddev, median, min, max, user,
        system, runs (seconds), or None."""
        try:
            with open(os.path.join(self.path, "%s-%s.json" % (case, tool)),
                      encoding="utf-8") as f:
                r = json.load(f)["results"][0]
        except (OSError, ValueError, KeyError, IndexError):
            return None
        r["cpu"] = r.get("user", 0) + r.get("system", 0)
        r["runs"] = len(r.get("times") or [])
        r["stddev"] = r.get("stddev") or 0.0
        return r

    def sink(self, case, tool):
        out = []
        try:
            with open(os.path.join(self.path, "%s-%s.sink.jsonl" % (case, tool)),
                      encoding="utf-8") as f:
                for line in f:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
        except OSError:
            pass
        return out

    def rss(self, name):
        """Peak RSS in MiB (the largest of the runs), or None."""
        vals = []
        try:
            with open(os.path.join(self.path, name + ".rss"), encoding="utf-8") as f:
                vals = [int(l) for l in f if l.strip().isdigit()]
        except OSError:
            pass
        return max(vals) / 1024 if vals else None

    def get(self, tool, key):
        return self.data.get(tool, {}).get(key)


def ref_of(tool, tools):
    if tool.endswith("-accel") and "minclient-accel" in tools:
        return "minclient-accel"
    return "minclient" if "minclient" in tools else None


def state_notes(raw, st, tools):
    """Sentences on what the server memory and receipts cost in this run:
    missive's 1 KiB send against MISSIVE_BASE's (a build without them),
    run in turn; medians of the per-round differences."""
    out = []
    if not st:
        return out
    c = st["cmds"]
    med_ = statistics.median

    def d(name, ref, k):
        r, b = c.get(name), c.get(ref)
        n = min(len(r[k]), len(b[k]))
        return med_([r[k][i] - b[k][i] for i in range(n)]) * 1e3

    if "missive" in c and "missive-base" in c:
        base = c["missive-base"]
        parts = ["the build without them (MISSIVE_BASE) takes %.1f ms wall, %.1f ms CPU"
                 % (med_(base["wall"]) * 1e3, med_(base["cpu"]) * 1e3)]
        for suffix, label in (("", "with the state as the run left it"),
                              (" fresh", "with an empty state folder"),
                              (" large", "with the large state")):
            if "missive" + suffix in c:
                parts.append("%s missive takes %+.1f ms wall, %+.1f ms CPU more"
                             % (label, d("missive" + suffix, "missive-base", "wall"),
                                d("missive" + suffix, "missive-base", "cpu")))
        out.append("; ".join(parts) + " (medians of the differences within each round).")
    i0, ib = raw.get("missive", "instructions"), raw.get("missive", "instructions_bigstate")
    i00 = raw.get("missive-base", "instructions")
    if (i0 or "").isdigit() and (i00 or "").isdigit():
        out.append("Instructions (callgrind): %.2f million for missive, %.2f million without "
                   "the memory (%+.2f million)%s." % (
                       float(i0) / 1e6, float(i00) / 1e6, (float(i0) - float(i00)) / 1e6,
                       "; %.2f million with the large state" % (float(ib) / 1e6)
                       if (ib or "").isdigit() else ""))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--tools", required=True)
    a = p.parse_args()
    tools = a.tools.split()
    raw = Raw(a.raw)
    m = raw.data["machine"]
    rows = []

    def row(label, values, fmt, ratios=True, extra=None):
        """values: tool -> number (or str, shown as is); ratios against the
        yardstick of each tool."""
        cells = {}
        for t in tools:
            v = values.get(t)
            if v is None:
                cells[t] = "–"
            elif isinstance(v, str):
                cells[t] = v
            else:
                cells[t] = fmt(v) + (extra or {}).get(t, "")
                r = ref_of(t, tools)
                rv = values.get(r)
                if ratios and r and t != r and isinstance(rv, (int, float)) and rv:
                    cells[t] += " (%.2f×)" % (v / rv)
        rows.append((label, cells))

    def section(label):
        rows.append(("**%s**" % label, {t: "" for t in tools}))

    def med(recs, key):
        v = [r[key] for r in recs if isinstance(r.get(key), (int, float))]
        return statistics.median(v) if v else None

    def spread(recs, key):
        v = sorted(r[key] for r in recs if isinstance(r.get(key), (int, float)))
        if not v:
            return None
        md = statistics.median(v)
        s = "%g" % md
        if v[0] != v[-1]:
            s += " (%g–%g)" % (v[0], v[-1])
        return s

    hf = {c: {t: raw.hf(c, t) for t in tools}
          for c in CASES}
    sk = {c: {t: raw.sink(c, t) for t in tools}
          for c in CASES}

    # --- 1 KiB send
    section("1 KiB text, STARTTLS, 2 recipients (%s runs)" % m.get("runs"))
    row("wall ms, mean ± σ", {t: hf["small"][t]["mean"] * 1e3 for t in tools if hf["small"][t]},
        lambda v: "%.1f" % v,
        extra={t: " ± %.1f" % (hf["small"][t]["stddev"] * 1e3) for t in tools if hf["small"][t]})
    row("  min / median / max ms", {t: "%.1f / %.1f / %.1f" % (
        hf["small"][t]["min"] * 1e3, hf["small"][t]["median"] * 1e3, hf["small"][t]["max"] * 1e3)
        for t in tools if hf["small"][t]}, str)
    row("  CPU user+sys ms (mean)", {t: hf["small"][t]["cpu"] * 1e3 for t in tools if hf["small"][t]},
        lambda v: "%.1f" % v)
    row("  peak RSS MiB", {t: raw.rss("small-" + t) for t in tools if raw.rss("small-" + t)},
        lambda v: "%.1f" % v)
    row("  server turns: reply flights after client data (median, range)",
        {t: spread(sk["small"][t], "turns") for t in tools if sk["small"][t]}, str, False)
    row("  replies the sink wrote, greeting included (median)",
        {t: med(sk["small"][t], "replies") for t in tools if sk["small"][t]},
        lambda v: "%g" % v, False)
    row("  TLS handshake at the sink, ms (median)",
        {t: med(sk["small"][t], "handshake_ms") for t in tools if sk["small"][t]},
        lambda v: "%.1f" % v)
    row("  sink idle after its replies until the client's next bytes, ms (median)",
        {t: med(sk["small"][t], "idle_ms") for t in tools if sk["small"][t]},
        lambda v: "%.1f" % v, False)
    row("  TLS negotiated (sink prefers its own cipher order)",
        {t: "%s %s %s" % (sk["small"][t][0].get("tls_version"), sk["small"][t][0].get("cipher"),
                          sk["small"][t][0].get("group"))
         for t in tools if sk["small"][t]}, str, False)

    # --- the same, all tools in turn
    try:
        with open(os.path.join(a.raw, "pair1k.json"), encoding="utf-8") as f:
            pr = json.load(f)
    except (OSError, ValueError):
        pr = None
    if pr:
        pc = pr["cmds"]

        def per_round(t, r, key):
            """Median over the rounds of t's run ÷ r's run in that round."""
            if t not in pc or r not in pc or t == r:
                return None
            q = [x / y for x, y in zip(pc[t][key], pc[r][key]) if y]
            return statistics.median(q) if q else None

        section("the same 1 KiB send, every tool in turn, %d rounds (bench/paired.py; the "
                "ratios are medians of each round's ratio)" % pr["runs"])
        for key, label in (("wall", "wall"), ("cpu", "CPU user+sys")):
            vals, extra = {}, {}
            for t in tools:
                if t not in pc:
                    continue
                vals[t] = statistics.median(pc[t][key]) * 1e3
                q = per_round(t, ref_of(t, tools), key)
                if q is not None:
                    extra[t] = " (%.2f×)" % q
            row("%s ms, median" % label, vals, lambda v: "%.1f" % v, False, extra)
        row("  wall × curl's in the same round (median)",
            {t: per_round(t, "curl", "wall") for t in tools if per_round(t, "curl", "wall")},
            lambda v: "%.2f×" % v, False)

    # --- delayed
    section("the same, the sink waits 50 ms before each reply (%s runs)" % m.get("druns"))
    row("wall ms, mean", {t: hf["d50"][t]["mean"] * 1e3 for t in tools if hf["d50"][t]},
        lambda v: "%.0f" % v)
    row("  min / median / max ms", {t: "%.0f / %.0f / %.0f" % (
        hf["d50"][t]["min"] * 1e3, hf["d50"][t]["median"] * 1e3, hf["d50"][t]["max"] * 1e3)
        for t in tools if hf["d50"][t]}, str)
    waited = {}
    for t in tools:
        if hf["small"][t] and hf["d50"][t]:
            waited[t] = (hf["d50"][t]["mean"] - hf["small"][t]["mean"]) / 0.05
    row("  replies waited on ≈ (this − 1 KiB mean) / 50 ms", waited, lambda v: "%.1f" % v)
    hrr = {}
    for t in tools:
        r = sk["p256"][t]
        if r:
            hrr[t] = "%s → %s" % (r[0].get("key_shares") or "?",
                                  "HelloRetryRequest" if r[0].get("hrr") else "no HRR")
    row("P-256-only sink: key share sent → HelloRetryRequest?", hrr, str, False)
    row("  wall ms against it (one send)",
        {t: hf["p256"][t]["mean"] * 1e3 for t in tools if hf["p256"][t]},
        lambda v: "%.1f" % v, False)

    # --- a real trust store
    if any(hf["store"][t] for t in tools):
        section("the same 1 KiB send trusting the system's anchors and the test CA (%s "
                "certificates in one PEM file, as a send with the system store parses; "
                "%s runs)" % (m.get("store_certs", "?"), m.get("druns")))
        row("wall ms, mean", {t: hf["store"][t]["mean"] * 1e3 for t in tools if hf["store"][t]},
            lambda v: "%.1f" % v)
        row("  min / median / max ms", {t: "%.1f / %.1f / %.1f" % (
            hf["store"][t]["min"] * 1e3, hf["store"][t]["median"] * 1e3,
            hf["store"][t]["max"] * 1e3) for t in tools if hf["store"][t]}, str)
        row("  CPU user+sys ms (mean)",
            {t: hf["store"][t]["cpu"] * 1e3 for t in tools if hf["store"][t]},
            lambda v: "%.1f" % v)
        row("  ms more than with the test CA alone (wall, mean)",
            {t: (hf["store"][t]["mean"] - hf["small"][t]["mean"]) * 1e3
             for t in tools if hf["store"][t] and hf["small"][t]},
            lambda v: "%+.1f" % v, False)

    # --- implicit TLS
    if any(hf["d50i"][t] for t in tools):
        section("implicit TLS (as on port 465), the sink waits 50 ms before each reply "
                "(%s runs; the minimal client has no implicit TLS)" % m.get("druns"))
        ok = [t for t in tools if hf["d50i"][t]]
        row("wall ms, mean", {t: hf["d50i"][t]["mean"] * 1e3 for t in ok},
            lambda v: "%.0f" % v, False)
        row("  × the same tool's STARTTLS wall with the delay",
            {t: hf["d50i"][t]["mean"] / hf["d50"][t]["mean"] for t in ok if hf["d50"][t]},
            lambda v: "%.2f×" % v, False)
        row("  ms saved against STARTTLS",
            {t: (hf["d50"][t]["mean"] - hf["d50i"][t]["mean"]) * 1e3 for t in ok if hf["d50"][t]},
            lambda v: "%.0f" % v, False)
        row("  server turns (median, range); STARTTLS's in the first section",
            {t: spread(sk["d50i"][t], "turns") for t in ok if sk["d50i"][t]}, str, False)

    # --- large sends
    def large(case, label, bytes_key):
        section(label)
        ok = {t for t in tools if hf[case][t]}
        def runs(t):
            r = hf[case][t]
            if r["runs"] > 1:
                return " (%.2f–%.2f, %d runs)" % (r["min"], r["max"], r["runs"])
            return " (1 run)"
        row("wall s, mean (min–max)", {t: hf[case][t]["mean"] for t in ok},
            lambda v: "%.2f" % v, extra={t: runs(t) for t in ok})
        rate = {}
        for t in ok:
            b = med(sk[case][t], bytes_key)
            if b:
                rate[t] = b / hf[case][t]["mean"] / 1e6
        row("  MB/s on the wire (message bytes / mean wall)", rate, lambda v: "%.1f" % v)
        row("  CPU user+sys s (mean)", {t: hf[case][t]["cpu"] for t in ok}, lambda v: "%.2f" % v)
        row("  peak RSS MiB", {t: raw.rss("%s-%s" % (case, t)) for t in ok
                               if raw.rss("%s-%s" % (case, t))}, lambda v: "%.1f" % v)
        row("  the sink's own CPU s (median; TLS, SHA-256s, base64 check)",
            {t: med(sk[case][t], "server_cpu_ms") / 1e3 for t in ok
             if med(sk[case][t], "server_cpu_ms") is not None}, lambda v: "%.2f" % v, False)
        return ok, rate

    mib = int(m.get("mib", "100"))
    ok, _ = large("big", "%d MiB random attachment, STARTTLS (base64 on the wire)" % mib, "msg_bytes")
    want = m.get("big_sha256")
    check = {}
    for t in ok:
        msgs = [x for r in sk["big"][t] for x in r.get("msgs", [])]
        good = sum(1 for x in msgs if x.get("b64_sha256") == want
                   and x.get("b64_bytes") == mib * 1048576)
        check[t] = "%s B, %s" % (msgs[0]["size"] if msgs else "?",
                                 "SHA-256 ok" + (" ×%d" % good if good > 1 else "")
                                 if msgs and good == len(msgs) else
                                 "BAD (%d of %d intact)" % (good, len(msgs)))
    row("  message bytes; attachment decoded at the sink", check, str, False)
    row("  cipher (sink's order)", {t: sk["big"][t][0].get("cipher") for t in ok if sk["big"][t]},
        str, False)
    cc = {}
    for t in tools:
        r, s = hf["bigcc"][t], sk["bigcc"][t]
        if r and s:
            x = s[0]["msgs"][0] if s[0].get("msgs") else {}
            cc[t] = "%.2f s, %.1f MB/s, CPU %.2f s, %s%s" % (
                r["mean"], s[0]["msg_bytes"] / r["mean"] / 1e6, r["cpu"], s[0].get("cipher"),
                "" if x.get("b64_sha256") == want else ", BAD")
    row("  sink following the client's cipher order (1 run)", cc, str, False)

    tmib = int(m.get("text_mib", "20"))
    ok, rate = large("text", "%d MiB plain text as the body, STARTTLS (missive: --body FILE; "
                     "others: a finished message or their own body option)" % tmib, "msg_bytes")
    tb = {}
    for t in ok:
        msgs = [x for r in sk["text"][t] for x in r.get("msgs", [])]
        if msgs:
            same = all(x["sha256"] == m.get("textmsg_sha256") for x in msgs)
            tb[t] = "%d B%s" % (msgs[0]["size"], ", = the .eml file" if same else "")
    row("  message bytes", tb, str, False)
    ta = {}
    for t in tools:
        r, s = hf["textatt"][t], sk["textatt"][t]
        if r and s:
            ta[t] = "%.2f s, %.1f MB/s, CPU %.2f s, RSS %.1f MiB" % (
                r["mean"], med(s, "msg_bytes") / r["mean"] / 1e6, r["cpu"],
                raw.rss("textatt-" + t) or 0)
    row("  missive: the same text as --attach instead", ta, str, False)
    for case, label in (("textsm", "  missive sendmail -t: the .eml file on stdin, through the outbox"),
                        ("textsmnq", "  the same with --no-queue (straight to the server)")):
        sm = {}
        for t in tools:
            r, s = hf[case][t], sk[case][t]
            if r and s:
                msgs = [x for q in s for x in q.get("msgs", [])]
                sm[t] = "%.2f s, %.1f MB/s, CPU %.2f s, RSS %.1f MiB%s" % (
                    r["mean"], med(s, "msg_bytes") / r["mean"] / 1e6, r["cpu"],
                    raw.rss(case + "-" + t) or 0,
                    ", = the .eml file" if msgs and all(
                        x.get("sha256") == m.get("textmsg_sha256") for x in msgs) else "")
        row(label, sm, str, False)

    # --- the server memory and the receipts
    st = None
    try:
        with open(os.path.join(a.raw, "state.json"), encoding="utf-8") as f:
            st = json.load(f)
    except (OSError, ValueError):
        pass
    if st:
        c = st["cmds"]
        section("missive's server memory and receipts ($XDG_STATE_HOME/missive: every send "
                "reads servers, then rewrites it and appends a receipt, both fsynced): the "
                "1 KiB send, %d rounds of runs in turn (bench/paired.py), medians" % st["runs"])
        med_ = statistics.median

        def cell(name):
            r = c.get(name)
            if not r:
                return None
            return "%.1f / %.1f" % (med_(r["wall"]) * 1e3, med_(r["cpu"]) * 1e3)

        def diff(name, ref):
            r, b = c.get(name), c.get(ref)
            if not r or not b:
                return None
            n = min(len(r["wall"]), len(b["wall"]))
            dw = med_([r["wall"][i] - b["wall"][i] for i in range(n)]) * 1e3
            dc = med_([r["cpu"][i] - b["cpu"][i] for i in range(n)]) * 1e3
            return "%+.1f / %+.1f (%s)" % (dw, dc, LABEL.get(ref, ref) if ref in LABEL else ref)

        for suffix, label in (("", "state as the run left it (a few servers and receipts)"),
                              (" fresh", "an empty state folder each run"),
                              (" large", "a large state: %s" % m.get("bigstate", "?"))):
            row("%s: wall / CPU ms" % label,
                {t: cell(t + suffix) for t in tools if cell(t + suffix)}, str, False)
            d = {}
            for t in tools:
                if t == "missive-base":
                    continue
                ref = "missive-base" if t == "missive" and "missive-base" in c else \
                    (t if suffix else None)
                if ref and ref != t + suffix and diff(t + suffix, ref):
                    d[t] = diff(t + suffix, ref)
            row("  difference per round, wall / CPU ms (median; against)", d, str, False)
        sc = {}
        for t in tools:
            v = (raw.get(t, "syscalls") or "").split()
            if len(v) == 3:
                sc[t] = "%s, %s fsync taking %s ms" % (v[0], v[1], v[2])
        row("system calls of one send with the large state (strace -f -T), of them fsync",
            sc, str, False)
        ins = {}
        for t in tools:
            i0 = raw.get(t, "instructions") or ""
            ib = raw.get(t, "instructions_bigstate") or ""
            if i0.isdigit() and ib.isdigit():
                ins[t] = "%.1f (+%.1f)" % (float(ib) / 1e6, (float(ib) - float(i0)) / 1e6)
        row("instructions with the large state (callgrind), millions (+ against the state as "
            "the run left it)", ins, str, False)

    # --- the composer's second send
    rs = {t: jsonl(os.path.join(a.raw, "resume-%s.jsonl" % t)) for t in tools}
    if any(rs.values()):
        n = max(len(v) for v in rs.values())
        section("composer: two sends to one server from one process (bench/twosend, "
                "%d processes; the second resumes the first's TLS session)" % n)
        ok = [t for t in tools if rs[t]]

        def mmm(vals, scale=1e3):
            v = sorted(vals)
            return "%.1f (%.1f–%.1f)" % (statistics.median(v) * scale, v[0] * scale,
                                         v[-1] * scale)
        row("first send: wall ms, median (min–max)",
            {t: mmm([x["first_wall"] for x in rs[t]]) for t in ok}, str, False)
        row("second send: wall ms, median (min–max)",
            {t: mmm([x["second_wall"] for x in rs[t]]) for t in ok}, str, False)
        row("  second ÷ first wall (median of each process's ratio)",
            {t: statistics.median([x["second_wall"] / x["first_wall"] for x in rs[t]])
             for t in ok}, lambda v: "%.2f×" % v, False)
        row("  CPU ms, first / second (median)",
            {t: "%.1f / %.1f" % (statistics.median([x["first_cpu"] for x in rs[t]]) * 1e3,
                                 statistics.median([x["second_cpu"] for x in rs[t]]) * 1e3)
             for t in ok}, str, False)
        res = {}
        for t in ok:
            recs = sk["resume"][t]
            res[t] = "%d of %d second sends resumed, %d of %d first sends" % (
                sum(1 for x in rs[t] if x.get("second_resumed")), len(rs[t]),
                sum(1 for x in rs[t] if x.get("first_resumed")), len(rs[t]))
            if recs:
                res[t] += "; sink: %d of %d connections resumed" % (
                    sum(1 for x in recs if x.get("resumed")), len(recs))
        row("  resumed (missive's report; the sink's record)", res, str, False)
        row("  TLS handshake at the sink, ms, first / second (median)",
            {t: "%.1f / %.1f" % (med(sk["resume"][t][0::2], "handshake_ms"),
                                 med(sk["resume"][t][1::2], "handshake_ms"))
             for t in ok if len(sk["resume"][t]) >= 2}, str, False)

    # --- other
    section("other")
    ins = {t: float(raw.get(t, "instructions")) / 1e6 for t in tools
           if (raw.get(t, "instructions") or "").isdigit()}
    if ins:
        row("instructions, 1 KiB send (callgrind, whole process), millions", ins,
            lambda v: "%.1f" % v)
    ps, pb = raw.hf("pysmall", "missive"), raw.hf("pybig", "missive")
    if ps or pb:
        cell = []
        if ps:
            cell.append("1 KiB: %.1f ± %.1f ms" % (ps["mean"] * 1e3, ps["stddev"] * 1e3))
        if pb and raw.get("missive", "pybig_bytes"):
            cell.append("%d MiB: %.2f s, %.1f MB/s" % (
                mib, pb["mean"], float(raw.get("missive", "pybig_bytes")) / pb["mean"] / 1e6))
        rows.append(("missive against the Python test server (bench/benchsrv.py)",
                     {t: "; ".join(cell) if t == "missive" else "" for t in tools}))
    if rows[-1][0] == "**other**":
        rows.pop()

    out = sys.stdout
    out.write("# missive benchmark, %s\n\n" % m.get("date"))
    out.write("Generated by bench/run (raw data: bench/results/). Machine: %s, %s cores "
              "(%s), %s; %s.%s Server: bench/sink.c on 127.0.0.1 (%s). hyperfine %s. "
              "Whole run: %s s (%s s of it building and writing the test files).\n\n"
              % (m.get("os"), m.get("cores"), m.get("cpu"), m.get("mem"), m.get("wolfssl"),
                 " Accelerated wolfSSL: %s." % m["wolfssl_accel"] if m.get("wolfssl_accel") else "",
                 raw.get("sink", "version"), m.get("hyperfine", "?").split()[-1],
                 m.get("seconds"), m.get("build_seconds", "0")))
    out.write("Load average %s. The machine is shared with other work: wall times of "
              "CPU-heavy cases move by tens of percent between runs; CPU times, memory, "
              "turns and byte counts move much less.\n\n" % m.get("load"))
    out.write("In brackets: the number as a multiple of the minimal wolfSSL client's "
              "(bench/minclient.c; for the accelerated columns, the minimal client on the "
              "same accelerated wolfSSL). For times, CPU, memory below 1× is better than "
              "that yardstick; for MB/s above 1× is faster.\n\n")
    out.write("| | " + " | ".join(LABEL.get(t, t) for t in tools) + " |\n")
    out.write("|---|" + "---|" * len(tools) + "\n")
    for label, cells in rows:
        out.write("| %s | %s |\n" % (label, " | ".join(cells[t] for t in tools)))
    notes = state_notes(raw, st, tools)
    if notes:
        out.write("\nThe server memory and receipts (this run, medians):\n\n")
        for n in notes:
            out.write("- %s\n" % n)
    out.write("\nGroups each client offers in its ClientHello (supported_groups, in its "
              "order) and the key share it sends first (the sink's record):\n\n")
    for t in tools:
        r = sk["small"][t]
        if r:
            out.write("- %s: %s; key share: %s\n" % (LABEL.get(t, t), r[0].get("groups_offered"),
                                                     r[0].get("key_shares")))
    out.write("\nVersions:\n\n")
    for t in tools + ["sink"]:
        v = raw.get(t, "version")
        if v:
            out.write("- %s: %s\n" % (LABEL.get(t, t), v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
