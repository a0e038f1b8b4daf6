#!/bin/bash
# Distributed mode (issue 14, test 4): a worker frozen with SIGSTOP past
# session.timeout.ms loses its connectors to the other workers; on SIGCONT
# it finds itself out of the group, stops them (eager: revokes
# everything) and rejoins; nothing runs twice afterwards and no record is
# lost.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
SESSION_MS=6000
plan 5
start_fixture --records 100 --page-size 20
start_kafka
dist_init
DIST_SESSION_MS=$SESSION_MS
start_cluster 3
for n in $(seq 1 $N); do
	create_connector 1 "c$n" >/dev/null
done
wait_owners 1 "$N" 90 || bail_out "connectors not all RUNNING: $(owners 1)"

Z=3 # the worker frozen
zid=127.0.0.1:${W_PORT[$Z]}
had=$(owners 1 | grep -c " $zid\$")
diag "worker $Z ($zid) runs $had task(s) before SIGSTOP"
stop_worker "$Z" STOP
t0=$(now_ms)
moved=-1
while [ $(($(now_ms) - t0)) -lt $((SESSION_MS + 20000)) ]; do
	owners 1 >"$T/own"
	if [ "$(wc -l <"$T/own")" -eq "$N" ] && ! grep -q " $zid\$" "$T/own"; then
		moved=$(($(now_ms) - t0))
		break
	fi
	sleep 0.2
done
diag "frozen worker's tasks RUNNING elsewhere after $moved ms"
assert_eq "frozen past the session timeout: its connectors run on the other workers within session.timeout.ms + 5 s" \
	1 "$(( moved >= 0 && moved <= SESSION_MS + 5000 ))"

lines_before=$(wc -l <"$T/w$Z.err")
stop_worker "$Z" CONT
# it must notice it lost its membership and stop what it ran
for _ in $(seq 150); do
	tail -n +"$((lines_before + 1))" "$T/w$Z.err" | grep -q 'rebalance: stopping' && break
	sleep 0.1
done
assert_grep_e "on SIGCONT the worker stops what it ran (revokes everything)" \
	'rebalance: stopping' <(tail -n +"$((lines_before + 1))" "$T/w$Z.err")
wait_owners 1 "$N" 60
owners 1 >"$T/own.after"
assert_eq "after it rejoined every connector runs once" \
	"$N" "$(cut -d' ' -f1 "$T/own.after" | sort -u | wc -l)"

append=$(curl -s -X POST "$API/admin/append?n=20")
total=$(echo "$append" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
dist_want_keys "$N" "$total"
dist_wait_keys "$((N * total))"
assert_files_eq "no record lost" "$T/want.keys" "$T/got.keys"
diag "duplicates: $(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") )) (at-least-once)"
assert_eq "the thawed worker is alive and answers" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "${W_URL[$Z]}/connectors")"
