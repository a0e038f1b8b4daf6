#!/bin/bash
# Every Kafka broker goes down in the middle of a stream: the host keeps
# what it holds in a bounded producer queue (200 messages here), stops
# polling the API once that queue is full (so neither requests nor memory
# grow during the outage), and when the brokers come back delivers
# everything: no record lost, the offset at the end.
#
# Duplicates: the producer is idempotent, so a batch the broker appended but
# could not acknowledge before the outage is deduplicated when librdkafka
# resends it. Whatever happens, only records in the queue at the outage can
# be resent: duplicates <= 200.
. "$(dirname "$0")/lib.sh"

RECORDS=20000
PAGE=100
QUEUE=200

plan 11
start_fixture --records "$RECORDS" --page-size "$PAGE"
# 4 partitions: the mock keeps at most 5 MB per partition log.
start_kafka_ctl -t outage:4
write_worker "$T/worker.properties" \
	producer.queue.buffering.max.messages=$QUEUE \
	producer.linger.ms=20
write_connector "$T/outage.json" outage \
	kafka.topic=outage \
	"http.url=$API/events" \
	http.timer.interval.ms=100 \
	"${CURSOR_EVENTS[@]}" \
	"${KEY_BY_ID[@]}"

start_host "$T/worker.properties" "$T/outage.json"
# The first acknowledgement stores an offset: records are flowing.
for _ in $(seq 200); do
	[ -s "$OFFSETS" ] && break
	sleep 0.05
done
kafka_brokers down
end='{"cursor":"c19900","position":100}'
diag "brokers down at offset $(offset_of outage)"
sleep 3
r1=$(fixture_requests /events) m1=$(rss_kb "$HOST_PID") o1=$(offset_of outage)
sleep 1
r2=$(fixture_requests /events) m2=$(rss_kb "$HOST_PID") o2=$(offset_of outage)
if [[ $o1 =~ ^\{\"cursor\":(\"c[0-9]+\"|null),\"position\":[0-9]+\}$ ]] &&
	[ "$o1" != "$end" ]; then
	ok "the outage holds the stream in the middle ($o1)"
else
	not_ok "the outage holds the stream in the middle ($o1)"
fi
diag "during the outage: /events requests $r1 -> $r2, RSS $m1 -> $m2 KiB"
assert_eq "no request to the API while the queue is full (1 s apart)" \
	"$r1" "$r2"
if [ "$r1" -lt $((RECORDS / PAGE)) ]; then
	ok "polling stopped before the last page ($r1 of $((RECORDS / PAGE)) pages requested)"
else
	not_ok "polling stopped before the last page ($r1 of $((RECORDS / PAGE)) pages requested)"
fi
if [ -n "$m1" ] && [ -n "$m2" ] && [ $((m2 - m1)) -le 1024 ]; then
	ok "host RSS does not grow during the outage (+$((m2 - m1)) KiB <= 1024)"
else
	not_ok "host RSS does not grow during the outage ($m1 -> $m2 KiB)"
fi
if [ -n "$m2" ] && [ "$m2" -le 65536 ]; then
	ok "host RSS stays under 64 MiB ($m2 KiB)"
else
	not_ok "host RSS stays under 64 MiB (${m2:-gone} KiB)"
fi
assert_eq "the offset does not move while no broker can acknowledge" \
	"$o1" "$o2"

kafka_brokers up
for _ in $(seq 400); do
	[ "$(offset_of outage)" = "$end" ] && break
	sleep 0.1
done
assert_eq "after the brokers are back every record is acknowledged" \
	"$end" "$(offset_of outage)"
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 35
assert_eq "SIGTERM after the outage: exit 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"

consume_topic outage "$RECORDS"
assert_eq "consumer read at least $RECORDS records" 0 "$CONSUME_RC"
total=$(wc -l <"$CONSUMED")
dups=$((total - $(sort -u "$CONSUMED" | wc -l)))
diag "records=$total duplicates=$dups"
assert_files_eq "no loss: exactly records 1..$RECORDS (duplicates aside)" \
	<(fixture_keyed 1 "$RECORDS" | sort) <(sort -u "$CONSUMED")
if [ "$dups" -le "$QUEUE" ]; then
	ok "duplicates ($dups) <= producer queue ($QUEUE)"
else
	not_ok "duplicates ($dups) <= producer queue ($QUEUE)"
fi
