#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where operators meet the tools: every unit and drop-in through
# systemd-analyze verify, the drop-ins' own command lines run on generated
# and real machines (warn-only vs blocking, by exit status), the crash
# kernel's capture, the hotplug re-arm, the udev rule and the bash
# completions as installed.
TS_COMPONENT=integration
. "$top_srcdir/tests/ts/functions.sh"

: "${gk_sbindir:?}" "${gk_libexecdir:?}" "${gk_bashcompletiondir:?}"
B=$top_builddir
D=$top_srcdir/tests/data
T=$TS_OUT/work
TS_SNAPDIR=$T
rm -rf "$T"
mkdir -p "$T/units" "$T/bin"
for tool in systemd-analyze udevadm bash unshare; do
	command -v $tool >/dev/null || { echo "Bail out! no $tool (Debian package systemd)"; exit 1; }
done
for u in kdump-tools.service kdump-tools-dump.service; do
	[ -f /lib/systemd/system/$u ] ||
		{ echo "Bail out! no /lib/systemd/system/$u (Debian package kdump-tools)"; exit 1; }
done
[ -f /usr/share/bash-completion/bash_completion ] ||
	{ echo "Bail out! no bash_completion (Debian package bash-completion)"; exit 1; }

export GICDIAG=$B/gicdiag/gicdiag
HELPER=$B/contrib/gic-kexec

# the units as installed, with the install paths moved to the build tree
relocate() {	# SRC DEST
	mkdir -p "$(dirname "$2")"
	sed -e "s|$gk_libexecdir/gic-kexec/gic-kexec|$HELPER|g" \
		-e "s|$gk_sbindir/gicdiag|$GICDIAG|g" "$1" >"$2"
}
for u in gic-kexec-boot.service gic-kexec-confirm.service gic-kexec-metrics.service \
	gic-kexec-rearm.service gic-kexec-metrics.timer; do
	f=$B/contrib/systemd/$u
	[ -f "$f" ] || f=$top_srcdir/contrib/systemd/$u
	relocate "$f" "$T/units/$u"
done
for host in kdump-tools kdump-tools-dump systemd-kexec kdump; do
	relocate "$B/contrib/systemd/$host.service.d/50-gic-kexec.conf" \
		"$T/units/$host.service.d/50-gic-kexec.conf"
done
cp /lib/systemd/system/kdump-tools.service /lib/systemd/system/kdump-tools-dump.service \
	/lib/systemd/system/systemd-kexec.service "$T/units/"
