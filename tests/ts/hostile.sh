#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile-input table (issue 16): every case of tests/hostile/cases.tsv
# makes one broken input from a good one (tests/hostile/gen.sh), runs one
# command on it and is one TAP line that holds only when all of these do:
#  - its output (command, stdout, stderr, exit status) is the golden
#    tests/expected/hostile/NAME: the exact error and exit code;
#  - stderr is at most one line, with no sanitizer report;
#  - it ended by itself (a hang on a loop or a FIFO is killed at 10 s);
#  - nothing was written: $OUT (the --dump, --dry-run, --prometheus or
#    record target) does not exist, and the case's directory is as it was;
#  - nothing was read outside the root: run again under strace, it never
#    named the CANARY (a FIFO outside the root that symlinks point at) nor
#    one of this host's system paths (/dev/mem, /proc/iomem, ...).
TS_COMPONENT=hostile
. "$top_srcdir/tests/ts/functions.sh"

GD="$top_builddir/gicdiag/gicdiag"
KX="$top_builddir/kexec/kexec"
EFT="$top_builddir/efitables"
MK="$top_builddir/tests/tools/mkmachine"
MACHINES="$top_srcdir/tests/tools/machines"
HOSTILE="$top_srcdir/tests/hostile"
W="$TS_OUT/w"
B="$W/good"
rm -rf "$W"
mkdir -p "$B"
. "$HOSTILE/gen.sh"

# the good inputs every case starts from
for m in gic-dt-noefi gic-dt-efi gic-acpi efi-basic gic-bootrec; do
	"$MK" "$MACHINES/$m.machine" "$B/$m" >/dev/null ||
		echo "Bail out! mkmachine failed on $m"
done
mkimage() {	# an arm64 Image: the 64-byte header, 1 MiB of code
	{
		printf '\x10\x00\x00\x14\0\0\0\0\0\0\0\0\0\0\0\0'
		printf '\0\0\x01\x02\0\0\0\0\x0a\0\0\0\0\0\0\0'
		printf '\0%.0s' $(seq 24)
		printf 'ARM\x64\0\0\0\0'
		head -c 1048576 /dev/zero
	} >"$1"
}
mkimage "$B/Image"
gzip -c -n "$B/Image" >"$B/Image.gz"
printf '070701%.0s' $(seq 1000) >"$B/initrd"
python3 "$HOSTILE/mut.py" pe "$B/uki.efi" .linux="$B/Image" \
	.initrd="$B/initrd"
python3 "$HOSTILE/mut.py" elf "$B/vmlinux" "$B/Image"
cp "$B/gic-dt-noefi/sys/firmware/fdt" "$B/fdt"
cp "$B/gic-dt-noefi/dev/kmsg" "$B/kmsg"
mkfifo "$W/CANARY"

# Paths a tool on a snapshot must never name: this host's own evidence.
HOSTPATHS='"(/dev/mem|/dev/kmsg|/proc/iomem|/proc/kcore|/proc/kallsyms|/proc/cmdline|/proc/device-tree|/sys/firmware|/sys/kernel|/run/gic-kexec|/var/log/journal)'

# confined CASE-DIR CMD...: whether CMD names no host path nor the canary
confined() {
	local c=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 10 strace -f -qq -o "$c.strace" -e trace=%file,openat2 \
		"$@" >/dev/null 2>&1
	# libefivar's constructor asks whether this host has EFI variables
	# (a tarball's symlink is made in its extraction, never followed)
	grep -Ev '"/sys/firmware/efi/(efivars|vars)/"|symlinkat\(|unlink' \
		"$c.strace" |
		grep -E "CANARY|$HOSTPATHS"
	[ $? = 1 ]
}

SANITIZER='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'
declare -A KINDS

hostile_case() {	# NAME KIND PREP CMD
	local name=$1 kind=$2 prep=$3 cmd=$4 C=$W/c/$1 out=$TS_OUT/$1 rc why=
	local OUT=$W/c/$1/out R=$W/c/$1/root
	KINDS[$kind]=$((${KINDS[$kind]:-0} + 1))
	ts_compared "$name"
	mkdir -p "$C"
	# a tarball is extracted under TMPDIR: left behind, it is a write
	mkdir -p "$C/tmp"
	if ! (cd "$C" && eval "$prep") >"$out.prep" 2>&1; then
		ts_ok "$name ($kind): the input is made" 1 "$out.prep"
		return
	fi
	(cd "$C" && find . -mindepth 1 -path ./out -prune -o \
		-type d -printf '%p d\n' -o -printf '%p %y %s %T@\n' | sort) >"$out.before"
	eval "set -- $cmd"
	(cd "$C" && TMPDIR=$C/tmp exec timeout 10 "$@") >"$out.stdout" 2>"$out.stderr"
	rc=$?
	{
		echo "\$ $cmd"
		cat "$out.stdout"
		if [ -s "$out.stderr" ]; then
			echo "--- stderr"
			cat "$out.stderr"
		fi
		echo "--- exit $rc"
	} | sed -e "s|$W|W|g" -e "s|$top_builddir/||g" \
		-e "s|$top_srcdir/||g" >"$out"
	[ "${TS_REGEN:-}" = 1 ] && cp "$out" "$TS_EXPECTED/$name"
	diff -u "$TS_EXPECTED/$name" "$out" >"$out.diff" 2>&1 ||
		why="$why golden"
	[ $rc = 124 ] && why="$why hung"
	# one error line; a usage error adds the usual "Try '... --help'"
	# and a warning or note may precede it
	[ "$(grep -Evc "^Try '|^[a-z]+: (warning|note): " "$out.stderr")" -le 1 ] ||
		why="$why stderr-lines"
	grep -Eq "$SANITIZER" "$out.stderr" && why="$why sanitizer"
	# a refusal (an error, nothing on stdout) writes nothing; a verdict
	# may write its dump, and nothing else
	if [ $rc != 0 ] && [ ! -s "$out.stdout" ]; then
		[ -e "$OUT" ] && why="$why wrote-OUT"
	else
		rm -rf "$OUT"
	fi
	(cd "$C" && find . -mindepth 1 -path ./out -prune -o \
		-type d -printf '%p d\n' -o -printf '%p %y %s %T@\n' | sort) >"$out.after"
	diff "$out.before" "$out.after" >>"$out.diff" || why="$why wrote"
	(cd "$C" && TMPDIR=$C/tmp confined "$out" "$@") >>"$out.diff" ||
		why="$why outside-root"
	if [ -n "$why" ]; then
		echo "failed:$why" >>"$out.diff"
		ts_ok "$name ($kind)" 1 "$out.diff"
	else
		ts_ok "$name ($kind)" 0
	fi
}

while IFS=$'\t' read -r name kind prep cmd; do
	case $name in '#'* | '') continue ;; esac
	hostile_case "$name" "$kind" "$prep" "$cmd"
done <"$HOSTILE/cases.tsv"

for k in $(printf '%s\n' "${!KINDS[@]}" | sort); do
	TAP_FINISH_NOTE="${TAP_FINISH_NOTE:+$TAP_FINISH_NOTE, }$k ${KINDS[$k]}"
done
TAP_FINISH_NOTE="cases per input kind: $TAP_FINISH_NOTE"
ts_finish
