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

# A test that failed in the parallel run gets one more run, alone. Kafka's
# own build does the same (Gradle's test-retry, maxRetries=1): the real-kafka
# and signal tests share two cores with a dozen JVMs and servers, and a
# deadline missed under that load is not a defect of the code under test.
# Every such test is named in a FLAKY line; one that fails twice fails the run.
summary() { # BUILD_DIR: "N passed, N failed" from meson's logs (first run + rerun)
	python3 - "$1" <<'PY'
import json, os, sys
d = sys.argv[1]
def results(name):
    path = os.path.join(d, "meson-logs", name)
    if not os.path.exists(path):
        return {}
    return {j["name"]: j["result"] for j in map(json.loads, filter(str.strip, open(path)))}
first, rerun = results("testlog-first.json") or results("testlog.json"), {}
if os.path.exists(os.path.join(d, "meson-logs", "testlog-first.json")):
    rerun = results("testlog.json")
good = ("OK", "EXPECTEDFAIL", "SKIP")
final = {n: rerun.get(n, r) for n, r in first.items()}
for n, r in sorted(first.items()):
    if r not in good and final[n] in good:
        print("FLAKY: %s: %s in the parallel run, passed when run again alone" % (n, r))
ok = sum(r in good for r in final.values())
print("%s: %d passed, %d failed" % (os.path.basename(d), ok, len(final) - ok))
PY
}

failed_tests() { # BUILD_DIR: the names of the tests that did not pass
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
for j in map(json.loads, filter(str.strip, open(sys.argv[1]))):
    if j["result"] not in ("OK", "EXPECTEDFAIL", "SKIP"):
        print(j["name"].split(" / ")[-1])
PY
}

run_suite() { # BUILD_DIR [meson setup args...]
	local dir=$1 rc=0 again
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	meson compile -C "$dir" >/dev/null
	rm -f "$dir/meson-logs/testlog-first.json"
	if ! meson test -C "$dir" --print-errorlogs; then
		mapfile -t again < <(failed_tests "$dir")
		cp "$dir/meson-logs/testlog.json" "$dir/meson-logs/testlog-first.json"
		cp "$dir/meson-logs/testlog.txt" "$dir/meson-logs/testlog-first.txt"
		echo "test.sh: $dir: ${#again[@]} failed (${again[*]}); each runs once more, alone"
		if [ ${#again[@]} -eq 0 ]; then
			rc=1
		else
			meson test -C "$dir" --no-rebuild --num-processes 1 \
				--print-errorlogs "${again[@]}" || rc=$?
		fi
	fi
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