# kdump-utils (Fedora, RHEL) is not in Debian: its kdump.service's own
# [Service] settings, with a command that exists here
cat >"$T/units/kdump.service" <<'EOF'
[Unit]
Description=Crash recovery kernel arming (kdump-utils' settings)
[Service]
Type=oneshot
ExecCondition=/bin/sh -c 'grep -q -e "crashkernel" -e "fadump" /proc/cmdline'
ExecStart=/bin/true start
ExecStop=/bin/true stop
RemainAfterExit=yes
[Install]
WantedBy=multi-user.target
EOF

units="gic-kexec-boot.service gic-kexec-confirm.service gic-kexec-metrics.service gic-kexec-metrics.timer
gic-kexec-rearm.service kdump-tools.service kdump-tools-dump.service kdump.service
systemd-kexec.service"

# ---- systemd-analyze verify: every unit, every drop-in on its host unit
verify() {	# UNIT
	SYSTEMD_UNIT_PATH=$T/units: systemd-analyze verify --man=no "$T/units/$1" \
		>"$TS_OUT/verify-$1" 2>&1 && [ ! -s "$TS_OUT/verify-$1" ]
}
for u in $units; do
	verify "$u"
	ts_ok "systemd-analyze verify $u" $? "$TS_OUT/verify-$u"
done
# the drop-ins are really read: a broken command in one is reported
sed -i.good 's|^ExecStartPre=\(-\{0,1\}\)[^ ]*|ExecStartPre=\1/nonexistent/gic-kexec|' \
	"$T/units/kdump-tools.service.d/50-gic-kexec.conf"
! verify kdump-tools.service && grep -q /nonexistent/gic-kexec "$TS_OUT/verify-kdump-tools.service"
ts_ok "verify sees the kdump-tools drop-in (a broken command fails)" $? "$TS_OUT/verify-kdump-tools.service"
mv "$T/units/kdump-tools.service.d/50-gic-kexec.conf.good" "$T/units/kdump-tools.service.d/50-gic-kexec.conf"
cmp -s "$T/units/kdump-tools.service.d/50-gic-kexec.conf" "$T/units/kdump.service.d/50-gic-kexec.conf"
ts_ok "kdump-tools and kdump-utils get the same preflight" $?

# ---- the drop-ins' command lines, run as systemd would run them
M=$T/machines
mkdir -p "$M"
"$B/tests/tools/mkmachine" "$top_srcdir/tests/tools/machines/gic-kdump-crash-overlap.machine" \
	"$M/crash-overlap" >/dev/null || echo "Bail out! mkmachine"
CONF=$T/gic-kexec.conf
export GIC_KEXEC_CONF=$CONF GIC_KEXEC_RUNDIR=$T/run GIC_KEXEC_PMSG=$T/pmsg0

# dropin_cmd HOST: the ExecStartPre= of our drop-in on HOST.service
dropin_cmd() {
	sed -n 's/^ExecStartPre=//p' "$T/units/$1.service.d/50-gic-kexec.conf"
}
# run_dropin HOST SNAPSHOT [SETTING]: what systemd runs, and its verdict on
# the unit: a failing command without the "-" prefix fails the unit
run_dropin() {
	local cmd rc
	cmd=$(dropin_cmd "$1")
	printf '%s\n' ${3:+"$3"} >"$CONF"
	GIC_KEXEC_SYSROOT=$2 sh -c "${cmd#-}"
	rc=$?
	if [ $rc != 0 ] && [ "${cmd#-}" = "$cmd" ]; then
		echo "unit: failed (exit $rc)"
	else
		echo "unit: goes on (exit $rc)"
	fi
	return $rc
}
X=$M/crash-overlap
S=$D/qemu-efi-acpi-debian12.tar.gz
ts_cmd kdump-warn run_dropin kdump-tools "$X"
ts_cmd kdump-block run_dropin kdump-tools "$X" KDUMP_PREFLIGHT=block
ts_cmd kdump-block-quoted run_dropin kdump "$X" 'KDUMP_PREFLIGHT="block"  '
ts_cmd kdump-block-safe run_dropin kdump-tools "$S" KDUMP_PREFLIGHT=block
ts_cmd kdump-off run_dropin kdump-tools "$X" KDUMP_PREFLIGHT=off
ts_cmd kdump-bad-setting run_dropin kdump-tools "$X" KDUMP_PREFLIGHT=maybe
ts_cmd kexec-jump-block run_dropin systemd-kexec "$D/qemu-dt-debian12.tar.gz" KEXEC_PREFLIGHT=block
GIC_KEXEC_SYSROOT=$D/qemu-dt-debian12.tar.gz
printf 'KEXEC_PREFLIGHT=block\n' >"$CONF"
GIC_KEXEC_SYSROOT=$GIC_KEXEC_SYSROOT "$HELPER" preflight kexec >"$TS_OUT/kexec-helper" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "refusing" "$TS_OUT/kexec-helper"
ts_ok "the helper can block a kexec preflight; the systemd-kexec drop-in asks it not to" $? "$TS_OUT/kexec-helper"
unset GIC_KEXEC_SYSROOT
ts_cmd usage-preflight "$HELPER" preflight reboot

# ---- /etc/gic-kexec.conf by systemd's EnvironmentFile= rules, tricky files:
# what systemd would read is read; a line it cannot is named and ignored
conf_case() {	# NAME, the file on stdin: the kdump preflight of crash-overlap
	cat >"$CONF"
	GIC_KEXEC_SYSROOT=$X ts_cmd "conf-$1" "$HELPER" preflight kdump
}
# a quoted value over three lines holds the line that looks like a setting
conf_case quoted-lines <<'EOF'
KDUMP_PREFLIGHT=off
NOTE="blocking was tried:
KDUMP_PREFLIGHT=block
and undone"
EOF
# a backslash continues a line; blanks around the key and the value go
conf_case continued <<'EOF'
  ; kdump, by systemd's rules
  KDUMP_PREFLIGHT	=   bl\
ock   
EOF
# quoted parts join: "bl"'o'ck is block
conf_case joined <<'EOF'
# block it
KDUMP_PREFLIGHT="bl"'o'ck
EOF
# lines that are no assignment are named, file:line, and ignored: the
# last good one wins
conf_case unreadable <<'EOF'
KDUMP_PREFLIGHT=block
KDUMP_PREFLIGHT
export KDUMP_PREFLIGHT=off
KDUMP-PREFLIGHT=off
=off
EOF
# a quote left open swallows the rest of the file: named, none of it taken
conf_case open-quote <<'EOF'
KDUMP_PREFLIGHT=block
COREDIR="/var/crash
KDUMP_PREFLIGHT=off
EOF
# a comment is a whole line; a # after a value is part of it
conf_case hash-in-value <<'EOF'
KDUMP_PREFLIGHT=block # not off
EOF
# a path with a space, an escaped quote and a $ reaches the metrics timer
cat >"$CONF" <<EOF
PROMETHEUS_TEXTFILE="$T/prom dir/g\\"k\\\$.prom"
EOF
rm -rf "$T/prom dir"
GIC_KEXEC_SYSROOT=$S "$HELPER" metrics >"$TS_OUT/conf-metrics" 2>&1
[ -s "$T/prom dir/g\"k\$.prom" ]
ts_ok "conf: a quoted path with a space, \\\" and \\\$ is the metrics file's" $? "$TS_OUT/conf-metrics"

# ---- gic-kexec-confirm.service: its ExecStart on each kind of boot
# unit_result UNIT RC: success when RC is 0 or in SuccessExitStatus=
unit_result() {
	local ok
	ok=" 0 $(sed -n 's/^SuccessExitStatus=//p' "$T/units/$1") "
	case $ok in *" $2 "*) echo success ;; *) echo failed ;; esac
}
snapdir() {	# NAME KERNEL-LOG: a real snapshot with another kernel log
	mkdir -p "$M/$1"
	tar -xzf "$S" -C "$M/$1" --strip-components=1
	cat "$2" >"$M/$1/dev/kmsg"
}
snapdir reused "$D/qemu-efi-reused.dmesg"
snapdir lost "$D/qemu-dt-lost.dmesg"
snapdir nolog /dev/null
confirm_unit() {	# SNAPSHOT
	local cmd rc
	cmd=$(sed -n 's/^ExecStart=//p' "$T/units/gic-kexec-confirm.service")
	set -- $cmd
	"$1" --sysroot "$SNAP" "${@:2}"
	rc=$?
	echo "unit: $(unit_result gic-kexec-confirm.service $rc)"
	return $rc
}
for k in reused lost nolog; do
	SNAP=$M/$k ts_cmd confirm-$k confirm_unit
