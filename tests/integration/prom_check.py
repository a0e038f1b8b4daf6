#!/usr/bin/env python3
"""Checks of a Prometheus text exposition (format 0.0.4), independent of
libhttpsrc's metrics.c.

  prom_check.py lint METRICS            the exposition follows the format and
                                        the client libraries' conventions
  prom_check.py dashboard DASH METRICS  every metric a Grafana dashboard's
                                        expressions name is exported
  prom_check.py readme README METRICS   the README's metrics table lists
                                        exactly the exported families
  prom_check.py value METRICS SERIES    the value of one series, e.g.
                                        'httpsrc_kafka_broker_up' or
                                        'x_total{connector="a",code="2xx"}'

Prints the problems, one a line, and exits 1 if there is any.
"""
import json
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(r"^(%s)(\{(.*)\})? (\S+)$" % NAME)
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"),
            "summary": ("", "_sum", "_count")}


def parse_labels(text, problems, line):
    labels, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            problems.append("bad label set (escaping?): " + line)
            return None
        labels.append((m.group(1), m.group(2)))
        pos = m.end()
    return labels


def parse(path):
    """families {name: type}, samples [(name, labels, value)], problems"""
    families, helps, samples, problems = {}, set(), [], []
    current = None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if not line:
            continue
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            if name in helps:
                problems.append("HELP twice: " + name)
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in (
                    "counter", "gauge", "histogram", "summary", "untyped"):
                problems.append("bad TYPE line: " + line)
                continue
            if parts[2] in families:
                problems.append("TYPE twice: " + parts[2])
            if parts[2] not in helps:
                problems.append("TYPE before HELP: " + parts[2])
            families[parts[2]] = parts[3]
            current = parts[2]
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append("bad sample line: " + line)
            continue
        name, labels = m.group(1), parse_labels(m.group(3) or "", problems, line)
        try:
            value = float(m.group(4))
        except ValueError:
            problems.append("bad value: " + line)
            continue
        ftype = families.get(current)
        allowed = [current + s for s in SUFFIXES.get(ftype, ("",))] if current else []
        if name not in allowed:
            problems.append("sample outside its family (no TYPE before it): " + line)
        samples.append((name, tuple(labels or ()), value))
    return families, samples, problems


def lint(path):
    families, samples, problems = parse(path)
    seen = set()
    for name, labels, value in samples:
        key = (name, labels)
        if key in seen:
            problems.append("duplicate series: %s %s" % (name, labels))
        seen.add(key)
    for name, ftype in families.items():
        if ftype == "counter" and not name.endswith("_total"):
            problems.append("counter without _total: " + name)
        if ftype != "counter" and name.endswith("_total"):
            problems.append("_total on a %s: %s" % (ftype, name))
        if re.search(r"_(ms|milliseconds|kb|kbytes|minutes)(_|$)", name):
            problems.append("not in base units: " + name)
        if ftype == "histogram":
            lint_histogram(name, samples, problems)
    return problems


def lint_histogram(name, samples, problems):
    series = {}
    for n, labels, v in samples:
        if n == name + "_bucket":
            rest = tuple(l for l in labels if l[0] != "le")
            le = dict(labels).get("le")
            series.setdefault(rest, []).append((float(le), v))
    counts = {l: v for n, l, v in samples if n == name + "_count"}
    for rest, buckets in series.items():
        vals = [v for _, v in buckets]
        if buckets[-1][0] != float("inf"):
            problems.append("%s%s: no +Inf bucket last" % (name, rest))
        if vals != sorted(vals) or [b for b, _ in buckets] != sorted(b for b, _ in buckets):
            problems.append("%s%s: buckets not cumulative" % (name, rest))
        if counts.get(rest) != vals[-1]:
            problems.append("%s%s: +Inf bucket != _count" % (name, rest))


PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right",
                "bool", "and", "or", "unless", "offset", "inf", "nan"}


def expr_metrics(expr):
    """The metric names a PromQL expression uses."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)       # strings
    e = re.sub(r"\{[^}]*\}", "", e)                       # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                      # ranges
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    e = re.sub(r"\$\w+", "", e)                           # Grafana variables
    names = set()
    for m in re.finditer(r"(%s)(\s*\()?" % NAME, e):
        word = m.group(1)
        if m.group(2) or word.lower() in PROMQL_WORDS or re.match(r"^\d", word):
            continue
        names.add(word)
    return names


def walk_exprs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "expr" and isinstance(v, str):
                yield v
            elif k == "query" and isinstance(v, str) and "(" in v:
                # templating: label_values(metric{...}, label)
                inner = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", v)
                yield inner.group(1) if inner else v
            else:
                yield from walk_exprs(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk_exprs(v)


def exported_names(families):
    names = set()
    for name, ftype in families.items():
        names.update(name + s for s in SUFFIXES.get(ftype, ("",)))
    return names


def dashboard(dash_path, metrics_path):
    families, _, problems = parse(metrics_path)
    exported = exported_names(families)
    exprs = list(walk_exprs(json.load(open(dash_path, encoding="utf-8"))))
    if not exprs:
        return ["no expressions in " + dash_path]
    used = set()
    for e in exprs:
        names = expr_metrics(e)
        if not names:
            problems.append("expression names no metric: " + e)
        for n in sorted(names - exported):
            problems.append("not exported: %s (in %s)" % (n, e))
        used |= names
    print("# %d expressions, %d metric names, all exported" % (len(exprs), len(used))
          if not problems else "# dashboard problems:")
    return problems


def readme(readme_path, metrics_path):
    families, _, problems = parse(metrics_path)
    text = open(readme_path, encoding="utf-8").read()
    m = re.search(r"<!-- BEGIN METRICS -->(.*)<!-- END METRICS -->", text, re.S)
    if not m:
        return ["README: no BEGIN/END METRICS markers"]
    rows = {}
    for line in m.group(1).splitlines():
        r = re.match(r"\|\s*`(%s)`\s*\|\s*(\w+)\s*\|" % NAME, line)
        if r:
            rows[r.group(1)] = r.group(2)
    for name, ftype in sorted(families.items()):
        if name not in rows:
            problems.append("README metrics table lacks " + name)
        elif rows[name] != ftype:
            problems.append("README says %s is a %s, it is a %s" % (name, rows[name], ftype))
    for name in sorted(set(rows) - set(families)):
        problems.append("README lists %s, which is not exported" % name)
    return problems


def value(metrics_path, series):
    _, samples, _ = parse(metrics_path)
    for name, labels, v in samples:
        text = name + ("{%s}" % ",".join('%s="%s"' % l for l in labels) if labels else "")
        if text == series:
            print(("%.6f" % v).rstrip("0").rstrip("."))
            return []
    print("(absent)")
    return []


def main():
    cmds = {"lint": lint, "dashboard": dashboard, "readme": readme, "value": value}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    problems = cmds[sys.argv[1]](*sys.argv[2:])
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
