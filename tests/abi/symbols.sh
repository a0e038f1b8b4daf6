#!/bin/sh
# Symbol leak test: every symbol libhttpsrc.so exports must be httpsrc_*
# (the version script's only pattern), in an HTTPSRC_* version node.
# Usage: symbols.sh path/to/libhttpsrc.so
set -eu
lib=${1:?usage: symbols.sh LIBRARY}
NM=${NM:-nm}

# The version node names themselves appear as absolute ('A') symbols.
syms=$("$NM" -D --defined-only "$lib" | awk '$2 != "A" { print $3 }')
if [ -z "$syms" ]; then
        echo "$lib: exports no symbols at all" >&2
        exit 1
fi
status=0
for s in $syms; do
        name=${s%%@*}
        case $name in
        httpsrc_*) ;;
        *)
                echo "$lib: exports $s, which is not httpsrc_*" >&2
                status=1
                continue
                ;;
        esac
        case $s in
        *@*) # nm shows versions: they must be ours
                case $s in
                *@HTTPSRC_*) ;;
                *)
                        echo "$lib: $s is not in an HTTPSRC_* version node" >&2
                        status=1
                        ;;
                esac
                ;;
        esac
done
[ $status -eq 0 ] && echo "$(echo "$syms" | wc -l) symbols, all httpsrc_*"
exit $status
