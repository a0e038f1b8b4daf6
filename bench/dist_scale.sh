#!/bin/bash
# Distributed mode at scale (issue 14, test 6; the CI check is
# tests/kafka/test_dist_scale.sh): N connectors (default 1000, env N),
# each polling every INTERVAL_MS (default 20000) its own query of the
# fixture, created by CONC (default 32) concurrent REST clients on two
# httpsrc-connect --distributed workers on a real broker; a third worker
# joins. Prints the time to create them all (and to have them RUNNING),
# the time from the third worker's start until every task is RUNNING
# again spread evenly over the three, the polls missed around the join
# (dist.sh dist_polls: due one interval after the last poll, missed when
# none came within half an interval), and RSS, threads and file
# descriptors per worker.
# Run from the source tree after `meson compile -C build`:
#   HTTPSRC_BUILD_ROOT=$PWD/build HTTPSRC_SOURCE_ROOT=$PWD \
#   HTTPSRC_PLUGIN_PATH=$PWD/build/plugins HTTPSRC_KAFKA=real \
#   N=1000 bench/dist_scale.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/integration/lib.sh"
. "$here/../tests/kafka/dist.sh"

N=${N:-1000}
INTERVAL_MS=${INTERVAL_MS:-20000}
CONC=${CONC:-32}
plan 2
start_fixture --records 5 --page-size 5
start_kafka
dist_init
KEYS=(rest.max.connections.per.client=256)
start_cluster 2 "${KEYS[@]}"
t0=$(now_ms)
dist_create_many 1 "$N" "$INTERVAL_MS" "$CONC"
diag "creates answered: $(sort "$T/create.codes" | uniq -c | tr '\n' ' ') in $(($(now_ms) - t0)) ms ($CONC clients)"
[ "$(grep -c '^201$' "$T/create.codes")" -eq "$N" ] ||
	bail_out "not every create answered 201: $(head -c 600 "$T/create.err")"
wait_owners 1 "$N" 600 || bail_out "not all $N RUNNING: $(owners 1 | wc -l)"
diag "$N connectors created and RUNNING on 2 workers in $(($(now_ms) - t0)) ms"
sleep 3
j0=$(now_ms)
start_worker 3 "${KEYS[@]}"
wait_rest 3
W3=127.0.0.1:${W_PORT[3]}
ms=-1
while [ $(($(now_ms) - j0)) -lt 600000 ]; do
	owners 1 >"$T/own"
	per=$(cut -d' ' -f2 "$T/own" | sort | uniq -c | awk '{ print $1 }' | sort -n)
	if [ "$(wc -l <"$T/own")" -eq "$N" ] && grep -q " $W3\$" "$T/own" &&
		[ $(($(echo "$per" | tail -n 1) - $(echo "$per" | head -n 1))) -le 1 ]; then
		ms=$(($(now_ms) - j0))
		break
	fi
	sleep 0.2
done
spread=$(awk '{ print $2 }' "$T/own" | sort | uniq -c | tr '\n' ' ')
diag "worker 3 joined: all $N RUNNING again, spread even, in $ms ms (spread: $spread)"
sleep $((INTERVAL_MS / 1000))
read -r seen missed worst longest <<<"$(dist_polls $((j0 - INTERVAL_MS)) "$(now_ms)" "$INTERVAL_MS")"
diag "polls around the join (interval $INTERVAL_MS ms, $seen connectors seen): $missed missed in all, at most $worst by one connector; longest gap between two polls of one connector $longest ms"
for i in 1 2 3; do
	pid=${W_PID[$i]}
	diag "worker $i: RSS $(rss_kb "$pid") KiB, $(awk '/^Threads:/ { print $2 }' "/proc/$pid/status") threads, $(find "/proc/$pid/fd" -mindepth 1 2>/dev/null | wc -l) fds"
done
assert_eq "every connector RUNNING again after the join, spread even" 1 "$((ms >= 0))"
assert_eq "the three workers answer" "200 200 200" \
	"$(for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' "${W_URL[$i]}/connectors"; done | sed 's/ $//')"
