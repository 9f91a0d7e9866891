#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-kernel.sh WORKDIR: the lab's kexec_file_load kernel ("kf").
#
# No Debian arm64 kernel has CONFIG_KEXEC_FILE, so the kexec -s rows boot
# one built here from Debian's own kernel source package, linux-source-6.1,
# cross-compiled with the small configuration in kfile/kfile.config
# (allnoconfig + that fragment: QEMU virt, GICv3 + ITS, virtio, EFI/ACPI,
# KEXEC_FILE + KEXEC_SIG + KEXEC_IMAGE_VERIFY_SIG, CRASH_DUMP, the lockdown
# LSM) and a test key built into the trusted keyring.
#
# The result is cached outside the work tree and outside git, keyed by a
# hash of the fragment, this script, the source package's version and the
# cross compiler's; GK_KERNEL_CACHE moves the cache (default
# ~/.cache/gic-kexec/kernel). WORKDIR/kernelkf/ then holds:
#   Image          the kernel (an arm64 Image, EFI stub inside)
#   Image.gz       the same, gzip'd
#   vmlinuz.efi    the same as an EFI zboot image (gzip payload)
#   Image.signed   Image signed by the test key (sbsign, Authenticode)
#   Image.othersigned  Image signed by a key the kernel does not trust
#   cert.pem, key.pem  the test key; version; config; build-time
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 WORKDIR" >&2
	exit 2
fi
mkdir -p "$1"
W=$(cd "$1" && pwd)
SELF=$(readlink -f "${BASH_SOURCE[0]}")
FRAG=$(dirname "$SELF")/kfile/kfile.config
CACHE=${GK_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gic-kexec/kernel}
SRCPKG=linux-source-6.1
HOST_PKGS=("$SRCPKG" gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	flex bison bc make libssl-dev openssl sbsigntool xz-utils)

log() { printf 'build-kernel: %s\n' "$*"; }
die() {
	printf 'build-kernel: error: %s\n' "$*" >&2
	exit 1
}

missing=()
for p in "${HOST_PKGS[@]}"; do
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] ||
		missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	log "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
		die "apt-get install ${missing[*]} failed"
fi

TARBALL=/usr/src/$SRCPKG.tar.xz
[[ -f $TARBALL ]] || die "$TARBALL missing (package $SRCPKG)"
key=$({
	cat "$FRAG" "$SELF"
	dpkg-query -W -f='${Version}\n' "$SRCPKG"
	aarch64-linux-gnu-gcc --version | head -n1
} | sha256sum | cut -c1-16)
D=$CACHE/$key
OUTS=(Image Image.gz vmlinuz.efi Image.signed Image.othersigned cert.pem key.pem
	version config build-time)

install_outputs() {
	rm -rf "$W/kernelkf.tmp"
	mkdir -p "$W/kernelkf.tmp"
	for f in "${OUTS[@]}"; do cp "$D/$f" "$W/kernelkf.tmp/"; done
	echo "$key" >"$W/kernelkf.tmp/cache-key"
	rm -rf "$W/kernelkf"
	mv "$W/kernelkf.tmp" "$W/kernelkf"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [[ -f $D/done ]]; then
	[[ $(cat "$W/kernelkf/cache-key" 2>/dev/null) == "$key" ]] || install_outputs
	log "cached: $(cat "$D/version") ($key, built in $(cat "$D/build-time") s)"
	exit 0
fi

t0=$SECONDS
T=$D.tmp
rm -rf "$CACHE"/*.tmp
mkdir -p "$T"
log "unpacking $TARBALL"
tar -xf "$TARBALL" -C "$T"
S=$T/$SRCPKG
O=$T/out
mkdir -p "$O"
# Run from `make check-e2e`, the outer make's MAKEFLAGS (-w, its jobserver)
# would reach the kernel's: "Entering directory" lines in `kernelrelease`.
K=(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL
	make -s --no-print-directory -C "$S" O="$O" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	KBUILD_BUILD_USER=gic-kexec KBUILD_BUILD_HOST=lab
	KBUILD_BUILD_TIMESTAMP="$(date -u -r "$TARBALL")")

# The test key: trusted by the kernel (built into .builtin_trusted_keys,
# which the kexec PE check consults), and a second one it does not know.
openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -sha256 \
	-subj "/CN=gic-kexec lab kexec test key/" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -sha256 \
	-subj "/CN=gic-kexec lab untrusted key/" \
	-keyout "$T/other-key.pem" -out "$T/other-cert.pem" 2>/dev/null

"${K[@]}" allnoconfig >/dev/null
grep -v '^#' "$FRAG" | grep . >"$T/frag"
echo "CONFIG_SYSTEM_TRUSTED_KEYS=\"$T/cert.pem\"" >>"$T/frag"
(cd "$O" && "$S/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "$T/frag" >/dev/null)
"${K[@]}" olddefconfig >/dev/null
# Kconfig drops a symbol whose dependencies fail without a word: every
# line of the fragment must have survived.
bad=0
while IFS= read -r line; do
	grep -qxF -- "$line" "$O/.config" || {
		log "not in the final .config: $line"
		bad=1
	}
done <"$T/frag"
[[ $bad -eq 0 ]] || die "the configuration fragment does not hold"

log "building ($(nproc) jobs)"
"${K[@]}" -j"$(nproc)" Image Image.gz vmlinuz.efi
B=$O/arch/arm64/boot
cp "$B/Image" "$B/Image.gz" "$B/vmlinuz.efi" "$T/"
sbsign --key "$T/key.pem" --cert "$T/cert.pem" --output "$T/Image.signed" "$T/Image" 2>/dev/null
sbsign --key "$T/other-key.pem" --cert "$T/other-cert.pem" \
	--output "$T/Image.othersigned" "$T/Image" 2>/dev/null
"${K[@]}" kernelrelease >"$T/version"
[[ $(cat "$T/version") =~ ^[0-9][0-9A-Za-z.+_-]*$ ]] ||
	die "kernelrelease printed '$(head -c 200 "$T/version")', not a release"
cp "$O/.config" "$T/config"
echo $((SECONDS - t0)) >"$T/build-time"
rm -rf "$S" "$O" "$T/frag" "$T"/other-*.pem
touch "$T/done"
rm -rf "$D"
mv "$T" "$D"
install_outputs
log "built $(cat "$D/version") in $(cat "$D/build-time") s -> $W/kernelkf"
