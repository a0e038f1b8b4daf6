#!/usr/bin/python3
"""Helpers of bench/run.sh: connector files, the latency page writer and the
analysis of what the runs left behind (CSV in, CSV and Markdown out).

Usage: benchlib.py COMMAND ARGS...  (see the functions named cmd_*)
"""
import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict


def pct(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    os.replace(tmp, path)  # nginx never serves a half-written page


def cmd_connectors(outdir, count, urlbase, topic):
    """One NONE-paginated connector per endpoint urlbase/<i>, 10 s timer."""
    for i in range(int(count)):
        conf = {"name": "scale-%d" % i, "config": {
            "kafka.topic": topic,
            "http.url": "%s/%d" % (urlbase, i),
            "http.timer.interval.ms": "10000",
            "http.response.records.path": "$.data[*]",
            "http.pagination.type": "NONE",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false"}}
        with open(os.path.join(outdir, "c%d.json" % i), "w") as f:
            json.dump(conf, f)


def latency_page(k, per, nxt):
    recs = [{"id": str(k * per + i), "type": "PushEvent",
             "payload": {"seq": k, "n": i}} for i in range(per)]
    return {"data": recs, "next_cursor": nxt}


def cmd_writer(wwwdir, seconds, per="100"):
    """Append one page of PER new records to a cursor chain every second:
    page k is written, then page k-1 is linked to it, so every poll (once a
    second) finds exactly one new page."""
    per, seconds = int(per), int(seconds)
    write_json(os.path.join(wwwdir, "p0.json"), latency_page(0, per, None))
    for k in range(1, seconds + 1):
        time.sleep(1)
        write_json(os.path.join(wwwdir, "p%d.json" % k),
                   latency_page(k, per, None))
        write_json(os.path.join(wwwdir, "p%d.json" % (k - 1)),
                   latency_page(k - 1, per, str(k)))


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def cmd_throughput(runs_csv, out_csv):
    """Medians per tool of the runs in runs_csv; prints a Markdown table."""
    by_tool = defaultdict(list)
    order = []
    for r in read_rows(runs_csv):
        if r["tool"] not in by_tool:
            order.append(r["tool"])
        by_tool[r["tool"]].append(r)
    rank = {"httpsrc": 0, "python": 1, "shell": 2}
    order.sort(key=lambda t: rank.get(t, 3))
    med = {}
    for tool in order:
        rows = by_tool[tool]
        med[tool] = {
            "runs": len(rows),
            "rps": statistics.median(
                int(r["records"]) / max(float(r["wall_s"]), 1e-3)
                for r in rows),
            "wall": statistics.median(float(r["wall_s"]) for r in rows),
            "cpu": statistics.median(
                float(r["user_s"]) + float(r["sys_s"]) for r in rows),
            "rss": statistics.median(int(r["rss_kb"]) / 1024.0
                                     for r in rows)}
    base = med.get("httpsrc", {}).get("rps")
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tool", "runs", "records_per_s", "wall_s", "cpu_s",
                    "peak_rss_mb", "httpsrc_speedup"])
        for tool in order:
            m = med[tool]
            ratio = base / m["rps"] if base and m["rps"] else 0
            w.writerow([tool, m["runs"], "%.0f" % m["rps"],
                        "%.2f" % m["wall"], "%.2f" % m["cpu"],
                        "%.1f" % m["rss"], "%.2f" % ratio])
    print(md_table(out_csv))


def parse_access_log(path, t0, t1):
    """({uri: [msec, ...]}, requests that opened a connection) of the
    requests logged in [t0, t1] ("$msec $request_uri $connection_requests")."""
    reqs = defaultdict(list)
    fresh = 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3:
                continue
            t = float(parts[0])
            if t0 <= t <= t1:
                reqs[parts[1]].append(t)
                fresh += parts[2] == "1"
    return reqs, fresh


def cmd_jitter(access_log, t0, t1, count, interval_s):
    """Poll jitter of count connectors from nginx's "$msec $request_uri" log.

    For each connector the intervals between its consecutive requests in
    the window [t0, t1]: jitter = |interval - timer|. Missed polls: an
    interval longer than 1.5 timers counts the polls that fit in it; so
    does a gap of more than 1.5 timers between an end of the window and the
    connector's first or last request (all of the window for a connector
    that never polled in it).
    Prints one CSV row: requests, requests on a new connection, intervals,
    jitter p50/p99/max (ms), missed polls, connectors that missed a poll."""
    t0, t1, count, iv = float(t0), float(t1), int(count), float(interval_s)
    reqs, fresh = parse_access_log(access_log, t0, t1)
    jit, missed, late, total = [], 0, 0, 0
    for i in range(count):
        ts = sorted(reqs.get("/c/%d" % i, []))
        total += len(ts)
        m = 0
        if not ts:
            m = int((t1 - t0) // iv)
        else:
            for g in (ts[0] - t0, t1 - ts[-1]):
                if g > 1.5 * iv:
                    m += int(g // iv)
        for a, b in zip(ts, ts[1:]):
            d = b - a
            jit.append(abs(d - iv) * 1000.0)
            if d > 1.5 * iv:
                m += int(round(d / iv)) - 1
        missed += m
        late += m > 0
    p50 = pct(jit, 50) if jit else float("nan")
    p99 = pct(jit, 99) if jit else float("nan")
    mx = max(jit) if jit else float("nan")
    print("%d,%d,%d,%.1f,%.1f,%.1f,%d,%d" % (total, fresh, len(jit), p50,
                                             p99, mx, missed, late))


def cmd_first_polls(access_log, count):
    """Seconds from the first to the last connector's first request, or
    nothing if some connector has not polled yet."""
    first = {}
    with open(access_log) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].startswith("/c/"):
                first.setdefault(parts[1], float(parts[0]))
    if len(first) >= int(count):
        print("%.3f" % max(first.values()))


def cmd_latency(log, out_samples):
    """p50/p99/max (ms) of the host's per-page acknowledgement latency."""
    lat = []
    needle = " records acknowledged "
    with open(log) as f:
        for line in f:
            i = line.find(needle)
            if i < 0:
                continue
            us = line[i + len(needle):].split()[0]
            lat.append(int(us) / 1000.0)
    with open(out_samples, "w") as f:
        f.write("page,ack_ms\n")
        for i, v in enumerate(lat):
            f.write("%d,%.3f\n" % (i + 1, v))
    if not lat:
        print("0,nan,nan,nan")
        return
    print("%d,%.2f,%.2f,%.2f" % (len(lat), pct(lat, 50), pct(lat, 99),
                                 max(lat)))


def md_table(path):
    rows = list(csv.reader(open(path)))
    out = ["| " + " | ".join(rows[0]) + " |",
           "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def cmd_md_table(path):
    print(md_table(path))


def cmd_report(resdir, machine):
    """results.md from the CSVs present in resdir."""
    parts = ["# libhttpsrc benchmark results", "", machine, ""]
    sections = [
        ("throughput_summary.csv", "Throughput (medians)",
         "200 pages x 1000 records cursor-paginated from nginx into the "
         "mock Kafka cluster; `httpsrc_speedup` is httpsrc's records/s "
         "divided by the tool's. Every run: `throughput.csv`."),
        ("scale.csv", "Scale: connectors polling every 10 s",
         "CPU % of one core and peak RSS of `httpsrc-connect` over the "
         "window; jitter = |interval between two polls of a connector - "
         "10 s|, from nginx's access log."),
        ("latency.csv", "Latency: page response to last acknowledgement",
         "One new page of 100 records a second; from the host's debug "
         "lines. Every page: `latency_samples.csv`.")]
    for name, title, text in sections:
        p = os.path.join(resdir, name)
        if os.path.exists(p):
            parts += ["## " + title, "", text, "", md_table(p), ""]
    for png in ("throughput.png", "scale.png"):
        if os.path.exists(os.path.join(resdir, png)):
            parts += ["![%s](%s)" % (png[:-4], png), ""]
    with open(os.path.join(resdir, "results.md"), "w") as f:
        f.write("\n".join(parts))


def main():
    cmds = {n[4:].replace("_", "-"): f for n, f in globals().items()
            if n.startswith("cmd_")}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit("usage: benchlib.py %s ..." % "|".join(sorted(cmds)))
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
