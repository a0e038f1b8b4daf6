#!/bin/sh
# The plugin SDK as installed works: install the build into a scratch
# DESTDIR, build examples/custom_plugin with cc (and its Makefile, when make
# exists) using only `pkg-config --cflags libhttpsrc-plugin` from there, and
# check the result exports only the entry point and links none of libcurl,
# librdkafka, yajl or libhttpsrc.
#
# Usage: sdk_build.sh [OUTDIR]   (default $HTTPSRC_BUILD_ROOT/sdk-build)
# On success the only line on stdout is the path of the built plugin
# (OUTDIR/httpsrc-paginator_page.so); diagnostics go to stderr.
set -eu

build=${HTTPSRC_BUILD_ROOT:?HTTPSRC_BUILD_ROOT must name the build directory}
src=${HTTPSRC_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${1:-$build/sdk-build}
MESON=${MESON:-meson}
CC=${CC:-cc}
NM=${NM:-nm}
READELF=${READELF:-readelf}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

fail() {
        echo "sdk_build: $*" >&2
        exit 1
}

rm -rf "$out"
mkdir -p "$out"
root=$out/destdir

# Install what the build tree has; meson test has already built it.
"$MESON" install -C "$build" --no-rebuild --destdir "$root" >"$out/install.log" 2>&1 ||
        {
                cat "$out/install.log" >&2
                fail "meson install --destdir failed"
        }

pc=$(find "$root" -name libhttpsrc-plugin.pc | head -n 1)
[ -n "$pc" ] || fail "libhttpsrc-plugin.pc was not installed"
if grep -q '^Libs' "$pc"; then
        fail "$pc has a Libs line: plugins must link nothing"
fi

# Only the installed .pc, with its paths moved under DESTDIR. Allowing
# system cflags keeps -I<includedir> even for a /usr prefix, so the sysroot
# is prepended instead of the flag being dropped.
PKG_CONFIG_LIBDIR=$(dirname "$pc")
export PKG_CONFIG_LIBDIR
export PKG_CONFIG_PATH=
export PKG_CONFIG_SYSROOT_DIR="$root"
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
cflags=$("$PKG_CONFIG" --cflags libhttpsrc-plugin) ||
        fail "pkg-config --cflags libhttpsrc-plugin failed"
found=
for f in $cflags; do
        case $f in
        -I"$root"/*) [ -f "${f#-I}/httpsrc/plugin.h" ] && found=$f ;;
        esac
done
[ -n "$found" ] ||
        fail "pkg-config cflags '$cflags' name no httpsrc/plugin.h under $root"

so=$out/httpsrc-paginator_page.so
# shellcheck disable=SC2086 # cflags is a list of flags
"$CC" -std=c11 -Wall -Wextra -Wpedantic -Werror -fPIC -fvisibility=hidden \
        $cflags -shared -Wl,-z,defs -o "$so" \
        "$src/examples/custom_plugin/paginator_page.c" >&2 ||
        fail "cc could not build the example plugin"

check_plugin() {
        syms=$("$NM" -D --defined-only "$1" | awk '$2 != "A" { print $3 }')
        [ "$syms" = httpsrc_plugin_entry_v1 ] ||
                fail "$1 exports '$(echo "$syms" | tr '\n' ' ')', want only httpsrc_plugin_entry_v1"
        needed=$("$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
        for lib in $needed; do
                case $lib in
                libcurl* | librdkafka* | libyajl* | libhttpsrc*)
                        fail "$1 links $lib" ;;
                esac
        done
}
check_plugin "$so"

# The Makefile, same environment, separate directory.
if command -v make >/dev/null 2>&1; then
        mkdir -p "$out/make"
        cp "$src/examples/custom_plugin/paginator_page.c" \
                "$src/examples/custom_plugin/Makefile" "$out/make/"
        make -s -C "$out/make" CC="$CC" CFLAGS="-O2 -Werror" >&2 ||
                fail "make could not build the example plugin"
        check_plugin "$out/make/httpsrc-paginator_page.so"
fi

echo "$so"
