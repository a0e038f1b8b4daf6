#!/bin/bash
# Backpressure: with librdkafka's local queue limited to 5 messages, a page
# of 100 records fills it at the 6th record (delivery takes a round trip to
# the broker), so the host meets QUEUE_FULL on every page and must pause the
# page and resume it as deliveries free the queue. A QUEUE_FULL the host
# did not handle would fail the connector: a clean run delivering every
# record once, in order, proves the pause/resume path.
. "$(dirname "$0")/lib.sh"

plan 12
start_fixture --records 250 --page-size 100
start_kafka -t bp-events:3
write_connector "$T/events.json" bp-events \
	kafka.topic=bp-events \
	"http.url=$API/events" \
	http.timer.interval.ms=100 \
	"${CURSOR_EVENTS[@]}" \
	"${KEY_BY_ID[@]}" "${JSON_VALUES[@]}"

# The limit must reach librdkafka, or the run below would prove nothing:
# an out-of-range value is refused by librdkafka itself.
write_worker "$T/bad.properties" producer.queue.buffering.max.messages=-1
run_host --once "$T/bad.properties" "$T/events.json"
assert_eq "producer.queue.buffering.max.messages=-1 is refused (exit 2)" 2 \
	"$HOST_RC"
assert_grep "the refusal is librdkafka's, for the producer. key" \
	"$T/bad.properties: producer.queue.buffering.max.messages: Configuration property \"queue.buffering.max.messages\" value -1 is outside allowed range" \
	"$T/host.err"

# A record librdkafka accepts must fit the queue, or the connector would
# wait for room forever: a too-small explicit bound is refused by name...
write_worker "$T/small.properties" producer.message.max.bytes=5000000 \
	producer.queue.buffering.max.kbytes=4096
run_host --once "$T/small.properties" "$T/events.json"
assert_eq "a queue smaller than one message is refused (exit 2)" 2 "$HOST_RC"
assert_grep "the refusal names both keys and the size needed" \
	"producer.queue.buffering.max.kbytes: 4096 KiB cannot hold one record of producer.message.max.bytes (5000000 bytes); raise it to at least 4883" \
	"$T/host.err"
# ... and the default bound grows to fit a larger message.max.bytes.
write_worker "$T/big.properties" producer.message.max.bytes=5000000
write_connector "$T/big.json" bp-big kafka.topic=bp-big "http.url=$API/events" \
	'http.response.records.path=$.data[*]'
run_host --once "$T/big.properties" "$T/big.json"
assert_eq "a larger message.max.bytes with the default queue runs (exit 0)" \
	0 "$HOST_RC" || diag_file "$T/host.err"

write_worker "$T/worker.properties" producer.queue.buffering.max.messages=5
run_host --once "$T/worker.properties" "$T/events.json"
assert_eq "--once with a 5-message producer queue exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"

consume_topic bp-events 250 -p
assert_eq "consumer read 250 records before the timeout" 0 "$CONSUME_RC"
assert_files_eq "topic holds exactly records 1..250 (key and value bytes)" \
	<(fixture_keyed 1 250 | sort) <(cut -f2- "$CONSUMED" | sort)
assert_eq "no duplicates among 250 records" "250 250" \
	"$(wc -l <"$CONSUMED") $(cut -f2- "$CONSUMED" | sort -u | wc -l)"
assert_eq "records reached all 3 partitions" 3 \
	"$(cut -f1 "$CONSUMED" | sort -u | wc -l)"
assert_eq "records are in id order within each partition" ordered \
	"$(partitions_ordered "$CONSUMED")"
# Every record acknowledged: the offset is the last page, all 50 records.
assert_grep_e "offset is the last page's cursor, all 50 of its records" \
	'"cursor" *: *"c200" *, *"position" *: *50' "$OFFSETS"
