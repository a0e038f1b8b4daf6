#!/bin/bash
# Distributed mode at scale (issue 14, test 6; a bench, not in CI: too slow
# for it): N connectors (default 300, env N) on two httpsrc-connect
# --distributed workers on a real broker; a third worker joins. Prints the
# time from its start until every task is RUNNING again with some on the
# new worker, and the polls missed meanwhile: for each connector, from the
# fixture's request log, the longest gap between two of its polls in the
# window, as whole intervals beyond the first.
# Run from the source tree after `meson compile -C build`:
#   HTTPSRC_BUILD_ROOT=$PWD/build HTTPSRC_SOURCE_ROOT=$PWD \
#   HTTPSRC_PLUGIN_PATH=$PWD/build/plugins HTTPSRC_KAFKA=real \
#   N=300 bench/dist_scale.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/integration/lib.sh"
. "$here/../tests/kafka/dist.sh"

N=${N:-300}
INTERVAL_MS=${INTERVAL_MS:-1000}
CONC=${CONC:-8}
plan 2
start_fixture --records 5 --page-size 5
start_kafka
dist_init
# CONC clients from one address: more than the default 16 connections
REST_KEYS=(offset.flush.interval.ms=1000 rest.max.connections.per.client=256)
start_cluster 2 "${REST_KEYS[@]}"
cpids=()
t0=$(now_ms)
# CONC clients, each creating every CONC-th connector, again on a 409
for k in $(seq 0 $((CONC - 1))); do
	(for n in $(seq -w 1 "$N"); do
		[ $((10#$n % CONC)) -eq "$k" ] || continue
		body=$(dist_connector_json "c$n" "$INTERVAL_MS" |
			sed "s#\"http.url\":\"$API/events\"#\"http.url\":\"$API/events?c=c$n\"#")
		for _ in $(seq 100); do
			dist_send 1 POST /connectors "$body" >"$T/create.$k.out"
			[ "$DIST_ST" = 409 ] || break
			sleep 0.2
		done
		echo "$DIST_ST" >>"$T/create.$k"
		[ "$DIST_ST" = 201 ] || cat "$T/create.$k.out" >>"$T/create.err"
	done) &
	cpids+=($!)
done
wait "${cpids[@]}"
diag "creates answered: $(cat "$T"/create.? "$T"/create.?? 2>/dev/null | sort | uniq -c | tr '\n' ' ') in $(($(now_ms) - t0)) ms"
[ "$(cat "$T"/create.? "$T"/create.?? 2>/dev/null | grep -c '^201$')" -eq "$N" ] ||
	bail_out "not every create answered 201: $(head -c 600 "$T/create.err")"
wait_owners 1 "$N" 600 || bail_out "not all $N RUNNING: $(owners 1 | wc -l)"
diag "$N connectors created and RUNNING on 2 workers in $(($(now_ms) - t0)) ms"
sleep 3
j0=$(date +%s%3N)
start_worker 3 "${REST_KEYS[@]}"
wait_rest 3
W3=127.0.0.1:${W_PORT[3]}
ms=-1
while [ $(($(now_ms) - j0)) -lt 600000 ]; do
	owners 1 >"$T/own"
	if [ "$(wc -l <"$T/own")" -eq "$N" ] && grep -q " $W3\$" "$T/own"; then
		ms=$(($(now_ms) - j0))
		break
	fi
	sleep 0.2
done
sleep 3
j1=$(date +%s%3N)
spread=$(awk '{ print $2 }' "$T/own" | sort | uniq -c | tr '\n' ' ')
diag "worker 3 joined: all $N RUNNING again, $(grep -c " $W3\$" "$T/own") on it, in $ms ms (spread: $spread)"
curl -s "$API/admin/log" >"$T/log.json"
missed=$(python3 - "$T/log.json" "$j0" "$j1" "$INTERVAL_MS" <<'PY'
import json, sys, re, collections
log, j0, j1, iv = json.load(open(sys.argv[1]))["requests"], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
times = collections.defaultdict(list)
for r in log:
    m = re.search(r"(?:^|&)c=(c\d+)", r.get("query") or "")
    if m:
        times[m.group(1)].append(r["t"])
total, worst = 0, 0
for c, ts in times.items():
    ts = sorted(set(ts))
    w = [t for t in ts if j0 - 2 * iv <= t <= j1] or [j0]
    gaps = [b - a for a, b in zip(w, w[1:])] + [w[0] - (j0 - 2 * iv), j1 - w[-1]]
    g = max(gaps)
    total += max(0, g // iv - 1)
    worst = max(worst, g)
print(total, worst, len(times))
PY
)
read -r m_total m_gap m_seen <<<"$missed"
diag "polls missed during the join (sum over $m_seen connectors seen in the fixture's log, interval $INTERVAL_MS ms): $m_total; longest gap between two polls of one connector: $m_gap ms"
for i in 1 2 3; do
	pid=${W_PID[$i]}
	diag "worker $i: RSS $(rss_kb "$pid") KiB, $(awk '/^Threads:/ { print $2 }' "/proc/$pid/status") threads, $(find "/proc/$pid/fd" -mindepth 1 2>/dev/null | wc -l) fds"
done
assert_eq "every connector RUNNING again after the join, some on the new worker" 1 "$((ms >= 0))"
assert_eq "the three workers answer" "200 200 200" \
	"$(for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' "${W_URL[$i]}/connectors"; done | sed 's/ $//')"
