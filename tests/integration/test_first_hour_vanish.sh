#!/bin/bash
# Issue 11 item 1, "the connector that vanishes": a config change over
# REST whose stored offset the connector cannot use (here PAGE_NUMBER ->
# NEXT_URL on the same URL) leaves the connector listed, its task FAILED
# with a trace that says how to recover, also after a restart of the host;
# that recovery (stop, DELETE offsets, resume) works and reads everything
# again; a PATCH of an offset that does not fit is refused with 400 and
# changes nothing; a create that fails deletes nothing from the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rest_lib.sh"

plan 19

start_fixture --records 250 --page-size 100
start_kafka
PORT=$(free_port)
U=http://127.0.0.1:$PORT
STORE=$OFFSETS.configs
write_worker "$T/worker.properties" "listeners=http://127.0.0.1:$PORT"
start_rest_host "$T/worker.properties"

COMMON='"kafka.topic":"r","http.url":"'$API'/next-url","http.timer.interval.ms":"300","http.response.records.path":"$.results[*]"'
PAGED="{$COMMON,\"http.pagination.type\":\"PAGE_NUMBER\",\"http.pagination.page.param\":\"page\"}"
NEXT="{$COMMON,\"http.pagination.type\":\"NEXT_URL\",\"http.pagination.next.url.path\":\"\$.next\"}"
PART="{\"url\":\"$API/next-url\"}"

rest PUT /connectors/r/config "$PAGED"
assert_eq "PUT creates r (PAGE_NUMBER)" 201 "$ST"
for _ in $(seq 100); do
	OFF=$(offset_of r)
	case $OFF in *'"page":"3"'*) break ;; esac
	sleep 0.1
done
assert_eq "r read every page: its offset is page 3" \
	'{"page":"3","position":50}' "$OFF"

# ---- the config change that used to make it vanish ----
rest PUT /connectors/r/config "$NEXT"
assert_eq "PUT changing http.pagination.type: 200" 200 "$ST"
wait_task_state r FAILED
TRACE="the stored offset {\"page\":\"3\",\"position\":50} does not fit this connector: with http.offset.mode=NONE and http.pagination.type=NEXT_URL its offset is {\"url\":<page key>,\"position\":<number>}. To start over: PUT /connectors/r/stop, DELETE /connectors/r/offsets, PUT /connectors/r/resume (or PATCH /connectors/r/offsets with an offset that fits before resuming)"
assert_eq "its task is FAILED with the way out as trace" "$TRACE" \
	"$(printf '%s' "$BODY" | json_get tasks 0 trace)"
expect "it is still listed" 200 '["r"]' GET /connectors
rest GET /connectors/r/config
assert_eq "its config is the new one" NEXT_URL \
	"$(printf '%s' "$BODY" | json_get http.pagination.type)"

# ---- a restart of the host keeps it listed and FAILED ----
_stop_pid "$HOST_PID"
start_rest_host "$T/worker.properties"
expect "after a restart of the host it is listed" 200 '["r"]' GET /connectors
wait_task_state r FAILED
assert_eq "and FAILED with the same trace" "$TRACE" \
	"$(printf '%s' "$BODY" | json_get tasks 0 trace)"
rest POST /connectors "{\"name\":\"r\",\"config\":$NEXT}"
assert_eq "a create of the same name: 409" 409 "$ST"
assert_eq "the store still holds r's config" NEXT_URL \
	"$(json_get connectors r config http.pagination.type <"$STORE")"

# ---- PATCH offsets: one that does not fit is refused ----
rest PUT /connectors/r/stop
assert_eq "stop: 204" 204 "$ST"
expect "PATCH of an offset that does not fit: 400 with the reason" 400 \
	"$(err 400 "offsets[0]: offset {\"page\":\"2\",\"position\":0} does not fit this connector: with http.offset.mode=NONE and http.pagination.type=NEXT_URL its offset is {\"url\":<page key>,\"position\":<number>}; nothing was changed")" \
	PATCH /connectors/r/offsets \
	"{\"offsets\":[{\"partition\":$PART,\"offset\":{\"page\":\"2\",\"position\":0}}]}"
assert_eq "the stored offset is unchanged" '{"page":"3","position":50}' \
	"$(offset_of r)"

# ---- the recovery the trace names ----
expect "DELETE offsets: 200" 200 \
	'{"message":"The offsets for this connector have been reset successfully"}' \
	DELETE /connectors/r/offsets
rest PUT /connectors/r/resume
assert_eq "resume: 202" 202 "$ST"
wait_task_state r RUNNING
assert_eq "it runs again" RUNNING "$(printf '%s' "$BODY" | json_get tasks 0 state)"
for _ in $(seq 100); do
	OFF=$(offset_of r)
	case $OFF in *'"position":50}') break ;; esac
	sleep 0.1
done
assert_eq "it read everything again with NEXT_URL" \
	"{\"url\":\"$API/next-url?page=3\",\"position\":50}" "$OFF"
(fixture_records 1 250 && fixture_records 1 250) | unkeyed >"$T/want"
assert_topic "topic r: every record before the change and after the reset" \
	r "$T/want"
