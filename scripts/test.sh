#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs what is
# missing, builds, runs every suite (unit, plugins, headers, abi,
# integration), then the same suites again under AddressSanitizer and
# UndefinedBehaviorSanitizer.
#   scripts/test.sh            everything
#   SANITIZE=0 scripts/test.sh skip the sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

summary() { # BUILD_DIR: one "N passed, N failed" line from meson's log
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
res = [json.loads(l)["result"] for l in open(sys.argv[1]) if l.strip()]
ok = sum(r in ("OK", "EXPECTEDFAIL", "SKIP") for r in res)
print("%s: %d passed, %d failed" % (sys.argv[1].split("/")[0], ok, len(res) - ok))
PY
}

run_suite() { # BUILD_DIR [meson setup args...]
	local dir=$1 rc=0
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	meson compile -C "$dir" >/dev/null
	meson test -C "$dir" --print-errorlogs || rc=$?
	summary "$dir"
	return $rc
}

rc=0
run_suite build || rc=$?
if [ "${SANITIZE:-1}" != 0 ]; then
	# -Db_lundef=false: plugins are linked without -z defs under ASan.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite build-asan -Db_sanitize=address,undefined \
		-Db_lundef=false || rc=$?
fi
exit $rc
