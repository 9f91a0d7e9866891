#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the lab's initramfs (tests/e2e/PROTOCOL.md). With lab.scenario=NAME
# (and lab.stage=N, default 1) on the kernel command line it runs
# /lab/NAME/stageN.cmds, prints the @@LAB markers, exports, then does the
# stage's `next` action; without it, it gives an interactive shell.
# /bin/sh does not exist until `busybox --install -s`: hence /bin/busybox.
set -u
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev /tmp /run /mnt /root /bin /sbin /usr/bin /usr/sbin
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb mount -t tmpfs tmpfs /tmp
# as systemd does: /sys/kernel/security/lockdown tells kexec why it is refused
$bb mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || :
$bb --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/libexec/gk HOME=/root
cd /

upt() { read -r up _ </proc/uptime && echo "$up"; }
say() { echo "$*"; }

scen='' stage=1
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case $w in
	lab.scenario=*) scen=${w#*=} ;;
	lab.stage=*) stage=${w#*=} ;;
	esac
done
[ -n "$scen" ] && say "@@LAB begin scenario=$scen stage=$stage uptime=$(upt)"

# The virtio drivers are modules; eth0 with one DHCP try makes the NIC's
# MSIs go through the ITS.
while read -r m; do
	insmod "$m" || say "init: insmod $m failed"
done </lib/modules/load-order.$(uname -r)
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 20 ]; do
	sleep 0.1
	n=$((n + 1))
done
if [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up
	udhcpc -i eth0 -n -q -t 2 -T 1 </dev/null
else
	say "init: no eth0"
fi

if [ -z "$scen" ]; then
	say ""
	say "gic-kexec lab: no lab.scenario= on the command line, interactive shell."
	say "Tools: /usr/sbin/efitables /usr/libexec/gk/* /sbin/kexec /usr/sbin/makedumpfile; scenarios: /lab"
	say "Leave the shell to power off."
	setsid cttyhack sh
	sync
	poweroff -f
fi

dir=/lab/$scen
cmds=$dir/stage$stage.cmds
[ -f "$cmds" ] || say "init: no $cmds"
tab=$(printf '\t')
# Output goes to the console live through tee (so tools see a pipe, as on
# the host); the copy tells whether it ended in a newline: the end marker
# must start in column 0.
if [ -f "$cmds" ]; then
	while IFS= read -r line <&3 || [ -n "$line" ]; do
		[ -n "$line" ] || continue
		id=${line%%"$tab"*}
		cmd=${line#*"$tab"}
		say "@@LAB cmd-begin $id"
		{
			sh -c "$cmd" </dev/null 2>&1
			echo $? >/tmp/.lab-rc
		} | tee /tmp/.lab-out
		[ -s /tmp/.lab-out ] && [ "$(tail -c 1 /tmp/.lab-out | wc -l)" -eq 0 ] && say ""
		say "@@LAB cmd-end $id rc=$(cat /tmp/.lab-rc)"
		rm -f /tmp/.lab-out /tmp/.lab-rc
	done 3<"$cmds"
fi

say "@@LAB taint $(cat /proc/sys/kernel/tainted)"
# 6.1 names the chip ITS-MSI, 6.12 ITS-PCI-MSIX-<device>
grep -E "ITS-MSI|ITS-PCI-MSI" /proc/interrupts | while read -r l; do say "@@LAB msi $l"; done

if [ -f "$dir/stage$stage.export" ]; then
	set --
	while read -r d; do
		[ -n "$d" ] && set -- "$@" "$d"
	done <"$dir/stage$stage.export"
	if [ $# -gt 0 ]; then
		rel=''
		for d in "$@"; do rel="$rel ${d#/}"; done
		# shellcheck disable=SC2086 # one word per directory
		if tar -cf /dev/vda -C / $rel && sync; then
			say "@@LAB export $*"
		else
			say "init: export to /dev/vda failed"
		fi
	fi
fi

say "@@LAB end stage=$stage uptime=$(upt)"
next=poweroff
[ -f "$dir/stage$stage.next" ] && read -r next <"$dir/stage$stage.next"
case $next in
"shell "*) sh -c "${next#shell }" </dev/null ;;
poweroff | '') ;;
*) say "init: unknown next action: $next" ;;
esac
sync
poweroff -f
