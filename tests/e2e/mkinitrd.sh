#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkinitrd.sh WORKDIR LABDIR OUT.cpio.gz: the lab's one initramfs.
#
#   /init                  tests/e2e/init.sh (PROTOCOL.md)
#   /bin/busybox           busybox-static (applet links made at boot)
#   /usr/sbin/{efitables,gicdiag}, /usr/libexec/gk/gkpeek      cross-out/
#   /usr/libexec/gk/lab-*  tests/e2e/lab-* helper scripts
#   /sbin/kexec, /sbin/vmcore-dmesg, /usr/sbin/makedumpfile   Debian's
#   /lib/ld-linux-aarch64.so.1, /lib/aarch64-linux-gnu, /usr/lib/aarch64-linux-gnu
#                          the NEEDED closure of all the dynamic binaries
#   /opt/trixie/sbin/kexec, /opt/trixie/lib/ Debian 13's kexec-tools, the libraries
#                          it needs and trixie's loader (when fetch-trixie.sh ran)
#   /lib/modules/VERSION/  virtio_pci, virtio_net, virtio_blk + dependencies,
#                          /lib/modules/load-order.VERSION lists them in
#                          insmod order, for each kernel
#   /boot/Image, /boot/Image-13, /boot/initrd.cpio.gz   the kernels to kexec and
#                          this image without /boot
#   /boot/kf/              build-kernel.sh's kernel as Image, Image.gz,
#                          vmlinuz.efi (zboot), Image.signed, Image.othersigned;
#                          its /boot/config-VERSION
#   /lab                   LABDIR
# Needs fetch.sh and cross-build.sh to have run on WORKDIR.
set -euo pipefail

if [[ $# -ne 3 ]]; then
	echo "usage: $0 WORKDIR LABDIR OUT.cpio.gz" >&2
	exit 2
fi
W=$(cd "$1" && pwd)
LABDIR=$(cd "$2" && pwd)
OUT=$(readlink -f "$3")
E2E=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
R=$W/arm64root
X=aarch64-linux-gnu
ST=$W/initrd-root
MODS=(virtio_pci virtio_net virtio_blk)

log() { printf 'mkinitrd: %s\n' "$*"; }
die() {
	printf 'mkinitrd: error: %s\n' "$*" >&2
	exit 1
}
[[ -f $W/kernel/version && -x $R/bin/busybox ]] || die "run tests/e2e/fetch.sh $W first"
[[ -x $W/cross-out/usr/sbin/efitables ]] || die "run tests/e2e/cross-build.sh SRCDIR $W first"
KVER=$(cat "$W/kernel/version")
t0=$SECONDS

rm -rf "$ST"
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,usr/libexec/gk,lib/$X,usr/lib/$X,dev,proc,sys,tmp,run,mnt,root,etc,usr/share/udhcpc}
mknod -m 600 "$ST/dev/console" c 5 1 # the kernel opens it before /init runs
mknod -m 666 "$ST/dev/null" c 1 3

install -m 0755 "$E2E/init.sh" "$ST/init"
install -m 0755 "$R/bin/busybox" "$ST/bin/busybox"
cp -a "$W/cross-out/." "$ST/"
for f in "$E2E"/lab-*; do
	if [[ -f $f && -x $f ]]; then install -m 0755 "$f" "$ST/usr/libexec/gk/"; fi
done
install -m 0755 "$R/sbin/kexec" "$ST/sbin/kexec"
if [[ -f $R/sbin/vmcore-dmesg ]]; then install -m 0755 "$R/sbin/vmcore-dmesg" "$ST/sbin/vmcore-dmesg"; fi
install -m 0755 "$R/usr/bin/makedumpfile" "$ST/usr/sbin/makedumpfile"
ln -s ../sbin/makedumpfile "$ST/usr/bin/makedumpfile"
cat >"$ST/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc's hook: configure the address and the default route it got.
case $1 in
deconfig) ip addr flush dev "$interface" ;;
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "${router:-}" ] && ip route add default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
EOF
chmod 0755 "$ST/usr/share/udhcpc/default.script"

