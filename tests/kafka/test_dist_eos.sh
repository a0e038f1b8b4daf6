#!/bin/bash
# Distributed mode with exactly.once.source.support=enabled (issue 14, the
# exactly-once part of test 2): kill -9 of a worker while records flow;
# its connectors run again on the survivors, and a read_committed consumer
# sees every record of every connector exactly once (the task's
# transactional.id <group.id>-<connector>-0 is the same on the new owner,
# whose start fences the dead one's open transaction).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
SESSION_MS=6000
plan 5
start_fixture --records 100 --page-size 20
start_kafka
dist_init
DIST_SESSION_MS=$SESSION_MS
start_cluster 3 exactly.once.source.support=enabled
for n in $(seq 1 $N); do
	create_connector 1 "c$n" >/dev/null
done
wait_owners 1 "$N" 90 || bail_out "connectors not all RUNNING: $(owners 1)"
assert_grep "the leader writes the config topic as connect-cluster-<group.id>" \
	"transactions of 'connect-cluster-$DIST_GROUP'" <(cat "$T"/w*.err)

( for _ in $(seq 60); do
	curl -s -X POST "$API/admin/append?n=5" >"$T/appended"; sleep 0.25
  done ) &
APPENDER=$!
sleep 3
K=2
kid=127.0.0.1:${W_PORT[$K]}
stop_worker "$K" KILL
t0=$(now_ms) moved=-1
while [ $(($(now_ms) - t0)) -lt $((SESSION_MS + 20000)) ]; do
	owners 1 >"$T/own"
	if [ "$(wc -l <"$T/own")" -eq "$N" ] && ! grep -q " $kid\$" "$T/own"; then
		moved=$(($(now_ms) - t0))
		break
	fi
	sleep 0.2
done
diag "after kill -9 of worker $K: all $N tasks RUNNING elsewhere in $moved ms"
assert_eq "its connectors run on the survivors within session.timeout.ms + 5 s" \
	1 "$(( moved >= 0 && moved <= SESSION_MS + 5000 ))"
assert_grep_e "a moved task's start fences the dead owner (same transactional.id)" \
	"transactional.id '$DIST_GROUP-c[0-9]+-0' initialized" <(cat "$T"/w1.err "$T"/w3.err)

wait "$APPENDER"
total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$T/appended")
dist_want_keys "$N" "$total"
dist_wait_keys "$((N * total))"
assert_files_eq "read_committed: no record lost" "$T/want.keys" "$T/got.keys"
dups=$(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") ))
diag "read_committed: $((N * total)) records, $dups duplicates"
assert_eq "read_committed: no duplicate" 0 "$dups"
