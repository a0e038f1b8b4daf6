#!/usr/bin/env bash
# Docs match the code: README's key reference is exactly what
# `httpsrc-connect --describe-config` prints from the declared key tables.
. "$(dirname "$0")/lib.sh"
plan 3
write_worker "$T/worker.properties"
rc=0
"$HOST_BIN" --describe-config "$T/worker.properties" >"$T/keys.md" 2>"$T/err" || rc=$?
assert_eq "--describe-config exits 0" 0 "$rc"
# plugin.path defaults to the build's <prefix>/<libdir>/httpsrc/plugins; the
# README shows the default build's: the test passes for any --prefix (a
# distribution's /usr) and libdir.
plugindir_cell() {
	sed 's#^\(| `plugin.path` | list | `\)[^`]*`#\1<plugindir>`#'
}
plugindir_cell <"$T/keys.md" >"$T/keys-any-prefix.md"
sed -n '/<!-- BEGIN KEYS/,/<!-- END KEYS/p' "$HTTPSRC_SOURCE_ROOT/README.md" |
	sed '1d;$d' | plugindir_cell >"$T/readme-keys.md"
assert_files_eq "README key reference == --describe-config" \
	"$T/keys-any-prefix.md" "$T/readme-keys.md"

# A connector file the README quotes ("e.g. `examples/connectors/X.json`:"
# then a json block) is quoted exactly.
quoted=$(grep -o 'e\.g\. `examples/connectors/[a-z0-9-]*\.json`:$' \
	"$HTTPSRC_SOURCE_ROOT/README.md" | sed 's/^e\.g\. `\(.*\)`:$/\1/')
for f in $quoted; do
	awk -v f="$f" 'index($0, "e.g. `" f "`:") { on = 1; next }
		on == 1 && /^```json$/ { on = 2; next }
		on == 2 && /^```$/ { exit }
		on == 2 { print }' "$HTTPSRC_SOURCE_ROOT/README.md" >"$T/quoted.json"
	assert_files_eq "README quotes $f as it is" \
		"$HTTPSRC_SOURCE_ROOT/$f" "$T/quoted.json"
done
