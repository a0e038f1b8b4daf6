#!/usr/bin/python3
"""Helpers of bench/run.sh: connector files, the latency page writer and the
analysis of what the runs left behind (CSV in, CSV and Markdown out).

Usage: benchlib.py COMMAND ARGS...  (see the functions named cmd_*)
"""
import calendar
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


def cmd_keyset(srcdir, outdir, pages):
    """The keyset variant of gen.py's pages (for castorm, jvm-kafka.md 3.2):
    the page after record id X is outdir/kX.json, its next_cursor is its
    last record's id, and the id after the last record names an empty page
    (next_cursor null), so the cursor is the last id for every client.
    Prints the id before the first record (the initial cursor)."""
    first = None
    for p in range(int(pages)):
        with open(os.path.join(srcdir, "page%d.json" % p)) as f:
            body = json.load(f)
        recs = body["data"]
        after = str(int(recs[0]["id"]) - 1)
        first = first or after
        body["next_cursor"] = recs[-1]["id"]
        write_json(os.path.join(outdir, "k%s.json" % after), body)
    write_json(os.path.join(outdir, "k%s.json" % body["next_cursor"]),
               {"data": [], "next_cursor": None})
    print(first)


def cmd_slicer(wwwdir, portfile):
    """The keyset API's answer to a cursor inside a page (castorm's cursor
    is the last record Connect committed, anywhere in a page): GET
    /items?after=X is the records of X's page after X, next_cursor its
    last id. nginx serves the page-boundary cursors from the files of
    cmd_keyset and passes the others here. Writes its port to portfile."""
    import bisect
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlparse
    starts = sorted(int(n[1:-5]) for n in os.listdir(wwwdir)
                    if n.startswith("k") and n.endswith(".json"))

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            q = parse_qs(urlparse(self.path).query)
            try:
                after = int(q["after"][0])
            except (KeyError, ValueError):
                self.send_error(400, "after=<record id> is required")
                return
            i = bisect.bisect_right(starts, after) - 1
            body = {"data": [], "next_cursor": None}
            if i >= 0:
                with open(os.path.join(wwwdir, "k%d.json" % starts[i])) as f:
                    page = json.load(f)
                recs = [r for r in page["data"] if int(r["id"]) > after]
                if recs:
                    body = {"data": recs, "next_cursor": recs[-1]["id"]}
            out = json.dumps(body, separators=(",", ":")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(portfile + ".tmp", portfile)
    srv.serve_forever()


def cmd_watch(boot, topic, count, outfile, timeout_s="600"):
    """Read topic (created here, one partition, LogAppendTime) from its
    start as records arrive; writes "<first> <all> <append>" to outfile:
    epoch seconds when this reader got the first record, when it had count
    distinct keys, and when the broker appended the first record (its
    LogAppendTime, the broker's clock on this machine): the time a record
    is in Kafka whatever this reader's own start-up costs (librdkafka's
    offset query of a new partition can wait 500 ms more, round by round).
    Distinct keys, not records: an at-least-once peer's duplicates do not
    count. Prints "ready" once the topic exists. Exits 1 at timeout_s."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": boot})
    admin.create_topics([NewTopic(
        topic, 1, 1, config={"message.timestamp.type": "LogAppendTime"})])[
        topic].result(30)
    # The partition's leader in the consumer's metadata before assign():
    # else librdkafka waits 500 ms (its offset query timer) to start
    # fetching, and every first-record time carried those 500 ms.
    c = Consumer({"bootstrap.servers": boot, "group.id": "bench-watch",
                  "enable.auto.commit": False, "fetch.wait.max.ms": 10,
                  "fetch.error.backoff.ms": 10})
    for _ in range(300):
        md = c.list_topics(topic, timeout=10).topics.get(topic)
        if md and not md.error and 0 in md.partitions and \
                md.partitions[0].leader >= 0:
            break
        time.sleep(0.1)
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    print("ready", flush=True)
    count, first, keys, append = int(count), None, set(), None
    deadline = time.time() + float(timeout_s)
    while time.time() < deadline:
        # until the first record, short waits: its time is when it came
        msgs = c.consume(10000, 0.05) if first else c.consume(1, 0.005)
        t = time.time()
        for m in msgs:
            if m.error() is None:
                keys.add(m.key())
                if append is None:
                    append = m.timestamp()[1] / 1000.0
        if keys and first is None:
            first = t
        if len(keys) >= count:
            with open(outfile, "w") as f:
                f.write("%.3f %.3f %.3f\n" % (first, t, append))
            return
    sys.exit("watch: %s holds %d of %d keys after %s s"
             % (topic, len(keys), count, timeout_s))


def cmd_warm(boot):
    """One record by an idempotent producer into topic bench-warm: a new
    broker has no block of producer ids yet and answers the first
    InitProducerId "Coordinator load in progress"; librdkafka retries it
    only after its fixed PID timer (here 0.5-1 s), and the peer that ran
    first would carry that once-per-broker cost in its first record."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": boot, "enable.idempotence": True})
    p.produce("bench-warm", b"warm")
    if p.flush(60):
        sys.exit("warm: the record to bench-warm was not acknowledged")


