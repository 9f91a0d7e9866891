#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The project's two entry points on a Debian 12 machine (see README.md):
#   ./build.sh run     install what is needed, build, run the main job
#   ./build.sh check   install what is needed, build, run every test and
#                      end with "N passed, N failed"
# Run as root (a bare Debian 12 has no sudo) or as a user with sudo: what
# needs root goes through sudo then.
set -u
cd "$(dirname "$0")" || exit 1
TOP=$PWD
JOBS=$(nproc 2>/dev/null || echo 2)

DEBS="autoconf automake pkg-config make gcc clang libclang-rt-14-dev clang-format-14
libfdt-dev libefivar-dev libsmartcols-dev libelf-dev zlib1g-dev
libcmocka-dev libarchive-dev python3 nettle-dev libdeflate-dev
libsystemd-dev systemd-journal-remote
libzstd-dev liblzma-dev libjson-c-dev libbpf-dev libseccomp-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
qemu-system-arm device-tree-compiler strace
systemd bash-completion kdump-tools dracut-core sosreport prometheus
debhelper lintian fakeroot dpkg-dev mmdebstrap"

say() { printf '== %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }

# as_root CMD...: root runs CMD itself, a user through sudo; false, saying
# why, for a user without sudo
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "build.sh: $1 needs root: run build.sh as root, or as a user with sudo" >&2
		return 1
	fi
}

install_deps() {
	local missing=()

	for p in $DEBS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	say "installing ${missing[*]}"
	as_root apt-get update -qq >/dev/null &&
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
}

# configure_build DIR [configure options]: a fresh out-of-tree build
configure_build() {
	local dir=$1
	shift
	[ -x configure ] || autoreconf -fi >/dev/null || return 1
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" &&
		"$TOP/configure" -q "$@" >/dev/null && make -s -j"$JOBS" >/dev/null
	local rc=$?
	cd "$TOP" || return 1
	return $rc
}

# gicdiag's verdict is its exit status: 0, 1 and 2 are answers, not errors.
run_gicdiag() {
	say "gicdiag $*"
	build/default/gicdiag/gicdiag "$@"
	[ $? -le 2 ]
}

cmd_run() {
	install_deps || return 1
	configure_build build/default || return 1
	if [ "$(uname -m)" = aarch64 ] && { [ -e /sys/firmware/fdt ] ||
		[ -e /sys/firmware/acpi/tables/APIC ]; }; then
		# this system, live: /dev/mem, /proc/kcore and the journal
		# are root's (without sudo, what a user can read)
		local via=()

		is_root || ! command -v sudo >/dev/null || via=(sudo)
		say "gicdiag (this system${via[*]:+, through sudo})"
		"${via[@]}" build/default/gicdiag/gicdiag
		[ $? -le 2 ]
		return
	fi
	# No arm64 GIC here: real snapshots of one, captured in the lab
	# (Debian 12's 6.1 kernel on a GICv3+ITS QEMU machine): booted as a
	# plain device tree, where kexec-tools would lose the tables, and
	# through EDK2 with ACPI, where the kernel publishes them.
	run_gicdiag --sysroot tests/data/qemu-dt-debian12.tar.gz &&
		run_gicdiag --sysroot tests/data/qemu-efi-acpi-debian12.tar.gz
}

PASSED=0
FAILED=0
SKIPPED=0

# Add the automake harness totals of one "make check" log.
count_log() {
	local log=$1 p f e x s

	p=$(sed -n 's/^# PASS: *//p' "$log" | tail -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | tail -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | tail -1)
	x=$(sed -n 's/^# XPASS: *//p' "$log" | tail -1)
	s=$(sed -n 's/^# SKIP: *//p' "$log" | tail -1)
	if [ -z "$p" ]; then
		FAILED=$((FAILED + 1))	# the harness never reported
		return
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + ${f:-0} + ${e:-0} + ${x:-0}))
	SKIPPED=$((SKIPPED + ${s:-0}))
}

step() {	# NAME CMD...: one pass/fail item of the run
	local name=$1
	shift
	say "$name"
	if "$@"; then
		PASSED=$((PASSED + 1))
	else
		echo "FAILED: $name" >&2
		FAILED=$((FAILED + 1))
	fi
}

check_suite() {	# NAME DIR [configure options]
	local name=$1 dir=$2 log
	shift 2
	say "$name: build"
	if ! configure_build "$dir" "$@"; then
		echo "FAILED: $name build" >&2
		FAILED=$((FAILED + 1))
		return
	fi
	log=$TOP/$dir/check.out
	say "$name: make check"
	make -C "$dir" -j"$JOBS" check >"$log" 2>&1
	grep -E '^(FAIL|ERROR|XPASS):' "$log" >&2
	count_log "$log"
	grep -E '^# (TOTAL|PASS|FAIL|ERROR|SKIP):' "$log" >&2
}

