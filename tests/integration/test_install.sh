#!/bin/bash
# The build as a user meets it (issue 11): installed, its pkg-config file
# gives only libhttpsrc's own -I (no yajl/curl/rdkafka include dirs leak from
# Requires.private), and httpsrc-connect carries an RPATH to its libdir for
# any --prefix but /usr (a custom prefix runs without LD_LIBRARY_PATH);
# uninstalled, httpsrc-connect finds the plugins built next to it when
# plugin.path is not set (the README's "Running connectors" as written).
. "$(dirname "$0")/lib.sh"

plan 5
need_bins "$HOST_BIN"
MESON=${MESON:-meson}
dest=$T/dest
"$MESON" install -C "$HTTPSRC_BUILD_ROOT" --no-rebuild --destdir "$dest" \
	>"$T/install.log" 2>&1
assert_eq "meson install --destdir" 0 "$?" || diag_file "$T/install.log"

pc=$(find "$dest" -name libhttpsrc.pc | head -n 1)
pcvar() { PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable="$1" libhttpsrc; }
prefix=$(pcvar prefix)
libdir=$(pcvar libdir)
includedir=$(pcvar includedir)
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags libhttpsrc | sed 's/ *$//')
# pkg-config drops -I/usr/include: with prefix /usr there is nothing to say.
[ "$includedir" = /usr/include ] && want_cflags="" || want_cflags="-I$includedir"
assert_eq "pkg-config --cflags libhttpsrc: its own include dir only" \
	"$want_cflags" "$cflags"
assert_eq "pkg-config --libs libhttpsrc: the library only" \
	"-L$libdir -lhttpsrc" \
	"$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --libs libhttpsrc | sed 's/ *$//')"

[ "$prefix" = /usr ] && want_rpath="" || want_rpath="$libdir"
rpath=$(readelf -d "$dest$prefix/bin/httpsrc-connect" |
	sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]$/\2/p')
assert_eq "installed httpsrc-connect: RPATH ${want_rpath:-none} (prefix $prefix)" \
	"$want_rpath" "$rpath"

# Uninstalled: no plugin.path, no HTTPSRC_PLUGIN_PATH.
{
	echo "bootstrap.servers=127.0.0.1:1"
	echo "offset.storage.file.filename=$OFFSETS"
	echo "listeners="
} >"$T/worker-noplugins.properties"
if [ -d "$libdir/httpsrc/plugins" ]; then
	ok "# SKIP $libdir/httpsrc/plugins exists: an installed copy would be found"
else
	env -u HTTPSRC_PLUGIN_PATH "$HOST_BIN" --describe-config \
		"$T/worker-noplugins.properties" >"$T/describe.md" 2>"$T/describe.err"
	assert_grep "from the build tree, the plugins next to it are found" \
		"**CURSOR**" "$T/describe.md" || diag_file "$T/describe.err"
fi