done
SNAP=$S ts_cmd confirm-cold confirm_unit

# ---- gic-kexec-boot.service: its ExecStart, here with a PATH since it
# writes /run/gic-kexec/boot.json only live; read back as the boot record
"$B/tests/tools/mkmachine" "$top_srcdir/tests/tools/machines/gic-sources-disagree.machine" \
	"$M/fresh" >/dev/null && cp -a "$M/fresh" "$M/aged" &&
	sed -i '/LPI\|redistributor/d' "$M/aged/dev/kmsg" || echo "Bail out! mkmachine"
cmd=$(sed -n 's/^ExecStart=//p' "$T/units/gic-kexec-boot.service")
set -- $cmd
"$1" --sysroot "$M/fresh" "${@:2}" "$M/aged/run/gic-kexec/boot.json" 2>"$TS_OUT/boot-unit.err"
rc=$?
"$GICDIAG" --sysroot "$M/aged" -J >"$TS_OUT/boot-unit.json" 2>&1
[ $rc = 0 ] && [ "$*" = "$GICDIAG record" ] &&
	grep -q '"boot-record": {' "$TS_OUT/boot-unit.json" &&
	[ "$(grep -c '"pend_source": "boot-record"' "$TS_OUT/boot-unit.json")" -ge 1 ]
