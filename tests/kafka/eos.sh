# shellcheck shell=bash
# Shared by the exactly-once tests (sourced after lib.sh, start_fixture and
# start_kafka): an exactly-once worker on the offsets topic $OT and a
# cursor-paginated connector at 10 pages a second, keyed by id.

OT=connect-offsets

# eos_setup NAME [connector key=value...]: $T/worker.properties and
# $T/NAME.json (topic NAME).
eos_setup() {
	local name=$1
	shift
	topic_worker "$T/worker.properties" "$OT" \
		exactly.once.source.support=enabled
	write_connector "$T/$name.json" "$name" \
		"kafka.topic=$name" \
		"http.url=$API/events" \
		http.timer.interval.ms=100 \
		"${CURSOR_EVENTS[@]}" \
		http.throttle.max.requests=10 \
		http.throttle.window.ms=1000 \
		"${KEY_BY_ID[@]}" "$@"
}

# committed_offset: the last offset record a read_committed reader sees
# (empty if none).
committed_offset() {
	CONSUME_IDLE_MS=500 CONSUME_TIMEOUT_MS=4000 consume_topic "$OT" 1 -N
	tail -n 1 "$CONSUMED" | cut -f2
}

# streaming N: wait (30 s at most) until the host ($HOST_PID) asked for N
# more pages than when called: it is past its start (fencing, reading the
# offsets) and committing pages.
streaming() {
	local want=$(($(fixture_requests /events) + $1)) _
	for _ in $(seq 300); do
		[ "$(fixture_requests /events)" -ge "$want" ] && return 0
		kill -0 "$HOST_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
