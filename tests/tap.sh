# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for every test script (tests/ts/functions.sh builds the golden tests
# on it): numbered ok / not ok lines, counted here, never by hand; finish
# prints the plan last (TAP allows a trailing "1..N"). A script that stops
# before finish prints no plan, so the driver reports it as an ERROR, as it
# does any non-zero exit.
TAP_N=0
TAP_FAILED=0
ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}
not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
check() {	# check DESCRIPTION CMD...: one test from a command's status
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {	# the plan, then exit: 0 when nothing failed
	[ -n "${TAP_FINISH_NOTE:-}" ] && echo "# $TAP_FINISH_NOTE"
	# "1..0" would read as a skipped script: running nothing proves nothing
	[ "$TAP_N" -gt 0 ] || not_ok "the script ran at least one test"
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
	exit
}
