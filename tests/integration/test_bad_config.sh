#!/bin/bash
# A bad connector config is refused before anything runs: exit 2 and one
# line on stderr naming the file or key and the reason.
. "$(dirname "$0")/lib.sh"

# The reasons the host gives (grep -F, so plain substrings).
REASON_MISSING='required key is missing'    # http.url missing
REASON_JSONPATH="invalid value '\$.data['"   # records path
REASON_ENUM="unknown pagination type 'FOO'" # http.pagination.type
REASON_UNKNOWN='unknown configuration key'  # a key nobody declares
REASON_NOFILE='No such file'                # connector file missing
REASON_MALFORMED='invalid JSON'             # connector file not JSON

HOST_TIMEOUT=15
plan 74
# Nothing listens here: config errors must be found before connecting.
BOOT=127.0.0.1:1
write_worker "$T/worker.properties"
base=(kafka.topic=t "http.url=http://127.0.0.1:1/x"
	'http.response.records.path=$.data[*]')

# expect_config_error DESC WHAT REASON CONNECTOR_FILE: exit 2, a single
# stderr line, naming WHAT (key or file) and giving REASON.
expect_config_error() {
	run_host --once --log-level error "$T/worker.properties" "$4"
	assert_eq "$1: exit 2" 2 "$HOST_RC"
	assert_eq "$1: one line on stderr" 1 "$(wc -l <"$T/host.err")" ||
		diag_file "$T/host.err"
	assert_grep "$1: names $2" "$2" "$T/host.err"
	assert_grep "$1: says '$3'" "$3" "$T/host.err"
}

write_connector "$T/nourl.json" nourl kafka.topic=t \
	'http.response.records.path=$.data[*]'
expect_config_error "missing http.url" http.url "$REASON_MISSING" \
	"$T/nourl.json"

write_connector_props "$T/nourl.properties" nourl-props kafka.topic=t \
	'http.response.records.path=$.data[*]'
expect_config_error "missing http.url (.properties)" http.url \
	"$REASON_MISSING" "$T/nourl.properties"

write_connector "$T/badpath.json" badpath "${base[@]:0:2}" \
	'http.response.records.path=$.data['
expect_config_error "invalid JSONPath" http.response.records.path \
	"$REASON_JSONPATH" "$T/badpath.json"

write_connector "$T/badpage.json" badpage "${base[@]}" \
	http.pagination.type=FOO
expect_config_error "unknown pagination type" http.pagination.type \
	"$REASON_ENUM" "$T/badpage.json"

write_connector "$T/unknown.json" unknown "${base[@]}" http.bogus.key=1
expect_config_error "unknown key" http.bogus.key "$REASON_UNKNOWN" \
	"$T/unknown.json"

expect_config_error "connector file does not exist" "$T/missing.json" \
	"$REASON_NOFILE" "$T/missing.json"

printf '{"name": "broken", "config": {"kafka.topic": "t",\n' >"$T/broken.json"
expect_config_error "malformed JSON connector file" "$T/broken.json" \
	"$REASON_MALFORMED" "$T/broken.json"

# expect_stderr DESC EXPECTED ARGS...: exit 2 and exactly EXPECTED on stderr
# (issue 11: every mistake explained, in these words).
expect_stderr() {
	local desc=$1 want=$2
	shift 2
	run_host "$@"
	assert_eq "$desc: exit 2" 2 "$HOST_RC"
	assert_eq "$desc: message" "$want" "$(cat "$T/host.err")"
}

# A JSON mistake is placed by line:column, as an editor shows it.
printf '{"name": "lc", "config": {\n  "kafka.topic": "t"\n  "http.url": "x"}}\n' \
	>"$T/linecol.json"
expect_stderr "JSON error at line:column" \
	"httpsrc-connect: $T/linecol.json:3:4: invalid JSON at byte 52: parse error: after key and value, inside map, I expect ',' or '}'" \
	--once "$T/worker.properties" "$T/linecol.json"

