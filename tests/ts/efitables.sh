#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# efitables on generated machines: every command and output mode, every
# broken variant (one-line error, exit 3), and the usage errors (exit 64).
TS_COMPONENT=efitables
. "$top_srcdir/tests/ts/functions.sh"

EFT="$top_builddir/efitables"
MK="$top_builddir/tests/tools/mkmachine"
MACHINES="$top_srcdir/tests/tools/machines"
TS_SNAPDIR="$TS_OUT/snap"
rm -rf "$TS_SNAPDIR"
mkdir -p "$TS_SNAPDIR"

gen() {	# NAME [mkmachine options]: generate a machine from its description
	local name=$1 desc=$MACHINES/$1.machine
	shift
	[ -f "$desc" ] || desc=$TS_OUT/$name.machine
	"$MK" "$@" "$desc" "$TS_SNAPDIR/$name" >/dev/null ||
		echo "Bail out! mkmachine failed on $desc"
}

# efi-basic with the system table not captured: the root comes from the log
sed -e 's/^systab .*/&\nuncapture 0x7ffd0000 0x1000/' \
	"$MACHINES/efi-basic.machine" >"$TS_OUT/efi-nosystab.machine"
for m in efi-basic efi-virt efi-nomap dt-noefi misaligned-entry efi-nosystab \
	broken-loop broken-count broken-next-out-of-ram broken-truncated \
	broken-misaligned-block broken-no-memreserve broken-systab-signature; do
	gen $m
done
"$MK" -d "$MACHINES/efi-basic.machine" "$TS_SNAPDIR/efi-basic-memdir" >/dev/null

S=$TS_SNAPDIR
tar -czf "$S/efi-basic.tar.gz" -C "$S" efi-basic
# real snapshots captured in the arm64 lab
D="$top_srcdir/tests/data"

# tests/cases/efitables/: one command line each, with $EFT (the tool),
# $S (the machines above) and $D (tests/data)
ts_cases
ts_finish
