#!/bin/bash
# The Debian package, as CI checks it (scripts/test.sh runs this after the
# suites, with their build in ./build for the fixture and the Kafka mock):
# build libhttpsrc0, libhttpsrc-dev and httpsrc-connect with
# dpkg-buildpackage -us -uc -b from Debian's own packages, install them
# with apt-get install ./*.deb, run the demo connector from the installed
# files (plugins found at the packaged path, no plugin.path, no
# HTTPSRC_PLUGIN_PATH), check the unit with systemd-analyze verify and the
# man page, then remove the packages again.
#   tests/package/test_package.sh [BUILD_DIR=build]
# Needs root (apt-get). Prints TAP.
set -u
cd "$(dirname "$0")/../.."
SRC=$PWD
export HTTPSRC_SOURCE_ROOT=$SRC
export HTTPSRC_BUILD_ROOT=$SRC/${1:-build}
. tests/integration/lib.sh
unset HTTPSRC_PLUGIN_PATH

plan 9
need_bins "$FIXTURE_BIN" "$MOCKKAFKA_BIN" "$CONSUME_BIN"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
PKGS="libhttpsrc0 libhttpsrc-dev httpsrc-connect libhttpsrc0-dbgsym httpsrc-connect-dbgsym"
remove_pkgs() { # those of ours that are installed, config files too
	local p installed=""
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' &&
			installed="$installed $p"
	done
	[ -z "$installed" ] || $SUDO apt-get purge -y -qq $installed >/dev/null 2>&1 || :
}
trap 'remove_pkgs; _cleanup' EXIT

# What dpkg-buildpackage needs besides the build dependencies
# (scripts/install-deps.sh has those).
need=""
for p in debhelper dpkg-dev fakeroot; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		need="$need $p"
done
if [ -n "$need" ]; then
	$SUDO apt-get install -y -qq --no-install-recommends $need >"$T/apt.log" 2>&1 ||
		bail_out "apt-get install$need failed: $(tail -3 "$T/apt.log")"
fi

# A clean copy of the tree: no build directories, no git metadata.
mkdir -p "$T/pkg/src"
tar -C "$SRC" --exclude='./build*' --exclude=./.git --exclude='./debian/.debhelper' \
	-cf - . | tar -C "$T/pkg/src" -xf -
(cd "$T/pkg/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
assert_eq "dpkg-buildpackage -us -uc -b: exit 0" 0 "$?" || diag_file "$T/build.log" 40
assert_eq "three packages (and debhelper's -dbgsym): libhttpsrc0, libhttpsrc-dev, httpsrc-connect" \
	"httpsrc-connect libhttpsrc-dev libhttpsrc0" \
	"$(cd "$T/pkg" && ls ./*.deb 2>/dev/null | sed 's|^\./||; s|_.*||' | grep -v -- '-dbgsym$' | sort | tr '\n' ' ' | sed 's/ $//')"

(cd "$T/pkg" && $SUDO apt-get install -y -qq ./*.deb) >"$T/install.log" 2>&1
assert_eq "apt-get install ./*.deb: exit 0" 0 "$?" || diag_file "$T/install.log"

PLUGINS=$(dpkg -L libhttpsrc0 | grep '/httpsrc/plugins/httpsrc-.*\.so$' | head -n 1)
assert_eq "the plugins are at the packaged path" \
	"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/httpsrc/plugins" \
	"$(dirname "${PLUGINS:-none}")"

# The demo connector, from the installed files, against the fixture API and
# the mock cluster of the build tree.
start_fixture --records 250 --page-size 100
start_kafka
{
	echo "bootstrap.servers=$BOOT"
	echo "offset.storage.file.filename=$OFFSETS"
	echo "listeners="
} >"$T/worker.properties"
sed "s|http://127.0.0.1:8080|$API|" /etc/httpsrc/connectors/example.json >"$T/demo.json"
timeout -k 5 60 /usr/bin/httpsrc-connect --once "$T/worker.properties" "$T/demo.json" \
	>"$T/host.out" 2>"$T/host.err"
assert_eq "the installed httpsrc-connect runs the demo connector: exit 0" 0 "$?" ||
	diag_file "$T/host.err"
assert_topic "the demo's 250 records, keyed by ValueToKey (a packaged plugin)" \
	github-events <(fixture_keyed 1 250)

systemd-analyze verify /lib/systemd/system/httpsrc-connect.service >"$T/verify.out" 2>&1
assert_eq "systemd-analyze verify of the installed unit: clean" "0 " \
	"$? $(cat "$T/verify.out")"
assert_eq "man httpsrc-connect finds the packaged page" \
	/usr/share/man/man1/httpsrc-connect.1.gz "$(man -w httpsrc-connect 2>&1)"
