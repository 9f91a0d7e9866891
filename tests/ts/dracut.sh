#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dracut module as make install lays it out, built by the real dracut
# into an initrd (no kernel needed), then run from the unpacked image:
# gicdiag, and kdump-utils' pre.d and post.d hooks, chrooted into it.
#
# dracut must see the project at its configured paths (module-setup.sh
# names @sbindir@/gicdiag etc.) without writing there. dracut --sysroot
# cannot do it: dracut 059's dracut-install -r loses its way on symlinks,
# and merged /usr makes /bin/sh one. So dracut runs in a private mount
# namespace in which the DESTDIR tree is overlaid (read-only overlayfs,
# DESTDIR above the host) on the directories the install writes under:
# unmodified dracut then finds the module in /usr/lib/dracut/modules.d
# and the binaries where module-setup.sh names them.
TS_COMPONENT=dracut
. "$top_srcdir/tests/ts/functions.sh"


: "${gk_sbindir:?}" "${gk_libexecdir:?}" "${gk_sysconfdir:?}" "${gk_dracutmodulesdir:?}"
for tool in dracut lsinitrd; do
	command -v $tool >/dev/null ||
		{ echo "Bail out! no $tool (Debian package dracut-core)"; exit 1; }
done
for tool in unshare chroot ldd; do
	command -v $tool >/dev/null || { echo "Bail out! no $tool"; exit 1; }
done
# where dracut 059 looks for modules (its dracutbasedir, /usr/lib/dracut)
MODULES_D=/usr/lib/dracut/modules.d
[ -d "$MODULES_D/99base" ] || { echo "Bail out! no $MODULES_D/99base"; exit 1; }

# root (CI) needs only a mount namespace; anyone else maps to root in a
# user namespace, which also needs it for chroot
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	NS=(unshare -m --propagation private)
	NS_PID=(unshare -m -p -f --propagation private)
	CHROOT=(chroot)
elif unshare -r -m true 2>/dev/null; then
	NS=(unshare -r -m --propagation private)
	NS_PID=(unshare -r -m -p -f --propagation private)
	CHROOT=(unshare -r chroot)
else
	echo "Bail out! unshare -m fails, and so does unshare -r -m"
	exit 1
fi