def cmd_host_first(err, t0):
    """From the host's --log-level=debug lines (err): seconds from t0
    (epoch) to its first request and to its first acknowledged page, and
    how many times librdkafka retried getting a producer id."""
    def at(line):
        ts = line.split(" ", 1)[0]
        return calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) \
            + float(ts[19:-1] or 0)
    req = ack = None
    retries = 0
    with open(err) as f:
        for line in f:
            if req is None and "] request " in line:
                req = at(line)
            elif ack is None and "] page of " in line and \
                    " acknowledged " in line:
                ack = at(line)
            elif "Failed to acquire idempotence PID" in line:
                retries += 1
    fmt = lambda t: "" if t is None else "%.3f" % (t - float(t0))
    print("%s,%s,%d" % (fmt(req), fmt(ack), retries))


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def cmd_throughput(runs_csv, out_csv):
    """Medians per tool of the runs in runs_csv; prints a Markdown table.
    The stage floors (floor-* rows) go to *_floors.csv beside out_csv."""
    by_tool = defaultdict(list)
    order = []
    rows_all = read_rows(runs_csv)
    floors_of(rows_all, out_csv.replace("_summary.csv", "_floors.csv"))
    for r in rows_all:
        if r["tool"].startswith("floor-"):
            continue
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
    base_cpu = med.get("httpsrc", {}).get("cpu")
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tool", "runs", "records_per_s", "wall_s", "cpu_s",
                    "peak_rss_mb", "httpsrc_speedup", "cpu_ratio"])
        for tool in order:
            m = med[tool]
            ratio = base / m["rps"] if base and m["rps"] else 0
            cpu_ratio = m["cpu"] / base_cpu if base_cpu else 0
            w.writerow([tool, m["runs"], "%.0f" % m["rps"],
                        "%.2f" % m["wall"], "%.2f" % m["cpu"],
                        "%.1f" % m["rss"], "%.2f" % ratio,
                        "%.2f" % cpu_ratio])
    print(md_table(out_csv))
    ratios_of(rows_all, out_csv.replace("_summary.csv", "_ratios.csv"))


