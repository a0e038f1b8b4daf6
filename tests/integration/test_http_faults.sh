#!/bin/bash
# Transport faults, injected by tests/fixture/fault_server.c: a refused
# connection, a reset in the middle of a body, a truncated body, a server
# that dribbles one byte a second, one that never answers, a burst of 503s.
# Each is retried http.retry.max.attempts times and then fails the
# connector with one line naming the request and the transport's reason
# (exit 1), or succeeds once the fault passes; behavior.on.error=log skips
# the page instead (exit 0) without storing an offset. Every run ends with
# exit status 0 or 1: no crash, no hang.
. "$(dirname "$0")/lib.sh"

plan 29
start_fault_server
start_kafka
write_worker "$T/worker.properties"

# fault_run NAME URL [key=value...]: a connector NAME (topic NAME) on URL,
# 2 retries 50..100 then 100..200 ms apart, run with --once. Sets HOST_RC
# and ELAPSED (ms); its log is $T/NAME.err.
fault_run() {
	local name=$1 url=$2 start
	shift 2
	write_connector "$T/$name.json" "$name" \
		kafka.topic="$name" \
		"http.url=$url" \
		'http.response.records.path=$.data[*]' \
		http.retry.max.attempts=2 \
		http.retry.backoff.ms=100 \
		http.retry.backoff.max.ms=200 \
		"$@"
	start=$(now_ms)
	run_host --once "$T/worker.properties" "$T/$name.json"
	ELAPSED=$(($(now_ms) - start))
	cp "$T/host.err" "$T/$name.err"
}

# retries_logged NAME: "N1 N2": log lines "; retry 1 of 2 in" and "; retry
# 2 of 2 in" of connector NAME.
retries_logged() {
	echo "$(grep -c "\[$1\] .*; retry 1 of 2 in [0-9]* ms$" "$T/$1.err")" \
		"$(grep -c "\[$1\] .*; retry 2 of 2 in [0-9]* ms$" "$T/$1.err")"
}

# ---- a refused connection: nothing listens on the port ----
port=$(free_port)
fault_run refused "http://127.0.0.1:$port/ok"
assert_eq "refused: exit 1 after the retries" 1 "$HOST_RC"
assert_eq "refused: retried twice (retry 1 of 2, retry 2 of 2 logged)" \
	"1 1" "$(retries_logged refused)"
assert_grep "refused: the failure names the connector, URL and attempts" \
	"httpsrc-connect: connector 'refused' failed: GET http://127.0.0.1:$port/ok failed: Failed to connect to 127.0.0.1 port $port" \
	"$T/refused.err"
assert_grep_e "refused: ... and ends with the attempt count" \
	"^httpsrc-connect: connector 'refused' failed: .* \(after 3 attempts\)$" \
	"$T/refused.err"
# libcurl 7.88 words its message "Couldn't connect to server"; the OS
# reason (CURLINFO_OS_ERRNO) is what tells a refusal from a timeout.
assert_grep_e "refused: the failure gives the reason \"Connection refused\"" \
	"^httpsrc-connect: connector 'refused' failed: .*Connection refused.*\(after 3 attempts\)$" \
	"$T/refused.err"

# ---- reset in the middle of the body ----
fault_run reset "$FAULT/reset"
assert_eq "reset: exit 1 after the retries" 1 "$HOST_RC"
assert_grep "reset: one line with the transport reason and the attempts" \
	"httpsrc-connect: connector 'reset' failed: GET $FAULT/reset failed: Recv failure: Connection reset by peer (after 3 attempts)" \
	"$T/reset.err"
assert_eq "reset: 3 requests (1 + 2 retries), 2 retries logged" "3 1 1" \
	"$(fault_stat requests /reset) $(retries_logged reset)"
assert_eq "reset: no offset stored" "(none)" "$(offset_of reset 2>/dev/null)"