ts_ok "gic-kexec-boot.service runs gicdiag record; the record stands in for lost lines" $? "$TS_OUT/boot-unit.json"

# ---- in the crash kernel: kdump-tools-dump.service's drop-in
rm -rf "$T/crash" "$T/run"
: >"$T/pmsg0"
export KDUMP_COREDIR=$T/crash
GIC_KEXEC_SYSROOT=$M/reused sh -c "$(dropin_cmd kdump-tools-dump | sed 's/^-//')" \
	>"$TS_OUT/capture.out" 2>&1
rc=$?
grep -q "^gic-kexec: crash kernel: REUSED: " "$TS_OUT/capture.out" && [ $rc = 0 ]
ts_ok "capture: one line, REUSED (exit $rc)" $? "$TS_OUT/capture.out"
saved=$(ls -d "$T"/crash/*/gicdiag-confirm.json 2>/dev/null)
stamp=${saved%/*}
stamp=${stamp##*/}
[[ $stamp =~ ^[0-9]{12}$ ]] && cmp -s "$saved" <("$GICDIAG" -s "$M/reused" -J confirm)
ts_ok "capture: gicdiag confirm --json beside the dump, in kdump-config's stamp directory ($stamp)" $?
grep -q "^gic-kexec: crash kernel: REUSED: " "$T/pmsg0"
ts_ok "capture: the line went to pstore (pmsg)" $?
[ "$(dropin_cmd kdump-tools-dump | cut -c1)" = - ]
ts_ok "capture: a failure does not stop the dump (ExecStartPre=-)" $?
mkdir -p "$T/ro" && chmod 555 "$T/ro"
KDUMP_COREDIR=$T/ro/crash GIC_KEXEC_SYSROOT=$M/lost "$HELPER" capture --kdump-tools \
	>"$TS_OUT/capture-ro.out" 2>&1
rc=$?
chmod 755 "$T/ro"
if [ "$(id -u)" = 0 ]; then	# root writes anywhere: a file in the way instead
	: >"$T/ro2"
	KDUMP_COREDIR=$T/ro2 GIC_KEXEC_SYSROOT=$M/lost "$HELPER" capture --kdump-tools \
		>"$TS_OUT/capture-ro.out" 2>&1
	rc=$?
fi
[ $rc = 1 ] && grep -q "crash kernel: LOST" "$TS_OUT/capture-ro.out" &&
	grep -q "could not save" "$TS_OUT/capture-ro.out"
ts_ok "capture: no room for the file still prints the line, exit 1" $? "$TS_OUT/capture-ro.out"
unset KDUMP_COREDIR
# kdump-utils: after the dump, beside the newest vmcore
mkdir -p "$T/vc/a" "$T/vc/b" "$T/vc/c"
: >"$T/vc/a/vmcore"; : >"$T/vc/b/vmcore-incomplete"; : >"$T/vc/c/notes"
touch -d '2026-01-01' "$T/vc/a"; touch -d '2026-01-02' "$T/vc/b"; touch -d '2026-01-03' "$T/vc/c"
"$HELPER" beside-vmcore "$T/vc" >"$TS_OUT/beside.out" 2>&1 &&
	cmp -s "$T/vc/b/gicdiag-confirm.json" "$T/run/confirm.json" &&
	[ ! -e "$T/vc/a/gicdiag-confirm.json" ] && [ ! -e "$T/vc/c/gicdiag-confirm.json" ]
