#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# boot.sh [options] WORKDIR MACHINE [kernel args...]: boot a lab machine
# with the serial console on stdio (Ctrl-C quits QEMU). The one place the
# QEMU command line is built: the runner takes it from --print-cmd.
#
# MACHINE  dt        plain device-tree boot: -kernel, no firmware
#          efi-dt    EDK2 (-bios QEMU_EFI.fd) handing the kernel QEMU's DT (acpi=off)
#          efi-acpi  EDK2 with its default, ACPI
# Options  --gic 3|4  --smp N  --mem MiB  --disk FILE (raw, made 64 MiB sparse
#          if missing; default WORKDIR/disk-PID.img)  --initrd FILE (default
#          WORKDIR/initrd.cpio.gz)  --kernel 12|13|kf (Debian 12's, the
#          default, Debian 13's from fetch-trixie.sh, or the kexec_file
#          kernel from build-kernel.sh)  --print-cmd (print the argv, one
#          per line, and exit)
set -euo pipefail

FW=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
usage() {
	sed -n '3,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}
die() {
	printf 'boot: error: %s\n' "$*" >&2
	exit 1
}

gic=3 smp=2 mem=1024 disk='' initrd='' print=0 kernel=12
pos=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--gic) gic=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--disk) disk=${2:?}; shift 2 ;;
	--initrd) initrd=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--print-cmd) print=1; shift ;;
	--help | -h) usage ;;
	--) shift; pos+=("$@"); break ;;
	--*) die "unknown option $1" ;;
	*) pos+=("$1"); shift ;;
	esac
done
[[ ${#pos[@]} -ge 2 ]] || usage
W=$(readlink -f "${pos[0]}")
machine=${pos[1]}
extra=("${pos[@]:2}")
[[ $gic == 3 || $gic == 4 ]] || die "--gic 3 or 4"
[[ $smp =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || die "--smp and --mem take numbers"

M=virt,gic-version=$gic,its=on
# QEMU: "gic-version=4 requires virtualization enabled" (the guest starts at EL2).
[[ $gic == 3 ]] || M=$M,virtualization=on
fw=()
case $machine in
dt) ;;
efi-dt) M=$M,acpi=off fw=(-bios "$FW") ;;
efi-acpi) fw=(-bios "$FW") ;;
*) die "MACHINE is dt, efi-dt or efi-acpi, not '$machine'" ;;
esac
: "${initrd:=$W/initrd.cpio.gz}"
: "${disk:=$W/disk-$$.img}"
case $kernel in
12) K=$W/kernel/Image fetch=fetch.sh ;;
13) K=$W/kernel13/Image fetch=fetch-trixie.sh ;;
kf) K=$W/kernelkf/Image fetch=build-kernel.sh ;;
*) die "--kernel 12, 13 or kf, not '$kernel'" ;;
esac
[[ -f $K ]] || die "no $K: run tests/e2e/$fetch $W"
[[ -e $disk ]] || truncate -s 64M "$disk"

cmd=(qemu-system-aarch64 -accel tcg
	-M "$M" -cpu cortex-a57 -smp "$smp" -m "$mem"
	"${fw[@]}"
	-kernel "$K" -initrd "$initrd"
	-append "console=ttyAMA0 earlycon panic=-1${extra[*]:+ ${extra[*]}}"
	-netdev "user,id=n0,restrict=on" -device "virtio-net-pci,netdev=n0,romfile="
	-drive "file=${disk//,/,,},format=raw,if=none,id=d0" -device "virtio-blk-pci,drive=d0"
	-display none -serial stdio -no-reboot)

if [[ $print -eq 1 ]]; then
	printf '%s\n' "${cmd[@]}"
	exit 0
fi
[[ -f $initrd ]] || die "no $initrd: run tests/e2e/mkinitrd.sh"
[[ -f $FW || $machine == dt ]] || die "no $FW: run tests/e2e/fetch.sh $W"
echo "boot: $machine, disk $disk" >&2
exec "${cmd[@]}"