def ratios_of(rows, out_csv):
    """httpsrc against the Python poller round by round (both ran in the
    same round, on the same mock cluster): wall and CPU ratios, with the
    load average before the round and which ran first (*_rounds.csv beside
    out_csv), then their median, min and max; prints a table. The spread
    is the noise of the measurement."""
    by = defaultdict(dict)
    for r in rows:
        if r["tool"] in ("httpsrc", "python"):
            by[r["round"]][r["tool"]] = r
    info = {}
    rpath = out_csv.replace("_ratios.csv", "_rounds.csv")
    if os.path.exists(rpath):
        info = {r["round"]: r for r in read_rows(rpath)}
    cpu = lambda r: float(r["user_s"]) + float(r["sys_s"])
    table = []
    for rnd in sorted(by, key=int):
        h, p = by[rnd].get("httpsrc"), by[rnd].get("python")
        if not h or not p:
            continue
        i = info.get(rnd, {})
        table.append([rnd, i.get("load1_before", ""),
                      {"1": "python", "2": "httpsrc"}.get(
                          i.get("python_position", ""), ""),
                      float(p["wall_s"]), float(h["wall_s"]),
                      float(p["wall_s"]) / max(float(h["wall_s"]), 1e-3),
                      cpu(p), cpu(h), cpu(p) / max(cpu(h), 1e-3)])
    if not table:
        return
    print()
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["round", "load1_before", "first", "python_wall_s",
                    "httpsrc_wall_s", "wall_ratio", "python_cpu_s",
                    "httpsrc_cpu_s", "cpu_ratio"])
        for t in table:
            w.writerow(t[:3] + ["%.2f" % x for x in t[3:]])
        for name, fn in (("median", statistics.median), ("min", min),
                         ("max", max)):
            w.writerow([name, "", ""] +
                       ["%.2f" % fn(t[k] for t in table)
                        for k in range(3, 9)])
    print(md_table(out_csv))
    walls = [t[5] for t in table]
    print("httpsrc / Python: median %.1fx by wall time (rounds %.1fx to "
          "%.1fx), %.1fx by CPU seconds\n"
          % (statistics.median(walls), min(walls), max(walls),
             statistics.median(t[8] for t in table)))


def floors_of(rows, out_csv):
    """Each stage's median time alone, and httpsrc's median wall time as a
    multiple of it (the slowest stage is the floor); prints a table."""
    walls = defaultdict(list)
    cpus = defaultdict(list)
    for r in rows:
        walls[r["tool"]].append(float(r["wall_s"]))
        cpus[r["tool"]].append(float(r["user_s"]) + float(r["sys_s"]))
    stages = [t for t in ("floor-fetch", "floor-select", "floor-produce")
              if t in walls]
    if not stages or "httpsrc" not in walls:
        return
    hs = statistics.median(walls["httpsrc"])
    med = {t: statistics.median(walls[t]) for t in stages}
    slowest = max(stages, key=lambda t: med[t])
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stage", "runs", "wall_s", "cpu_s", "httpsrc_multiple"])
        for t in stages + ["sum-of-stages", "httpsrc"]:
            if t == "sum-of-stages":
                wall, cpu, n = sum(med.values()), sum(
                    statistics.median(cpus[x]) for x in stages), ""
            else:
                wall, cpu, n = (statistics.median(walls[t]),
                                statistics.median(cpus[t]), len(walls[t]))
            w.writerow([t, n, "%.3f" % wall, "%.3f" % cpu,
                        "%.2f" % (hs / wall if wall else 0)])
    print(md_table(out_csv))
    print("httpsrc's wall time is %.2fx the slowest stage alone (%s)\n"
          % (hs / med[slowest] if med[slowest] else 0, slowest))


def cmd_broker_cpu(runs_csv, out_csv):
    """Median CPU seconds the real broker spent during each tool's runs;
    prints a table."""
    by = defaultdict(list)
    for r in read_rows(runs_csv):
        by[r["tool"]].append(float(r["broker_cpu_s"]))
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tool", "runs", "broker_cpu_s", "min", "max"])
        for tool in sorted(by):
            v = by[tool]
            w.writerow([tool, len(v), "%.2f" % statistics.median(v),
                        "%.2f" % min(v), "%.2f" % max(v)])
    print(md_table(out_csv))