ts_ok "beside-vmcore: the newest directory holding a vmcore" $? "$TS_OUT/beside.out"
ts_cmd beside-none "$HELPER" beside-vmcore "$T/vc/c"

# ---- re-arm after hotplug: repeat what our kexec loaded
SR=$T/sr
mkdir -p "$SR/sys/kernel" "$SR/sys/devices/system/cpu" "$T/cwd"
echo 0-3 >"$SR/sys/devices/system/cpu/online"
cat >"$T/bin/kexec" <<'EOF'
#!/bin/sh
{ printf '%s' "$PWD"; printf ' [%s]' "$@"; echo; } >>"$STUB_LOG"
exit ${STUB_KEXEC_RC:-0}
EOF
cat >"$T/bin/systemctl" <<'EOF'
#!/bin/sh
echo "systemctl $*" >>"$STUB_LOG"
[ "$3" = "$STUB_ACTIVE" ]
EOF
chmod +x "$T/bin/kexec" "$T/bin/systemctl"
mkdir -p "$T/run"
printf '%s\0' "$T/cwd" -p Image.gz --initrd initrd.img \
	--append "console=ttyAMA0 nr_cpus=1" >"$T/run/crash.args"
printf '%s\0' "$T/cwd" -l Image --reuse-cmdline >"$T/run/kexec.args"
rearm() {	# CRASH-LOADED KEXEC-LOADED [ACTIVE-UNIT]
	echo "$1" >"$SR/sys/kernel/kexec_crash_loaded"
	echo "$2" >"$SR/sys/kernel/kexec_loaded"
	: >"$T/stub.log"
	STUB_LOG=$T/stub.log STUB_ACTIVE=${3:-} PATH=$T/bin:$PATH KEXEC=$T/bin/kexec \
		GIC_KEXEC_SYSROOT=$SR "$HELPER" rearm
	local rc=$?
	grep -v "^systemctl" "$T/stub.log" | sed "s|$T|T|g"
	return $rc
}
ts_cmd rearm-crash rearm 1 0
ts_cmd rearm-both rearm 1 1
ts_cmd rearm-kdump-tools rearm 1 0 kdump-tools.service
ts_cmd rearm-nothing-loaded rearm 0 0
STUB_KEXEC_RC=1 ts_cmd rearm-fails rearm 1 0
# the udev rule starts the rearm unit, which exists, for CPU and memory
rule=$top_srcdir/contrib/udev/98-gic-kexec.rules
run=$(sed -n 's/.*RUN+="\([^"]*\)".*/\1/p' "$rule")
: >"$T/stub.log"
STUB_LOG=$T/stub.log sh -c "${run/\/bin\/systemctl/$T/bin/systemctl}"
[ "$(cat "$T/stub.log")" = "systemctl --no-block start gic-kexec-rearm.service" ] &&
	[ -f "$T/units/gic-kexec-rearm.service" ] &&
	grep -q 'SUBSYSTEM=="cpu", ACTION=="add|remove|online|offline"' "$rule" &&
	grep -q 'SUBSYSTEM=="memory", ACTION=="online|offline"' "$rule"
