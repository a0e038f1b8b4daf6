#!/bin/bash
# Pagination cycles (issue 10 item 9): a cursor or Link cycle A -> B -> A
# was followed for ever (228 duplicates in 10 s). Now a next page already
# read in the same poll ends the poll with a WARN naming both keys; every
# record is read once and the offset stays at the pages read.
. "$(dirname "$0")/lib.sh"

plan 10
HOST_TIMEOUT=30 # today's code never ends the poll: bounded here
start_fault_server
start_kafka
write_worker "$T/worker.properties"

write_connector "$T/cursor.json" cursor \
	kafka.topic=cursor \
	"http.url=$FAULT/cycle" \
	"${CURSOR_EVENTS[@]}"
run_host --once "$T/worker.properties" "$T/cursor.json"
assert_eq "cursor cycle: exit 0" 0 "$HOST_RC"
assert_grep "cursor cycle: WARN naming the keys" \
	"WARN  [cursor] pagination cycle: page 'B' links to page 'A', already read in this poll (2 pages): the poll ends here, the offset stays at the pages read" \
	"$T/host.err"
assert_eq "cursor cycle: each page requested once" 3 \
	"$(fault_stat requests /cycle)"
consume_topic cursor 3
assert_eq "cursor cycle: records 1, 2, 3 once each (any partition order)" \
	"$(printf '{"id":%d}\n' 1 2 3)" "$(cut -f2 "$CONSUMED" | sort)"
assert_eq "cursor cycle: the offset is page B, its 1 record" \
	'{"cursor":"B","position":1}' "$(offset_of cursor)"

write_connector "$T/link.json" link \
	kafka.topic=link \
	"http.url=$FAULT/linkcycle" \
	'http.response.records.path=$[*]' \
	http.pagination.type=LINK_HEADER
run_host --once "$T/worker.properties" "$T/link.json"
assert_eq "Link cycle: exit 0" 0 "$HOST_RC"
assert_grep "Link cycle: WARN naming the keys" \
	"WARN  [link] pagination cycle: page '$FAULT/linkcycle?page=3' links to page '$FAULT/linkcycle?page=2', already read in this poll (2 pages)" \
	"$T/host.err"
assert_eq "Link cycle: each page requested once" 3 \
	"$(fault_stat requests /linkcycle)"
consume_topic link 3
assert_eq "Link cycle: records 1, 2, 3 once each (any partition order)" \
	"$(printf '{"id":%d}\n' 1 2 3)" "$(cut -f2 "$CONSUMED" | sort)"
assert_eq "Link cycle: the offset is page 3, its 1 record" \
	"{\"url\":\"$FAULT/linkcycle?page=3\",\"position\":1}" "$(offset_of link)"
