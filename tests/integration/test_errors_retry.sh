#!/bin/bash
# The status policy: 503s are retried (http.retry.max.attempts) with
# exponential backoff and jitter in [d/2, d] capped by
# http.retry.backoff.max.ms; Retry-After overrides the backoff; exhausted
# retries fail the connector with one precise line; behavior.on.error=log
# logs and skips the page until the next poll (which resumes where the
# offset stands: no loss, no duplicate), =ignore does the same quietly.
# Timing comes from the fixture's request log (/admin/log).
. "$(dirname "$0")/lib.sh"

plan 26
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"

# gaps TAG: milliseconds between consecutive /flaky requests whose query
# has tag=TAG, space-separated.
gaps() {
	fixture_log /flaky | awk -v tag="tag=$1" '
		index($4, tag) { if (n++) printf "%s%d", sep, $1 - last; sep = " "; last = $1 }'
}
# in_range VALUE MIN MAX
in_range() {
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# Every page fails twice, then succeeds: 3 attempts are enough.
write_connector "$T/flaky.json" flaky-conn "${KEY_BY_ID[@]}" \
	kafka.topic=flaky \
	"http.url=$API/flaky?fail=2&tag=a" \
	http.timer.interval.ms=100 \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	http.retry.max.attempts=3 \
	http.retry.backoff.ms=20 \
	http.retry.backoff.max.ms=40
# One page, two failures: waits in [100, 200] then [200, 400] ms.
write_connector "$T/backoff.json" backoff-conn "${KEY_BY_ID[@]}" \
	kafka.topic=backoff \
	"http.url=$API/flaky?fail=2&tag=b" \
	'http.response.records.path=$.data[*]' \
	http.retry.max.attempts=3 \
	http.retry.backoff.ms=200 \
	http.retry.backoff.max.ms=400
# One page, one 503 with Retry-After: 1; the backoff alone would be ~10 ms.
write_connector "$T/retryafter.json" retryafter-conn "${KEY_BY_ID[@]}" \
	kafka.topic=retryafter \
	"http.url=$API/flaky?fail=1&retry_after=1&tag=c" \
	'http.response.records.path=$.data[*]' \
	http.retry.max.attempts=3 \
	http.retry.backoff.ms=10

run_host --once "$T/worker.properties" "$T/flaky.json" "$T/backoff.json" \
	"$T/retryafter.json"
assert_eq "503s within the retry budget: --once exits 0" 0 "$HOST_RC" ||
	diag_file "$T/host.err"
assert_topic "retried pages" flaky <(fixture_keyed 1 250)
assert_eq "every page failed twice: 6 503s for tag=a" 6 \
	"$(fixture_log /flaky | grep -c ' 503 GET /flaky?fail=2&tag=a')"
assert_eq "requests: 3 pages x 3 attempts + 1 re-poll" 10 \
	"$(fixture_log /flaky | grep -c 'GET /flaky?fail=2&tag=a')"
assert_eq "each retry is logged: retry 1 and 2 of 3, per page" "3 3" \
	"$(grep -c "\[flaky-conn\].*; retry 1 of 3 in [0-9]* ms" "$T/host.err") $(grep -c "\[flaky-conn\].*; retry 2 of 3 in [0-9]* ms" "$T/host.err")"
assert_grep "a retry line says what failed (URL without its query)" \
	"[flaky-conn] GET $API/flaky?... returned HTTP 503: {\"error\":\"status 503\"}; retry 1 of 3 in" \
	"$T/host.err"

assert_topic "backoff" backoff <(fixture_keyed 1 100)
read -r g1 g2 rest < <(gaps b)
diag "backoff gaps: $g1 $g2 $rest"
# The upper bounds have 250 ms of slack: the loop and the fixture share two
# loaded cores with the rest of the suite.
if in_range "${g1:-0}" 100 450; then ok "1st retry after 100..200 ms (+250 slack)"; else not_ok "1st retry after 100..200 ms (+250 slack): ${g1:-none}"; fi
if in_range "${g2:-0}" 200 650; then ok "2nd retry after 200..400 ms (+250 slack)"; else not_ok "2nd retry after 200..400 ms (+250 slack): ${g2:-none}"; fi

assert_topic "Retry-After" retryafter <(fixture_keyed 1 100)
read -r g1 rest < <(gaps c)
diag "Retry-After gap: $g1"
if in_range "${g1:-0}" 1000 2500; then ok "Retry-After: 1 honoured (1000..2500 ms: not the 10 ms backoff, not 1 min)"; else not_ok "Retry-After: 1 honoured (1000..2500 ms: not the 10 ms backoff, not 1 min): ${g1:-none}"; fi

# Retries exhausted: one line naming the connector, request, status, body
# and the attempts; exit 1.
write_connector "$T/exhaust.json" exhaust-conn \
	kafka.topic=exhaust \
	"http.url=$API/flaky?fail=5&tag=d" \
	'http.response.records.path=$.data[*]' \
	http.retry.max.attempts=2 \
	http.retry.backoff.ms=10
run_host --once "$T/worker.properties" "$T/exhaust.json"
assert_eq "retries exhausted: exit 1" 1 "$HOST_RC"
assert_grep "retries exhausted: the exact failure" \
	"connector 'exhaust-conn' failed: GET $API/flaky?... returned HTTP 503: {\"error\":\"status 503\"} (after 3 attempts)" \
	"$T/host.err"
assert_eq "retries exhausted: 1 request + 2 retries" 3 \
	"$(fixture_log /flaky | grep -c 'tag=d')"

# behavior.on.error=log: each poll gives a page 2 attempts; every page
# fails 3 times, so each page is skipped once and fetched by the next
# poll; nothing is lost or produced twice.
write_connector "$T/log.json" log-conn "${KEY_BY_ID[@]}" \
	kafka.topic=logged \
	"http.url=$API/flaky?fail=3&tag=e" \
	http.timer.interval.ms=200 \
	'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR \
	http.retry.max.attempts=1 \
	http.retry.backoff.ms=10 \
	behavior.on.error=log
write_connector "$T/ignore.json" ignore-conn \
	kafka.topic=ignored \
	"http.url=$API/status/500" \
	http.timer.interval.ms=200 \
	'http.response.records.path=$.data[*]' \
	http.retry.max.attempts=0 \
	behavior.on.error=ignore
start_host "$T/worker.properties" "$T/log.json" "$T/ignore.json"
sleep 3
kill -TERM "$HOST_PID"
wait_host_exit "$HOST_PID" 15
assert_eq "behavior.on.error=log/ignore: the host ran until SIGTERM, exit 0" \
	0 "$HOST_RC" || diag_file "$T/host.err"
assert_topic "behavior.on.error=log" logged <(fixture_keyed 1 250)
assert_eq "log: 3 pages x 3 failures" 9 \
	"$(fixture_log /flaky | grep -c ' 503 GET /flaky?fail=3&tag=e')"
assert_eq "log: one ERROR line per skipped page" 3 \
	"$(grep -c "ERROR \[log-conn\] GET $API/flaky?... returned HTTP 503: {\"error\":\"status 503\"} (after 2 attempts); skipped (behavior.on.error=log), retried at the next poll" "$T/host.err")"
assert_eq "log: the offset ends on the last page, all 50 records" \
	'{"cursor":"c200","position":50}' "$(offset_of log-conn)"
assert_ge "ignore: the failing URL was polled again and again" 5 \
	"$(fixture_requests /status/500)"
assert_eq "ignore: nothing is logged above DEBUG for it" 0 \
	"$(grep -c '\[ignore-conn\].*HTTP 500' "$T/host.err")"
assert_eq "ignore: nothing produced, no offset" "(none)" \
	"$(offset_of ignore-conn)"
