#!/bin/bash
# Repeated response headers (issue 10 item 8): 60,000 "a: b" lines used to
# be joined in O(n^2) on the loop thread (9.4 s of CPU, every connector and
# the REST API frozen). Now a response's header block is capped at 1000
# lines / 256 KiB: more fails the request with an error naming the URL and
# the cap; joining repeated lines below the cap is linear.
. "$(dirname "$0")/lib.sh"

plan 6
start_fault_server
start_kafka
write_worker "$T/worker.properties"

write_connector "$T/many.json" many \
	kafka.topic=many \
	"http.url=$FAULT/headers?n=60000" \
	'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/many.json"
assert_eq "60,000 header lines: exit 1" 1 "$HOST_RC"
assert_grep "the error names the URL and the cap" \
	"connector 'many' failed: GET $FAULT/headers?... failed: response headers exceed the cap of 1000 lines or 262144 bytes" \
	"$T/host.err"
assert_eq "60,000 header lines: not retried (a limit)" 1 \
	"$(fault_stat requests /headers)"
CONSUME_TIMEOUT_MS=2000 consume_topic many 0
assert_eq "60,000 header lines: nothing produced" 0 "$(wc -l <"$CONSUMED")"

# 990 repeated lines (+ 3 others) are under the cap: the page is read.
write_connector "$T/some.json" some \
	kafka.topic=some \
	"http.url=$FAULT/headers?n=990" \
	'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/some.json"
assert_eq "990 header lines: exit 0" 0 "$HOST_RC"
consume_topic some 1
assert_eq "990 header lines: the record" '{"id":1}' "$(cut -f2 "$CONSUMED")"
