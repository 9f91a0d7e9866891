#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gicdiag on real snapshots from the lab and on generated machines: text,
# JSON, options, usage errors; and --dump, whose replay is byte-identical.
TS_COMPONENT=gicdiag
. "$top_srcdir/tests/ts/functions.sh"

GD="$top_builddir/gicdiag/gicdiag"
MK="$top_builddir/tests/tools/mkmachine"
D="$top_srcdir/tests/data"
M="$top_srcdir/tests/tools/machines"
TS_SNAPDIR="$TS_OUT/snap"
rm -rf "$TS_SNAPDIR"
mkdir -p "$TS_SNAPDIR"
S=$TS_SNAPDIR

real="qemu-efi-acpi-debian12 qemu-efi-dt-debian12 qemu-dt-debian12 qemu-dt-strict-debian12"
gen=""
for m in "$M"/gic-*.machine; do
	[ -f "$m" ] || continue
	n=${m##*/}
	n=${n%.machine}
	"$MK" "$m" "$S/$n" >/dev/null || echo "Bail out! mkmachine $m"
	[ "$n" = gic-4096 ] || gen="$gen $n"	# checked below, not in full
done

for r in $real; do
	ts_cmd "$r" "$GD" -s "$D/$r.tar.gz"
	ts_cmd "$r-json" "$GD" -s "$D/$r.tar.gz" --json
	ts_cmd "$r-verbose" "$GD" -s "$D/$r.tar.gz" -v
done
for g in $gen; do
	ts_cmd "$g" "$GD" -s "$S/$g"
	ts_cmd "$g-json" "$GD" -s "$S/$g" -J
done
# no GICv3 at all: an x86 MADT (no GICD), a GICv2 on DT and on ACPI, and
# on ACPI from firmware that leaves the GIC version 0 (not specified).
# NOT-AFFECTED with the reason, exit 0.
for n in x86-acpi gicv2-dt gicv2-acpi gicv2-acpi-v0; do
	"$MK" "$M/$n.machine" "$S/$n" >/dev/null || echo "Bail out! mkmachine $n"
	ts_cmd "$n" "$GD" -s "$S/$n"
	ts_cmd "$n-json" "$GD" -s "$S/$n" -J
	ts_cmd "$n-oneline" "$GD" -s "$S/$n" --oneline
done

R="$D/qemu-dt-debian12.tar.gz"
mkdir -p "$S/not-a-system/etc"
# tests/cases/gicdiag/: one command line each, with $GD (the tool), $R
# (the real DT snapshot), $D (tests/data) and $S (the machines above)
ts_cases
# each redistributor's JSON keys are the column names --help lists, in
# lower case, every one by default and in the same order
keys=$("$GD" --help | sed -n '/^Columns:/,/^$/s/^ *\([A-Z0-9_]*\)  .*/\1/p' |
	tr 'A-Z' 'a-z' | paste -sd' ')
printf '%s\n%s\n' "$keys" "$keys" >"$TS_OUT/json-keys.expected"
"$GD" -s "$R" -J | python3 -c '
import json, sys
for rd in json.load(sys.stdin)["redistributors"]:
    print(" ".join(rd))' >"$TS_OUT/json-keys.out" 2>&1
[ "$(echo "$keys" | wc -w)" -ge 15 ] &&
	diff -u "$TS_OUT/json-keys.expected" "$TS_OUT/json-keys.out" >"$TS_OUT/json-keys.diff"
ts_ok "JSON keys are the column names, every one by default" $? "$TS_OUT/json-keys.diff"

"$GD" -s "$S/gic-rotated-middle" record "$S/rec.json" >/dev/null 2>&1
rc=$?
cp -a "$S/gic-rotated-whole" "$S/rotated-recorded"
mkdir -p "$S/rotated-recorded/run/gic-kexec"
"$GD" -s "$S/gic-bootrec" record "$S/rotated-recorded/run/gic-kexec/boot.json"
"$GD" -s "$S/rotated-recorded" -J >"$TS_OUT/recorded.json" 2>&1
[ $rc = 0 ] && grep -q '"evidence": "boot-record"' "$TS_OUT/recorded.json" &&
	grep -q '"pend_source": "boot-record"' "$TS_OUT/recorded.json" &&
	! grep -q '"cpu": 0,' "$S/rec.json" && grep -q '"cpu": 1,' "$S/rec.json"
ts_ok "record: what is known goes in, the unknown stays out; read back as boot-record" $? "$TS_OUT/recorded.json"

# prometheus
"$GD" -s "$R" --prometheus "$S/gk.prom" >/dev/null
rc=$?
ts_cmd prometheus cat "$S/gk.prom"
[ $rc = 2 ] && [ "$(ls "$S" | grep -c 'gk.prom.tmp')" = 0 ]
ts_ok "prometheus file written whole, exit $rc" $?

# the finding codes: --help lists the verdict's table, gicdiag(8) explains
# each one, in the same order
"$GD" --help | sed -n '/^Findings:$/,/^$/s/^ \([A-Z0-9-]*\) .*/\1/p' \
	>"$TS_OUT/codes-help"
sed -n '/^\.SH FINDINGS/,/^\.SH /{/^\.TP/{n;s/^\.B \([A-Z0-9-]*\)$/\1/p;};}' \
	"$top_srcdir/man/gicdiag.8" >"$TS_OUT/codes-man"
[ "$(wc -l <"$TS_OUT/codes-help")" -gt 20 ] &&
	diff -u "$TS_OUT/codes-help" "$TS_OUT/codes-man" >"$TS_OUT/codes.diff"
ts_ok "every finding code of --help explained in gicdiag(8), in order" $? \
	"$TS_OUT/codes.diff"

# 4096 redistributors in 4 regions: every one walked, mapped to its CPU
# (MPIDR affinity beyond 16 CPUs) and found reserved
"$GD" -s "$S/gic-4096" -J >"$TS_OUT/gic-4096.json" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(grep -c '"reserved": "memreserve"' "$TS_OUT/gic-4096.json")" = 4096 ] &&
	grep -q '"cpu": 4095,' "$TS_OUT/gic-4096.json" &&
	grep -q '"evidence": "registers"' "$TS_OUT/gic-4096.json"
ts_ok "gic-4096: 4096 redistributors walked, mapped and reserved (exit $rc)" $? "$TS_OUT/gic-4096.json"

# The ring buffer lost the boot; this boot's journal kept it: a real
# journal file, written by systemd-journal-remote from export text made of
# a whole boot's kernel lines (gic-dt-noefi's) under this machine's boot id.
JR=${JOURNAL_REMOTE:-/lib/systemd/systemd-journal-remote}
J="$S/rotated-journal"
rm -rf "$J" && cp -a "$S/gic-rotated-whole" "$J"
mkdir -p "$J/var/log/journal/0123456789abcdef0123456789abcdef"
python3 - "$S/gic-dt-noefi/dev/kmsg" "$(cat "$J/proc/sys/kernel/random/boot_id")" \
	>"$S/journal.export" <<'PY'
import sys
boot = sys.argv[2].replace("-", "")
for n, line in enumerate(open(sys.argv[1])):
    if line.startswith(" "):
        continue
    head, text = line.rstrip("\n").split(";", 1)
    prio, seq, usec = head.split(",")[:3]
    print(f"__CURSOR=s=0;i={n + 1}\n__REALTIME_TIMESTAMP={1765000000000000 + int(usec)}\n"
          f"__MONOTONIC_TIMESTAMP={usec}\n_BOOT_ID={boot}\n_TRANSPORT=kernel\n"
          f"PRIORITY={int(prio) & 7}\nSYSLOG_FACILITY=0\nSYSLOG_IDENTIFIER=kernel\n"
          f"MESSAGE={text}\n")
PY
"$JR" -o "$J/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" \
	"$S/journal.export" >"$TS_OUT/journal-remote.log" 2>&1
"$GD" -s "$J" -J >"$TS_OUT/journal.json" 2>&1
rc=$?
grep -q '"evidence": "journal"' "$TS_OUT/journal.json" &&
	[ "$(grep -c '"pend_source": "journal"' "$TS_OUT/journal.json")" = 2 ] &&
	grep -q '"prop": "0x42590000"' "$TS_OUT/journal.json"
ts_ok "journal: the tables the ring buffer lost, from a real journal file (exit $rc)" $? "$TS_OUT/journal.json"
"$top_builddir/kexec/kexec" --sysroot "$J" --dry-run "$S/journal-load" \
	-l "$S/gic-rotated-whole/dev/kmsg" >/dev/null 2>"$TS_OUT/journal-load.err"
! grep -q "preflight" "$TS_OUT/journal-load.err"
ts_ok "journal: kexec's preflight knows the tables too" $? "$TS_OUT/journal-load.err"

# --dump: a snapshot of what was read; the replay prints the same bytes
replay() {	# NAME SYSROOT DEST
	local a b
	a=$("$GD" -s "$2" -J --dump "$3"; echo "exit $?")
	b=$("$GD" -s "$3" -J; echo "exit $?")
	[ "$a" = "$b" ] || { diff -u <(echo "$a") <(echo "$b") >"$TS_OUT/$1.diff"; return 1; }
}
replay dump-dir "$D/qemu-efi-dt-debian12.tar.gz" "$S/dump1"
ts_ok "dump to a directory replays byte for byte" $? "$TS_OUT/dump-dir.diff"
replay dump-tar "$S/dump1" "$S/dump2.tar.gz"
ts_ok "dump to a tar.gz replays byte for byte" $? "$TS_OUT/dump-tar.diff"
replay dump-journal "$J" "$S/dump-j"
[ $? = 0 ] && [ -s "$S/dump-j/var/log/journal.export" ] && [ ! -e "$S/dump-j/var/log/journal/0123456789abcdef0123456789abcdef" ]
ts_ok "dump: this boot's journal as export, replayed byte for byte" $? "$TS_OUT/dump-journal.diff"
replay dump-nosyms "$S/gic-rotated-middle" "$S/dump-nosyms"
[ $? = 0 ] && [ -e "$S/dump-nosyms/proc/kallsyms" ] && [ ! -s "$S/dump-nosyms/proc/kallsyms" ]
ts_ok "dump: a kallsyms without the symbols replays as such (empty)" $? "$TS_OUT/dump-nosyms.diff"
# kexec-tools >= 2.0.27 on a kernel with kexec_file_load: of the kernel's
# config the one line that says so, and the replay judges it the same
printf 'CONFIG_KEXEC=y\nCONFIG_KEXEC_FILE=y\nCONFIG_KEXEC_SIG=y\n' \
	>>"$S/gic-kexec-tools-2.0.32-kexec-file/boot/config-6.1.0-28-arm64"
replay dump-kconfig "$S/gic-kexec-tools-2.0.32-kexec-file" "$S/dump-kconfig"
[ $? = 0 ] && grep -q KEXEC-FILE-NONEFI <("$GD" -s "$S/dump-kconfig") &&
	[ "$(cat "$S/dump-kconfig/boot/config-6.1.0-28-arm64")" = CONFIG_KEXEC_FILE=y ]
ts_ok "dump: the kernel config's CONFIG_KEXEC_FILE line, replayed as KEXEC-FILE-NONEFI" $? "$TS_OUT/dump-kconfig.diff"

# The GIC driver's state in kernel memory (kallsyms, BTF, VMCOREINFO and
# the memory the unit test's generator lays out), on an aged machine
KM="$S/kmem-rotated"
rm -rf "$KM"
"$MK" -d "$M/kmem-rotated.machine" "$KM" >/dev/null &&
	"$top_builddir/tests/unit/test-kmem" --write-machine "$KM" ||
	echo "Bail out! kmem-rotated"
ts_cmd kmem-rotated "$GD" -s "$KM" --loader ours
replay dump-kmem "$KM" "$S/dump-kmem"
[ $? = 0 ] && [ "$(wc -l <"$S/dump-kmem/proc/kallsyms")" -lt 10 ]
ts_ok "dump: kernel memory, the kallsyms lines used, replayed byte for byte" $? "$TS_OUT/dump-kmem.diff"
"$GD" -s "$S/dump1" --dump "$S/dump1" >/dev/null 2>"$TS_OUT/exists.err"
[ $? = 3 ] && grep -q "exists already" "$TS_OUT/exists.err" &&
	[ "$(ls "$S" | grep -c 'dump1.tmp')" = 0 ]
ts_ok "refuses an existing destination, leaves nothing behind" $? "$TS_OUT/exists.err"
cmp -s <(tar -xzOf "$D/qemu-efi-dt-debian12.tar.gz" --wildcards '*/sys/firmware/fdt') \
	"$S/dump1/sys/firmware/fdt"
ts_ok "the device tree is copied as it is" $?
ts_finish
