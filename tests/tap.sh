# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for the test scripts that are not golden tests (tests/purgatory,
# tests/pkg): numbered ok / not ok lines, the plan printed last.
N=0
FAILED=0
ok() {
	N=$((N + 1))
	echo "ok $N - $*"
}
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $*"
}
check() {	# check DESCRIPTION CMD...: one test from a command's status
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {	# the plan, then exit: 0 when nothing failed
	[ -n "${TAP_FINISH_NOTE:-}" ] && echo "# $TAP_FINISH_NOTE"
	echo "1..$N"
	[ "$FAILED" = 0 ]
	exit
}
