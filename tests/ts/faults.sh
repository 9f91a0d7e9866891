#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection at every step of a load (issue 16): kexec -l and -p,
# dry runs on generated machines, with the n-th allocation or system call
# made to fail by tests/tools/faultinj.so, for every n up to a full load's
# count. After each: no crash, hang or sanitizer report; a failure is one
# line on stderr and leaves nothing (no dry-run directory, no temporary
# file in the run dir's parent or TMPDIR); a failure the load tolerates
# (exit 0) gives what the unfailed load gives; the previous load's
# manifest and arguments in the machine's /run/gic-kexec are unchanged
# byte for byte. One TAP line per (machine, mode, class), a diagnostic
# line per failing n. make check walks every n of the small machines and
# a stride of the tarball one; make check-faults (FAULTS_FULL=1) every n.
TS_COMPONENT=faults
. "$top_srcdir/tests/ts/functions.sh"

KX="$top_builddir/kexec/kexec"
MK="$top_builddir/tests/tools/mkmachine"
NK="$top_builddir/tests/tools/nokexec"
FI="$top_builddir/tests/tools/faultinj.so"
M="$top_srcdir/tests/tools/machines"
S="$TS_OUT/snap"
rm -rf "$S"
mkdir -p "$S"

# an arm64 Image as in kexec.sh: the 64-byte header and 1 MiB of code
{
	printf '\x10\x00\x00\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\0\0\0\0'
	printf '\x0a\0\0\0\0\0\0\0'
	printf '\0%.0s' $(seq 24)
	printf 'ARM\x64\0\0\0\0'
	head -c 1048576 /dev/zero
} >"$S/Image"
printf '070701%.0s' $(seq 1000) >"$S/initrd"

# the machines: device-tree ones with crash kernel memory (for -p too),
# and an EFI one as a tarball (the sysroot unpacks it into TMPDIR)
sed 's/^ram .*/&\ncrashkernel 0x5e000000 256M/' "$M/gic-dt-noefi.machine" \
	>"$S/dt.machine"
"$MK" "$S/dt.machine" "$S/dt" >/dev/null &&
	python3 "$top_srcdir/tests/tools/crashify.py" "$S/dt"
"$MK" "$M/gic-dt-efi.machine" "$S/efi" >/dev/null &&
	python3 "$top_srcdir/tests/tools/crashify.py" "$S/efi"

