#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gicdiag --kmsg on every form `journalctl -o FORMAT` prints a journal in.
# The journal is a real one, made and printed by systemd's own tools:
# kmsg2export.py writes two boots of a lab guest's kernel log (the first
# with its LPI pending tables elsewhere) and, in the last boot, entries of
# other programs that print LPI lines, in the journal export format;
# systemd-journal-remote makes a journal file of it; journalctl prints it
# in each format, with -k (the last boot's kernel messages) and without
# (both boots, every program). On every form gicdiag must say, byte for
# byte, what it says on the last boot's own /dev/kmsg records, whose facts
# (verdicts, tables, findings) are in tests/expected/klog/gicdiag; the
# forms that keep every byte must give the messages of
# tests/expected/klog/messages.
TS_COMPONENT=klog
. "$top_srcdir/tests/ts/functions.sh"

GD="$top_builddir/gicdiag/gicdiag"
MK="$top_builddir/tests/tools/mkmachine"
DUMP="$top_builddir/tests/tools/klogdump"
W="$TS_OUT/work"
formats="short short-full short-iso short-iso-precise short-precise
	short-monotonic short-unix short-delta with-unit cat verbose json
	json-pretty json-seq export"
lossless="json json-pretty json-seq export"
export TZ=UTC

JR=
for j in "$(command -v systemd-journal-remote)" \
	/lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
	[ -x "$j" ] && { JR=$j; break; }
done
[ -n "$JR" ] || {
	echo "Bail out! no systemd-journal-remote (Debian package systemd-journal-remote)"
	exit 1
}
command -v journalctl >/dev/null || { echo "Bail out! no journalctl (Debian package systemd)"; exit 1; }

echo "# $(journalctl --version | head -1)"

# The facts a kernel log decides, from gicdiag -J and its exit status:
# what the other sources say (and how) is for tests/ts/gicdiag.sh.
project() {
	python3 -c '
import json, sys

text = sys.stdin.read()
body, _, status = text.rpartition("--- exit ")
try:
    d = json.loads(body)
except ValueError:
    print(text, end="")
    sys.exit(0)
for t, v in sorted(d["targets"].items()):
    print("target", t, v["verdict"])
print("evidence", d["evidence"])
for r in d["redistributors"]:
    print("rd", *("%s=%s" % (k, json.dumps(r.get(k))) for k in
                  ("index", "cpu", "base", "lpis", "prop", "pend", "reserved")))
for f in d["findings"]:
    print("finding", f["code"], f["kexec"], f["kdump"], json.dumps(f["rd"]))
print("exit", status.strip())
'
}

# ts_log NAME LOG: gicdiag --kmsg LOG says what it says on the last boot's
# own records (kmsg.json), and that holds the expected facts
ts_log() {
	local name=$1 out=$TS_OUT/$1
	ts_compared gicdiag
	{ "$GD" -s "$W/machine" --kmsg "$2" -J 2>&1; echo "--- exit $?"; } >"$out.json"
	project <"$out.json" >"$out"
	[ "${TS_REGEN:-}" = 1 ] && [ "$name" = kmsg ] && cp "$out" "$TS_EXPECTED/gicdiag"
	{
		diff -u "$TS_EXPECTED/gicdiag" "$out" &&
			diff -u "$TS_OUT/kmsg.json" "$out.json"
	} >"$out.diff" 2>&1
	ts_ok "$name" $? "$out.diff"
}

# ts_messages NAME LOG: what klog reads in LOG, after the line that names
# the format, against tests/expected/klog/messages
ts_messages() {
	local name=$1 out=$TS_OUT/$1
	ts_compared messages
	{ "$DUMP" "$2" 2>&1; echo "--- exit $?"; } | sed 1d >"$out"
	[ "${TS_REGEN:-}" = 1 ] && [ "$name" = k-json-messages ] &&
		cp "$out" "$TS_EXPECTED/messages"
	diff -u "$TS_EXPECTED/messages" "$out" >"$out.diff" 2>&1
	ts_ok "$name" $? "$out.diff"
}

# journalctl's output, and its complaints where the diff will show them
jprint() {	# NAME OPTIONS...
	local name=$1
	shift
	journalctl --no-pager --file "$W/lab.journal" "$@" >"$W/$name" 2>"$W/$name.err" ||
		cat "$W/$name.err" >>"$W/$name"
}

rm -rf "$W"
mkdir -p "$W"
"$MK" "$top_srcdir/tests/tools/machines/gic-hidden-regs.machine" "$W/machine" >/dev/null ||
	echo "Bail out! mkmachine gic-hidden-regs"
tar -xzOf "$top_srcdir/tests/data/qemu-dt-debian12.tar.gz" --wildcards '*dev/kmsg' >"$W/boot2.kmsg"
sed 's/LPI pending table @0x00000000425/LPI pending table @0x00000000435/' \
	"$W/boot2.kmsg" >"$W/boot1.kmsg"
python3 "$top_srcdir/tests/tools/kmsg2export.py" "$W/boot1.kmsg" "$W/boot2.kmsg" \
	>"$W/lab.export" &&
	"$JR" --output="$W/lab.journal" "$W/lab.export" >"$W/remote.log" 2>&1 &&
	[ "$(journalctl --file "$W/lab.journal" -o cat | grep -c '^Booting Linux')" = 2 ]
ts_ok "systemd-journal-remote makes a journal of two boots" $? "$W/remote.log"

mkdir -p "$TS_EXPECTED"
ts_log kmsg "$W/boot2.kmsg"
# the test means something only if the first boot reads otherwise
jprint boot1.json -k -b -1 -o json
! cmp -s <("$GD" -s "$W/machine" --kmsg "$W/boot1.json" -J 2>&1) \
	<("$GD" -s "$W/machine" --kmsg "$W/boot2.kmsg" -J 2>&1) &&
	grep -q 'table @0x00000000435c0000' "$W/boot1.json"
ts_ok "the first boot alone tells another story" $?
jprint all.json -o json
[ "$(grep -c '"_BOOT_ID":"01b00700' "$W/all.json")" -gt 0 ] &&
	[ "$(grep -c '"_BOOT_ID":"01b00701' "$W/all.json")" -gt 0 ] &&
	grep '"_TRANSPORT":"stdout"' "$W/all.json" | grep -q 'LPI pending table'
ts_ok "without -k the journal holds both boots and other programs' LPI lines" $?

for f in $formats; do
	jprint "k.$f" -k -o "$f"
	ts_log "k-$f" "$W/k.$f"
done
# other programs' lines and the boot before: kept out by _TRANSPORT and
# _BOOT_ID, by the "kernel:" identifier and the last "Booting Linux"
# (cat names no program, so it is left out)
for f in $formats; do
	[ "$f" = cat ] && continue
	jprint "all.$f" -o "$f"
	ts_log "all-$f" "$W/all.$f"
done

# every byte of every message, the multi-line and binary ones too
for f in $lossless; do
	ts_messages "k-$f-messages" "$W/k.$f"
	ts_messages "all-$f-messages" "$W/all.$f"
done
# verbose prints binary messages as "[31B blob data]": they are left out
sed -e '/^messages /d' -e '/binary \\xff/d' "$TS_EXPECTED/messages" >"$W/messages.verbose"
for k in k all; do
	out=$TS_OUT/$k-verbose-messages
	{ "$DUMP" "$W/$k.verbose" 2>&1; echo "--- exit $?"; } | sed -e 1d -e '/^messages /d' >"$out"
	diff -u "$W/messages.verbose" "$out" >"$out.diff" 2>&1
	ts_ok "$k-verbose-messages" $? "$out.diff"
done
ts_finish
