#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test harness itself: small scripts on tests/ts/functions.sh, run by
# automake's tap-driver as make check runs every script, and what the
# driver reports. The plan comes from the count; a script that stops
# half-way is an ERROR whatever its exit status; a case file dropped in
# tests/cases/COMPONENT/ is a golden test.
TS_COMPONENT=harness
. "$top_srcdir/tests/ts/functions.sh"

DRIVER="$top_srcdir/build-aux/tap-driver.sh"
W="$TS_OUT/work"
# a source tree of its own: the harness, and the cases dropped below
rm -rf "$W"
mkdir -p "$W/src/tests/ts" "$W/src/tests/cases/demo" \
	"$W/src/tests/expected/demo" "$W/build" ||
	{ echo "Bail out! cannot create $W"; exit 1; }
cp "$top_srcdir/tests/tap.sh" "$W/src/tests/"
cp "$top_srcdir/tests/ts/functions.sh" "$W/src/tests/ts/"

# drive NAME: the script body on stdin, run under tap-driver; prints the
# lines the driver reports (PASS:, FAIL:, ERROR:, SKIP:)
drive() {
	{
		echo 'TS_COMPONENT=demo'
		echo '. "$top_srcdir/tests/ts/functions.sh"'
		cat
	} >"$W/$1.sh"
	top_srcdir="$W/src" top_builddir="$W/build" \
		sh "$DRIVER" --test-name "$1" --log-file "$W/$1.log" \
		--trs-file "$W/$1.trs" --color-tests no --enable-hard-errors yes \
		--expect-failure no -- bash "$W/$1.sh" | grep -E '^[A-Z]+: '
}

# expect NAME DESCRIPTION LINE...: one test of the harness, the script on
# stdin; the driver must report exactly these lines
expect() {
	local name=$1 what=$2
	shift 2
	printf '%s\n' "$@" >"$W/$name.want"
	drive "$name" | diff -u "$W/$name.want" - >"$W/$name.diff"
	ts_ok "$what" $? "$W/$name.diff"
}

expect counted "two tests, no plan written: the plan is counted" \
	"PASS: counted 1 - one" "PASS: counted 2 - two" <<'EOF'
ts_ok one 0
ts_ok two 0
ts_finish
EOF
[ "$(tail -n 1 "$W/counted.log")" = 1..2 ]
ts_ok "the plan comes last: 1..2" $? "$W/counted.log"

expect died "exit 1 after one test of two: an error" \
	"PASS: died 1 - one" "ERROR: died - missing test plan" \
	"ERROR: died - exited with status 1" <<'EOF'
ts_ok one 0
exit 1
ts_ok two 0
ts_finish
EOF

expect stopped "exit 0 before the end: an error, no plan" \
	"PASS: stopped 1 - one" "ERROR: stopped - missing test plan" <<'EOF'
ts_ok one 0
exit 0
ts_finish
EOF

expect killed "killed after one test: an error" \
	"PASS: killed 1 - one" "ERROR: killed - missing test plan" \
	"ERROR: killed - exited with status 137 (terminated by signal 9?)" <<'EOF'
ts_ok one 0
kill -KILL $$
ts_finish
EOF

expect failed "a failed test fails, and so does the script's exit status" \
	"PASS: failed 1 - one" "FAIL: failed 2 - two" \
	"ERROR: failed - exited with status 1" <<'EOF'
ts_ok one 0
ts_ok two 1
ts_finish
EOF

expect nothing "no test at all: a failure, not a skip" \
	"FAIL: nothing 1 - the script ran at least one test" \
	"ERROR: nothing - exited with status 1" <<'EOF'
ts_finish
EOF

# Dropped case files: one matches its expected file, one spans lines with
# a comment and a variable of the script, one differs, one is new; and an
# expected file whose case is gone.
C="$W/src/tests/cases/demo"
E="$W/src/tests/expected/demo"
echo 'echo hello' >"$C/hello"
printf '$ echo hello\nhello\n--- exit 0\n' >"$E/hello"
printf '# a comment line\nsh -c "echo \\$1 >&2; exit 3" sh \\\n\t"$WHO"\n' >"$C/multi"
printf '$ sh -c echo $1 >&2; exit 3 sh world\n--- stderr\nworld\n--- exit 3\n' >"$E/multi"
echo 'echo goodbye' >"$C/wrong"
printf '$ echo goodbye\nhello\n--- exit 0\n' >"$E/wrong"
echo 'echo new' >"$C/new"
printf '$ echo gone\ngone\n--- exit 0\n' >"$E/gone"
expect cases "case files: each a test, in name order; an expected file alone fails" \
	"PASS: cases 1 - hello" "PASS: cases 2 - multi" "FAIL: cases 3 - new" \
	"FAIL: cases 4 - wrong" "FAIL: cases 5 - tests/expected/demo/gone is compared" \
	"ERROR: cases - exited with status 1" <<'EOF'
WHO=world
ts_cases
ts_finish
EOF
grep -q "^# no tests/expected/demo/new yet" "$W/cases.log" &&
	grep -q "^# output, tests/out/demo/new in the build, and copy it there" \
		"$W/cases.log" && grep -q '^# new$' "$W/cases.log"
ts_ok "a new case says where its expected file goes and shows the output" \
	$? "$W/cases.log"
ts_finish