# a sanitizer's own malloc sits behind the shim's: allowed in this order
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# what a load gave, without what is random (kaslr-seed, rng-seed: the
# DTB's bytes, its size and CRC in the manifest, the purgatory's
# digests) and so may differ between two good loads; without a random
# seed (getrandom failed, tolerated) the DTB has none
result() {	# DIR: on stdout
	local f
	(cd "$1" 2>/dev/null && ls -l |
		awk '{ print $1, $9 ~ /dtb|manifest/ ? "-" : $5, $9 }')
	sed -e '/"what": "dtb"/,/crc32/{s/"crc32": ".*"/"crc32": "-"/}' \
		-e '/"what": "dtb"/,/crc32/{s/"\(bufsz\|memsz\)": .*/"\1": -/}' \
		-e 's/"entry": "0x[0-9a-f]*"/"entry": "-"/' "$1/manifest.json"
	dtc -q -I dtb -O dts "$1/next.dtb" | grep -v 'kaslr-seed\|rng-seed'
	for f in "$1"/*.bin; do
		case $f in *-dtb-* | *-purgatory-*) continue ;; esac
		cksum <"$f"
	done
}

# load ROOT MODE N CLASS: one dry run into $W/out with the N-th call of
# CLASS failing (N = 0: none); its status in $W/rc, what the shim counted
# in $W/count. TMPDIR is $W/tmp, so that a temporary file left shows.
load() {
	local root=$1 mode=$2
	rm -rf "$W/out" "$W/tmp"
	mkdir "$W/tmp"
	LD_PRELOAD=$FI FAULTINJ_PROG=kexec FAULTINJ_N=$3 FAULTINJ_CLASS=$4 \
		FAULTINJ_COUNT_FILE="$W/count" TMPDIR="$W/tmp" \
		timeout -k 5 60 "$NK" "$KX" --sysroot "$root" --dry-run "$W/out" \
		"$mode" "$S/Image" --initrd "$S/initrd" \
		--append "console=ttyAMA0" >"$W/stdout" 2>"$W/stderr"
	echo $? >"$W/rc"
}

# the previous load: a good one, its manifest and arguments where our
# kexec keeps them, the kernel saying an image is loaded
previous() {	# ROOT MODE: in the directory sysroot ROOT
	local name=kexec loaded=kexec_loaded
	[ "$2" = -p ] && name=crash loaded=kexec_crash_loaded
	load "$1" "$2" 0 all
	mkdir -p "$1/run/gic-kexec"
	cp "$W/out/manifest.json" "$1/run/gic-kexec/$name.json"
	echo "$2 $S/Image --append previous" >"$1/run/gic-kexec/$name.args"
	echo 1 >"$1/sys/kernel/$loaded"
}

# check N: what the run of load N broke, on stdout (nothing: all well)
check_run() {
	local rc n=$1 failed
	rc=$(cat "$W/rc")
	failed=$(sed -n 2p "$W/count" 2>/dev/null) # NAME OFFSET
	if [ "$rc" -ge 124 ]; then
		echo "n=$n ($failed): exit $rc (a signal or a hang)"
		return
	fi
	if grep -q 'Sanitizer\|runtime error' "$W/stderr"; then
		echo "n=$n ($failed): a sanitizer report"
		return
	fi
	# a dry run says on stderr what it would have asked the kernel: the
	# lines a live load does not print
	grep -v '^kexec: dry run: would ' "$W/stderr" >"$W/said"
	if [ "$rc" != 0 ]; then
		[ "$(wc -l <"$W/said")" = 1 ] ||
			echo "n=$n ($failed): exit $rc with $(wc -l <"$W/said") lines on stderr: $(head -c 300 "$W/said" | tr '\n' '|')"
		[ ! -e "$W/out" ] ||
			echo "n=$n ($failed): exit $rc, yet $W/out written"
	else
		result "$W/out" >"$W/result" 2>&1
		cmp -s "$W/result" "$W/good" ||
			echo "n=$n ($failed): exit 0 with another result:" \
				"$(diff "$W/good" "$W/result" | sed -n 2p)"
	fi
	[ -z "$(ls -A "$W/tmp")" ] ||
		echo "n=$n ($failed): left in TMPDIR: $(ls -A "$W/tmp" | tr '\n' ' ')"
	ls -A "$W" | grep -q 'tmp\.' &&
		echo "n=$n ($failed): left beside the dry-run directory: $(ls -A "$W" | grep 'tmp\.' | tr '\n' ' ')"
	state | cmp -s "$W/before" - ||
		echo "n=$n ($failed): the previous load's manifest, arguments or kexec_loaded changed"
}

# the previous load, byte for byte: the run dir and the kernel's flags
# (or the whole tarball)
state() {
	if [ -f "$R" ]; then
		sha256sum <"$R"
		return
	fi
	(cd "$R" && ls -lA run/gic-kexec &&
		sha256sum run/gic-kexec/* sys/kernel/kexec_loaded \
			sys/kernel/kexec_crash_loaded)
}

# walk NAME ROOT MODE CLASS STRIDE: every STRIDE-th n of the calls a full
# load counts, from 1; one TAP line
walk() {
	local name=$1 mode=$3 class=$4 stride=$5 count n walked=0 bad
	R=$2
	W="$S/w-$name$mode-$class"
	rm -rf "$W"
	mkdir -p "$W"
	state >"$W/before"
	load "$R" "$mode" 0 "$class"
	count=$(sed -n 1p "$W/count" 2>/dev/null)
	if [ "$(cat "$W/rc")" != 0 ] || [ -z "$count" ]; then
		not_ok "$name $mode $class: the unfailed load (exit $(cat "$W/rc"))"
		sed 's/^/# /' "$W/stderr"
		return
	fi
	result "$W/out" >"$W/good" 2>&1
	: >"$W/bad"
	for ((n = 1; n <= count; n += stride)); do
		load "$R" "$mode" "$n" "$class"
		check_run "$n" >>"$W/bad"
		walked=$((walked + 1))
	done
	TOTAL_RUNS=$((TOTAL_RUNS + walked))
	bad=$(cut -d' ' -f1 "$W/bad" | sort -u | wc -l)
	what="$name $mode $class: $count calls, the n-th failing for $walked n (stride $stride), $bad failing"
	ts_ok "$what" "$bad" "$W/bad"
}

TOTAL_RUNS=0
START=$(date +%s)
STRIDE=5
[ "${FAULTS_FULL:-}" = 1 ] && STRIDE=1
W="$S/prev"
mkdir -p "$W"
for mode in -l -p; do
	previous "$S/dt" "$mode"
	previous "$S/efi" "$mode"
done
for mode in -l -p; do
	for class in alloc sys; do
		walk dt "$S/dt" "$mode" "$class" 1
		walk efi "$S/efi" "$mode" "$class" "$STRIDE"
	done
done
TAP_FINISH_NOTE="$TOTAL_RUNS faulted loads in $(($(date +%s) - START)) s"
finish
