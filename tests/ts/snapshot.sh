#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gk-snapshot: a snapshot of a machine replays efitables byte for byte,
# and holds only the memory that was read.
TS_COMPONENT=snapshot
. "$top_srcdir/tests/ts/functions.sh"

EFT="$top_builddir/efitables"
MK="$top_builddir/tests/tools/mkmachine"
SNAP="$top_builddir/tests/tools/gk-snapshot"
W="$TS_OUT/work"
rm -rf "$W"
mkdir -p "$W"

machines="efi-basic efi-virt misaligned-entry broken-loop dt-noefi"
set -- $machines
ts_plan $(($# * 2 + 3))

# same stdout, stderr and exit status, file names aside
same() {	# NAME ARGS...
	local name=$1 a b
	shift
	a=$("$EFT" --sysroot "$W/$name" "$@" 2>&1; echo "rc=$?")
	b=$("$EFT" --sysroot "$W/$name.snap" "$@" 2>&1; echo "rc=$?")
	a=${a//$W\/$name\//}
	b=${b//$W\/$name.snap\//}
	b=${b//dev\/mem.d:/dev\/mem:}	# the memory file's own name
	[ "$a" = "$b" ] && return 0
	diff -u <(echo "$a") <(echo "$b") >"$TS_OUT/$name.diff"
	return 1
}

for m in $machines; do
	"$MK" "$top_srcdir/tests/tools/machines/$m.machine" "$W/$m" >/dev/null
	"$SNAP" --sysroot "$W/$m" "$W/$m.snap" >"$TS_OUT/$m.log" 2>&1
	same "$m" list
	ts_ok "$m: list replays" $? "$TS_OUT/$m.diff"
	same "$m" memreserve -J
	ts_ok "$m: memreserve replays" $? "$TS_OUT/$m.diff"
done

# only what was read: a few pages, not the generator's whole image
bytes=$(cat "$W"/efi-basic.snap/dev/mem.d/* | wc -c)
[ -d "$W/efi-basic.snap/dev/mem.d" ] && [ ! -e "$W/efi-basic.snap/dev/mem" ] &&
	[ "$bytes" -gt 0 ] && [ "$bytes" -lt 16384 ]
ts_ok "efi-basic: captured $bytes bytes of memory" $?

"$SNAP" --sysroot "$W/efi-basic" "$W/efi-basic.snap" >/dev/null 2>"$TS_OUT/exists.err"
[ $? = 1 ] && grep -q "File exists" "$TS_OUT/exists.err"
ts_ok "refuses to write into an existing directory" $? "$TS_OUT/exists.err"

cmp -s "$W/efi-basic/proc/iomem" "$W/efi-basic.snap/proc/iomem" &&
	cmp -s "$W/efi-basic/sys/firmware/fdt" "$W/efi-basic.snap/sys/firmware/fdt" &&
	cmp -s "$W/efi-basic/dev/kmsg" "$W/efi-basic.snap/dev/kmsg"
ts_ok "files and kernel log copied as they are" $?
ts_finish
