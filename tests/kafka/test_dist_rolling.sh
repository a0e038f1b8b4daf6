#!/bin/bash
# Distributed mode (issue 14, test 3): a rolling restart of all three
# workers, one at a time (SIGTERM, start again on the same file), while the
# API keeps appending records: REST keeps answering on the workers that
# are up, every connector runs again afterwards, no record is lost.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
plan 6
start_fixture --records 100 --page-size 20
start_kafka
dist_init
start_cluster 3 offset.flush.interval.ms=100
for n in $(seq 1 $N); do
	create_connector 1 "c$n" >/dev/null
done
wait_owners 1 "$N" 90 || bail_out "connectors not all RUNNING: $(owners 1)"

( for _ in $(seq 80); do
	curl -s -X POST "$API/admin/append?n=5" >"$T/appended"; sleep 0.25
  done ) &
APPENDER=$!

answered=0 asked=0 exits=""
for i in 1 2 3; do
	stop_worker "$i" TERM
	rc=0
	wait "${W_PID[$i]}" || rc=$?
	exits="$exits $rc"
	# REST on the others while this one is down
	for o in 1 2 3; do
		[ "$o" != "$i" ] || continue
		asked=$((asked + 1))
		dist_get "$o" /connectors >/dev/null
		[ "$DIST_ST" != 200 ] || answered=$((answered + 1))
	done
	start_worker "$i" offset.flush.interval.ms=100
	wait_rest "$i"
	wait_owners "$i" "$N" 60 || diag "after restarting worker $i: $(owners "$i" | wc -l) RUNNING"
done
assert_eq "each worker exits 0 on SIGTERM" " 0 0 0" "$exits"
assert_eq "REST answered 200 on every worker up during the restarts" \
	"$asked" "$answered"
assert_eq "after the restarts every connector runs once" "$N" \
	"$(owners 1 | cut -d' ' -f1 | sort -u | wc -l)"
assert_eq "every worker lists the same owners" 1 \
	"$(for i in 1 2 3; do owners "$i" | md5sum; done | sort -u | wc -l)"

wait "$APPENDER"
total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$T/appended")
dist_want_keys "$N" "$total"
dist_wait_keys "$((N * total))"
assert_files_eq "no record lost across the rolling restart" \
	"$T/want.keys" "$T/got.keys"
diag "records: $((N * total)) distinct, $(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") )) duplicates (at-least-once)"
assert_eq "no worker crashed" 0 \
	"$(cat "$T"/w*.err | grep -c 'AddressSanitizer\|runtime error' || true)"