ts_ok "udev rule: CPU and memory hotplug start gic-kexec-rearm.service" $?
# ... and as udev itself reads it (udevadm test, in a mount namespace where
# our rule is the only local one and /run is private)
udev_run() {	# ACTION DEVPATH RUNDIR-EXISTS
	"${NS[@]}" sh -c '
		mount -t tmpfs gk-rules /etc/udev/rules.d &&
		cp "$1" /etc/udev/rules.d/ && mount -t tmpfs gk-run /run &&
		{ [ "$4" = no ] || mkdir /run/gic-kexec; } &&
		udevadm test --action="$2" "$3" 2>&1' sh "$rule" "$@" |
		sed -n "s/^run: '\(.*gic-kexec.*\)'$/\1/p"
}
if [ "$(id -u)" = 0 ]; then NS=(unshare -m --propagation private); else NS=(unshare -r -m --propagation private); fi
udev_ok() {	# WANT ACTION DEVPATH RUNDIR-EXISTS
	local got
	got=$(udev_run "$2" "$3" "$4")
	[ "$got" = "$1" ] || { echo "udevadm test --action=$2 $3 (/run/gic-kexec: $4): '$got'"; return 1; }
}
want="/bin/systemctl --no-block start gic-kexec-rearm.service"
{
	udev_ok "$want" online /sys/devices/system/cpu/cpu0 yes &&
		udev_ok "$want" offline /sys/devices/system/cpu/cpu0 yes &&
		udev_ok "$want" online /sys/devices/system/memory/memory0 yes &&
		udev_ok "" change /sys/devices/system/cpu/cpu0 yes &&
		udev_ok "" online /sys/devices/system/cpu/cpu0 no
} >"$TS_OUT/udevadm.out" 2>&1
ts_ok "udevadm test: CPU and memory on/offline start the rearm unit, other events and an empty /run/gic-kexec do not" $? "$TS_OUT/udevadm.out"

# ---- bash completions, as installed, through bash-completion's loader
rm -rf "$T/root"
make -s -C "$B" install DESTDIR="$T/root" >"$TS_OUT/install.log" 2>&1 ||
	echo "Bail out! make install DESTDIR"
# the tools as installed come first in PATH: the -o columns are their --help's
complete_words() {	# WORD... (the last one is completed)
	PATH=$T/root$gk_sbindir:$PATH \
		XDG_DATA_DIRS=${COMPDIR%/bash-completion/completions} bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		_completion_loader "$1" 2>/dev/null
		complete -p "$1" >/dev/null || exit 1
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		f=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\).*/\1/p")
		"$f" "$1" "${@: -1}" "${@: -2:1}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$@"
}
COMPDIR=$T/root$gk_bashcompletiondir
for c in kexec gicdiag efitables; do
	[ -f "$COMPDIR/$c" ]
	ts_ok "completion for $c installed in bash-completion's directory" $?
done
ts_cmd complete-gicdiag-target complete_words gicdiag -t k
ts_cmd complete-gicdiag-columns complete_words gicdiag -o RD,PE
ts_cmd complete-gicdiag-command complete_words gicdiag --json co
ts_cmd complete-gicdiag-option complete_words gicdiag --on
ts_cmd complete-efitables-columns complete_words efitables memreserve -o B
ts_cmd complete-kexec-lpi complete_words kexec --lpi-reserve a
ts_cmd complete-kexec-option complete_words kexec --load-p
ts_cmd complete-efitables-command complete_words efitables m
# -o +COL adds to the defaults; --opt=value as one word, or as the three
# words bash makes of it where COMP_WORDBREAKS has "="
ts_cmd complete-gicdiag-columns-add complete_words gicdiag -o +CPU,PE
ts_cmd complete-gicdiag-output-eq complete_words gicdiag --output=+PR
ts_cmd complete-gicdiag-target-eq complete_words gicdiag --target = k
ts_cmd complete-efitables-columns-add complete_words efitables -o +N
ts_cmd complete-efitables-check-eq complete_words efitables check --output=RANGE,C
ts_cmd complete-kexec-lpi-eq complete_words kexec --lpi-reserve=a
ts_cmd complete-kexec-lpi-split complete_words kexec --lpi-reserve = n
ts_cmd complete-kexec-ckr complete_words kexec --pri
ts_finish
