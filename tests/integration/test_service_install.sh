#!/bin/bash
# meson install puts a service in place: the systemd unit (valid per
# systemd-analyze verify, TimeoutStopSec above the 30 s drain, reload =
# SIGHUP), the example worker and /etc/default file, httpsrc-connect(1)
# generated from --describe-config (every key of the key tables in it), and
# bash completion that completes the options and their values.
. "$(dirname "$0")/lib.sh"

plan 9
MESON=${MESON:-meson}
DEST=$T/dest
"$MESON" install -C "$HTTPSRC_BUILD_ROOT" --no-rebuild --destdir "$DEST" \
	>"$T/install.log" 2>&1 || bail_out "meson install failed: $(tail -5 "$T/install.log")"
intro() { # the installed path of a file named $1
	find "$DEST" -path "*$1" | head -n 1
}
UNIT=$(intro /systemd/system/httpsrc-connect.service)
WORKER=$(intro /httpsrc/worker.properties)
DEFAULT=$(intro /default/httpsrc-connect)
MAN=$(intro /man1/httpsrc-connect.1)
COMPL=$(intro /bash-completion/completions/httpsrc-connect)
BIN=$(intro /bin/httpsrc-connect)
assert_eq "installed: unit, worker, /etc/default file, man page, completion" \
	"yes yes yes yes yes" \
	"$(for f in "$UNIT" "$WORKER" "$DEFAULT" "$MAN" "$COMPL"; do [ -s "$f" ] && printf 'yes ' || printf 'no(%s) ' "$f"; done | sed 's/ $//')"

STOP=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' "$UNIT")
assert_eq "TimeoutStopSec is above the 30 s drain" yes \
	"$([ "${STOP:-0}" -gt 30 ] && echo yes || echo "no: '$STOP'")"
assert_grep "systemctl reload sends SIGHUP" \
	'ExecReload=/bin/kill -HUP $MAINPID' "$UNIT"
# The unit names the final paths; verify it against the staged binary.
PREFIX_BIN=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$UNIT")
mkdir -p "$T/units"
sed "s|^ExecStart=$PREFIX_BIN|ExecStart=$BIN|" "$UNIT" >"$T/units/httpsrc-connect.service"
if command -v systemd-analyze >/dev/null; then
	# Documentation=man:httpsrc-connect(1) must be found: the staged page.
	MANPATH=$(dirname "$(dirname "$MAN")") systemd-analyze verify \
		"$T/units/httpsrc-connect.service" >"$T/verify.out" 2>&1
	assert_eq "systemd-analyze verify: clean (no output, exit 0)" "0 " \
		"$? $(cat "$T/verify.out")"
else
	ok "# SKIP systemd-analyze not installed (apt package systemd)"
fi
assert_grep "the example worker stores offsets in the unit's StateDirectory" \
	"offset.storage.file.filename=/var/lib/httpsrc/connect.offsets" "$WORKER"

# Every key --describe-config prints is an entry of the man page.
write_worker "$T/w.properties"
"$HOST_BIN" --describe-config "$T/w.properties" |
	sed -n 's/^| `\([^`]*\)` |.*/\1/p' | sort -u >"$T/keys"
sed -n '/^\.TP$/{n;s/^\\fB\([^\\]*\)\\fR .*/\1/p}' "$MAN" | sed 's/\\e/\\/g' |
	sort -u >"$T/man-keys"
assert_files_eq "httpsrc-connect(1) documents exactly the keys of --describe-config" \
	"$T/keys" "$T/man-keys"
groff -man -Tutf8 -ww "$MAN" >"$T/man.txt" 2>"$T/groff.err"
assert_eq "the man page renders without a groff warning" "0 " \
	"$? $(head -3 "$T/groff.err")"

complete_words() { # WORDS...: what completing the last word offers
	bash -c 'shopt -s extglob; . "$1"; shift; COMP_WORDS=("$@");
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _httpsrc_connect;
		printf "%s " "${COMPREPLY[@]}"' _ "$COMPL" "$@" | sed 's/ $//'
}
assert_eq "completion: options" "--log-level --log-format" \
	"$(complete_words httpsrc-connect --log-)"
assert_eq "completion: --log-format's values" "text json" \
	"$(complete_words httpsrc-connect --log-format '')"
