#!/usr/bin/env bash
# Docs match the code: README's key reference is exactly what
# `httpsrc-connect --describe-config` prints from the declared key tables.
. "$(dirname "$0")/lib.sh"
plan 2
write_worker "$T/worker.properties"
rc=0
"$HOST_BIN" --describe-config "$T/worker.properties" >"$T/keys.md" 2>"$T/err" || rc=$?
assert_eq "--describe-config exits 0" 0 "$rc"
sed -n '/<!-- BEGIN KEYS/,/<!-- END KEYS/p' "$HTTPSRC_SOURCE_ROOT/README.md" |
	sed '1d;$d' >"$T/readme-keys.md"
assert_files_eq "README key reference == --describe-config" \
	"$T/keys.md" "$T/readme-keys.md"
