#!/bin/bash
# A connector that fails at runtime makes --once exit 1 with a message naming
# the connector and the cause, and stores no offset for it.
. "$(dirname "$0")/lib.sh"

plan 15
start_fixture --records 50 --page-size 10
start_kafka
write_worker "$T/worker.properties"

# assert_no_offset DESC URL: nothing stored under the partition {"url": URL}.
assert_no_offset() {
	if grep -qF -- "$2" "$OFFSETS" 2>/dev/null; then
		not_ok "$1"
		diag_file "$OFFSETS"
	else
		ok "$1"
	fi
}

write_connector "$T/notjson.json" notjson-conn \
	kafka.topic=notjson \
	"http.url=$API/notjson" \
	'http.response.records.path=$'
run_host --once "$T/worker.properties" "$T/notjson.json"
assert_eq "non-JSON response: exit 1" 1 "$HOST_RC"
assert_grep "non-JSON response: message names the connector" notjson-conn \
	"$T/host.err"
assert_grep_e "non-JSON response: message says it is not JSON" \
	'not (valid )?JSON|pars' "$T/host.err"
assert_no_offset "non-JSON response: no offset stored" "$API/notjson"
CONSUME_TIMEOUT_MS=3000 consume_topic notjson 0
assert_eq "non-JSON response: nothing produced" 0 "$(wc -l <"$CONSUMED")"

write_connector "$T/status.json" status-conn \
	kafka.topic=status \
	"http.url=$API/status/500" \
	'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/status.json"
assert_eq "HTTP 500: exit 1" 1 "$HOST_RC"
assert_grep "HTTP 500: message names the connector" status-conn "$T/host.err"
assert_grep_e "HTTP 500: message gives the status" \
	'(HTTP|status|code)[ :=]*500\b' "$T/host.err"
assert_no_offset "HTTP 500: no offset stored" "$API/status/500"
assert_grep "HTTP 500: the API was called" '"/status/500":' \
	<(http_call GET "$API/admin/stats")

# A record that fails in a transform fails the connector while its page
# waits in the hand-over queue: the stop drops that queue, so nothing is
# left outstanding and --once ends at once, without the 30 s drain.
write_connector "$T/cast.json" cast-conn \
	kafka.topic=cast \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	transforms=c \
	transforms.c.type=org.apache.kafka.connect.transforms.Cast\$Value \
	transforms.c.spec=type:int32
run_host --once "$T/worker.properties" "$T/cast.json"
assert_eq "a record a transform rejects: exit 1" 1 "$HOST_RC"
assert_grep "the failure names the connector and the transform's reason" \
	"connector 'cast-conn' failed:" "$T/host.err"
assert_absent "the failed connector left nothing outstanding" \
	"stopped with records unacknowledged" "$T/host.err"

# Credentials in http.url (user:password@) never reach an error or a log.
write_connector "$T/userinfo.json" userinfo-conn \
	kafka.topic=userinfo \
	"http.url=${API/http:\/\//http://bob:pw-s3cr3t@}/status/500" \
	'http.response.records.path=$.data[*]'
run_host --once "$T/worker.properties" "$T/userinfo.json"
assert_grep "HTTP 500 with user:password@ in the URL: reported without them" \
	"GET $API/status/500" "$T/host.err"
assert_absent "the password is not printed" pw-s3cr3t "$T/host.err" \
	"$T/host.out"

