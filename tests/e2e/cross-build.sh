#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cross-build.sh SRCDIR WORKDIR: our tools for aarch64, dynamically linked
# against Debian's arm64 libraries that fetch.sh extracted in
# WORKDIR/arm64root (a complete multiarch sysroot: libc6-dev:arm64 and the
# -dev packages). Out of tree in WORKDIR/cross-build; the binaries are
# installed in WORKDIR/cross-out/{usr/sbin,usr/libexec/gk}.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 SRCDIR WORKDIR" >&2
	exit 2
fi
SRC=$(cd "$1" && pwd)
W=$(cd "$2" && pwd)
R=$W/arm64root
B=$W/cross-build
OUT=$W/cross-out
HOST=aarch64-linux-gnu
SELF=$(readlink -f "${BASH_SOURCE[0]}")

log() { printf 'cross-build: %s\n' "$*"; }
die() {
	printf 'cross-build: error: %s\n' "$*" >&2
	exit 1
}

[[ -x $SRC/configure ]] || die "$SRC/configure missing (run autoreconf -fi in a copy of the tree)"
[[ -f $R/usr/include/libfdt.h && -f $R/usr/lib/$HOST/libc.so ]] ||
	die "$R is not populated: run tests/e2e/fetch.sh $W first"
command -v "$HOST-gcc" >/dev/null || die "$HOST-gcc missing: run tests/e2e/fetch.sh $W first"
t0=$SECONDS

# The sysroot gives the compiler arm64's headers (incl. <triplet> dirs), crt
# files and libraries; pkg-config answers from the arm64 .pc files (libfdt
# has none in Debian 12: configure's fallback finds it through the sysroot).
LIBDIRS=$R/usr/lib/$HOST:$R/lib/$HOST
CONF=(--host="$HOST" --disable-unit-tests --without-libarchive --without-libseccomp
	CC="$HOST-gcc --sysroot=$R" PURGATORY_CC="$HOST-gcc"
	LDFLAGS="-Wl,-rpath-link,$LIBDIRS"
	PKG_CONFIG=pkg-config
	PKG_CONFIG_LIBDIR="$R/usr/lib/$HOST/pkgconfig:$R/usr/share/pkgconfig"
	PKG_CONFIG_SYSROOT_DIR="$R")
# A header change rebuilds from scratch: a stale object built against an
# older struct layout crashes in the guest, and make alone was seen to keep
# one (its .deps reset to "# dummy" when the Makefiles were regenerated).
headers=$(cd "$SRC" && find . -name '*.h' -not -path './build*' -print0 |
	sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1)
want=$(printf '%s\n' "$(sha256sum "$SELF" | cut -d' ' -f1)" "$SRC" "${CONF[@]}" "$headers")

mkdir -p "$B"
if [[ ! -f $B/config.status || ! -f $B/.conf-stamp || $(cat "$B/.conf-stamp") != "$want" ||
	$SRC/configure -nt $B/config.status ]]; then
	log "configure --host=$HOST"
	rm -rf "$B" && mkdir -p "$B"
	(cd "$B" && "$SRC/configure" -q "${CONF[@]}") >"$W/cross-configure.log" 2>&1 ||
		die "configure failed, see $W/cross-configure.log and $B/config.log"
	echo "$want" >"$B/.conf-stamp"
fi

# The tools the guest runs, and where they go in the initramfs.
declare -A DEST=(
	[efitables]=usr/sbin/efitables
	[gicdiag/gicdiag]=usr/sbin/gicdiag
	[tests/tools/gkpeek]=usr/libexec/gk/gkpeek
	[kexec/kexec]=usr/sbin/gk-kexec
	[contrib/gic-kexec]=usr/libexec/gk/gic-kexec
)
targets=(efitables gicdiag/gicdiag kexec/kexec tests/tools/gkpeek)
make -C "$B" -s -j"$(nproc)" "${targets[@]}" || die "make ${targets[*]} failed"
# the operators' helper (a script), with the paths of the guest's layout
make -C "$B" -s -B contrib/gic-kexec sbindir=/usr/sbin libexecdir=/usr/libexec \
	sysconfdir=/etc || die "make contrib/gic-kexec failed"

rm -rf "$OUT"
install -D -m 0755 "$B/contrib/gic-kexec" "$OUT/${DEST[contrib/gic-kexec]}"
for t in "${targets[@]}"; do
	file -b "$B/$t" | grep -q 'ELF 64-bit LSB.*ARM aarch64' || die "$t is not an aarch64 ELF: $(file -b "$B/$t")"
	install -D -m 0755 "$B/$t" "$OUT/${DEST[$t]}"
	log "$OUT/${DEST[$t]}: $(file -b "$B/$t" | cut -d, -f1-2)"
done
log "done in $((SECONDS - t0)) s"