# ---- Content-Length 1000, 100 bytes, close ----
fault_run truncated "$FAULT/truncated"
assert_eq "truncated: exit 1 after the retries" 1 "$HOST_RC"
assert_grep "truncated: one line with the transport reason and the attempts" \
	"httpsrc-connect: connector 'truncated' failed: GET $FAULT/truncated failed: transfer closed with 900 bytes remaining to read (after 3 attempts)" \
	"$T/truncated.err"
assert_eq "truncated: 3 requests, 2 retries logged" "3 1 1" \
	"$(fault_stat requests /truncated) $(retries_logged truncated)"

# ---- timeouts: 3 attempts of 1000 ms + backoff of at most 100 + 200 ms ----
# timeout_case NAME PATH
timeout_case() {
	fault_run "$1" "$FAULT$2" http.request.timeout.ms=1000
	assert_eq "$1: exit 1 after the retries" 1 "$HOST_RC"
	assert_grep_e "$1: the failure is a timeout of the request, after 3 attempts" \
		"^httpsrc-connect: connector '$1' failed: GET $FAULT$2 failed: Operation timed out after 10[0-9][0-9] milliseconds with [0-9]+ bytes received \(after 3 attempts\)$" \
		"$T/$1.err"
	diag "$1: --once took $ELAPSED ms"
	if [ "$ELAPSED" -ge 3000 ] && [ "$ELAPSED" -le 4500 ]; then
		ok "$1: took 3000..4500 ms (3 x 1000 + <= 300 backoff + startup)"
	else
		not_ok "$1: took 3000..4500 ms: $ELAPSED"
	fi
	assert_eq "$1: 3 requests" 3 "$(fault_stat requests "$2")"
}
timeout_case slowloris /slowloris
timeout_case hang /hang
# The server sees every timed-out connection closed (it notices within 1 s).
for _ in $(seq 30); do
	[ "$(fault_stat open)" = 0 ] && break
	sleep 0.1
done
assert_eq "no connection left open after the timeouts" 0 "$(fault_stat open)"

# ---- 3 x 503, then success: within 5 retries ----
fault_run burst "$FAULT/burst?n=3" http.retry.max.attempts=5
assert_eq "burst: exit 0 once the 503s stop" 0 "$HOST_RC" ||
	diag_file "$T/burst.err"
assert_eq "burst: retries 1..3 of 5 logged, no 4th" "1 1 1 0" \
	"$(for i in 1 2 3 4; do grep -c "\[burst\] .*returned HTTP 503: {\"error\":\"burst\"}; retry $i of 5 in" "$T/burst.err"; done | xargs)"
# The first poll takes 4 requests (3 x 503, then 200); --once then polls
# once more to see that nothing is new (200): 5 requests in all.
assert_eq "burst: 503 x 3, then 200 x 2 (the page, then the catch-up poll)" \
	"5 3 2" "$(fault_stat requests /burst) $(fault_stat statuses '/burst 503') $(fault_stat statuses '/burst 200')"
consume_topic burst 1
assert_eq "burst: exactly 1 record in the topic" \
	"$(printf '(null)\t{"id":1}')" "$(cat "$CONSUMED")"
assert_eq "burst: offset after the one record of the page" \
	'{"page":null,"position":1}' "$(offset_of burst)"

# ---- behavior.on.error=log: the page is skipped, not the connector ----
before=$(fault_stat requests /reset)
fault_run onerr "$FAULT/reset" behavior.on.error=log
assert_eq "behavior.on.error=log: --once exits 0" 0 "$HOST_RC" ||
	diag_file "$T/onerr.err"
assert_grep_e "behavior.on.error=log: the skipped page is logged as an error" \
	"ERROR +\[onerr\] GET $FAULT/reset failed: Recv failure: Connection reset by peer \(after 3 attempts\); skipped \(behavior.on.error=log\), retried at the next poll$" \
	"$T/onerr.err"
assert_eq "behavior.on.error=log: 3 requests, no offset stored" "3 (none)" \
	"$(($(fault_stat requests /reset) - before)) $(offset_of onerr 2>/dev/null)"