# ---- the command line (issue 11) ----
USAGE_LINE='usage: httpsrc-connect [--once] [--log-level error|warn|info|debug]'
for opt in -h --help; do
	run_host "$opt"
	assert_eq "$opt: exit 0" 0 "$HOST_RC"
	assert_eq "$opt: usage on stdout" "$USAGE_LINE" "$(head -n 1 "$T/host.out")"
done
for opt in -V --version; do
	run_host "$opt"
	assert_eq "$opt: exit 0" 0 "$HOST_RC"
	assert_eq "$opt: one line" 1 "$(wc -l <"$T/host.out")"
	assert_grep_e "$opt: version, commit, libcurl, librdkafka, yajl" \
		'^httpsrc-connect [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}|unknown)\) libcurl/[0-9.]+ librdkafka/[0-9.]+ yajl/[0-9]+\.[0-9]+\.[0-9]+$' \
		"$T/host.out"
done
for lv in --log-level=debug --log-level=DEBUG "--log-level Warn" --log-level=trace; do
	# shellcheck disable=SC2086 # "--log-level Warn" is two words
	run_host $lv --describe-config "$T/worker.properties"
	assert_eq "$lv: accepted" 0 "$HOST_RC"
done
expect_stderr "unknown log level" \
	"httpsrc-connect: --log-level: unknown level 'verbose': use error, warn, info, debug or trace" \
	--log-level=verbose --once "$T/worker.properties"
expect_stderr "--once and no connector" \
	"httpsrc-connect: --once: no connector to run: give CONNECTOR.json or CONNECTOR.properties files after WORKER.properties" \
	--once "$T/worker.properties"
write_connector "$T/good.json" good "${base[@]}"
expect_stderr "connector file where the worker file goes" \
	"httpsrc-connect: $T/good.json is a connector config, not a worker config: is the worker file first? (httpsrc-connect [options] WORKER.properties CONNECTOR.json ...)" \
	--once "$T/good.json" "$T/worker.properties"
expect_stderr "worker file where a connector file goes" \
	"httpsrc-connect: $T/worker.properties is a worker config, not a connector config: is the worker file first? (httpsrc-connect [options] WORKER.properties CONNECTOR.json ...)" \
	--once "$T/worker.properties" "$T/worker.properties"
# Several failing connectors: each is named, in one run.
expect_stderr "two failing connectors, both named" \
	"httpsrc-connect: $T/unknown.json: http.bogus.key: unknown configuration key
httpsrc-connect: $T/nourl.json: http.url: required key is missing" \
	--once "$T/worker.properties" "$T/unknown.json" "$T/nourl.json"

# ---- every mistake of a file at once, with the key meant (issue 11) ----
write_connector "$T/many.json" many "${base[@]}" http.method=PUT \
	http.urll=x http.timer.interval.ms=abc topic=t
expect_stderr "every bad core key of a file at once" \
	"httpsrc-connect: $T/many.json: http.method: invalid value 'PUT': must be one of GET, POST
httpsrc-connect: $T/many.json: http.urll: unknown configuration key (did you mean 'http.url'?)
httpsrc-connect: $T/many.json: http.timer.interval.ms: invalid value 'abc': not an integer
httpsrc-connect: $T/many.json: topic: unknown configuration key (did you mean 'kafka.topic'?)" \
	--once "$T/worker.properties" "$T/many.json"
write_connector_props "$T/many.properties" many-props "${base[@]}" \
	http.urll=x http.method=PUT
expect_stderr "every bad key of a .properties file, with its line" \
	"httpsrc-connect: $T/many.properties:5: http.urll: unknown configuration key (did you mean 'http.url'?)
httpsrc-connect: $T/many.properties:6: http.method: invalid value 'PUT': must be one of GET, POST" \
	--once "$T/worker.properties" "$T/many.properties"
