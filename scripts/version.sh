#!/bin/sh
# Print the library version from include/httpsrc/version.h: the one place it is written.
h="$(dirname "$0")/../include/httpsrc/version.h"
v() { sed -n "s/^#define HTTPSRC_VERSION_$1 \([0-9]*\)$/\1/p" "$h"; }
echo "$(v MAJOR).$(v MINOR).$(v PATCH)"
