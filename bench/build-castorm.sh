#!/bin/bash
# Build castorm's kafka-connect-http 0.8.11, the connector of bench/run.sh
# jvm's JVM peer, from its v0.8.11 source tag: for when Maven Central does
# not serve com.github.castorm:kafka-connect-http:0.8.11.
#
#   bench/build-castorm.sh [SOURCE]
#
# SOURCE: a git repository (URL or path) holding the tag v0.8.11, or a
# checked-out source tree; default https://github.com/castorm/kafka-connect-http.
# Builds with Maven and Java 17 (lombok 1.18.30: the tag's 1.18.18 does not
# run on Java 17), then puts the jar and its runtime dependencies into
# ${XDG_CACHE_HOME:-~/.cache}/httpsrc/castorm-0.8.11/plugins/kafka-connect-http,
# where bench/run.sh jvm looks. Prints that directory. Exit 1 with one line
# saying what to do if the source cannot be had or does not build.
set -euo pipefail
VERSION=0.8.11
SRC=${1:-https://github.com/castorm/kafka-connect-http}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/httpsrc/castorm-$VERSION
OUT=$CACHE/plugins/kafka-connect-http
fail() {
	printf 'build-castorm: %s\n' "$*" >&2
	exit 1
}
command -v mvn >/dev/null || fail "mvn not found (scripts/install-deps.sh installs Maven and a JDK)"
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
	export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
mkdir -p "$CACHE"
TMP=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [ -f "$SRC/pom.xml" ]; then
	cp -r "$SRC" "$TMP/src"
elif ! git clone -q --depth 1 --branch "v$VERSION" "$SRC" "$TMP/src" 2>"$TMP/git.err"; then
	fail "cannot fetch the v$VERSION source from $SRC ($(tail -1 "$TMP/git.err")); run bench/build-castorm.sh PATH with a clone of github.com/castorm/kafka-connect-http, or set BENCH_CASTORM_DIR to a directory of its jar and runtime dependencies"
fi
LOG=$CACHE/build.log
# its javadoc and gpg steps are for releases, not for a jar to run
if ! mvn -B -q -f "$TMP/src/pom.xml" -pl kafka-connect-http -am package \
	-DskipTests -Dlombok.version=1.18.30 -Dmaven.javadoc.skip=true \
	-Dgpg.skip=true >"$LOG" 2>&1 ||
	! mvn -B -q -f "$TMP/src/kafka-connect-http/pom.xml" \
		org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$TMP/libs" >>"$LOG" 2>&1; then
	fail "the Maven build of kafka-connect-http v$VERSION failed: $(grep -m1 ERROR "$LOG" || tail -1 "$LOG") (whole log: $LOG)"
fi
cp "$TMP/src/kafka-connect-http/target/kafka-connect-http-$VERSION.jar" "$TMP/libs/"
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$TMP/libs" "$OUT"
echo "built from $SRC (tag v$VERSION, mvn package -Dlombok.version=1.18.30)" >"$CACHE/.built-from"
touch "$CACHE/.complete"
echo "$OUT"
