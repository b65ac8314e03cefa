#!/usr/bin/python3
"""Turns what bench/run collected (data.tsv and hyperfine's JSON files in
the raw folder) into one Markdown table: absolute numbers, and each peer's
number as a multiple of missive's.

Usage: report.py --raw DIR --delay SECONDS --tools "missive msmtp ..."
"""

import argparse
import json
import os
import statistics
import sys


def load(raw):
    data = {}
    with open(os.path.join(raw, "data.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            tool, key, val = parts
            data.setdefault(tool, {}).setdefault(key, []).append(val)
    return data


def hf(raw, name, tool):
    """(mean, stddev, user+system) in seconds, or None."""
    path = os.path.join(raw, "%s-%s.json" % (name, tool))
    try:
        with open(path, encoding="utf-8") as f:
            r = json.load(f)["results"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return None
    return r["mean"], r.get("stddev") or 0.0, r.get("user", 0) + r.get("system", 0)


def first(data, tool, key):
    v = data.get(tool, {}).get(key)
    return v[0] if v else None


def num(data, tool, key):
    v = first(data, tool, key)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def ratio(v, ref, tool):
    if tool == "missive" or v is None or ref in (None, 0):
        return ""
    return " (%.2f×)" % (v / ref)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--delay", type=float, required=True)
    p.add_argument("--tools", required=True)
    a = p.parse_args()
    tools = a.tools.split()
    data = load(a.raw)
    m = data.get("machine", {})
    dms = a.delay * 1000

    rows = []	# (label, {tool: cell})

    def row(label, values, fmt, ratios=True):
        ref = values.get("missive")
        cells = {}
        for t in tools:
            v = values.get(t)
            if v is None:
                cells[t] = "–"
            elif isinstance(v, str):
                cells[t] = v
            else:
                cells[t] = fmt(v) + (ratio(v, ref, t) if ratios else "")
        rows.append((label, cells))

    lat = {name: {t: hf(a.raw, name, t) for t in tools}
           for name in ("tls0", "tls20", "plain")}

    def mean_sd(name):
        out = {}
        for t in tools:
            r = lat[name][t]
            if r:
                out[t] = (r[0] * 1000, r[1] * 1000)
        return out

    for name, label in (("tls0", "STARTTLS send, 2 rcpts, ms (mean ± σ)"),
                        ("tls20", "same, server waits %g ms before each reply, ms" % dms),
                        ("plain", "plain send (no TLS), 2 rcpts, ms")):
        ms = mean_sd(name)
        ref = ms.get("missive", (None,))[0]
        cells = {}
        for t in tools:
            if t not in ms:
                cells[t] = "–"
                continue
            mean, sd = ms[t]
            cells[t] = "%.1f ± %.1f%s" % (mean, sd, ratio(mean, ref, t))
        rows.append((label, cells))

    # Replies waited on: the server's delay is per reply and its replies
    # are serialised, so each one the client needed before it was done
    # adds one delay, pipelined or not.
    waited = {}
    for t in tools:
        r0, r20 = lat["tls0"][t], lat["tls20"][t]
        if r0 and r20:
            waited[t] = (r20[0] - r0[0]) / a.delay
    row("server replies waited on, ≈ Δt / %g ms" % dms, waited, lambda v: "%.1f" % v, False)
    row("replies the server wrote (record)",
        {t: num(data, t, "replies") for t in tools}, lambda v: "%d" % v, False)
    sw = {}
    for t in tools:
        w, mx = num(data, t, "srvwait_ms"), num(data, t, "srvwait_max_ms")
        if w is not None:
            sw[t] = "%.1f (longest %.1f)" % (w, mx or 0)
    row("server idle waiting for the client, ms (record; incl. TLS handshake)",
        sw, str, False)
    turns = {}
    for t in tools:
        v = data.get(t, {}).get("rtt_turns")
        w = data.get(t, {}).get("rtt_ms")
        if v and w:
            turns[t] = "%s (%d ms)" % ("/".join(sorted(set(v), key=int)),
                                       statistics.median(int(x) for x in w))
    row("round trips at %g ms RTT (proxy count; median wall)" % dms, turns, str, False)
    row("CPU user+sys per STARTTLS send, ms",
        {t: lat["tls0"][t][2] * 1000 for t in tools if lat["tls0"][t]},
        lambda v: "%.1f" % v)
    row("peak RSS, small STARTTLS send, MiB",
        {t: num(data, t, "small_rss_kib") / 1024 for t in tools
         if num(data, t, "small_rss_kib")}, lambda v: "%.1f" % v)
    ins = {t: num(data, t, "instructions") / 1e6 for t in tools if num(data, t, "instructions")}
    if ins:
        row("instructions, small STARTTLS send (callgrind), millions", ins,
            lambda v: "%.1f" % v)
    mib = m.get("mib", ["100"])[0]
    ok = {t for t in tools if first(data, t, "big_rc") == "0"}
    row("%s MiB attachment over STARTTLS: wall s" % mib,
        {t: num(data, t, "big_ms") / 1000 for t in ok}, lambda v: "%.2f" % v)
    rate = {}
    for t in ok:
        b, ms = num(data, t, "big_bytes"), num(data, t, "big_ms")
        if b and ms:
            rate[t] = b / (ms / 1000) / 1e6
    row("  message MB/s (bytes the server received / wall)", rate, lambda v: "%.1f" % v)
    row("  CPU user+sys, s", {t: num(data, t, "big_cpu_s") for t in ok if num(data, t, "big_cpu_s") is not None},
        lambda v: "%.2f" % v)
    row("  peak RSS, MiB", {t: num(data, t, "big_rss_kib") / 1024 for t in ok
                            if num(data, t, "big_rss_kib")}, lambda v: "%.1f" % v)
    row("  bytes received (attachment intact?)",
        {t: "%s (%s)" % (first(data, t, "big_bytes") or "?", first(data, t, "big_verify") or "?")
         for t in tools if first(data, t, "big_verify")}, str, False)
    b, ms = num(data, "missive", "bigcc_bytes"), num(data, "missive", "bigcc_ms")
    if b and ms:
        cell = "%.2f s, %.1f MB/s, CPU %.2f s, %s (%s)" % (
            ms / 1000, b / (ms / 1000) / 1e6, num(data, "missive", "bigcc_cpu_s") or 0,
            first(data, "missive", "bigcc_tls") or "?",
            first(data, "missive", "bigcc_verify") or "?")
        rows.append(("  missive, server following the client's cipher order",
                     {t: cell if t == "missive" else "" for t in tools}))
    rr = {}
    for t in tools:
        ms, turns, b = num(data, t, "rttbig_ms"), first(data, t, "rttbig_turns"), num(data, t, "rttbig_bytes")
        if ms and b:
            rr[t] = (ms / 1000, turns, b / (ms / 1000) / 1e6)
    if rr:
        ref = rr.get("missive", (None,))[0]
        rows.append(("%s MiB attachment at %g ms RTT: wall s, round trips, MB/s"
                     % (first(data, "machine", "rmib"), dms),
                     {t: ("%.2f s%s, %s RT, %.1f MB/s" % (rr[t][0], ratio(rr[t][0], ref, t),
                                                          rr[t][1], rr[t][2]))
                      if t in rr else "–" for t in tools}))
    row("TLS negotiated (small send)", {t: first(data, t, "tls") for t in tools
                                        if first(data, t, "tls")}, str, False)

    out = sys.stdout
    out.write("# missive benchmark, %s\n\n" % first(data, "machine", "date"))
    out.write("Machine: %s, %s cores, %s, %s; %s. Loopback, the project's test "
              "server (tests/server/smtpd.py via bench/benchsrv.py). Latency: "
              "hyperfine, %s timed runs after 3 warm-ups. Whole run: %s s.\n\n"
              % (first(data, "machine", "os"), first(data, "machine", "cores"),
                 first(data, "machine", "cpu"), first(data, "machine", "mem"),
                 first(data, "machine", "wolfssl"), first(data, "machine", "runs"),
                 first(data, "machine", "seconds")))
    if first(data, "machine", "load"):
        out.write("Load average: %s (the machine is shared: timings of "
                  "CPU-heavy cases are noisy; CPU time and instruction "
                  "counts are not).\n\n" % first(data, "machine", "load"))
    out.write("In brackets: the peer's number as a multiple of missive's "
              "(for times, CPU, memory and instructions above 1× means missive "
              "is better; for MB/s above 1× means the peer is faster).\n\n")
    out.write("| | " + " | ".join(tools) + " |\n")
    out.write("|---|" + "---|" * len(tools) + "\n")
    for label, cells in rows:
        out.write("| %s | %s |\n" % (label, " | ".join(cells[t] for t in tools)))
    out.write("\nVersions:\n\n")
    for t in tools:
        v = first(data, t, "version")
        if v:
            out.write("- %s: %s\n" % (t, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
