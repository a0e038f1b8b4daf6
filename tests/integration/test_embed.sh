#!/usr/bin/env bash
# The embedding API: examples/embed runs a CURSOR source in-process and gets
# every record in its callback (no Kafka), then reports the stored offset.
# examples/records gets each record as an httpsrc_source_record, with the
# source offset its acceptance stores.
# tests/tools/embed_cb: a callback that refuses a record (the offset covers
# every record accepted before it) or answers HTTPSRC_RETRY (the same record
# comes again after a backoff, nothing fails).
. "$(dirname "$0")/lib.sh"
plan 17
EMBED=$HTTPSRC_BUILD_ROOT/examples/embed
need_bins "$EMBED"
start_fixture --records 250 --page-size 100

rc=0
"$EMBED" "$API/events" >"$T/embed.out" 2>"$T/embed.err" || rc=$?
assert_eq "embed exits 0" 0 "$rc" || diag_file "$T/embed.err"
fixture_keyed 1 250 >"$T/expected"
assert_files_eq "callback got every record once, in order, keyed" \
	"$T/expected" "$T/embed.out"
assert_grep "offset stored after the last acknowledged record" \
	'embed: 250 records, offset {"cursor":"c200","position":50}' "$T/embed.err"

# A callback failing at record 120: the offset covers the 119 it accepted
# (it stopped at 100, the last whole page, and 19 came again).
EMBED_CB=$HTTPSRC_BUILD_ROOT/tests/tools/embed_cb
need_bins "$EMBED_CB"
rc=0
"$EMBED_CB" "$API/events" "$T/cb.offsets" --fail-at 120 \
	>"$T/cb1.out" 2>"$T/cb1.err" || rc=$?
assert_eq "a failing callback fails the run" 1 "$rc"
assert_grep "the failure names the callback's result" \
	"connector 'embedded' failed: record callback returned HTTPSRC_ERR_IO" \
	"$T/cb1.err"
assert_grep "offset covers the 119 records accepted" \
	'embed_cb: 119 accepted, 120 offered, offset {"cursor":"c100","position":19}' \
	"$T/cb1.err"
rc=0
"$EMBED_CB" "$API/events" "$T/cb.offsets" >"$T/cb2.out" 2>"$T/cb2.err" || rc=$?
assert_eq "the next run exits 0" 0 "$rc" || diag_file "$T/cb2.err"
fixture_keyed 120 250 >"$T/expected.rest"
assert_files_eq "the next run starts at record 120: none accepted comes again" \
	"$T/expected.rest" "$T/cb2.out"

# HTTPSRC_RETRY three times for record 120: offered again after a backoff,
# never a failure; every record accepted once, in order.
rc=0
"$EMBED_CB" "$API/events" "$T/cb-retry.offsets" --retry-at 120 --retries 3 \
	>"$T/cb3.out" 2>"$T/cb3.err" || rc=$?
assert_eq "HTTPSRC_RETRY does not fail the run" 0 "$rc" || diag_file "$T/cb3.err"
assert_files_eq "every record accepted once, in order" "$T/expected" "$T/cb3.out"
assert_grep "record 120 offered 4 times, offset at the end" \
	'embed_cb: 250 accepted, 253 offered, offset {"cursor":"c200","position":50}' \
	"$T/cb3.err"
assert_grep "the retry is logged with its wait" \
	"WARN  [embedded] record callback answered HTTPSRC_RETRY; the record is offered again in 20 ms" \
	"$T/cb3.err"
assert_eq "one WARN for the record, not one per refusal" 1 \
	"$(grep -c 'answered HTTPSRC_RETRY' "$T/cb3.err")"

# The struct callback (examples/records): every record once, in order, with
# the source offset that covers it ({page cursor, records taken of it}).
RECORDS=$HTTPSRC_BUILD_ROOT/examples/records
need_bins "$RECORDS"
before=$(fixture_requests /events)
rc=0
"$RECORDS" "$API/events" >"$T/rec.out" 2>"$T/rec.err" || rc=$?
assert_eq "records exits 0" 0 "$rc" || diag_file "$T/rec.err"
fixture_keyed 1 250 | awk '{
	page = int((NR - 1) / 100); pos = (NR - 1) % 100 + 1
	cur = page ? "\"c" page * 100 "\"" : "null"
	printf "{\"cursor\":%s,\"position\":%d}\t%s\n", cur, pos, $0
}' >"$T/expected.rec"
assert_files_eq "struct callback: each record with its source offset" \
	"$T/expected.rec" "$T/rec.out"
assert_grep "partition, timestamps, and the stored offset is the last record's" \
	"records: 250 records (0 timestamped outside the run), partition {\"url\":\"$API/events\"}, last record's offset {\"cursor\":\"c200\",\"position\":50}, stored {\"cursor\":\"c200\",\"position\":50}" \
	"$T/rec.err"
assert_eq "3 pages, then the poll that finds nothing new (--once)" 4 \
	"$(($(fixture_requests /events) - before))"