GD="$top_builddir/gicdiag/gicdiag"
SNAP="$top_srcdir/tests/data/qemu-efi-acpi-debian12.tar.gz"
T=$TS_OUT
case $T in
*[,:]*) echo "Bail out! overlayfs cannot take $T (a ',' or ':')"; exit 1 ;;
esac
rm -rf "$T/root" "$T/x" "$T/conf.d" "$T/initrd.img" "$T/no-gicdiag.img"
mkdir -p "$T/conf.d"
# dracut writes here: outside every overlay (they are read-only), e.g. when
# make distcheck installs under the build tree this test runs in
W=$(mktemp -d "${TMPDIR:-/tmp}/gk-dracut.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/tmp"


# ---- make install DESTDIR ------------------------------------------------
MAKEFLAGS='' MFLAGS='' make -s -C "$top_builddir" install DESTDIR="$T/root" \
	>"$T/install.log" 2>&1
ts_ok "make install DESTDIR" $? "$T/install.log"

R=$T/root
mod=$R$gk_dracutmodulesdir/99gic-kexec
{
	for f in module-setup.sh kdump-pre.sh kdump-post.sh; do
		[ -x "$mod/$f" ] || echo "$mod/$f: missing or not executable"
	done
	grep -n '@[a-z_]*@' "$mod"/*.sh
	for f in "$gk_sbindir/gicdiag" "$gk_libexecdir/gic-kexec/gic-kexec"; do
		[ -x "$R$f" ] || echo "$R$f: missing or not executable"
	done
} >"$T/installed.diff" 2>&1
[ ! -s "$T/installed.diff" ]
ts_ok "99gic-kexec installed in $gk_dracutmodulesdir, substituted; binaries at $gk_sbindir, $gk_libexecdir" \
	$? "$T/installed.diff"

# ---- dracut -------------------------------------------------------------
# the nearest existing host directory at or above each installed path
# gets the DESTDIR tree overlaid on it, ancestors first, nested ones once
nearest() {
	local d=$1
	while [ ! -d "$d" ]; do
		d=${d%/*}
		d=${d:-/}
	done
	echo "$d"
}
overlays=()
for d in $(for p in "$gk_sbindir" "$gk_libexecdir/gic-kexec" "$gk_sysconfdir"; do
	nearest "$p"
done | awk '{ print length($0), $0 }' | sort -n -u | cut -d ' ' -f 2-); do
	[ "$d" = / ] && { echo "Bail out! would overlay / for $d"; exit 1; }
	for o in "${overlays[@]}"; do
		case $d/ in "$o"/*) continue 2 ;; esac
	done
	[ -d "$R$d" ] && overlays+=("$R$d:$d")
done
# the module goes where dracut looks, wherever it was installed
overlays+=("$R$gk_dracutmodulesdir:$MODULES_D")
echo "# overlaid on the host: ${overlays[*]}"
for o in "${overlays[@]}"; do
	case $W/ in "${o#*:}"/*) echo "Bail out! $W is under the overlay ${o#*:}"; exit 1 ;; esac
done
# in_ns CMD...: CMD in a mount namespace where the install is in place
in_ns() {
	"${NS[@]}" sh -ec '
		while [ "$1" != -- ]; do	# LOWER:TARGET
			mount -t overlay gic-kexec-destdir -o "lowerdir=$1" "${1#*:}"
			shift
		done
		shift
		exec "$@"
	' sh "${overlays[@]}" -- "$@"
}

start=$(date +%s)
in_ns timeout 300 dracut --conf /dev/null --confdir "$T/conf.d" \
	--no-kernel --no-hostonly --no-early-microcode --no-compress --force \
	--tmpdir "$W/tmp" -m "base gic-kexec" "$W/initrd.img" >"$T/dracut.log" 2>&1
[ -f "$W/initrd.img" ] && mv "$W/initrd.img" "$T/initrd.img"
rc=$?
secs=$(($(date +%s) - start))
echo "# dracut: exit $rc in ${secs}s"
[ $rc = 0 ] && [ -s "$T/initrd.img" ] &&
	grep -q 'Including module: gic-kexec' "$T/dracut.log"
ts_ok "dracut -m 'base gic-kexec' built the initrd (${secs}s)" $? "$T/dracut.log"

# "MODE NAME" of every entry of the image (mawk knows no {9})
lsinitrd "$T/initrd.img" >"$T/lsinitrd.txt" 2>&1
awk 'NF >= 9 && $1 ~ /^[-dlcbps][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]/ {
	print $1, $9 }' "$T/lsinitrd.txt" >"$T/list.txt"
# listed TYPE PATH: the image holds PATH as a file of TYPE (- or l), or an
# executable file with TYPE x; else says so, with the entries named alike,
# in $T/listed.diff
listed() {
	awk -v t="$1" -v p="${2#/}" '$2 != p { next }
		t == "x" && $1 ~ /^-..x/ { f = 1 }
		t != "x" && substr($1, 1, 1) == t { f = 1 }
		END { exit !f }' "$T/list.txt" && return 0
	echo "no '$1' entry ${2#/}; entries named ${2##*/}:"
	grep -F "/${2##*/}" "$T/list.txt" | sed 's/^/    /'
	return 1
} >>"$T/listed.diff"
: >"$T/listed.diff"
listed x "$gk_sbindir/gicdiag"
ts_ok "image: $gk_sbindir/gicdiag, executable" $? "$T/listed.diff"
: >"$T/listed.diff"
listed x "$gk_libexecdir/gic-kexec/gic-kexec"
ts_ok "image: $gk_libexecdir/gic-kexec/gic-kexec, executable" $? "$T/listed.diff"
: >"$T/listed.diff"
listed x /etc/kdump/pre.d/50-gic-kexec
listed x /etc/kdump/post.d/50-gic-kexec
[ ! -s "$T/listed.diff" ]
ts_ok "image: /etc/kdump/pre.d/50-gic-kexec and post.d/50-gic-kexec, executable" $? \
	"$T/listed.diff"
: >"$T/listed.diff"
listed - "$gk_sysconfdir/gic-kexec.conf"
ts_ok "image: $gk_sysconfdir/gic-kexec.conf" $? "$T/listed.diff"

