#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sos report plugin (contrib/sos/gicdiag.py) under Debian 12's sos 4.0.
# sos loads plugins only from its own package, so the plugin goes into a
# scratch copy of that package; a generated machine is the --sysroot. The
# bundle must hold gicdiag's verdict, the snapshot it was judged from
# (whose replay prints the same bytes), confirm and efitables, all as a
# direct run prints them. Runs as root, or as a user in a user namespace.
TS_COMPONENT=sos
. "$top_srcdir/tests/ts/functions.sh"

GD="$top_builddir/gicdiag/gicdiag"
EFT="$top_builddir/efitables"
MK="$top_builddir/tests/tools/mkmachine"
PLUGIN="$top_srcdir/contrib/sos/gicdiag.py"
SOSPKG=/usr/lib/python3/dist-packages/sos

bail() {
	echo "Bail out! $*"
	exit 1
}

[ -x /usr/bin/sos ] && [ -x /usr/bin/python3 ] &&
	[ -f "$SOSPKG/report/plugins/__init__.py" ] ||
	bail "no /usr/bin/sos or $SOSPKG (Debian package sosreport)"
command -v tar >/dev/null || bail "no tar (Debian package tar)"
# sos report refuses to run unless its uid is 0: an ordinary user gets
# uid 0 in a user namespace of its own
ROOT=
if [ "$(id -u)" != 0 ]; then
	ROOT="unshare --map-root-user"
	$ROOT true 2>/dev/null ||
		bail "sos report needs root, or unshare --map-root-user for $(id -un) (Debian package util-linux)"
fi

W="$TS_OUT/work"
S="$W/snap"
rm -rf "$W"
mkdir -p "$W/py" "$W/bin" "$W/t" || bail "cannot create $W"
export TMPDIR="$W/t"	# gicdiag --dump stages there, so does a tar sysroot
cp -R "$SOSPKG" "$W/py/sos" || bail "cannot copy $SOSPKG"
cp "$PLUGIN" "$W/py/sos/report/plugins/gicdiag.py" || bail "no $PLUGIN"
ln -s "$GD" "$EFT" "$W/bin/" || bail "cannot link the tools into $W/bin"
"$MK" "$top_srcdir/tests/tools/machines/gic-dt-efi.machine" "$S" >/dev/null ||
	bail "mkmachine gic-dt-efi"

# /usr/bin/sos, except that sos sets its own PATH (the policy's:
# /usr/sbin:/usr/bin:...:/usr/local/sbin) before it runs anything: the
# build's tools go in front of it, as if installed there.
cat >"$W/sos-report.py" <<'EOF'
import os
import sys

import sos.policies
from sos import SoS

set_path = sos.policies.Policy._set_PATH
sos.policies.Policy._set_PATH = \
    lambda self, path: set_path(self, os.environ['GK_BIN'] + os.pathsep + path)
SoS(['report'] + sys.argv[1:]).execute()
EOF

sos_report() {	# TMPDIR ARGS...: sos report from the scratch copy
	local tmp=$1
	shift
	rm -rf "$tmp"
	mkdir -p "$tmp" &&
	(cd "$W/py" && GK_BIN="$W/bin" PYTHONPATH="$W/py" \
		$ROOT /usr/bin/python3 "$W/sos-report.py" --batch --tmp-dir "$tmp" "$@")
}

same() {	# NAME FILE CMD...: FILE is not empty and holds what CMD prints
	local name=$1 file=$2
	shift 2
	"$@" >"$TS_OUT/$name.want" 2>/dev/null
	if [ -s "$file" ] && cmp -s "$TS_OUT/$name.want" "$file"; then
		return 0
	fi
	diff -u "$TS_OUT/$name.want" "$file" >"$TS_OUT/$name.diff" 2>&1
	return 1
}

both() {	# CMD...: stdout and stderr, as sos collects them by default
	"$@" 2>&1
}

sos_report "$W/tmp" --only-plugins gicdiag --sysroot "$S" -z gzip \
	--label gktest >"$TS_OUT/report.out" 2>&1
rc=$?
set -- "$W"/tmp/sosreport-*gktest*.tar.gz
[ $rc = 0 ] && [ $# = 1 ] && [ -f "$1" ] && mkdir "$W/x" && tar -xzf "$1" -C "$W/x"
ts_ok "sos report -o gicdiag --sysroot: one archive (exit $rc)" $? "$TS_OUT/report.out"
B=$(echo "$W"/x/sosreport-*/sos_commands/gicdiag)

same json "$B/gicdiag.json" "$GD" --sysroot "$S" --json
ts_ok "gicdiag.json is gicdiag --sysroot --json" $? "$TS_OUT/json.diff"

tar -tzf "$B/gicdiag-snapshot.tar.gz" >"$TS_OUT/snapshot.list" 2>&1 &&
	grep -q '^dev/mem\.d/' "$TS_OUT/snapshot.list" &&
	cmp -s <(tar -xzOf "$B/gicdiag-snapshot.tar.gz" sys/firmware/fdt) \
		"$S/sys/firmware/fdt"
ts_ok "gicdiag-snapshot.tar.gz holds the registers and the device tree" $? \
	"$TS_OUT/snapshot.list"

same replay "$B/gicdiag.json" "$GD" --sysroot "$B/gicdiag-snapshot.tar.gz" --json
ts_ok "the snapshot from the bundle replays gicdiag.json byte for byte" $? \
	"$TS_OUT/replay.diff"

same text "$B/gicdiag" both "$GD" --sysroot "$S"
ts_ok "gicdiag is the text verdict" $? "$TS_OUT/text.diff"

same confirm "$B/gicdiag-confirm.json" "$GD" --sysroot "$S" --json confirm
ts_ok "gicdiag-confirm.json is gicdiag --json confirm" $? "$TS_OUT/confirm.diff"

same efitables "$B/efitables.json" "$EFT" --sysroot "$S" --json
ts_ok "efitables.json is efitables --sysroot --json" $? "$TS_OUT/efitables.diff"

# architectures = ('aarch64',) gates only the automatic enablement (-o
# above ran it here all the same): -l lists it inactive off aarch64
sos_report "$W/tmp-list" -l --sysroot "$S" >"$TS_OUT/list.out" 2>&1
state=$(awk '/currently enabled/ { s = "enabled" }
	/currently disabled/ { s = "disabled" }
	$1 == "gicdiag" { print s, (s == "disabled" ? $2 : "") }' "$TS_OUT/list.out")
arch=$(uname -m)
want="disabled inactive"
[ "$arch" = aarch64 ] && want="enabled "
[ "$state" = "$want" ]
ts_ok "sos report -l on $arch: gicdiag ${want% }" $? "$TS_OUT/list.out"

# without the plugin, the same run collects nothing for gicdiag
rm -f "$W/py/sos/report/plugins/gicdiag.py" \
	"$W"/py/sos/report/plugins/__pycache__/gicdiag.*
sos_report "$W/tmp-none" --only-plugins gicdiag --sysroot "$S" -z gzip \
	--label gknone >"$TS_OUT/none.out" 2>&1
rc=$?
found=$(find "$W/tmp-none" -path '*/sos_commands/gicdiag*'
	for a in "$W"/tmp-none/sosreport-*.tar.?z; do
		[ -f "$a" ] && tar -tf "$a" | grep 'sos_commands/gicdiag'
	done)
[ $rc != 0 ] && [ -z "$found" ]
ts_ok "without the plugin, -o gicdiag collects nothing (exit $rc)" $? \
	"$TS_OUT/none.out"
ts_finish
