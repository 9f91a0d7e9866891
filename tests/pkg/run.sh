#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/pkg/run.sh: the Debian package, built and tried; prints TAP.
#
#   1. the working tree (tracked and untracked files, not the ignored ones:
#      git ls-files -co --exclude-standard) is copied to a scratch
#      directory and built with dpkg-buildpackage -us -uc -b, its tests
#      included (GK_PKG_NOCHECK=1 sets DEB_BUILD_OPTIONS=nocheck);
#   2. lintian on the .changes: any E: line fails;
#   3. the .deb holds what "make install" puts where Debian expects it;
#   4. in scratch Debian 12 roots (mmdebstrap, merged-/usr like Debian 12:
#      /sbin -> usr/sbin) that chroot(8) runs: the tools run from the
#      installed package, and kexec-tools' kexec is diverted and given back:
#        a. gic-kexec alone, then kexec-tools installed after it, then
#           gic-kexec removed;
#        b. kexec-tools first, then gic-kexec installed, reinstalled
#           (upgrade), kexec-tools upgraded to a build that moved its kexec
#           to /usr/sbin (as after Debian's /usr move), gic-kexec removed;
#        c. a kexec-tools with /usr/sbin/kexec from the start.
#   5. the host's dpkg database and /usr/sbin are what they were.
#
# Needs root (chroot), dpkg-dev, debhelper, lintian, mmdebstrap, the build
# dependencies, and the Debian archive (mmdebstrap, apt-get download
# kexec-tools); what is missing is installed with apt-get. Work files go
# to a temporary directory, removed at the end (GK_PKG_KEEP=1 keeps it).
# shellcheck disable=SC2317 # the checks are functions called through check
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SUITE=bookworm

. "$HERE/../tap.sh"
diag() {	# diag FILE: a file's last lines as TAP comments
	tail -n "${2:-20}" "$1" 2>/dev/null | sed 's/^/# /'
}
bail() {
	not_ok "$*"
	TAP_FINISH_NOTE="$SECONDS s" finish
}

[ "$(id -u)" = 0 ] || bail "needs root (dpkg in chroots)"
command -v git >/dev/null || bail "needs git"

# ---- tools and build dependencies ----------------------------------------
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" >"$W/apt.log" 2>&1 && return
	apt-get update -qq >>"$W/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "$@" >>"$W/apt.log" 2>&1
}

W=$(mktemp -d "${TMPDIR:-/tmp}/gk-pkg.XXXXXX") || bail "mktemp failed"
cleanup() {
	[ "${GK_PKG_KEEP:-0}" = 1 ] && { echo "# kept $W" >&2; return; }
	# never remove a tree that still has something mounted in it
	if awk -v w="$W/" 'index($2 "/", w) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		echo "# $W has mounts left, not removed" >&2
		return
	fi
	rm -rf "$W"
}
trap cleanup EXIT

