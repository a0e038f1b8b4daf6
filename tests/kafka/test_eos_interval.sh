#!/bin/bash
# Exactly-once with transaction.boundary=interval (KIP-618): a transaction
# holds every page read in transaction.boundary.interval.ms (2 s here, at
# 10 pages a second: about 20 pages), not one page; it is committed when
# the interval has passed, also when no more page comes, and at the end
# of a --once run. The host is killed with SIGKILL at random moments, 5
# times, then finishes cleanly: a read_committed consumer sees every
# record exactly once, the stored offset is the last committed record,
# and the offsets topic holds a commit per interval, not one per page.
#
# Then the REST offsets endpoints on that exactly-once worker (Connect's
# Worker.modifySourceConnectorOffsets): PATCH and DELETE write in a
# transaction of the connector's transactional id (its producer epoch
# goes up: init_transactions fenced any zombie task), a read_committed
# reader sees them, and the connector resumed from STOPPED starts where
# the PATCH put it.
. "$(dirname "$0")/../integration/lib.sh"

ROUNDS=5
RECORDS=10000
PAGES=200
END='{"cursor":"c9950","position":50}'

plan 17
start_fixture --records "$RECORDS" --page-size 50
start_kafka
. "$(dirname "$0")/eos.sh"
eos_setup ival exactly.once.support=required transaction.boundary=interval \
	transaction.boundary.interval.ms=2000


kills=0 stalled=0
for round in $(seq "$ROUNDS"); do
	start_host "$T/worker.properties" "$T/ival.json"
	streaming 25 || stalled=$((stalled + 1)) # past its first commit
	ms=$((RANDOM % 2000))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if kill -0 "$HOST_PID" 2>/dev/null && kill -KILL "$HOST_PID"; then
		kills=$((kills + 1))
	fi
	wait "$HOST_PID" 2>/dev/null
	diag "round $round: killed ${ms} ms after 25 pages, committed offset $(committed_offset)"
done
assert_eq "all $ROUNDS hosts were streaming when killed" "$ROUNDS 0" \
	"$kills $stalled"

run_host --once "$T/worker.properties" "$T/ival.json"
assert_eq "the final --once run exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "the stored offset is the last committed record (the end of a --once run commits)" \
	"$END" "$(committed_offset)"

# One offset record per committed transaction (read_committed): per
# interval. One per page (the poll boundary) would be $PAGES or more.
CONSUME_IDLE_MS=500 CONSUME_TIMEOUT_MS=4000 consume_topic "$OT" 1 -N
commits=$(wc -l <"$CONSUMED")
diag "offset records (committed transactions): $commits for $PAGES pages"
if [ "$commits" -ge 2 ] && [ "$commits" -le $((PAGES / 4)) ]; then
	ok "transactions span intervals: $commits commits for $PAGES pages (at most $((PAGES / 4)))"
else
	not_ok "transactions span intervals: $commits commits for $PAGES pages (at most $((PAGES / 4)))"
fi
assert_eq "every committed offset moves forward over whole pages" "" \
	"$(cut -f2 "$CONSUMED" | awk -F'"' '{ print $4 }' | uniq -d)"

consume_topic ival "$RECORDS"
assert_eq "read_committed consumer read $RECORDS records" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
diag "kills=$kills records=$total duplicates=$((total - $(sort -u "$CONSUMED" | wc -l)))"
assert_eq "exactly $RECORDS records: no duplicate" "$RECORDS" "$total"
assert_files_eq "exactly records 1..$RECORDS (keys, values): no gap" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort "$CONSUMED")

# ---- REST PATCH/DELETE offsets under exactly-once ----
TID=$OT-ival-0
# epoch: the producer epoch of the transactional id (TransactionsCommand)
epoch() {
	"$KAFKA_SH" tool org.apache.kafka.tools.TransactionsCommand \
		--bootstrap-server "$BOOT" describe --transactional-id "$TID" \
		2>>"$T/txcmd.err" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ProducerEpoch") c = i }
		NR == 2 && c { print $c }'
}
PORT=$(free_port)
U=http://127.0.0.1:$PORT
cp "$T/worker.properties" "$T/rest.properties"
printf 'listeners=%s\nconfig.storage.file.filename=%s\n' "$U" \
	"$T/configs.json" >>"$T/rest.properties"
sed -i '/^listeners=$/d' "$T/rest.properties"
start_host "$T/rest.properties" "$T/ival.json"
for _ in $(seq 100); do
	http_call GET "$U/connectors/ival/offsets" >/dev/null 2>&1 && break
	sleep 0.1
done
http_call PUT "$U/connectors/ival/stop" >/dev/null
for _ in $(seq 100); do
	http_call GET "$U/connectors/ival/status" | grep -q '"STOPPED"' && break
	sleep 0.1
done
e0=$(epoch)
PART="{\"url\":\"$API/events\"}"
assert_eq "PATCH offsets on the exactly-once worker" \
	'{"message":"The offsets for this connector have been altered successfully"}' \
	"$(http_call PATCH "$U/connectors/ival/offsets" \
		"{\"offsets\":[{\"partition\":$PART,\"offset\":{\"cursor\":\"c9950\",\"position\":40}}]}")"
e1=$(epoch)
diag "producer epoch of $TID: $e0 before the PATCH, $e1 after"
if [ -n "$e0" ] && [ -n "$e1" ] && [ "$e1" -gt "$e0" ]; then
	ok "the PATCH wrote through $TID (epoch $e0 -> $e1: any zombie task is fenced)"
else
	not_ok "the PATCH wrote through $TID (epoch ${e0:-?} -> ${e1:-?})"
	diag_file "$T/txcmd.err"
fi
assert_eq "read_committed: the PATCHed offset is the last committed record" \
	'{"cursor":"c9950","position":40}' "$(committed_offset)"

# Resumed from STOPPED, it starts where the PATCH put it: records
# 9991..10000 once more (asked for), then the offset is the end again.
http_call PUT "$U/connectors/ival/resume" >/dev/null
for _ in $(seq 30); do
	[ "$(committed_offset)" = "$END" ] && break
done
assert_eq "the resumed connector commits up to the end again" "$END" \
	"$(committed_offset)"
consume_topic ival $((RECORDS + 10))
assert_files_eq "read_committed: 1..$RECORDS, then 9991..10000 again (the PATCH)" \
	<( (fixture_keyed 1 "$RECORDS"; fixture_keyed 9991 10000) | sort) \
	<(sort "$CONSUMED")

http_call PUT "$U/connectors/ival/stop" >/dev/null
for _ in $(seq 100); do
	http_call GET "$U/connectors/ival/status" | grep -q '"STOPPED"' && break
	sleep 0.1
done
e2=$(epoch)
assert_eq "DELETE offsets on the exactly-once worker" \
	'{"message":"The offsets for this connector have been reset successfully"}' \
	"$(http_call DELETE "$U/connectors/ival/offsets")"
e3=$(epoch)
if [ -n "$e2" ] && [ -n "$e3" ] && [ "$e3" -gt "$e2" ]; then
	ok "the DELETE wrote through $TID (epoch $e2 -> $e3)"
else
	not_ok "the DELETE wrote through $TID (epoch ${e2:-?} -> ${e3:-?})"
fi
CONSUME_IDLE_MS=500 CONSUME_TIMEOUT_MS=4000 consume_topic "$OT" 1 -N
assert_eq "read_committed: the last offset record is the DELETE's tombstone" \
	"(null)" "$(tail -n 1 "$CONSUMED" | cut -f2)"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 30
assert_eq "SIGTERM: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
