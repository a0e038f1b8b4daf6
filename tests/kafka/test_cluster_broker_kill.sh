#!/bin/bash
# A broker of three dies under load (issue 12): a topic with replication
# factor 3 and min.insync.replicas=2, the producer's acks=all (librdkafka's
# default, idempotent); the leader of the topic's partition is killed with
# SIGKILL while the host streams 20000 records. The two others elect a new
# leader and the host goes on: every record arrives (none lost), none
# twice (the idempotent producer resends without duplicating), and the
# stored offset is the end.
. "$(dirname "$0")/../integration/lib.sh"

RECORDS=20000
END='{"cursor":"c19900","position":100}'

plan 6
start_fixture --records "$RECORDS" --page-size 100
start_real_kafka 3
real_topics -c min.insync.replicas=2 load:1:3
write_worker "$T/worker.properties" producer.acks=all
write_connector "$T/load.json" load \
	kafka.topic=load \
	"http.url=$API/events" \
	http.timer.interval.ms=100 \
	"${CURSOR_EVENTS[@]}" \
	http.throttle.max.requests=20 \
	http.throttle.window.ms=1000 \
	"${KEY_BY_ID[@]}"

# leader: the broker id leading partition 0 of topic load.
leader() {
	"$KAFKA_SH" tool org.apache.kafka.tools.TopicCommand \
		--bootstrap-server "$BOOT" --describe --topic load 2>>"$T/topic.err" |
		sed -n 's/.*Partition: 0.*Leader: \([0-9]*\).*/\1/p'
}

# The leader is looked up first (a JVM tool: seconds on a loaded
# machine); 20 pages a second: 10 s for the 200 pages; the kill comes
# once a quarter of them was asked for.
L=$(leader)
start_host --once "$T/worker.properties" "$T/load.json"
for _ in $(seq 300); do
	[ "$(fixture_requests /events)" -ge 50 ] && break
	sleep 0.1
done
at=$(offset_of load 2>/dev/null)
"$KAFKA_SH" kill "$KAFKA_DIR" "$L" 2>>"$T/kafka.err" ||
	bail_out "killing broker $L failed"
diag "killed broker $L (the leader) at offset $at, after $(fixture_requests /events) pages asked"
if [ -n "$L" ] && [ "$at" != "$END" ]; then
	ok "the leader (broker $L) died mid-stream"
else
	not_ok "the leader (broker ${L:-?}) died mid-stream (offset $at)"
fi
wait_host_exit "$HOST_PID" 120
assert_eq "the host finishes with two brokers: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_eq "the stored offset is the end" "$END" "$(offset_of load)"

consume_topic load "$RECORDS"
assert_eq "read $RECORDS records from the two brokers left" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
diag "broker kills=1 (leader of 3) records=$total duplicates=$((total - $(sort -u "$CONSUMED" | wc -l)))"
assert_eq "exactly $RECORDS records: none twice" "$RECORDS" "$total"
assert_files_eq "records 1..$RECORDS (keys, values): none lost" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort "$CONSUMED")
