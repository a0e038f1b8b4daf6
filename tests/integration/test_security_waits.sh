#!/bin/bash
# Absurd waits (issue 10 item 10): a Retry-After of 10 years or an HTTP-date
# in 9999 was waited in full while the status said RUNNING, and
# X-RateLimit-Reset: inf was undefined behaviour (backoff.c). Now a server's
# wait is cut to http.retry.max.wait.ms with a WARN naming the header, an
# unusable value (inf, nan) is refused with a WARN naming the header, and
# the wait shows in /metrics (httpsrc_server_wait_until_timestamp_seconds)
# and as the RUNNING status's trace ("waiting until ... (Retry-After: ...)").
. "$(dirname "$0")/lib.sh"

plan 15
HOST_TIMEOUT=20 # today's code would wait 10 years: bounded here
start_fault_server
start_kafka
write_worker "$T/worker.properties"

# waits KIND [key=value...]: --once against /wait?kind=KIND, at most one
# retry, waits cut to 1 s.
waits() {
	local kind=$1
	shift
	write_connector "$T/w$kind.json" "w$kind" \
		kafka.topic="w$kind" \
		"http.url=$FAULT/wait?kind=$kind" \
		'http.response.records.path=$.data[*]' \
		http.retry.max.attempts=1 http.retry.backoff.ms=100 \
		http.retry.max.wait.ms=1000 "$@"
	run_host --once "$T/worker.properties" "$T/w$kind.json"
	cp "$T/host.err" "$T/w$kind.err"
}

waits 1
assert_eq "Retry-After of 10 years: exit 1 after one retry" 1 "$HOST_RC"
assert_grep "... cut to http.retry.max.wait.ms, WARN naming the header" \
	"WARN  [w1] Retry-After: '315360000' asks for a wait of 315360000 s, more than http.retry.max.wait.ms (1000 ms): waiting 1000 ms" \
	"$T/w1.err"
assert_eq "... retried once" 2 "$(fault_stat statuses '/wait 503')"

waits 2
assert_eq "Retry-After in the year 9999: exit 1 after one retry" 1 "$HOST_RC"
assert_grep_e "... cut to http.retry.max.wait.ms, WARN naming the header" \
	"WARN  \[w2\] Retry-After: 'Fri, 31 Dec 9999 23:59:59 GMT' asks for a wait of [0-9]+ s, more than http.retry.max.wait.ms \(1000 ms\): waiting 1000 ms" \
	"$T/w2.err"

waits 4
assert_eq "Retry-After: nan: exit 1 after one retry" 1 "$HOST_RC"
assert_grep "... refused with a WARN naming the header" \
	"WARN  [w4] Retry-After: 'nan' is not a usable wait (whole seconds or an HTTP-date): ignored, retrying after the backoff" \
	"$T/w4.err"

waits 3 http.rate.limit.header=X-RateLimit-Remaining \
	http.rate.limit.reset.header=X-RateLimit-Reset
assert_eq "X-RateLimit-Reset: inf: the page is read, exit 0" 0 "$HOST_RC"
assert_grep "... refused with a WARN naming the header" \
	"WARN  [w3] X-RateLimit-Reset: 'inf' is not a usable wait (whole seconds or epoch seconds): ignored, waiting http.retry.backoff.ms" \
	"$T/w3.err"
consume_topic w3 1
assert_eq "... the record" '{"id":1}' "$(cut -f2 "$CONSUMED")"

# The wait shows in /metrics while the connector waits.
PORT=$(free_port)
write_worker "$T/rest.properties" "listeners=http://127.0.0.1:$PORT"
write_connector "$T/m.json" m kafka.topic=m "http.url=$FAULT/wait?kind=1" \
	'http.response.records.path=$.data[*]' http.retry.max.wait.ms=120000
before=$(date +%s)
start_host "$T/rest.properties" "$T/m.json"
line=""
for _ in $(seq 100); do
	line=$(http_call GET "http://127.0.0.1:$PORT/metrics" 2>/dev/null |
		grep '^httpsrc_server_wait_until_timestamp_seconds{connector="m"}') &&
		[ "${line##* }" != 0 ] && break
	sleep 0.1
done
until=${line##* }
until=${until%%.*}
diag "$line"
assert_ge "metrics: the wait ends at least 119 s ahead" $((before + 119)) "$until"
assert_ge "metrics: ... and at most the cap ahead" "$until" $(($(date +%s) + 121))
assert_grep "the WARN says it was cut to the cap" \
	"waiting 120000 ms" "$T/host.err"
status=$(http_call GET "http://127.0.0.1:$PORT/connectors/m/status")
assert_eq "status: RUNNING while it waits" RUNNING \
	"$(printf '%s' "$status" | json_get connector state)"
printf '%s' "$status" | json_get connector trace >"$T/trace"
assert_grep_e "status trace: the wait, its end and the header" \
	'^waiting until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \(Retry-After: 315360000\)$' \
	"$T/trace"
