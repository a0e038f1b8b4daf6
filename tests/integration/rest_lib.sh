# shellcheck shell=bash
# REST helpers (sourced after lib.sh, whose rest/expect/err they use) for
# the tests that restart a host serving the REST API on $U.

# wait_state CONNECTOR_PATH STATE: until the status shows STATE (10 s).
wait_state() {
	local _ st
	for _ in $(seq 100); do
		rest GET "/connectors/$1/status"
		st=$(printf '%s' "$BODY" | json_get connector state 2>/dev/null)
		[ "$st" != "$2" ] || return 0
		sleep 0.1
	done
	diag "connector $1 is $st, not $2: $BODY"
	return 1
}

# wait_task_state CONNECTOR_PATH STATE: until task 0 shows STATE (10 s).
wait_task_state() {
	local _ st
	for _ in $(seq 100); do
		rest GET "/connectors/$1/status"
		st=$(printf '%s' "$BODY" | json_get tasks 0 state 2>/dev/null)
		[ "$st" != "$2" ] || return 0
		sleep 0.1
	done
	diag "task $1-0 is $st, not $2: $BODY"
	return 1
}

# start_rest_host ARGS...: start_host, then wait for the REST API on $U.
start_rest_host() {
	start_host "$@"
	wait_for_line "$T/host.err" "REST API listening on $U\$" >/dev/null ||
		bail_out "REST API did not start: $(cat "$T/host.err")"
}