# tap_suite NAME LOG CMD...: a suite that speaks TAP, each ok and not ok
# counted; the runner must have said something and agreed with its plan
tap_suite() {
	local name=$1 log=$2 p f
	shift 2

	say "$name"
	"$@" >"$log" 2>&1
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c -e '^not ok ' -e '^Bail out!' "$log")
	grep -e '^not ok ' -e '^Bail out!' -e '^# ' "$log" >&2
	if [ "$p" = 0 ] || ! grep -q "^1\.\.$((p + f))\$" "$log"; then
		f=$((f + 1))
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

# A short libFuzzer run of every target over its seeds: 15 targets at 20 s
# are 5 min of CI, within its 6 (make fuzz-long runs them for long).
fuzz_smoke() {
	local dir=build/fuzz seconds=${FUZZ_SECONDS:-20}

	configure_build "$dir" CC=clang --enable-fuzzing --enable-sanitizers ||
		return 1
	make -s -C "$dir" -j"$JOBS" check TESTS= >/dev/null || return 1
	"$dir/tests/fuzz/mkseeds" "$dir/seeds" || return 1
	for fz in "$dir"/tests/fuzz/fuzz-*; do
		local t=${fz##*/fuzz-} corpus=$dir/corpus-${fz##*/fuzz-}

		mkdir -p "$corpus"
		[ -d "tests/fuzz/corpus/$t" ] && cp -r "tests/fuzz/corpus/$t/." "$corpus/"
		[ -d "$dir/seeds/$t" ] && cp -r "$dir/seeds/$t/." "$corpus/"
		for snap in tests/data/*.tar.gz; do	# real tables as seeds
			case $t in
			madt) tar -xzOf "$snap" --wildcards '*/APIC' >"$corpus/${snap##*/}" 2>/dev/null ;;
			gicdt) tar -xzOf "$snap" --wildcards '*/sys/firmware/fdt' >"$corpus/${snap##*/}" 2>/dev/null ;;
			esac
		done
		find "$corpus" -type f -empty -delete
		say "fuzz $t for ${seconds}s"
		"$fz" -max_total_time="$seconds" -artifact_prefix="$dir/crash-$t-" \
			"$corpus" >"$dir/fuzz-$t.log" 2>&1 || {
			tail -20 "$dir/fuzz-$t.log" >&2
			return 1
		}
		grep -E '^(Done|#[0-9]+ *DONE)' "$dir/fuzz-$t.log" | tail -1 >&2
	done
}

cmd_check() {
	# as CI runs it, as root: the package test installs into chroots
	if ! is_root && command -v sudo >/dev/null; then
		exec sudo bash "$TOP/build.sh" check
	fi
	if ! is_root; then
		echo "build.sh: check needs root: run build.sh as root, or as a user with sudo" >&2
		echo "0 passed, 1 failed"
		return 1
	fi
	if ! install_deps; then
		echo "0 passed, 1 failed"
		return 1
	fi
	autoreconf -fi >/dev/null 2>&1 || { echo "0 passed, 1 failed"; return 1; }
	check_suite "gcc -Werror" build/default --enable-werror
	# the C sources against .clang-format, a count per file
	tap_suite "clang-format-14: make check-format" \
		"$TOP/build/default/format.out" make -s -C build/default check-format
	check_suite "ASan+UBSan" build/asan --enable-werror --enable-sanitizers
	# the arm64 lab: real Debian kernels under QEMU (tests/e2e/)
	tap_suite "arm64 lab: make check-e2e" "$TOP/build/default/e2e.out" \
		make -C build/default check-e2e
	step "libFuzzer smoke (clang)" fuzz_smoke
	step "make distcheck" make -s -C build/default distcheck \
		DISTCHECK_CONFIGURE_FLAGS=--enable-werror
	# the Debian package: built, linted, installed beside kexec-tools
	tap_suite "Debian package: tests/pkg/run.sh" "$TOP/build/default/pkg.out" \
		env top_srcdir="$TOP" bash tests/pkg/run.sh
	if [ "$SKIPPED" != 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ "$FAILED" = 0 ]
}

case "${1:-}" in
run) cmd_run ;;
check) cmd_check ;;
*)
	echo "usage: $0 run|check" >&2
	exit 64
	;;
esac
