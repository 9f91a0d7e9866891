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

ts_cmd list "$EFT" --sysroot "$S/efi-basic"
ts_cmd list-json "$EFT" --sysroot "$S/efi-basic" list --json
ts_cmd list-all-raw "$EFT" -s "$S/efi-basic" -r --output-all
ts_cmd list-virt "$EFT" -s "$S/efi-virt" list
ts_cmd list-nomap "$EFT" -s "$S/efi-nomap" list
ts_cmd memreserve "$EFT" --sysroot "$S/efi-basic" memreserve
ts_cmd memreserve-json "$EFT" --sysroot "$S/efi-basic" memreserve --json
ts_cmd memreserve-bytes-json "$EFT" -s "$S/efi-basic" memreserve -J -b
ts_cmd memreserve-cols "$EFT" -s "$S/efi-basic" memreserve -n -r -o BASE,SIZE
ts_cmd memreserve-plus "$EFT" -s "$S/efi-basic" memreserve -o +SLOT
ts_cmd memreserve-cols-json "$EFT" -s "$S/efi-basic" memreserve -J -o base,SLOT
ts_cmd memreserve-memdir "$EFT" -s "$S/efi-basic-memdir" memreserve --json
ts_cmd memreserve-tarball "$EFT" -s "$S/efi-basic.tar.gz" memreserve
ts_cmd tarball-bad "$EFT" -s "$S/efi-basic/proc/iomem" list
ts_cmd memreserve-virt "$EFT" -s "$S/efi-virt" memreserve
ts_cmd memreserve-fromlog "$EFT" -s "$S/efi-nosystab" memreserve
ts_cmd memreserve-odd "$EFT" -s "$S/misaligned-entry" memreserve --output-all
ts_cmd check-covered "$EFT" -s "$S/efi-basic" check 0x425b0000+64K 0x425c0000+0x20000
ts_cmd check-partly "$EFT" -s "$S/efi-basic" check 0x425d8000+64K
ts_cmd check-uncovered "$EFT" -s "$S/efi-basic" check 0x50000000+4K
ts_cmd check-json "$EFT" -s "$S/efi-basic" check -J 0x425b0000 0x60000000
ts_cmd broken-loop "$EFT" -s "$S/broken-loop" memreserve
ts_cmd broken-count "$EFT" -s "$S/broken-count" memreserve
ts_cmd broken-next-out-of-ram "$EFT" -s "$S/broken-next-out-of-ram" memreserve
ts_cmd broken-truncated "$EFT" -s "$S/broken-truncated" memreserve
ts_cmd broken-misaligned-block "$EFT" -s "$S/broken-misaligned-block" memreserve
ts_cmd broken-no-memreserve "$EFT" -s "$S/broken-no-memreserve" check 0x425b0000
ts_cmd broken-systab-signature "$EFT" -s "$S/broken-systab-signature" list
ts_cmd dt-noefi "$EFT" -s "$S/dt-noefi" memreserve
ts_cmd no-sysroot "$EFT" -s "$S/does-not-exist" list
# real snapshots captured in the arm64 lab (tests/data)
D="$top_srcdir/tests/data"
for r in qemu-efi-acpi-debian12 qemu-efi-dt-debian12 qemu-dt-debian12; do
	ts_cmd "real-$r-list" "$EFT" -s "$D/$r.tar.gz" list
	ts_cmd "real-$r-memreserve" "$EFT" -s "$D/$r.tar.gz" memreserve -J
done
ts_cmd real-check "$EFT" -s "$D/qemu-efi-acpi-debian12.tar.gz" check 0x401b0000+64K 0x401c0000+64K 0x401d0000+64K 0x401e0000+64K
ts_cmd usage-option "$EFT" --frobnicate
ts_cmd usage-command "$EFT" -s "$S/efi-basic" frobnicate
ts_cmd usage-check "$EFT" -s "$S/efi-basic" check
ts_cmd usage-range "$EFT" -s "$S/efi-basic" check 0x1000+0
ts_cmd usage-column "$EFT" -s "$S/efi-basic" memreserve -o BASE,NOPE
ts_cmd usage-extra "$EFT" -s "$S/efi-basic" memreserve 0x1000
ts_cmd usage-json-raw "$EFT" -s "$S/efi-basic" list -J -r
ts_finish
