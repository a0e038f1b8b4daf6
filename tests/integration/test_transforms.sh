#!/bin/bash
# Transforms and converters give the bytes Kafka Connect writes:
#  - a schemaless chain InsertField$Value, ReplaceField$Value, MaskField$Value,
#    Cast$Value, ValueToKey, ExtractField$Key, RegexRouter with a
#    StringConverter key. Connect builds a java.util.HashMap at each of the
#    first four steps, so the members come out in HashMap order: for this
#    key set (Java 17, checked with a JVM) actor, created_at, id, source,
#    event_type;
#  - Filter with a TopicNameMatches predicate drops a whole topic, a
#    negated predicate gates HoistField$Value, TimestampRouter names the
#    topic from the record's timestamp, JsonConverter schemas.enable=true
#    wraps the value in Connect's envelope with the inferred schema;
#  - StringConverter and ByteArrayConverter values; a key with schemas.
. "$(dirname "$0")/lib.sh"

plan 16
N=12
export CONSUME_TIMEOUT_MS=8000
start_fixture --records "$N" --page-size 100
start_kafka
write_worker "$T/worker.properties"

T_=org.apache.kafka.connect.transforms
write_connector "$T/chain.json" chain-conn \
	kafka.topic=tx-events \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	transforms=insert,rename,mask,cast,key,extract,route \
	"transforms.insert.type=$T_.InsertField\$Value" \
	transforms.insert.static.field=source \
	transforms.insert.static.value=fixture \
	"transforms.rename.type=$T_.ReplaceField\$Value" \
	transforms.rename.renames=type:event_type \
	transforms.rename.exclude=payload \
	"transforms.mask.type=$T_.MaskField\$Value" \
	transforms.mask.fields=created_at \
	transforms.mask.replacement=REDACTED \
	"transforms.cast.type=$T_.Cast\$Value" \
	transforms.cast.spec=id:string \
	"transforms.key.type=$T_.ValueToKey" \
	transforms.key.fields=id \
	"transforms.extract.type=$T_.ExtractField\$Key" \
	transforms.extract.field=id \
	"transforms.route.type=$T_.RegexRouter" \
	'transforms.route.regex=tx-(.*)' \
	'transforms.route.replacement=routed-$1' \
	key.converter=org.apache.kafka.connect.storage.StringConverter \
	"${JSON_VALUES[@]}"
# filter_conn FILE NAME TOPIC: Filter drops topics matching flt-d.*;
# HoistField applies unless the topic matches it (negate); TimestampRouter.
filter_conn() {
	write_connector "$1" "$2" \
		"kafka.topic=$3" \
		"http.url=$API/events" \
		'http.response.records.path=$.data[*]' \
		predicates=isDrop \
		"predicates.isDrop.type=$T_.predicates.TopicNameMatches" \
		'predicates.isDrop.pattern=flt-d.*' \
		transforms=drop,hoist,ts \
		"transforms.drop.type=$T_.Filter" \
		transforms.drop.predicate=isDrop \
		"transforms.hoist.type=$T_.HoistField\$Value" \
		transforms.hoist.field=event \
		transforms.hoist.predicate=isDrop \
		transforms.hoist.negate=true \
		"transforms.ts.type=$T_.TimestampRouter" \
		'transforms.ts.topic.format=${topic}-${timestamp}' \
		transforms.ts.timestamp.format=yyyyMMdd \
		value.converter=org.apache.kafka.connect.json.JsonConverter \
		value.converter.schemas.enable=true
}
filter_conn "$T/drop.json" drop-conn flt-drop
filter_conn "$T/keep.json" keep-conn flt-keep
write_connector "$T/str.json" str-conn \
	kafka.topic=conv-string \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*].type' \
	value.converter=org.apache.kafka.connect.storage.StringConverter
write_connector "$T/bytes.json" bytes-conn \
	kafka.topic=conv-bytes \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
write_connector "$T/keyschema.json" keyschema-conn \
	kafka.topic=conv-keyschema \
	"http.url=$API/events" \
	'http.response.records.path=$.data[*]' \
	transforms=key \
	"transforms.key.type=$T_.ValueToKey" \
	transforms.key.fields=id \
	key.converter=org.apache.kafka.connect.json.JsonConverter \
	key.converter.schemas.enable=true \
	value.converter.schemas.enable=false

