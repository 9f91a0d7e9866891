#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch.sh WORKDIR: everything the arm64 lab needs, from Debian's archive only.
#
# Host (apt-get install, only when missing): QEMU, the EDK2 firmware, the
# aarch64 cross toolchain, cpio. arm64 (never installed on the host): the
# kernel package that linux-image-arm64 depends on, busybox-static,
# kexec-tools, makedumpfile and the -dev packages of our cross build, with
# their dependency closure resolved by apt against a private, empty dpkg
# status. The .debs land in WORKDIR/debs, extracted in WORKDIR/arm64root;
# the kernel Image in WORKDIR/kernel/Image, its version in
# WORKDIR/kernel/version. A stamp makes a re-run with nothing changed a
# matter of seconds.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 WORKDIR" >&2
	exit 2
fi
mkdir -p "$1"
W=$(cd "$1" && pwd)
SELF=$(readlink -f "${BASH_SOURCE[0]}")
. "${SELF%/*}/debroot.sh"

HOST_PKGS=(qemu-system-arm qemu-efi-aarch64 gcc-aarch64-linux-gnu
	binutils-aarch64-linux-gnu cpio python3 file pkgconf make gzip xz-utils)
# The arm64 packages whose closure goes into arm64root (the kernel is
# fetched alone: its own dependencies are initramfs-tools, udev, ...).
ARM64_PKGS=(busybox-static kexec-tools makedumpfile
	libfdt-dev libefivar-dev libsmartcols-dev libelf-dev zlib1g-dev
	nettle-dev libdeflate-dev libzstd-dev liblzma-dev libjson-c-dev libbpf-dev libbpf1
	libc6 libfdt1 libefivar1 libsmartcols1 libelf1 zlib1g
	libnettle8 libdeflate0 libzstd1 liblzma5 libjson-c5 libsystemd-dev libsystemd0)

log() { printf 'fetch: %s\n' "$*"; }
die() {
	printf 'fetch: error: %s\n' "$*" >&2
	exit 1
}

exec 9>"$W/.fetch.lock"
flock 9 # one fetch at a time per WORKDIR
export DEBIAN_FRONTEND=noninteractive
t0=$SECONDS
updated=0
apt_update() {
	if [[ $updated -eq 0 ]]; then
		log "apt-get update"
		apt-get update -qq || die "apt-get update failed"
		updated=1
	fi
}

# ---- host packages ------------------------------------------------------
missing=()
for p in "${HOST_PKGS[@]}"; do
	if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
		missing+=("$p")
	fi
done
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	apt_update
fi
if [[ ${#missing[@]} -gt 0 ]]; then
	apt_update
	log "installing host packages: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$W/host-install.log" 2>&1 ||
		die "apt-get install failed, see $W/host-install.log"
fi

# ---- arm64: resolve with a private, empty dpkg status --------------------
mkdir -p "$W/apt" "$W/debs/partial"
: >>"$W/apt/status"
APT=(-o "Dir::State::status=$W/apt/status"
	-o "Dir::State::extended_states=$W/apt/extended_states"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o "Dir::Cache::archives=$W/debs"
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User=root -o APT::Install-Recommends=false)

# what a finished fetch of this plan by this script leaves in fetch.stamp
stamp() {
	printf '%s\n%s\n' "$(cat "$SELF" "${SELF%/*}/debroot.sh" | sha256sum | cut -d' ' -f1)" "$PLAN"
}

# plan: "PACKAGE VERSION" lines of everything to extract, kernel first.
plan() {
	local kpkg kver
	kpkg=$(apt-cache "${APT[@]}" depends linux-image-arm64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	[[ -n $kpkg ]] || return 1
	kver=$(apt-cache "${APT[@]}" show --no-all-versions "$kpkg" 2>/dev/null |
		awk '$1 == "Version:" { print $2; exit }')
	[[ -n $kver ]] || return 1
	echo "$kpkg $kver"
	apt-get "${APT[@]}" -s install "${ARM64_PKGS[@]}" 2>/dev/null |
		sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | LC_ALL=C sort
}

if ! PLAN=$(plan); then
	apt_update
	PLAN=$(plan) || die "cannot resolve linux-image-arm64 for arm64"
fi
KPKG=$(head -n1 <<<"$PLAN" | cut -d' ' -f1)
KVER=${KPKG#linux-image-}
STAMP_WANT=$(stamp)

if [[ -f $W/fetch.stamp && $(cat "$W/fetch.stamp") == "$STAMP_WANT" &&
	-f $W/kernel/Image && -d $W/arm64root ]]; then
	log "up to date: kernel $KVER, $(($(wc -l <<<"$PLAN"))) arm64 packages ($((SECONDS - t0)) s)"
	exit 0
fi

# ---- download ---------------------------------------------------------------
before=$(du -sb "$W/debs" | cut -f1)
download() {
	# The kernel alone, then the closure of the rest.
	(cd "$W/debs" && apt-get "${APT[@]}" -qq download "$KPKG") &&
		apt-get "${APT[@]}" -qq -y --download-only install "${ARM64_PKGS[@]}" >/dev/null
}
if ! download; then
	# A stale package list points at files the archive no longer has.
	[[ $updated -eq 0 ]] || die "download failed"
	apt_update
	PLAN=$(plan) || die "cannot resolve linux-image-arm64 for arm64"
	KPKG=$(head -n1 <<<"$PLAN" | cut -d' ' -f1)
	KVER=${KPKG#linux-image-}
	STAMP_WANT=$(stamp)
	download || die "download failed"
fi
after=$(du -sb "$W/debs" | cut -f1)

# ---- extract exactly the planned packages ----------------------------------
rm -rf "$W/kernel"
mkdir -p "$W/kernel"
n=$(debroot_extract "$PLAN" "$W/debs" "$W/arm64root") || die "extraction failed"

# ---- the kernel ---------------------------------------------------------------
img=$W/arm64root/boot/vmlinuz-$KVER
[[ -f $img ]] || die "$KPKG has no /boot/vmlinuz-$KVER"
cp "$img" "$W/kernel/Image"
cp "$W/arm64root/boot/config-$KVER" "$W/kernel/config"
cp "$W/arm64root/boot/System.map-$KVER" "$W/kernel/System.map" 2>/dev/null || true
echo "$KVER" >"$W/kernel/version"
[[ -d $W/arm64root/lib/modules/$KVER ]] || die "no modules for $KVER"

echo "$STAMP_WANT" >"$W/fetch.stamp"
log "downloaded $(((after - before) / 1048576)) MiB into $W/debs ($(du -sm "$W/debs" | cut -f1) MiB cached)"
log "extracted $n arm64 packages into $W/arm64root"
log "kernel $KVER ($(grep -F "$KPKG " <<<"$PLAN" | cut -d' ' -f2)) -> $W/kernel/Image"
log "done in $((SECONDS - t0)) s"
