#!/bin/bash
# Distributed mode (issue 14, test 3): a rolling restart of all three
# workers, one at a time (SIGTERM, start again on the same file), while the
# API keeps appending records: REST keeps answering on the workers that
# are up, every connector runs again afterwards, no record is lost.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/dist.sh"

N=6
plan 6
dist_setup "$N" offset.flush.interval.ms=100
start_appender 80

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
# statuses reach each worker on its next read of the status topic
views=0
for _ in $(seq 100); do
	views=$(for i in 1 2 3; do owners "$i" | md5sum; done | sort -u | wc -l)
	[ "$views" -ne 1 ] || break
	sleep 0.2
done
assert_eq "every worker lists the same owners" 1 "$views"

wait "$APPENDER"
total=$(appended_total)
dist_want_keys "$N" "$total"
dist_wait_keys "$((N * total))"
assert_files_eq "no record lost across the rolling restart" \
	"$T/want.keys" "$T/got.keys"
diag "records: $((N * total)) distinct, $(( $(wc -l <"$CONSUMED") - $(wc -l <"$T/got.keys") )) duplicates (at-least-once)"
assert_eq "no worker crashed" 0 \
	"$(cat "$T"/w*.err | grep -c 'AddressSanitizer\|runtime error' || true)"
