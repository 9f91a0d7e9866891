#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real tools run confined (lib/confine.h): gicdiag (snapshot and live),
# efitables and kexec --sysroot --dry-run, each asked through the test-only
# GK_CONFINE_SELFTEST to make one forbidden call once confined, must say it
# was refused; with GK_CONFINE=off the same call is allowed (the hook tells
# the difference), and what a tool prints is the same either way.
TS_COMPONENT=confine
. "$top_srcdir/tests/ts/functions.sh"

GD="$top_builddir/gicdiag/gicdiag"
EFT="$top_builddir/efitables"
KX="$top_builddir/kexec/kexec"
MK="$top_builddir/tests/tools/mkmachine"
M="$top_srcdir/tests/tools/machines"
D="$top_srcdir/tests/data"
S="$TS_OUT/snap"
rm -rf "$S"
mkdir -p "$S"
"$MK" "$M/gic-dt-noefi.machine" "$S/dt" >/dev/null || echo "Bail out! mkmachine"
{
	printf '\x10\x00\x00\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\0\0\0\0'
	printf '\x0a\0\0\0\0\0\0\0'
	printf '\0%.0s' $(seq 24)
	printf 'ARM\x64\0\0\0\0'
	head -c 65536 /dev/zero
} >"$S/Image"

# the Landlock ABI the kernel enforces, 0 when none
landlock=$(python3 -c 'import ctypes
l = ctypes.CDLL(None, use_errno=True)
print(max(l.syscall(444, None, 0, 1), 0))')

# selftest NAME WANT TOOL ARGS...: the tool's "selftest NAME: ..." line
selftest() {
	local name=$1 want=$2
	shift 2
	rm -rf "$S/out"
	GK_CONFINE_SELFTEST=$name "$@" >/dev/null 2>"$TS_OUT/err"
	grep -Eq "selftest $name: ($want)\$" "$TS_OUT/err"
}

# says_confined TOOL CMD...: "TOOL: confined: landlock ..., seccomp"
says_confined() {
	local tool=$1
	shift
	rm -rf "$S/out"
	GK_CONFINE=verbose "$@" 2>&1 >/dev/null |
		grep -Eq "^$tool: confined: landlock (ABI [0-9]+|none \(kernel\)), seccomp\$"
}

gd_snap=("$GD" -s "$D/qemu-dt-debian12.tar.gz")
eft_snap=("$EFT" -s "$D/qemu-efi-acpi-debian12.tar.gz")
kx_dry=("$KX" --sysroot "$S/dt" --dry-run "$S/out" -l "$S/Image")
for t in gd_snap eft_snap kx_dry; do
	declare -n cmd=$t
	tool=${cmd[0]##*/}
	# with an output declared, only Landlock keeps a write elsewhere out
	check "$tool ($t): write elsewhere refused once confined" \
		selftest write "Operation not permitted|Permission denied" "${cmd[@]}"
	for call in exec kexec mmap-exec; do
		check "$tool ($t): $call refused (EPERM) once confined" \
			selftest "$call" "Operation not permitted" "${cmd[@]}"
	done
	if [ "$landlock" -gt 0 ]; then
		check "$tool ($t): a read outside its inputs refused (Landlock ABI $landlock)" \
			selftest read-outside "Permission denied" "${cmd[@]}"
	else
		ok "$tool ($t): read outside its inputs # SKIP no Landlock in this kernel"
	fi
	check "$tool ($t): GK_CONFINE=off, the same mmap-exec allowed" \
		selftest mmap-exec allowed env GK_CONFINE=off "${cmd[@]}"
	rm -rf "$S/out"
	"${cmd[@]}" >"$TS_OUT/on.out" 2>"$TS_OUT/on.err"
	echo "exit $?" >>"$TS_OUT/on.out"
	rm -rf "$S/out"
	GK_CONFINE=off "${cmd[@]}" >"$TS_OUT/off.out" 2>"$TS_OUT/off.err"
	echo "exit $?" >>"$TS_OUT/off.out"
	check "$tool ($t): the same output confined or not" \
		cmp -s "$TS_OUT/on.out" "$TS_OUT/off.out"
	check "$tool ($t): GK_CONFINE=verbose says what applied" \
		says_confined "$tool" "${cmd[@]}"
done

# live, this machine (no GIC here: it still gathers, then says so): the
# write is refused, /dev/mem is no exception
check "gicdiag (live): write refused (EPERM) once confined" \
	selftest write "Operation not permitted" "$GD"
check "gicdiag (live): exec refused (EPERM) once confined" \
	selftest exec "Operation not permitted" "$GD"
finish