need=()
for p in dpkg-dev debhelper lintian mmdebstrap; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		need+=("$p")
done
if [ ${#need[@]} != 0 ]; then
	apt_install "${need[@]}" || { diag "$W/apt.log"; bail "install ${need[*]}"; }
fi

# ---- 1. build ------------------------------------------------------------------
SRC=$W/src/gic-kexec
mkdir -p "$SRC" &&
	git -C "$TOP" ls-files -co --exclude-standard -z |
	(cd "$TOP" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
	tar -xf - -C "$SRC" ||
	bail "copy the working tree"
[ -f "$SRC/debian/control" ] || bail "no debian/control in the working tree"

if ! (cd "$SRC" && dpkg-checkbuilddeps) >"$W/builddeps.log" 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq "$SRC" \
		>"$W/apt.log" 2>&1 ||
		{ apt-get update -qq >>"$W/apt.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq \
				"$SRC" >>"$W/apt.log" 2>&1; } ||
		{ diag "$W/apt.log"; bail "install the build dependencies"; }
fi

# What the host has now: the end checks that nothing here changed it.
host_state() {
	cat /var/lib/dpkg/status /var/lib/dpkg/diversions 2>/dev/null | md5sum
	ls -l --time-style=full-iso /usr/sbin | md5sum
}
HOST_BEFORE=$(host_state)

opts=${DEB_BUILD_OPTIONS:-}
[ "${GK_PKG_NOCHECK:-0}" = 1 ] && opts="${opts:+$opts }nocheck"
if (cd "$SRC" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b) \
	>"$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b${opts:+ (DEB_BUILD_OPTIONS=$opts)}"
else
	diag "$W/build.log" 40
	bail "dpkg-buildpackage -us -uc -b"
fi
grep -E '^# (TOTAL|PASS|FAIL|SKIP|ERROR):' "$W/build.log" | sed 's/^# /# package tests: /'

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
version=$(cd "$SRC" && dpkg-parsechangelog -SVersion)
DEB=$W/src/gic-kexec_${version}_$arch.deb
CHANGES=$W/src/gic-kexec_${version}_$arch.changes
[ -f "$DEB" ] && [ -f "$CHANGES" ] || bail "no $(basename "$DEB") or its .changes"

# ---- 2. lintian ----------------------------------------------------------------
# exit 0: nothing at error level; 2: errors (--fail-on); 1: lintian failed
lintian --display-info "$CHANGES" >"$W/lintian.log" 2>&1
rc=$?
grep -E '^[EWIPX]: ' "$W/lintian.log" |
	grep -v '^I: .*package-supports-alternative-init' | sed 's/^/# lintian: /'
if [ $rc = 0 ] && ! grep -q '^E: ' "$W/lintian.log"; then
	ok "lintian: no errors"
else
	[ $rc = 2 ] || diag "$W/lintian.log"
	not_ok "lintian: no errors (exit $rc)"
fi

# ---- 3. contents ---------------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$W/contents"
expect=(
	/sbin/kexec /usr/sbin/gicdiag /usr/sbin/efitables
	/usr/share/man/man8/kexec.8.gz /usr/share/man/man8/gicdiag.8.gz
	/usr/share/man/man8/efitables.8.gz
	/lib/systemd/system/gic-kexec-boot.service
	/lib/systemd/system/gic-kexec-confirm.service
	/lib/systemd/system/gic-kexec-metrics.service
	/lib/systemd/system/gic-kexec-metrics.timer
	/lib/systemd/system/gic-kexec-rearm.service
	/lib/systemd/system/kdump-tools.service.d/50-gic-kexec.conf
	/lib/systemd/system/kdump.service.d/50-gic-kexec.conf
	/lib/systemd/system/systemd-kexec.service.d/50-gic-kexec.conf
	/lib/systemd/system/kdump-tools-dump.service.d/50-gic-kexec.conf
	/lib/udev/rules.d/98-gic-kexec.rules
	/usr/share/bash-completion/completions/kexec
	/usr/share/bash-completion/completions/gicdiag
	/usr/share/bash-completion/completions/efitables
	/usr/lib/dracut/modules.d/99gic-kexec/module-setup.sh
	/usr/libexec/gic-kexec/gic-kexec
	/etc/gic-kexec.conf
)
[ -f "$TOP/man/gic-kexec.7" ] && expect+=(/usr/share/man/man7/gic-kexec.7.gz)
missing=()
for f in "${expect[@]}"; do
	grep -qxF "$f" "$W/contents" || missing+=("$f")
done
check "the package holds the ${#expect[@]} installed files where Debian expects them${missing:+ (missing: ${missing[*]})}" \
	test ${#missing[@]} = 0
check "kexec is shipped as /sbin/kexec, not /usr/sbin/kexec" \
	sh -c "grep -qx /sbin/kexec '$W/contents' && ! grep -qx /usr/sbin/kexec '$W/contents'"
check "/etc/gic-kexec.conf is a conffile" \
	sh -c "dpkg-deb -I '$DEB' conffiles | grep -qx /etc/gic-kexec.conf"

# ---- 4. scratch roots ----------------------------------------------------------
mkdir -p "$W/debs" && cp "$DEB" "$W/debs/gic-kexec.deb"
if ! (cd "$W/debs" && apt-get download -o APT::Sandbox::User=root kexec-tools) \
	>"$W/download.log" 2>&1; then
	apt-get update -qq >>"$W/download.log" 2>&1
	(cd "$W/debs" && apt-get download -o APT::Sandbox::User=root kexec-tools) \
		>>"$W/download.log" 2>&1 || { diag "$W/download.log"; bail "apt-get download kexec-tools"; }
fi
KT=$(ls "$W/debs"/kexec-tools_*.deb 2>/dev/null | head -n1)
[ -n "$KT" ] || bail "apt-get download kexec-tools: no .deb"
mv "$KT" "$W/debs/kexec-tools.deb"

# The same kexec-tools, its kexec moved to /usr/sbin as Debian's /usr move
# does, with a higher version: an upgrade that moves the diverted file.
mk_moved_kexec_tools() {
	local d=$W/kt-moved v
	rm -rf "$d" && dpkg-deb -R "$W/debs/kexec-tools.deb" "$d" &&
		mkdir -p "$d/usr/sbin" && mv "$d/sbin/kexec" "$d/usr/sbin/kexec" &&
		sed -i 's| sbin/kexec$| usr/sbin/kexec|' "$d/DEBIAN/md5sums" &&
		v=$(dpkg-deb -f "$W/debs/kexec-tools.deb" Version) &&
		sed -i "s|^Version: .*|Version: $v+usrmove1|" "$d/DEBIAN/control" &&
		dpkg-deb -b "$d" "$W/debs/kexec-tools-usrmove.deb" >/dev/null
}
mk_moved_kexec_tools >"$W/moved.log" 2>&1 ||
	{ diag "$W/moved.log"; bail "repack kexec-tools with /usr/sbin/kexec"; }

# The base: Debian 12's apt variant plus every dependency of both packages.
deps() {	# deps DEB: the first alternative of each dependency, no versions
	dpkg-deb -f "$1" Pre-Depends Depends | sed 's/^[A-Za-z-]*: //' |
		tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' |
		grep -v '^$'
}
include=$( { deps "$W/debs/gic-kexec.deb"; deps "$W/debs/kexec-tools.deb"; } |
	sort -u | paste -sd, -)
mirrors=()
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
	[ -s "$f" ] && grep -q "^[^#]*$SUITE" "$f" && mirrors+=("$f")
done
BASE=$W/base
if mmdebstrap --mode=root --variant=apt --include="$include" \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	"$SUITE" "$BASE" "${mirrors[@]}" >"$W/mmdebstrap.log" 2>&1 &&
	[ "$(readlink "$BASE/sbin")" = usr/sbin ] && [ -d "$BASE/usr/sbin" ]; then
	ok "a merged-/usr $SUITE root (/sbin -> usr/sbin) with the dependencies"
else
	diag "$W/mmdebstrap.log"
	bail "mmdebstrap a merged-/usr $SUITE root"
fi
# no service starts inside: the chroot has no init
printf '#!/bin/sh\nexit 101\n' >"$BASE/usr/sbin/policy-rc.d"
chmod 755 "$BASE/usr/sbin/policy-rc.d"
cp "$W/debs"/*.deb "$BASE/tmp/"

R=
in_root() {	# in_root CMD...: run CMD in the current root
	chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
new_root() {	# new_root NAME: a copy of the base as the current root
	R=$W/$1
	cp -a "$BASE" "$R"
}
step() {	# step DESCRIPTION CMD...: a dpkg run in the root, logged
	local what=$1
	shift
	if in_root "$@" >"$W/step.log" 2>&1; then
		ok "$what"
	else
		diag "$W/step.log"
		not_ok "$what"
	fi
}
runs_as() {	# runs_as PATH PATTERN: PATH -v in the root prints PATTERN
	local out
	out=$(in_root "$1" -v 2>&1 | head -n1)
	[[ $out =~ $2 ]] && return
	echo "# $1 -v: '$out', expected /$2/"
	return 1
}
prints_version() {	# prints_version TOOL: TOOL -V in the root is ours
	local out
	out=$(in_root "$1" -V 2>&1 | head -n1)
	[[ $out == "$1 from gic-kexec "* ]] && return
	echo "# $1 -V: '$out'"
	return 1
}
OURS='^kexec from gic-kexec '
THEIRS='^kexec-tools [0-9]'
diversions() {	# the diversions by gic-kexec, one "FILE TARGET" a line
	in_root dpkg-divert --list | awk '$NF == "gic-kexec" { print $3, $5 }' | sort
}
has_diversions() {
	local want
	want=$(printf '%s\n' \
		"/sbin/kexec /sbin/kexec.kexec-tools" \
		"/usr/sbin/kexec /usr/sbin/kexec.kexec-tools.usr-is-merged" \
		"/usr/share/man/man8/kexec.8.gz /usr/share/man/man8/kexec.kexec-tools.8.gz" | sort)
	[ "$(diversions)" = "$want" ] && return
	diversions | sed 's/^/# diversion: /'
	return 1
}
no_diversions() {
	[ -z "$(diversions)" ] && return
	diversions | sed 's/^/# left: /'
	return 1
}
none_left() {	# none_left: no diverted copy of kexec is lying around
	local left
	left=$(cd "$R" && ls -d usr/sbin/kexec.* usr/share/man/man8/kexec.kexec-tools.* 2>/dev/null)
	[ -z "$left" ] && return
	echo "# left: $left"
	return 1
}
verified() {	# verified PKG...: dpkg --verify finds every file as installed
	local out
	out=$(in_root dpkg --verify "$@" 2>&1)
	[ -z "$out" ] && return
	printf '%s\n' "$out" | sed 's/^/# verify: /'
	return 1
}
theirs_man() {	# theirs_man FILE: FILE is kexec-tools' manual page
	cmp -s "$R$1" "$W/kt-moved/usr/share/man/man8/kexec.8.gz"
}
audit_clean() {
	[ -z "$(in_root dpkg --audit 2>&1)" ]
}

# a. gic-kexec alone; kexec-tools after it; gic-kexec removed
new_root alone
step "alone: dpkg -i gic-kexec" dpkg -i /tmp/gic-kexec.deb
check "alone: kexec -v is ours" runs_as kexec "$OURS"
check "alone: /usr/sbin/kexec -v is ours" runs_as /usr/sbin/kexec "$OURS"
check "alone: gicdiag -V" prints_version gicdiag
check "alone: efitables -V" prints_version efitables
check "alone: the helper is installed" test -x "$R/usr/libexec/gic-kexec/gic-kexec"
check "alone: kexec and its manual page diverted under both names" has_diversions
check "alone: gic-kexec-confirm.service enabled" \
	test -L "$R/etc/systemd/system/multi-user.target.wants/gic-kexec-confirm.service"
check "alone: gic-kexec-boot.service enabled (sysinit.target)" \
	test -L "$R/etc/systemd/system/sysinit.target.wants/gic-kexec-boot.service"
check "alone: gic-kexec-metrics.timer enabled" \
	test -L "$R/etc/systemd/system/timers.target.wants/gic-kexec-metrics.timer"
check "alone: nothing renamed (no kexec-tools)" none_left
step "alone: kexec-tools installed after gic-kexec" dpkg -i /tmp/kexec-tools.deb
check "alone+kexec-tools: kexec -v is still ours" runs_as /sbin/kexec "$OURS"
check "alone+kexec-tools: theirs unpacked as /sbin/kexec.kexec-tools" \
	runs_as /sbin/kexec.kexec-tools "$THEIRS"
check "alone+kexec-tools: theirs manual page as kexec.kexec-tools.8.gz" \
	theirs_man /usr/share/man/man8/kexec.kexec-tools.8.gz
check "alone+kexec-tools: dpkg --verify both" verified kexec-tools gic-kexec
step "alone+kexec-tools: dpkg -r gic-kexec" dpkg -r gic-kexec
check "alone, removed: kexec -v is kexec-tools'" runs_as /sbin/kexec "$THEIRS"
check "alone, removed: their manual page back as kexec.8.gz" \
	theirs_man /usr/share/man/man8/kexec.8.gz
check "alone, removed: no diversion left" no_diversions
check "alone, removed: no diverted copy left" none_left
check "alone, removed: dpkg --verify kexec-tools" verified kexec-tools

# b. kexec-tools first; gic-kexec; reinstalled; kexec-tools moves its
#    kexec to /usr/sbin; gic-kexec removed, then purged
new_root divert
step "divert: kexec-tools installed" dpkg -i /tmp/kexec-tools.deb
check "divert: kexec -v is kexec-tools' before" runs_as /sbin/kexec "$THEIRS"
step "divert: dpkg -i gic-kexec over kexec-tools" dpkg -i /tmp/gic-kexec.deb
check "divert: /sbin/kexec -v is ours" runs_as /sbin/kexec "$OURS"
check "divert: /usr/sbin/kexec -v is ours" runs_as /usr/sbin/kexec "$OURS"
check "divert: kexec -v (PATH) is ours" runs_as kexec "$OURS"
check "divert: theirs is /sbin/kexec.kexec-tools" runs_as /sbin/kexec.kexec-tools "$THEIRS"
check "divert: and /usr/sbin/kexec.kexec-tools" runs_as /usr/sbin/kexec.kexec-tools "$THEIRS"
check "divert: their manual page is kexec.kexec-tools.8.gz" \
	theirs_man /usr/share/man/man8/kexec.kexec-tools.8.gz
check "divert: our manual page is kexec.8.gz" \
	sh -c "zcat '$R/usr/share/man/man8/kexec.8.gz' | grep -q gic-kexec"
check "divert: kexec and its manual page diverted under both names" has_diversions
check "divert: dpkg --verify both" verified kexec-tools gic-kexec
step "divert: gic-kexec reinstalled (preinst upgrade)" dpkg -i /tmp/gic-kexec.deb
check "divert, reinstalled: /sbin/kexec -v is ours" runs_as /sbin/kexec "$OURS"
check "divert, reinstalled: theirs still /sbin/kexec.kexec-tools" \
	runs_as /sbin/kexec.kexec-tools "$THEIRS"
check "divert, reinstalled: dpkg --verify both" verified kexec-tools gic-kexec
step "divert: kexec-tools upgraded to /usr/sbin/kexec" dpkg -i /tmp/kexec-tools-usrmove.deb
check "divert, moved: /sbin/kexec -v is ours" runs_as /sbin/kexec "$OURS"
check "divert, moved: theirs kept as /usr/sbin/kexec.kexec-tools.usr-is-merged" \
	runs_as /usr/sbin/kexec.kexec-tools.usr-is-merged "$THEIRS"
check "divert, moved: the old diverted copy is gone" \
	test ! -e "$R/usr/sbin/kexec.kexec-tools"
check "divert, moved: dpkg --verify both" verified kexec-tools gic-kexec
step "divert: dpkg -r gic-kexec" dpkg -r gic-kexec
check "divert, removed: kexec -v is kexec-tools'" runs_as /sbin/kexec "$THEIRS"
check "divert, removed: their manual page back as kexec.8.gz" \
	theirs_man /usr/share/man/man8/kexec.8.gz
check "divert, removed: no diversion left" no_diversions
check "divert, removed: no diverted copy left" none_left
check "divert, removed: dpkg --verify kexec-tools" verified kexec-tools
step "divert: dpkg -P gic-kexec" dpkg -P gic-kexec
check "divert, purged: no unit enabled" \
	sh -c "! ls '$R'/etc/systemd/system/*.wants/gic-kexec-* >/dev/null 2>&1"
check "divert, purged: /etc/gic-kexec.conf gone" test ! -e "$R/etc/gic-kexec.conf"
check "divert, purged: dpkg --audit is clean" audit_clean

# c. a kexec-tools that ships /usr/sbin/kexec from the start
new_root usrmove
step "usrmove: kexec-tools with /usr/sbin/kexec installed" dpkg -i /tmp/kexec-tools-usrmove.deb
step "usrmove: dpkg -i gic-kexec" dpkg -i /tmp/gic-kexec.deb
check "usrmove: kexec -v is ours" runs_as /sbin/kexec "$OURS"
check "usrmove: theirs is /usr/sbin/kexec.kexec-tools.usr-is-merged" \
	runs_as /usr/sbin/kexec.kexec-tools.usr-is-merged "$THEIRS"
check "usrmove: dpkg --verify both" verified kexec-tools gic-kexec
step "usrmove: dpkg -r gic-kexec" dpkg -r gic-kexec
check "usrmove, removed: kexec -v is kexec-tools'" runs_as /usr/sbin/kexec "$THEIRS"
check "usrmove, removed: no diversion left" no_diversions
check "usrmove, removed: no diverted copy left" none_left
check "usrmove, removed: dpkg --verify kexec-tools" verified kexec-tools

# ---- 5. the host -----------------------------------------------------------------
check "the host's dpkg database and /usr/sbin are untouched" \
	test "$(host_state)" = "$HOST_BEFORE"

TAP_FINISH_NOTE="$SECONDS s" finish
