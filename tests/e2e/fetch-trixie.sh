#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-trixie.sh WORKDIR: Debian 13's arm64 kernel for the lab's upgrade
# rows, from the archive's `trixie` suite (signed by the trixie keys of
# bookworm's debian-archive-keyring), with a private apt state so the host
# keeps its own sources. Only the package linux-image-arm64 depends on is
# fetched; its vmlinuz (an Image) goes to WORKDIR/kernel13/Image, its
# version to WORKDIR/kernel13/version, its tree (for the virtio modules)
# to WORKDIR/arm64root13. Also trixie's kexec-tools (2.0.29, for
# bench/kexec-lab.sh) with the closure of its Depends, extracted in
# WORKDIR/kt13root: mkinitrd.sh puts the binary and the libraries it needs
# under /opt/trixie. Re-runs with the same versions take
# seconds.
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 WORKDIR" >&2
	exit 2
fi
mkdir -p "$1"
W=$(cd "$1" && pwd)
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/debroot.sh"
S=$W/apt13
log() { printf 'fetch-trixie: %s\n' "$*"; }
die() {
	printf 'fetch-trixie: error: %s\n' "$*" >&2
	exit 1
}

exec 9>"$W/.fetch13.lock"
flock 9
mkdir -p "$S/lists/partial" "$S/parts" "$S/debs/partial"
: >>"$S/status"
cat >"$S/parts/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Architectures: arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(-o "Dir::State::status=$S/status" -o "Dir::State::Lists=$S/lists"
	-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$S/parts"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o "Dir::Cache::archives=$S/debs"
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User=root)
# kexec-tools' closure is resolved by apt against the empty status, as
# fetch.sh does for bookworm's, into a cache of its own (the kernel's
# clean-up below keeps only the kernel's .deb)
KT=$W/kt13root
APTKT=("${APT[@]}" -o "Dir::Cache::archives=$S/ktdebs"
	-o "Dir::State::extended_states=$S/extended_states"
	-o APT::Install-Recommends=false)

# "PACKAGE VERSION" of kexec-tools and everything it depends on
ktplan() {
	apt-get "${APTKT[@]}" -s install kexec-tools 2>/dev/null |
		sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | LC_ALL=C sort
}

# trixie's kexec-tools into $KT, unless that plan is there already
kexec_tools() {
	local plan n
	plan=$(ktplan)
	grep -q '^kexec-tools ' <<<"$plan" || die "cannot resolve kexec-tools in trixie"
	if [[ -x $KT/usr/sbin/kexec && $(cat "$KT/.plan" 2>/dev/null) == "$plan" ]]; then
		log "up to date: kexec-tools $(sed -n 's/^kexec-tools //p' <<<"$plan")"
		return 0
	fi
	mkdir -p "$S/ktdebs/partial"
	apt-get "${APTKT[@]}" -qq -y --download-only install kexec-tools >/dev/null ||
		die "cannot download kexec-tools and its dependencies"
	n=$(debroot_extract "$plan" "$S/ktdebs" "$KT") || die "extraction failed"
	[[ -x $KT/usr/sbin/kexec ]] || die "kexec-tools has no /usr/sbin/kexec"
	echo "$plan" >"$KT/.plan"
	log "kexec-tools $(sed -n 's/^kexec-tools //p' <<<"$plan") and $((n - 1)) packages -> $KT"
}

kpkg() {
	apt-cache "${APT[@]}" depends linux-image-arm64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}
K=$(kpkg) || true
if [[ -z $K ]]; then
	log "apt-get update (trixie, arm64)"
	apt-get "${APT[@]}" update -qq || die "apt-get update of trixie failed"
	K=$(kpkg)
	[[ -n $K ]] || die "cannot resolve linux-image-arm64 in trixie"
fi
KVER=${K#linux-image-}
if [[ -f $W/kernel13/Image && $(cat "$W/kernel13/version" 2>/dev/null) == "$KVER" ]]; then
	log "up to date: kernel $KVER"
	kexec_tools
	exit 0
fi
(cd "$S/debs" && apt-get "${APT[@]}" -qq download "$K") ||
	{ apt-get "${APT[@]}" update -qq && K=$(kpkg) && KVER=${K#linux-image-} &&
		(cd "$S/debs" && apt-get "${APT[@]}" -qq download "$K"); } ||
	die "cannot download $K"
deb=$(ls -t "$S/debs/$K"_*.deb | head -n1)
rm -rf "$W/arm64root13" "$W/kernel13"
mkdir -p "$W/arm64root13" "$W/kernel13"
dpkg-deb -x "$deb" "$W/arm64root13"
[[ -f $W/arm64root13/boot/vmlinuz-$KVER ]] || die "$K has no /boot/vmlinuz-$KVER"
# trixie is merged-/usr: the modules are under usr/lib
[[ -e $W/arm64root13/lib ]] || ln -s usr/lib "$W/arm64root13/lib"
[[ -d $W/arm64root13/lib/modules/$KVER ]] || die "$K has no modules"
cp "$W/arm64root13/boot/vmlinuz-$KVER" "$W/kernel13/Image"
echo "$KVER" >"$W/kernel13/version"
find "$S/debs" -name '*.deb' ! -path "$deb" -delete
log "kernel $KVER -> $W/kernel13/Image"
kexec_tools