# gicdiag's libraries, as ldd finds them for the installed binary: each
# one's real file (dracut copies it to the same path) is in the image
ldd "$R$gk_sbindir/gicdiag" >"$T/ldd.txt" 2>&1
libs=$(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$T/ldd.txt")
{
	grep 'not found' "$T/ldd.txt"
	for need in libfdt libefivar libsmartcols libc.so; do
		echo "$libs" | grep -q "/$need" || echo "ldd names no $need"
	done
	: >"$T/listed.diff"
	for l in $libs; do
		real=$(readlink -f "$l")
		listed - "$real" || echo "$l: $real not in the image"
	done
	cat "$T/listed.diff"
} >"$T/libs.diff"
[ ! -s "$T/libs.diff" ]
ok=$?
ts_ok "image: the $(echo "$libs" | wc -l) libraries ldd names for gicdiag" $ok \
	"$T/libs.diff"

# ---- run what the image holds -----------------------------------------
mkdir -p "$T/x"
(cd "$T/x" && lsinitrd --unpack "$T/initrd.img") >"$T/unpack.log" 2>&1 &&
	[ -x "$T/x$gk_sbindir/gicdiag" ] && [ -x "$T/x/bin/sh" ]
ts_ok "lsinitrd --unpack" $? "$T/unpack.log"

# inside CMD...: CMD chrooted into the image; environment: PATH and env[@]
inside() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env[@]}" "${CHROOT[@]}" "$T/x" "$@"
}
# inside_proc CMD...: the same with /proc mounted, as a kdump initrd has
# it (sanitizer builds of gicdiag read /proc/self)
inside_proc() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env[@]}" "${NS_PID[@]}" \
		sh -c 'mount -t proc proc "$1/proc" && exec chroot "$@"' \
		sh "$T/x" "$@"
}
env=()
for l in $libs; do
	inside /bin/sh -c '[ -e "$1" ]' sh "$l" || echo "$l does not resolve in the image"
done >"$T/resolve.diff" 2>&1
[ ! -s "$T/resolve.diff" ]
ts_ok "image: each library path resolves in the image" $? "$T/resolve.diff"

"$GD" -V >"$T/host-V.txt" 2>&1
inside_proc "$gk_sbindir/gicdiag" -V >"$T/V.txt" 2>&1
rc=$?
diff -u "$T/host-V.txt" "$T/V.txt" >"$T/V.diff"
[ $rc = 0 ] && [ -s "$T/V.txt" ] && [ ! -s "$T/V.diff" ]
ok=$?
ts_ok "chroot: gicdiag -V runs (exit $rc): $(head -n 1 "$T/V.txt")" $ok "$T/V.diff"

# pre.d: the capture on a lab snapshot copied into the image, the line to
# stdout and to a stand-in for /dev/pmsg0, the JSON to /run/gic-kexec
mkdir -p "$T/x/snap"
tar -xzf "$SNAP" -C "$T/x/snap" --strip-components=1
rm -rf "$T/x/run/gic-kexec"
mkdir -p "$T/x/run"
: >"$T/x/run/pmsg0"
env=(GIC_KEXEC_SYSROOT=/snap GIC_KEXEC_RUNDIR=/run/gic-kexec GIC_KEXEC_PMSG=/run/pmsg0)
inside_proc /etc/kdump/pre.d/50-gic-kexec >"$T/pre.out" 2>"$T/pre.err"
rc=$?
want="gic-kexec: crash kernel: $("$GD" -s "$T/x/snap" --oneline confirm 2>&1 | head -n 1)"
{
	echo "exit $rc"
	cat "$T/pre.out"
	echo "--- stderr"
	cat "$T/pre.err"
	echo "--- wanted"
	echo "$want"
} >"$T/pre.log"
[ $rc = 0 ] && [ "$(head -n 1 "$T/pre.out")" = "$want" ] &&
	case $want in "gic-kexec: crash kernel: "?*) true ;; *) false ;; esac
ok=$?
ts_ok "pre.d hook: exit 0, '$(head -n 1 "$T/pre.out")'" $ok "$T/pre.log"
[ "$(cat "$T/x/run/pmsg0")" = "$want" ]
ts_ok "pre.d hook: the same line to GIC_KEXEC_PMSG (pstore)" $? "$T/x/run/pmsg0"

