#!/usr/bin/env bash
# The library's layout matches its build and its docs (issue 13): every
# source sits in a layer folder and is listed in that folder's meson.build
# (a file left out would not be built, silently), and README's "How it is
# built" names the layers in the order libhttpsrc/meson.build builds them.
# No meson.build skips a file that is missing (fs.exists guards).
. "$(dirname "$0")/lib.sh"
plan 4
lib=$HTTPSRC_SOURCE_ROOT/libhttpsrc

flat=$(cd "$lib" && ls -1 -- *.c *.h 2>/dev/null | tr '\n' ' ')
assert_eq "no source directly in libhttpsrc/ (each goes in its layer folder)" \
	"" "$flat"

unlisted=""
for d in "$lib"/*/; do
	for f in "$d"*.c; do
		[ -e "$f" ] || continue
		grep -qF "'$(basename "$f")'" "$d/meson.build" ||
			unlisted="$unlisted ${f#"$lib"/}"
	done
done
assert_eq "every .c of a layer folder is listed in its meson.build" "" "$unlisted"

built=$(sed -n "/^foreach layer : \[/,/\]/p" "$lib/meson.build" |
	grep -o "'[a-z]*'" | tr -d "'" | tr '\n' ' ')
documented=$(sed -n '/^### How it is built/,/^##/p' \
	"$HTTPSRC_SOURCE_ROOT/README.md" |
	sed -n 's#^- `libhttpsrc/\([a-z]*\)/`.*#\1#p' | tr '\n' ' ')
assert_eq "README 'How it is built' lists the layers as meson builds them" \
	"$built" "$documented"

guarded=$(cd "$HTTPSRC_SOURCE_ROOT" && grep -l "fs.exists" -- meson.build \
	*/meson.build */*/meson.build 2>/dev/null | tr '\n' ' ')
assert_eq "no meson.build drops a missing file silently (fs.exists)" "" "$guarded"
