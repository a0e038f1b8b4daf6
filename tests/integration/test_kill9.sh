#!/bin/bash
# kill -9 at random moments loses nothing, and duplicates stay within a
# bound that follows from the design: the offset only moves over records
# the broker acknowledged, so a kill can only re-produce records that were
# handed to librdkafka but not yet covered by the offset file.
#
# The worker makes that bound exact: one partition (acknowledgements arrive
# in order), a producer queue of 100 messages (= the page size: at most 100
# records are handed over and unacknowledged at any moment),
# offset.flush.interval.ms=0 (the file is rewritten after every batch of
# acknowledgements) and producer.linger.ms=50 (which also stretches the run
# to a few seconds, so that the kills land while records are streaming).
# So each kill re-produces at most 100 records: duplicates <= kills x 100.
#
# The offsets file is replaced atomically (rename), so it must decode after
# every kill, whatever the moment.
. "$(dirname "$0")/lib.sh"

ROUNDS=8
PAGE=100
RECORDS=5000

plan 9
start_fixture --records "$RECORDS" --page-size "$PAGE"
start_kafka_ctl -t k9:1
write_worker "$T/worker.properties" \
	producer.linger.ms=50 \
	producer.queue.buffering.max.messages=$PAGE \
	offset.flush.interval.ms=0
write_connector "$T/k9.json" k9 \
	kafka.topic=k9 \
	"http.url=$API/events" \
	http.timer.interval.ms=100 \
	"${CURSOR_EVENTS[@]}" \
	"${KEY_BY_ID[@]}"

kills=0 sigkilled=0 decodes=0 midstream=0 offsets_seen=""
for round in $(seq "$ROUNDS"); do
	start_host "$T/worker.properties" "$T/k9.json"
	ms=$((50 + RANDOM % 751))
	sleep "$(printf '0.%03d' "$ms")"
	if kill -0 "$HOST_PID" 2>/dev/null && kill -KILL "$HOST_PID"; then
		kills=$((kills + 1))
	fi
	rc=0
	wait "$HOST_PID" || rc=$?
	[ "$rc" -ne 137 ] || sigkilled=$((sigkilled + 1))
	cp "$T/host.err" "$T/host.$round.err"
	off="(no file)"
	if [ -e "$OFFSETS" ]; then
		off=$(offset_of k9) && decodes=$((decodes + 1))
	else
		decodes=$((decodes + 1)) # nothing stored yet is consistent too
	fi
	case $off in
	'{"cursor":"c4900","position":100}') ;;
	*) midstream=$((midstream + 1)) ;;
	esac
	offsets_seen="$offsets_seen $off"
	diag "round $round: killed after ${ms} ms (exit $rc), offset $off"
done
assert_eq "all $ROUNDS hosts were running when killed and died of SIGKILL" \
	"$ROUNDS $ROUNDS" "$kills $sigkilled"
assert_eq "the offsets file decodes after every kill" "$ROUNDS" "$decodes"
assert_ge "at least 3 kills landed before the end of the stream" 3 \
	"$midstream"

run_host --once "$T/worker.properties" "$T/k9.json"
assert_eq "the final --once run exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_eq "after the final run the offset is the end of the last page" \
	'{"cursor":"c4900","position":100}' "$(offset_of k9)"

consume_topic k9 "$RECORDS"
assert_eq "consumer read at least $RECORDS records" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
unique=$(sort -u "$CONSUMED" | wc -l)
dups=$((total - unique))
diag "runs=$((kills + 1)) kills=$kills records=$total duplicates=$dups"
assert_files_eq "no loss: every record 1..$RECORDS is there (and nothing else)" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort -u "$CONSUMED")
if [ "$dups" -le $((kills * PAGE)) ]; then
	ok "duplicates ($dups) <= kills x page size ($kills x $PAGE)"
else
	not_ok "duplicates ($dups) <= kills x page size ($kills x $PAGE)"
fi
# A record is duplicated only by a re-read of what followed the stored
# offset: every copy beyond the first is of a record the kill interrupted,
# so no record may appear more often than there were kills plus one.
maxcopies=$(sort "$CONSUMED" | uniq -c | sort -rn | awk 'NR == 1 {print $1}')
if [ "${maxcopies:-0}" -le $((kills + 1)) ]; then
	ok "no record appears more than kills + 1 times (max $maxcopies)"
else
	not_ok "no record appears more than kills + 1 times (max $maxcopies)"
fi