J=$T/x/run/gic-kexec/confirm.json
"$GD" -s "$T/x/snap" --json confirm >"$T/host-confirm.json" 2>&1
{
	ls -la "$T/x/run/gic-kexec"
	diff -u "$T/host-confirm.json" "$J"
} >"$T/json.diff" 2>&1
grep -q '"outcome": "[A-Z]' "$J" && cmp -s "$T/host-confirm.json" "$J" &&
	[ "$(ls "$T/x/run/gic-kexec")" = confirm.json ]
ts_ok "pre.d hook: /run/gic-kexec/confirm.json, whole, with an outcome" $? "$T/json.diff"

# a crash kernel that cannot diagnose still lets the dump go on
env=(GIC_KEXEC_SYSROOT=/nonexistent GIC_KEXEC_RUNDIR=/run/gic-kexec-bad GIC_KEXEC_PMSG=/dev/null)
inside_proc /etc/kdump/pre.d/50-gic-kexec >"$T/pre-bad.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^gic-kexec: crash kernel: ' "$T/pre-bad.out"
ts_ok "pre.d hook: exit 0 and a line when gicdiag fails (exit $rc)" $? "$T/pre-bad.out"

# post.d: kdump-utils saved the dump in MOUNT/PATH/HOST-DATE/ (PATH: the
# last 'path' of kdump.conf, MOUNT: / or the dump target's mount point)
# and runs the hook with the dump's status; the hook copies confirm.json
# into the newest such directory that holds a vmcore. Nothing is mounted
# in the chroot: /proc/mounts is a plain file saying what would be.
# mkdump DIR TIME [FILE]: a dump directory dated TIME, with FILE (vmcore)
dumps=()
mkdump() {
	mkdir -p "$T/x$1"
	[ -n "${3-vmcore}" ] && : >"$T/x$1/${3-vmcore}"
	dumps+=("$1" "$2")
}
# post NAME DIR: runs the post.d hook; true when DIR got the only
# gicdiag-confirm.json of the dump trees, the capture's, and the hook said
# so; details in $T/post-NAME.log
post() {
	local out=$T/post-$1 rc
	find "$T/x/var/crash" "$T/x/dumps" "$T/x/kdumproot" \
		-name gicdiag-confirm.json -delete 2>/dev/null
	set -- "$@" "${dumps[@]}"
	while [ $# -gt 2 ]; do	# their dates, after what the last run did
		[ -d "$T/x$3" ] && touch -d "$4" "$T/x$3"
		set -- "$1" "$2" "${@:5}"
	done
	inside /etc/kdump/post.d/50-gic-kexec 0 >"$out.out" 2>&1
	rc=$?
	(cd "$T/x" && find ./var/crash ./dumps ./kdumproot \
		-name gicdiag-confirm.json 2>/dev/null) >"$out.found"
	{
		echo "exit $rc"
		cat "$out.out"
		echo "--- found"
		cat "$out.found"
		echo "--- wanted"
		echo ".$2/gicdiag-confirm.json"
	} >"$out.log"
	[ $rc = 0 ] && [ "$(cat "$out.found")" = ".$2/gicdiag-confirm.json" ] &&
		cmp -s "$J" "$T/x$2/gicdiag-confirm.json" &&
		grep -q -x "gic-kexec: saved $2/gicdiag-confirm.json" "$out.out"
}
rm -rf "$T/x/var/crash" "$T/x/dumps" "$T/x/kdumproot" "$T/x/etc/kdump.conf"
mkdir -p "$T/x/proc"
printf '%s\n' "rootfs / rootfs rw 0 0" \
	"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0" >"$T/x/proc/mounts"
C=/var/crash
mkdump "$C/127.0.0.1-2025-12-30-00:00:00" "2025-12-30 00:00" vmcore-incomplete
mkdump "$C/127.0.0.1-2025-12-31-23:00:00" "2025-12-31 23:00"
mkdump "$C/127.0.0.1-2026-01-01-00:00:00" "2026-01-01 00:00"
mkdump "$C/127.0.0.1-2026-01-01-00:05:00" "2026-01-01 00:05" ""	# no vmcore
env=(GIC_KEXEC_RUNDIR=/run/gic-kexec)
post var-crash "$C/127.0.0.1-2026-01-01-00:00:00"
ts_ok "post.d hook: /var/crash/127.0.0.1-2026-01-01-00:00:00/gicdiag-confirm.json, the newest with a vmcore" \
	$? "$T/post-var-crash.log"

# kdump.conf's path, on / and on the dump target kdump-utils mounted
cat >"$T/x/etc/kdump.conf" <<EOC
ext4 UUID=4a2d1d5e-0000-4000-8000-000000000001
path /var/crash
path /dumps
core_collector makedumpfile -l --message-level 7 -d 31
EOC
echo "/dev/vda2 /kdumproot ext4 rw,relatime 0 0" >>"$T/x/proc/mounts"
D=/kdumproot/dumps
mkdump "$D/127.0.0.1-2026-01-01-12:00:00" "2026-01-01 12:00"
mkdump "$D/127.0.0.1-2026-01-02-00:00:00" "2026-01-02 00:00"
mkdump "/dumps/127.0.0.1-2026-01-03-00:00:00" "2026-01-03 00:00"
mkdump "/kdumproot$C/127.0.0.1-2026-01-04-00:00:00" "2026-01-04 00:00"
post path-last "/dumps/127.0.0.1-2026-01-03-00:00:00"
ts_ok "post.d hook: kdump.conf's last path, /dumps, newest of / and /kdumproot" \
	$? "$T/post-path-last.log"
rm -rf "$T/x/dumps"
post target "$D/127.0.0.1-2026-01-02-00:00:00"
ts_ok "post.d hook: $D/127.0.0.1-2026-01-02-00:00:00, on the target" \
	$? "$T/post-target.log"

# kdump-utils reads kdump.conf without comments and blanks around
printf '%s\n' "ext4 UUID=4a2d1d5e-0000-4000-8000-000000000001" \
	"  path /dumps	# the dump disk " >"$T/x/etc/kdump.conf"
post conf-blanks "$D/127.0.0.1-2026-01-02-00:00:00"
ts_ok "post.d hook: '  path /dumps	# comment' in kdump.conf is /dumps" \
	$? "$T/post-conf-blanks.log"

# / needs no /proc/mounts
rm -f "$T/x/proc/mounts" "$T/x/etc/kdump.conf"
post no-proc "$C/127.0.0.1-2026-01-01-00:00:00"
ts_ok "post.d hook: /var/crash without /proc/mounts" $? "$T/post-no-proc.log"

# no capture (the pre.d hook never ran): the hook still exits 0
env=(GIC_KEXEC_RUNDIR=/run/gic-kexec-none)
inside /etc/kdump/post.d/50-gic-kexec 1 >"$T/post-no-capture.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^gic-kexec: no /run/gic-kexec-none/confirm.json' "$T/post-no-capture.out"
ts_ok "post.d hook: exit 0 without a capture (exit $rc)" $? "$T/post-no-capture.out"

# without gicdiag where module-setup.sh names it, dracut refuses the module
mv "$R$gk_sbindir/gicdiag" "$R$gk_sbindir/gicdiag.away"
in_ns timeout 300 dracut --conf /dev/null --confdir "$T/conf.d" \
	--no-kernel --no-hostonly --no-early-microcode --no-compress --force \
	--tmpdir "$W/tmp" -m gic-kexec "$W/no-gicdiag.img" >"$T/no-gicdiag.log" 2>&1
rc=$?
mv "$R$gk_sbindir/gicdiag.away" "$R$gk_sbindir/gicdiag"
[ $rc != 0 ] && [ ! -e "$W/no-gicdiag.img" ] &&
	grep -q "command '$gk_sbindir/gicdiag' could not be found" "$T/no-gicdiag.log"
ts_ok "module check(): no $gk_sbindir/gicdiag, no module (dracut exit $rc)" $? \
	"$T/no-gicdiag.log"

# the image is big (libicudata): keep it only to look at a failure
[ "$TS_FAILED" = 0 ] && rm -rf "$T/x" "$T/initrd.img"
ts_finish
