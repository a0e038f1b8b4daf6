#!/usr/bin/env bash
# Mistakes that used to give a wrong result with exit 0 and no word
# (issue 11): each now gets a message naming the key, the URL and what to
# do, shown in the log, the status and the metrics, and --once fails.
. "$(dirname "$0")/lib.sh"
plan 46
start_fixture --records 250 --page-size 100
start_kafka
write_worker "$T/worker.properties"

# count FIXED_STRING FILE: lines of FILE that hold it.
count() {
	grep -cF -- "$1" "$2"
}

# ---- a records path that matches nothing ------------------------------
write_connector "$T/wrong-path.json" wrong-path kafka.topic=wp \
	"http.url=$API/events" 'http.response.records.path=$.items[*]'
run_host --once "$T/worker.properties" "$T/wrong-path.json"
msg="http.response.records.path \$.items[*] matches nothing in the response of GET $API/events, which is an object with members data, next_cursor: no records are read (fix the path to select the records, e.g. \$.<member>[*])"
assert_eq "records path matching nothing: --once exits 1" 1 "$HOST_RC"
assert_grep "WARN names the path, the page and what the body holds" \
	"WARN  [wrong-path] $msg" "$T/host.err"
assert_grep "the exit names the connector and the reason" \
	"connector 'wrong-path' failed: $msg" "$T/host.err"
assert_eq "warned once" 1 "$(count "WARN  [wrong-path] http.response.records.path" "$T/host.err")"

# Running: the status trace and the metrics show it.
PORT=$(free_port)
write_worker "$T/worker-rest.properties" "listeners=http://127.0.0.1:$PORT"
write_connector "$T/wrong-path-run.json" wrong-path kafka.topic=wp \
	"http.url=$API/events" 'http.response.records.path=$.items[*]' \
	http.timer.interval.ms=600000
start_host "$T/worker-rest.properties" "$T/wrong-path-run.json"
wait_for_line "$T/host.err" 'matches nothing' >/dev/null || diag_file "$T/host.err"
status=$(http_call GET "http://127.0.0.1:$PORT/connectors/wrong-path/status")
assert_eq "status: the task is RUNNING" RUNNING "$(printf '%s' "$status" | json_get tasks 0 state)"
assert_eq "status: its trace is the warning" "$msg" \
	"$(printf '%s' "$status" | json_get tasks 0 trace)"
assert_grep "metrics count the page" \
	'httpsrc_pages_unmatched_total{connector="wrong-path"} 1' \
	<(http_call GET "http://127.0.0.1:$PORT/metrics")
_stop_pid "$HOST_PID"

# An empty array where the path points is an empty page, not a mistake.
write_connector "$T/empty.json" empty-page kafka.topic=ep \
	"http.url=$API/paged?page=9" 'http.response.records.path=$.items[*]'
run_host --once "$T/worker.properties" "$T/empty.json"
assert_eq "an empty page: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "an empty page: no warning" 0 "$(count "records.path" "$T/host.err")"

# A path without [*] selecting the array: one record holding all of it.
write_connector "$T/no-star.json" no-star kafka.topic=ns \
	"http.url=$API/events" 'http.response.records.path=$.data'
run_host --once "$T/worker.properties" "$T/no-star.json"
assert_eq "an array as the record: --once exits 0 (the records are there)" \
	0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "WARN says add [*]" \
	"WARN  [no-star] http.response.records.path \$.data selects an array in the response of GET $API/events: each page gives one record holding the whole array; add [*] (\$.data[*]) for a record per element" \
	"$T/host.err"
assert_eq "warned once for 3 pages" 1 "$(count "selects an array" "$T/host.err")"

# The path matched on some pages: no failure.
write_connector "$T/ok.json" ok-path kafka.topic=ok \
	"http.url=$API/events" 'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/ok.json"
assert_eq "a right path: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "a right path: no warning" 0 "$(count "WARN" "$T/host.err")"

# ---- a cursor / next-URL path that matches nothing ---------------------
# Before: the first page's 100 records and silence (100 of 250).
write_connector "$T/bad-cursor.json" bad-cursor kafka.topic=bc \
	"http.url=$API/nested" 'http.response.records.path=$.result.items[*]' \
	http.pagination.type=CURSOR http.pagination.cursor.param=after \
	'http.pagination.cursor.path=$.meta.nxt'
run_host --once "$T/worker.properties" "$T/bad-cursor.json"
assert_grep "cursor path matching nothing: WARN naming the path and the page" \
	"WARN  [bad-cursor] CURSOR: http.pagination.cursor.path \$.meta.nxt matches nothing in the response of $API/nested (the first page, 100 records): pagination stops there and the pages after it are not read; fix the path" \
	"$T/host.err"