def cmd_cores(runs_csv, out_csv):
    """Medians of the rounds of each (connectors, cores) pair, the
    records/s ratio to one connector on as many cores and to the same
    connectors on one core; prints a table."""
    by = defaultdict(list)
    for r in read_rows(runs_csv):
        n, _, cpus = r["tool"].split("-")
        by[(int(n), int(cpus.rstrip("cpu")))].append(r)
    med = {key: statistics.median(
        int(r["records"]) / max(float(r["wall_s"]), 1e-3) for r in rows)
        for key, rows in by.items()}
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["connectors", "cores", "rounds", "records",
                    "records_per_s", "wall_s", "cpu_s", "peak_rss_mb",
                    "cores_busy_pct", "ratio_to_one_connector",
                    "ratio_to_one_core"])
        for (n, cpus) in sorted(by, key=lambda k: (k[1], k[0])):
            rows = by[(n, cpus)]
            one_conn, one_core = med.get((1, cpus)), med.get((n, 1))
            w.writerow([n, cpus, len(rows), rows[0]["records"],
                        "%.0f" % med[(n, cpus)],
                        "%.2f" % statistics.median(
                            float(r["wall_s"]) for r in rows),
                        "%.2f" % statistics.median(
                            float(r["user_s"]) + float(r["sys_s"])
                            for r in rows),
                        "%.1f" % statistics.median(
                            int(r["rss_kb"]) / 1024.0 for r in rows),
                        "%.1f" % statistics.median(
                            float(r["cpus_busy_pct"]) for r in rows),
                        "%.2f" % (med[(n, cpus)] / one_conn
                                  if one_conn else 0),
                        "%.2f" % (med[(n, cpus)] / one_core
                                  if one_core else 0)])
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


def real_sections(resdir):
    """The report's sections of bench/run.sh real, one group per partition
    count it ran (real_pN_*.csv)."""
    out = []
    counts = sorted(int(n[len("real_p"):-len("_summary.csv")])
                    for n in os.listdir(resdir)
                    if n.startswith("real_p") and n.endswith("_summary.csv")
                    and not n.endswith("_broker_summary.csv"))
    for n in counts:
        pre, where = "real_p%d" % n, ("Throughput into a real broker, "
                                      "topics of %d partition%s"
                                      % (n, "" if n == 1 else "s"))
        out += [
            (pre + "_summary.csv", where + " (medians)",
             "The same rounds (Python and httpsrc alternating, the floors) "
             "into one real Kafka broker (tests/kafka/kafka.sh: Apache "
             "Kafka from its Maven jars, KRaft, one node, on this machine, "
             "with kafka-server-start.sh's JVM options, warmed with the "
             "workload's records once before the rounds) instead of the "
             "mock; the round's topics created with %d "
             "partition%s, acks=all. Every httpsrc round read back (`%s`); "
             "every run: `%s`." % (n, "" if n == 1 else "s",
                                   pre + "_verify.csv", pre + ".csv")),
            (pre + "_ratios.csv", where + ": httpsrc against Python, round "
             "by round", "As in the mock's table above."),
            (pre + "_floors.csv", where + ": each stage alone (floors)",
             "As in the mock's table above; `floor-produce` into this "
             "broker."),
            (pre + "_broker_summary.csv", where + ": the broker's CPU",
             "CPU seconds (user+sys, /proc) of the broker's JVM during each "
             "tool's runs above, medians: the broker shares the two cores "
             "with the tool, nginx and the reader. Every run: `%s`."
             % (pre + "_broker.csv"))]
    return out