write_connector "$T/plugkeys.json" plugkeys "${base[@]}" http.auth.type=BASIC \
	http.auth.usr=u http.auth.password=p http.pagination.type=CURSOR \
	http.pagination.cursor.parm=after 'http.pagination.cursor.path=$.next' \
	transforms=a 'transforms.a.type=org.apache.kafka.connect.transforms.InsertField$Value' \
	transforms.a.statc.field=x
expect_stderr "every misspelled plugin key at once, with the key meant" \
	"httpsrc-connect: $T/plugkeys.json: http.auth.usr: unknown configuration key (did you mean 'http.auth.user'?)
httpsrc-connect: $T/plugkeys.json: http.pagination.cursor.parm: unknown configuration key (did you mean 'http.pagination.cursor.param'?)
httpsrc-connect: $T/plugkeys.json: transforms.a.statc.field: unknown configuration key for transform org.apache.kafka.connect.transforms.InsertField\$Value (did you mean 'transforms.a.static.field'?)
httpsrc-connect: $T/plugkeys.json: http.auth.user: required key is missing (needed by BASIC)" \
	--once "$T/worker.properties" "$T/plugkeys.json"

# Core keys refused and plugin keys wrong in one file: all of them in one
# run, as REST's validate lists them (before: only the refused ones; the
# plugin keys came after fixing those, in a second run).
write_connector "$T/mixed.json" mixed "${base[@]}" http.method=PUT \
	http.timer.interval.ms=abc http.auth.type=BASIC http.auth.usr=u \
	http.auth.password=p
expect_stderr "refused core keys and bad plugin keys in one run" \
	"httpsrc-connect: $T/mixed.json: http.method: invalid value 'PUT': must be one of GET, POST
httpsrc-connect: $T/mixed.json: http.timer.interval.ms: invalid value 'abc': not an integer
httpsrc-connect: $T/mixed.json: http.auth.usr: unknown configuration key (did you mean 'http.auth.user'?)
httpsrc-connect: $T/mixed.json: http.auth.user: required key is missing (needed by BASIC)" \
	--once "$T/worker.properties" "$T/mixed.json"

# A refused value that happens to hold "<key>:" does not hide that key's
# own problem (the problems are (key, message) pairs, not text searched).
write_connector "$T/keyinvalue.json" keyinvalue "${base[@]:1}" \
	'http.method=PUT kafka.topic: x'
expect_stderr "a refused value naming another key hides no problem" \
	"httpsrc-connect: $T/keyinvalue.json: http.method: invalid value 'PUT kafka.topic: x': must be one of GET, POST
httpsrc-connect: $T/keyinvalue.json: kafka.topic: required key is missing" \
	--once "$T/worker.properties" "$T/keyinvalue.json"

# ---- Kafka's topic rule, the REST listener: checked before anything runs ----
write_connector "$T/badtopic.json" badtopic "${base[@]:1}" 'kafka.topic=events v1'
expect_stderr "a topic name Kafka refuses" \
	"httpsrc-connect: $T/badtopic.json: kafka.topic: invalid value 'events v1': ' ' at position 7: a Kafka topic name has only letters, digits, '.', '_' and '-'" \
	--once "$T/worker.properties" "$T/badtopic.json"
write_connector "$T/dots.json" dots "${base[@]:1}" 'kafka.topic=..'
expect_stderr "'..' as a topic" \
	"httpsrc-connect: $T/dots.json: kafka.topic: invalid value '..': '.' and '..' are not allowed as Kafka topic names" \
	--once "$T/worker.properties" "$T/dots.json"
# A listener typo is reported alone, before any connector is created.
for l in '127.0.0.1:8083|it must start with http:// or https:// (e.g. http://127.0.0.1:8083)' \
	'http://127.0.0.1:80833|port 80833 is out of range 0-65535' \
	'http://127.0.0.1|no port (expected http://host:port)'; do
	write_worker "$T/listen.properties" "listeners=${l%%|*}"
	expect_stderr "listeners=${l%%|*}" \
		"httpsrc-connect: $T/listen.properties: listeners: invalid listener '${l%%|*}': ${l#*|}" \
		"$T/listen.properties" "$T/good.json"
done