day0=$(date -u +%Y%m%d)
run_host --once "$T/worker.properties" "$T/chain.json" "$T/drop.json" \
	"$T/keep.json" "$T/str.json" "$T/bytes.json" "$T/keyschema.json"
day1=$(date -u +%Y%m%d)
assert_eq "six connectors with transforms and converters: exit 0" 0 \
	"$HOST_RC" || diag_file "$T/host.err"

# The chain: key "<id>" (StringConverter), value in HashMap order.
fixture_records 1 "$N" | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    v = {"actor": r["actor"], "created_at": "REDACTED", "id": str(r["id"]),
         "source": "fixture", "event_type": r["type"]}
    print("%d\t%s" % (r["id"], json.dumps(v, separators=(",", ":"))))
' >"$T/want.chain"
assert_topic "InsertField, ReplaceField, MaskField, Cast, ValueToKey, ExtractField -> routed-events" \
	routed-events "$T/want.chain"
CONSUME_TIMEOUT_MS=2000 consume_topic tx-events 0
assert_eq "RegexRouter: nothing left on the original topic" 0 \
	"$(wc -l <"$CONSUMED")"

CONSUME_TIMEOUT_MS=2000 consume_topic flt-drop-"$day0" 0
assert_eq "Filter + TopicNameMatches: every record of flt-drop dropped" 0 \
	"$(wc -l <"$CONSUMED")"
assert_eq "Filter: the dropped records still move the offset" \
	"{\"page\":null,\"position\":$N}" "$(offset_of drop-conn)"

# Connect's envelope; the schema inferred from the hoisted value.
fixture_records 1 "$N" | python3 -c '
import json, sys
s = lambda t, f: {"type": t, "optional": False, "field": f}
schema = {"type": "struct", "fields": [{"type": "struct", "fields": [
    s("int64", "id"), s("string", "type"),
    {"type": "struct", "fields": [s("string", "login")], "optional": False,
     "field": "actor"},
    {"type": "struct", "fields": [s("int64", "n")], "optional": False,
     "field": "payload"},
    s("string", "created_at")], "optional": False, "field": "event"}],
    "optional": False}
for line in sys.stdin:
    print("(null)\t{\"schema\":%s,\"payload\":{\"event\":%s}}"
          % (json.dumps(schema, separators=(",", ":")), line.rstrip("\n")))
' >"$T/want.keep"
keep_topic=flt-keep-$day0
[ "$day0" = "$day1" ] || consume_topic "flt-keep-$day0" 1 -T 2000
[ "$day0" = "$day1" ] || [ -s "$CONSUMED" ] || keep_topic=flt-keep-$day1
assert_topic "HoistField (negated predicate) + schemas.enable=true -> $keep_topic" \
	"$keep_topic" "$T/want.keep"
CONSUME_TIMEOUT_MS=2000 consume_topic flt-keep 0
assert_eq "TimestampRouter: nothing left on the original topic" 0 \
	"$(wc -l <"$CONSUMED")"

assert_topic "StringConverter: a JSON string's content" conv-string \
	<(fixture_records 1 "$N" | sed 's/.*"type":"\([^"]*\)".*/\1/' | unkeyed)
assert_topic "ByteArrayConverter: the record bytes" conv-bytes \
	<(fixture_records 1 "$N" | unkeyed)
assert_topic "key.converter.schemas.enable=true" conv-keyschema \
	<(fixture_records 1 "$N" | awk '{
		id = $0; sub(/^\{"id":/, "", id); sub(/,.*/, "", id)
		printf "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"}],\"optional\":false},\"payload\":{\"id\":%s}}\t%s\n", id, $0
	}')
assert_eq "offsets move for every transformed connector" \
	"$N $N $N $N $N" "$(for c in chain-conn keep-conn str-conn bytes-conn \
		keyschema-conn; do offset_of "$c" | python3 -c '
import json, sys
s = sys.stdin.read()
print(json.loads(s).get("position") if s.startswith("{") else "none")'
	done | xargs)"