# ---- shared libraries: the NEEDED closure, found in arm64root -------------
LIBDIRS=("$R/lib/$X" "$R/usr/lib/$X")
declare -A done_lib=()
copy_lib() { # SONAME
	local d
	[[ -n ${done_lib[$1]:-} ]] && return 0
	for d in "${LIBDIRS[@]}"; do
		if [[ -e $d/$1 ]]; then
			done_lib[$1]=1
			# Same directory as in the package, the real file under its soname.
			cp -L "$d/$1" "$ST${d#"$R"}/$1"
			needed "$d/$1"
			return 0
		fi
	done
	die "library $1 not found in $R"
}
needed() { # ELF: copy what it needs
	local l
	for l in $("$X-readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		copy_lib "$l"
	done
}
ndyn=0
while IFS= read -r -d '' f; do
	if "$X-readelf" -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		needed "$f"
		ndyn=$((ndyn + 1))
	fi
done < <(find "$ST/sbin" "$ST/usr/sbin" "$ST/usr/libexec/gk" -type f -print0)
# What our tools dlopen() when a source needs it (lib/dl.h): libbpf for the
# kernel-memory source. (libsystemd stays out: the guests run no journald.)
copy_lib libbpf.so.1
# The loader is also in the closure (libc.so.6 needs it): link it, as the package does.
if [[ -f $ST/lib/$X/ld-linux-aarch64.so.1 ]]; then
	ln -s "$X/ld-linux-aarch64.so.1" "$ST/lib/ld-linux-aarch64.so.1"
else
	cp -L "$R/lib/ld-linux-aarch64.so.1" "$ST/lib/ld-linux-aarch64.so.1"
fi

# ---- Debian 13's kexec-tools, for bench/kexec-lab.sh ---------------------
# It needs glibc >= 2.38 and the initramfs is bookworm's (2.36): it lives
# apart in /opt/trixie with its own NEEDED closure, run through trixie's
# loader, which no other binary uses:
#   /opt/trixie/lib/ld-linux-aarch64.so.1 \
#       --library-path /opt/trixie/lib/aarch64-linux-gnu /opt/trixie/sbin/kexec
T=$W/kt13root
declare -A done_lib13=()
copy_lib13() { # SONAME: from trixie's tree into /opt/trixie/lib/$X
	local l
	[[ -n ${done_lib13[$1]:-} ]] && return 0
	[[ -e $T/usr/lib/$X/$1 ]] || die "library $1 not in $T/usr/lib/$X"
	done_lib13[$1]=1
	cp -L "$T/usr/lib/$X/$1" "$ST/opt/trixie/lib/$X/$1"
	for l in $("$X-readelf" -d "$T/usr/lib/$X/$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		copy_lib13 "$l"
	done
}
if [[ -x $T/usr/sbin/kexec ]]; then
	mkdir -p "$ST/opt/trixie/lib/$X"
	install -D -m 0755 "$T/usr/sbin/kexec" "$ST/opt/trixie/sbin/kexec"
	for l in $("$X-readelf" -d "$T/usr/sbin/kexec" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		copy_lib13 "$l"
	done
	copy_lib13 ld-linux-aarch64.so.1
	ln -s "$X/ld-linux-aarch64.so.1" "$ST/opt/trixie/lib/ld-linux-aarch64.so.1"
fi

# ---- kernel modules, dependencies first -----------------------------------
# For each kernel the image can boot (Debian 12's; Debian 13's when
# fetch-trixie.sh ran): its modules and /lib/modules/load-order.VERSION.
declare -A modpath=() modseen=() builtin=()
ko() { # FILE: the module, uncompressed (trixie ships .ko.xz)
	case $1 in
	*.xz) xz -dc "$1" ;;
	*) cat "$1" ;;
	esac
}
add_mod() { # ROOT NAME: its depends= first (depth first), then itself
	local root=$1 name=${2//-/_} k dep tmp
	[[ -n ${modseen[$name]:-} ]] && return 0
	modseen[$name]=1
	[[ -n ${builtin[$name]:-} ]] && return 0
	k=${modpath[$name]:-}
	[[ -n $k ]] || die "module $2 not in $root"
	tmp=$(mktemp)
	ko "$k" >"$tmp.ko"
	"$X-objcopy" -O binary -j .modinfo "$tmp.ko" "$tmp"
	for dep in $(tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_mod "$root" "$dep"
	done
	k=/lib/modules/${k#"$root"/lib/modules/}
	install -D -m 0644 "$tmp.ko" "$ST${k%.xz}"
	rm -f "$tmp" "$tmp.ko"
	order+=("${k%.xz}")
}
add_modules() { # ROOT KVER
	local root=$1 kver=$2 k b m
	modpath=() modseen=() order=() builtin=()
	while IFS= read -r -d '' k; do
		b=${k##*/}
		b=${b%.xz}
		b=${b%.ko}
		modpath[${b//-/_}]=$k
	done < <(find "$root/lib/modules/$kver/kernel/" \( -name '*.ko' -o -name '*.ko.xz' \) -print0)
	# built in (virtio_pci in 6.12): nothing to load
	while read -r k; do
		b=${k##*/}
		b=${b%.ko}
		builtin[${b//-/_}]=1
	done < <(cat "$root/lib/modules/$kver/modules.builtin" 2>/dev/null)
	for m in "${MODS[@]}"; do add_mod "$root" "$m"; done
	printf '%s\n' "${order[@]}" >"$ST/lib/modules/load-order.$kver"
	mods+=("${order[@]##*/}")
}
mods=()
add_modules "$R" "$KVER"
if [[ -f $W/kernel13/version ]]; then
	add_modules "$W/arm64root13" "$(cat "$W/kernel13/version")"
fi
# build-kernel.sh's kernel has everything built in: nothing to load.
[[ ! -f $W/kernelkf/version ]] || : >"$ST/lib/modules/load-order.$(cat "$W/kernelkf/version")"

cp -a "$LABDIR" "$ST/lab"

mkdir -p "$(dirname "$OUT")"
pack() {	# OUT: the staging tree as a gzip'd newc cpio
	(cd "$ST" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet) | gzip -n -6 >"$1"
}
# The kexec scenarios boot the same kernel again: the image carries it,
# with a copy of itself (without /boot) as the next stage's initramfs.
pack "$OUT.next.tmp"
install -D -m 0644 "$W/kernel/Image" "$ST/boot/Image"
# and Debian 13's, for the upgrade by kexec
[[ ! -f $W/kernel13/Image ]] || install -m 0644 "$W/kernel13/Image" "$ST/boot/Image-13"
# and build-kernel.sh's, in every form kexec -s reads (/boot/kf/)
if [[ -f $W/kernelkf/Image ]]; then
	for f in Image Image.gz vmlinuz.efi Image.signed Image.othersigned; do
		install -D -m 0644 "$W/kernelkf/$f" "$ST/boot/kf/$f"
	done
	# where Debian and Fedora put it: gicdiag reads CONFIG_KEXEC_FILE there
	install -m 0644 "$W/kernelkf/config" "$ST/boot/config-$(cat "$W/kernelkf/version")"
fi
install -m 0644 "$OUT.next.tmp" "$ST/boot/initrd.cpio.gz"
rm -f "$OUT.next.tmp"
pack "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "$OUT: $(du -k "$OUT" | cut -f1) KiB ($(du -sk "$ST" | cut -f1) KiB unpacked), $ndyn dynamic binaries, ${#done_lib[@]} libraries, modules: $(printf '%s ' "${mods[@]}")"
[[ ${#done_lib13[@]} -eq 0 ]] || log "/opt/trixie: Debian 13's kexec-tools and ${#done_lib13[@]} libraries"
log "done in $((SECONDS - t0)) s"