def cmd_report(resdir, machine):
    """results.md from the CSVs present in resdir."""
    parts = ["# libhttpsrc benchmark results", "", machine, ""]
    sections = [
        ("throughput_summary.csv", "Throughput (medians)",
         "200 pages x 1000 records cursor-paginated from nginx into the "
         "mock Kafka cluster; `httpsrc_speedup` is httpsrc's records/s "
         "divided by the tool's, `cpu_ratio` the tool's CPU seconds "
         "(user+sys, all its threads) divided by httpsrc's: on a shared "
         "machine wall times move with the load, CPU seconds much less. "
         "Every run: `throughput.csv`."),
        ("throughput_ratios.csv", "Throughput: httpsrc against Python, "
         "round by round",
         "Both tools ran in every round against the same mock cluster and "
         "nginx, in alternating order (`first`), with the load average "
         "of the machine before the round. `wall_ratio` = Python's wall "
         "time / httpsrc's (= httpsrc's records/s / Python's), "
         "`cpu_ratio` the same for CPU seconds (user+sys, all threads). "
         "The rows median, min and max summarize the rounds; their "
         "spread is the noise of the measurement on this shared machine."),
        ("throughput_floors.csv", "Throughput: each stage alone (floors)",
         "In the same rounds: `floor-fetch` = curl fetching every page "
         "over one connection (bodies to /dev/null); `floor-select` = "
         "our selector alone over the pages in memory (`$.data[*]` with "
         "the member indexes the connector asks for; median of 3 passes, "
         "CPU time); `floor-produce` = librdkafka alone producing the "
         "records, selected and keyed beforehand, configured as httpsrc "
         "configures it (acks=all, idempotence, 4 MiB queue, linger 5 "
         "ms), until every delivery report. `httpsrc_multiple` = "
         "httpsrc's median wall time / the stage's: the slowest stage is "
         "the floor a pipeline of the three cannot beat."),
        ] + real_sections(resdir) + [
        ("cores_summary.csv", "Cores: 8 connectors at once, on 1 and 2 cores",
         "The throughput job by 1 connector, then by 8 connectors in one "
         "host, each paging its own copy of the API (`?api=K`) into its "
         "own topic; once with httpsrc, nginx and the mock cluster pinned "
         "onto one core (CPU 0, `taskset`), once on both; interleaved "
         "rounds (the core count first alternates), medians. "
         "`cores_busy_pct`: how busy those cores were during the run "
         "(/proc/stat, every process of the machine); "
         "`ratio_to_one_connector` = records/s of the row / records/s of "
         "one connector on as many cores; `ratio_to_one_core` = records/s "
         "of the row / records/s of as many connectors on one core: what "
         "the second core adds. Every topic read back "
         "(`cores_verify.csv`). Every run: `cores.csv`."),
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
    path = os.path.join(resdir, "results.md")
    if os.path.exists(path):  # a part run alone keeps the JVM section
        sec = jvm_section_of(open(path).read())
        if sec:
            parts += [sec.rstrip("\n"), ""]
    with open(path, "w") as f:
        f.write("\n".join(parts))


def cmd_jvm(runs_csv, out_csv):
    """Medians per tool of bench/run.sh jvm's rounds, and httpsrc's ratios
    (records/s: httpsrc / connect; CPU, RSS, first record: connect /
    httpsrc, so each is how many times better httpsrc does)."""
    by_tool = defaultdict(list)
    for r in read_rows(runs_csv):
        by_tool[r["tool"]].append(r)
    cols = ["records_per_s", "first_record_s", "wall_s", "cpu_s",
            "peak_rss_mb", "first_read_s"]
    med = {t: {c: statistics.median(float(r.get(c) or "nan")
                                    for r in rows)
               for c in cols} for t, rows in by_tool.items()}
    # duplicates per round, from the read-back (jvm_verify.csv beside)
    dups = defaultdict(list)
    vpath = os.path.join(os.path.dirname(runs_csv), "jvm_verify.csv")
    for r in read_rows(vpath) if os.path.exists(vpath) else []:
        tool = "connect" if r["topic"].startswith("jvm-cs-") else \
            "httpsrc-eos" if r["topic"].startswith("jvm-hseos-") else "httpsrc"
        dups[tool].append(int(r["records"]) - int(r["distinct_keys"]))
    order = [t for t in ("httpsrc", "httpsrc-eos", "connect") if t in med]
    h, j = med.get("httpsrc"), med.get("connect")
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        # duplicates before first_read_s: the chart reads columns 3-7
        w.writerow(["tool", "rounds"] + cols[:5] +
                   ["duplicates_per_round"] + cols[5:])
        for t in order:
            val = ["%.3f" % med[t][c] if c.startswith("first_")
                   else "%.2f" % med[t][c] for c in cols]
            w.writerow([t, len(by_tool[t])] + val[:5] +
                       ["/".join(str(d) for d in dups.get(t, []))] +
                       val[5:])
        if h and j:
            better = ["%.1f" % (h[c] / j[c] if c == "records_per_s"
                                else j[c] / h[c]) for c in cols]
            w.writerow(["ratio", ""] + better[:5] + [""] + better[5:])
    print(md_table(out_csv))


JVM_TITLE = "## JVM peer: Kafka Connect + castorm on a real broker"


def jvm_section_of(text):
    """The JVM section of a results.md text ('' if none)."""
    i = text.find(JVM_TITLE)
    if i < 0:
        return ""
    j = text.find("\n## ", i + 1)
    return text[i:] if j < 0 else text[i:j + 1]


def cmd_jvm_section(resdir, machine, pages, per, rounds, castorm):
    """Puts the JVM section (its own machine line) into results.md in place
    of the one there, keeping the rest of the file."""
    path = os.path.join(resdir, "results.md")
    old = open(path).read() if os.path.exists(path) else \
        "# libhttpsrc benchmark results\n\n"
    rest = old.replace(jvm_section_of(old), "").rstrip("\n") + "\n\n"
    sec = [JVM_TITLE, "", machine, "",
           "`bench/run.sh jvm`: %s pages x %s records, keyset-paginated "
           "(`?after=<last id>`, nginx), into one real Kafka 4.1.1 broker "
           "(tests/kafka/kafka.sh, with kafka-server-start.sh's JVM "
           "options, warmed with the workload's records once), %s "
           "interleaved rounds, medians. "
           "`connect`: Kafka Connect 4.1.1 standalone (the start scripts' "
           "JVM options) running castorm's kafka-connect-http 0.8.11 (%s), "
           "offset.flush.interval.ms and its timer at 50 ms (castorm moves "
           "its cursor only when Connect commits offsets); `httpsrc`: "
           "`httpsrc-connect --once`. Times from the process start until "
           "the broker appended the first record (`first_record_s`, its "
           "LogAppendTime: the topic is created beforehand, the same way "
           "for both, with message.timestamp.type=LogAppendTime), until a "
           "reader of the topic got it (`first_read_s`; the reader's own "
           "start can add librdkafka's 500 ms offset-query retry) and every "
           "key (`wall_s`). CPU and peak RSS: "
           "connect from /proc at that moment (it keeps running), httpsrc "
           "for its whole run (getrusage). The `ratio` row is how many "
           "times better httpsrc does on each column. Every round was "
           "read back (`jvm_verify.csv`: records and distinct keys): "
           "all keys must be there; `duplicates_per_round` lists the "
           "records beyond one per key (castorm in standalone Connect "
           "is at-least-once). Every round: `jvm.csv`. The machine is "
           "shared with other work: absolute figures move with its load; "
           "the ratios, measured side by side, are what count. Not "
           "comparable with the throughput table (another workload size, "
           "a real broker instead of the mock)."
           % (pages, per, rounds, castorm), "",
           md_table(os.path.join(resdir, "jvm_summary.csv")), "",
           "![jvm](jvm.png)", ""]
    fl = os.path.join(resdir, "jvm_floors.csv")
    if os.path.exists(fl):
        sec += ["`httpsrc-eos`: the same httpsrc round with "
                "`exactly.once.source.support=enabled` (offsets in a topic; "
                "a transaction per page holds its records and its offset), "
                "read back with read_committed: exactly-once's cost beside "
                "at-least-once.", "",
                "Each stage alone on this broker, in the same rounds (as in "
                "the throughput section; `httpsrc` = its at-least-once "
                "rounds above, wall time to every key):", "",
                md_table(fl), ""]
    idle = os.path.join(resdir, "idle.csv")
    if os.path.exists(idle):
        sec += ["Idle: 100 connectors, each polling its own endpoint every "
                "10 s that has nothing new (`{\"data\":[]}`), in one "
                "`httpsrc-connect` and then in one Connect standalone worker "
                "(castorm, one task each), on the same broker. `startup_s`: "
                "from the process start until the API got a request from "
                "every connector; CPU over the window that follows (5 s "
                "later), RSS at its end and peak.", "", md_table(idle), ""]
    with open(path, "w") as f:
        f.write(rest + "\n".join(sec))


def main():
    cmds = {n[4:].replace("_", "-"): f for n, f in globals().items()
            if n.startswith("cmd_")}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit("usage: benchlib.py %s ..." % "|".join(sorted(cmds)))
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