write_connector "$T/obj-cursor.json" obj-cursor kafka.topic=oc \
	"http.url=$API/nested" 'http.response.records.path=$.result.items[*]' \
	http.pagination.type=CURSOR http.pagination.cursor.param=after \
	'http.pagination.cursor.path=$.meta'
run_host --once "$T/worker.properties" "$T/obj-cursor.json"
assert_eq "cursor path selecting an object: --once exits 1" 1 "$HOST_RC"
assert_grep "... naming the path and what it selects" \
	"connector 'obj-cursor' failed: paginator CURSOR failed on the response of GET $API/nested: http.pagination.cursor.path \$.meta selects an object, not the next page's key: point it at a string" \
	"$T/host.err"

write_connector "$T/bad-next.json" bad-next kafka.topic=bn \
	"http.url=$API/next-url?per_page=100" 'http.response.records.path=$.results[*]' \
	http.pagination.type=NEXT_URL 'http.pagination.next.url.path=$.next_url'
run_host --once "$T/worker.properties" "$T/bad-next.json"
assert_grep "next-URL path matching nothing: WARN" \
	"WARN  [bad-next] NEXT_URL: http.pagination.next.url.path \$.next_url matches nothing in the response of $API/next-url (the first page, 100 records)" \
	"$T/host.err"

# The last page (next cursor null) ends the pagination without a word.
write_connector "$T/good-cursor.json" good-cursor kafka.topic=gc \
	"http.url=$API/nested" "${CURSOR_NESTED[@]}"
run_host --once "$T/worker.properties" "$T/good-cursor.json"
assert_eq "a right cursor path: --once exits 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_eq "a right cursor path: no warning" 0 "$(count "WARN" "$T/host.err")"
consume_topic gc 250
assert_eq "a right cursor path: all 250 records" 250 "$(wc -l <"$CONSUMED")"
assert_grep "--once ends with a one-line summary: records, pages, offsets" \
	"INFO  run once done: 1 connector (0 failed), 4 pages fetched, 250 records read, 250 acknowledged; offsets in $OFFSETS: good-cursor {\"cursor\":\"c200\",\"position\":50}" \
	"$T/host.err"

# ---- Kafka unreachable --------------------------------------------------
# Before: --once never ended, /health said healthy, the status RUNNING
# without a word, and the log "poll done: 250 new records".
KPORT=$(free_port)
RPORT=$(free_port)
BOOT=127.0.0.1:$KPORT write_worker "$T/worker-nokafka.properties" \
	kafka.unreachable.timeout.ms=3000 producer.statistics.interval.ms=500 \
	"listeners=http://127.0.0.1:$RPORT"
write_connector "$T/kafka-down.json" kafka-down kafka.topic=kd \
	"http.url=$API/events" 'http.response.records.path=$.data[*]' \
	http.pagination.type=CURSOR
# Running (REST on): /health, the status and the metrics say so.
start_host "$T/worker-nokafka.properties" "$T/kafka-down.json"
wait_for_line "$T/host.err" 'Kafka unreachable' >/dev/null || diag_file "$T/host.err"
wait_for_line "$T/host.err" 'poll done' >/dev/null || diag_file "$T/host.err"
health=$(http_call GET "http://127.0.0.1:$RPORT/health")
assert_grep "/health: unhealthy, naming the brokers" \
	"{\"status\":\"unhealthy\",\"message\":\"Kafka unreachable for " <(printf '%s' "$health")
assert_grep "... and librdkafka's reason" \
	"s: no broker of bootstrap.servers=127.0.0.1:$KPORT answers (" <(printf '%s' "$health")
status=$(http_call GET "http://127.0.0.1:$RPORT/connectors/kafka-down/status")
assert_grep "status trace: Kafka unreachable" \
	"no broker of bootstrap.servers=127.0.0.1:$KPORT answers" \
	<(printf '%s' "$status" | json_get tasks 0 trace)
for _ in $(seq 30); do
	http_call GET "http://127.0.0.1:$RPORT/metrics" >"$T/metrics.out" || true
	grep -q '^httpsrc_kafka_broker_up ' "$T/metrics.out" && break
	sleep 0.1
done
assert_grep "metrics: no broker up" "httpsrc_kafka_broker_up 0" "$T/metrics.out"
_stop_pid "$HOST_PID"
# --once: exit 1 after the bound.
start_host --once "$T/worker-nokafka.properties" "$T/kafka-down.json"
wait_host_exit "$HOST_PID" 30
assert_eq "--once exits 1 after kafka.unreachable.timeout.ms" 1 "$HOST_RC"
assert_grep "the failure names the brokers, read vs acknowledged and the key" \
	"s: no broker of bootstrap.servers=127.0.0.1:$KPORT answers (127.0.0.1:$KPORT/bootstrap: Connect to ipv4#127.0.0.1:$KPORT failed: Connection refused" \
	"$T/host.err"
