#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs what is
# missing, builds, runs every suite (unit, plugins, headers, abi,
# integration, real-kafka), then the same suites again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
# real-kafka runs against real Apache Kafka 4.1.1 brokers (tests/kafka/
# kafka.sh): its jars are downloaded here once with Maven into
# ~/.cache/httpsrc/kafka-4.1.1 and reused; each test starts its own broker.
# Without Java or Maven that suite is skipped with a message naming what is
# missing; with CI=true that is a failure.
#   scripts/test.sh            everything
#   SANITIZE=0 scripts/test.sh skip the sanitizer pass
#   PACKAGE=0 scripts/test.sh  skip the Debian package test
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

real_kafka() { # download the jars (once) or say why the suite is skipped
	local why
	if why=$(tests/kafka/kafka.sh check) && tests/kafka/kafka.sh fetch; then
		return 0
	fi
	[ -n "$why" ] || why="the Kafka jars could not be downloaded"
	if [ "${CI:-}" = true ]; then
		echo "test.sh: $why; CI=true: the real-kafka suite must run" >&2
		return 1
	fi
	echo "test.sh: the real-kafka suite will be SKIPPED: $why" >&2
}

rc=0
real_kafka || exit 1
run_suite build || rc=$?
if [ "${SANITIZE:-1}" != 0 ]; then
	# -Db_lundef=false: plugins are linked without -z defs under ASan.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite build-asan -Db_sanitize=address,undefined \
		-Db_lundef=false || rc=$?
fi
# The Debian package: built, installed and run from its files (a few
# minutes; PACKAGE=0 skips it). Uses build/ for the fixture and Kafka mock.
if [ "${PACKAGE:-1}" != 0 ]; then
	tests/package/test_package.sh build || rc=$?
fi
exit $rc