assert_grep "... 250 read, 0 acknowledged" \
	"; 250 records read, 0 acknowledged: the offset stays before the rest and the next run reads them again (check bootstrap.servers and the brokers; kafka.unreachable.timeout.ms=3000 bounds this wait)" \
	"$T/host.err"
assert_grep "the summary says so too" \
	"INFO  run once done: 1 connector (1 failed), 4 pages fetched, 250 records read, 0 acknowledged; offsets in $OFFSETS: kafka-down (none)" \
	"$T/host.err"
assert_grep "the poll's log line says read vs acknowledged" \
	"poll done: 250 new records read; 0 acknowledged so far, 250 waiting for acknowledgement" \
	"$T/host.err"
assert_eq "Kafka's unreachability is logged once, not at every reconnect" 1 \
	"$(grep -c -e 'Kafka unreachable:' -e 'librdkafka FAIL' -e 'Kafka: ' "$T/host.err")"

# ---- a response that is not JSON ----------------------------------------
# Before: only the parser's complaint; now what the server said it sent and
# how it starts (escaped, a credential it echoes redacted).
write_connector "$T/notjson.json" not-json kafka.topic=nj "http.url=$API/notjson"
run_host --once "$T/worker.properties" "$T/notjson.json"
assert_eq "not JSON: exit 1" 1 "$HOST_RC"
assert_grep "not JSON: Content-Type and the body's start" \
	"connector 'not-json' failed: response of GET $API/notjson is not valid JSON: invalid JSON at byte 1: lexical error: invalid char in json text; Content-Type: text/plain, 15 bytes: hello, not json" \
	"$T/host.err"
start_fault_server
write_connector "$T/reflect.json" reflect kafka.topic=rf \
	"http.url=$FAULT/reflect?api_key=topsecret" http.response.error.codes=500-599
run_host --once "$T/worker.properties" "$T/reflect.json"
assert_eq "an echoing error page: exit 1" 1 "$HOST_RC"
assert_grep "... its body shown escaped and redacted" \
	'; Content-Type: application/json, 72 bytes: \x1b[2J\x1b]0;owned\x07\x1b[31mdenied api_key=***\r\nX-Custom: \r\nAuthorization: ' \
	"$T/host.err"
assert_absent "... never the key" topsecret "$T/host.err"

# ---- DEBUG shows each request's full URL, secrets redacted -------------
# Before: "GET http://host/events?..." only, whatever the page.
write_connector "$T/debug.json" debug kafka.topic=dbg \
	"http.url=$API/events?api_key=topsecret&lang=en" \
	'http.response.records.path=$.data[*]' http.pagination.type=CURSOR \
	"http.headers=Accept: application/json, X-Api-Key: hdrsecret" \
	http.auth.type=BASIC http.auth.user=alice http.auth.password=passsecret
run_host --once --log-level debug "$T/worker.properties" "$T/debug.json"
assert_eq "DEBUG run: exit 0" 0 "$HOST_RC" || diag_file "$T/host.err"
assert_grep "DEBUG: the first request, query and headers, secrets ***" \
	"DEBUG [debug] request GET $API/events?api_key=***&lang=en | Accept: application/json | X-Api-Key: *** | Authorization: ***" \
	"$T/host.err"
assert_grep "DEBUG: the page it asks for" \
	"DEBUG [debug] request GET $API/events?api_key=***&lang=en&cursor=c100 |" \
	"$T/host.err"
assert_absent "no secret in the log" secret "$T/host.err"

# ---- TLS mistakes are not retried ----------------------------------------
# Before: 5 retries with backoff (31 s) for what can never succeed.
PLAIN_API=$API
make_pki "$T/pki"
start_fixture --tls-cert "$T/pki/server.pem" --tls-key "$T/pki/server.key"
write_connector "$T/untrusted.json" untrusted kafka.topic=ut \
	"http.url=$API/events" 'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/untrusted.json"
assert_eq "untrusted certificate: exit 1" 1 "$HOST_RC"
assert_grep "... at once, saying a retry cannot help" \
	"connector 'untrusted' failed: GET $API/events failed: SSL certificate problem: unable to get local issuer certificate: the server's certificate does not verify, retrying cannot help: check http.ssl.truststore.location and the host name in http.url" \
	"$T/host.err"
assert_eq "... and not retried" 0 "$(count "retry 1 of" "$T/host.err")"
write_connector "$T/https-plain.json" https-plain kafka.topic=hp \
	"http.url=https://${PLAIN_API#http://}/events" 'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/https-plain.json"
assert_eq "https:// to a plain HTTP port: exit 1" 1 "$HOST_RC"
assert_grep "... saying the server speaks plain HTTP" \
	": the server answers in plain HTTP, not TLS: use http:// (or the server's TLS port)" \
	"$T/host.err"
