# SPDX-License-Identifier: GPL-2.0-or-later
# Golden-output tests on tests/tap.sh: each ts_cmd runs one command,
# captures its stdout, stderr and exit status, and diffs them against
# tests/expected/COMPONENT/NAME; ts_cases runs every case file of
# tests/cases/COMPONENT/ that way (tests/README.md). The harness counts
# the tests and prints the plan at ts_finish. TS_REGEN=1 rewrites the
# expected files (review the diff before committing them).

: "${top_srcdir:?}" "${top_builddir:?}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
TS_COMPONENT=${TS_COMPONENT:-misc}
TS_EXPECTED="$top_srcdir/tests/expected/$TS_COMPONENT"
TS_OUT="$top_builddir/tests/out/$TS_COMPONENT"
TS_COMPARED=" "	# the expected files compared so far
mkdir -p "$TS_OUT"
export LC_ALL=C
. "$top_srcdir/tests/tap.sh"

# ts_compared NAME...: these expected files are compared (by ts_cmd, or
# by a script's own diff)
ts_compared() {
	TS_COMPARED="$TS_COMPARED$* "
}

ts_ok() {	# NAME STATUS [DETAIL-FILE]
	if [ "$2" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3"
	fi
}

# ts_cmd NAME CMD...: golden test of one command. Paths under $TS_SNAPDIR
# print as SNAP so that the expected output does not depend on the tree.
ts_cmd() {
	local name=$1 out err rc
	shift
	out="$TS_OUT/$name"
	ts_compared "$name"
	err=$("$@" 2>"$out.stderr" >"$out.stdout"; echo $?)
	rc=$err
	{
		echo "\$ ${*##*/}" | sed "s|$top_builddir/||g"
		cat "$out.stdout"
		if [ -s "$out.stderr" ]; then
			echo "--- stderr"
			cat "$out.stderr"
		fi
		echo "--- exit $rc"
	} | sed -e "s|${TS_SNAPDIR:-/nonexistent}|SNAP|g" \
		-e "s|$top_builddir/||g" -e "s|$top_srcdir/||g" >"$out"
	if [ "${TS_REGEN:-}" = 1 ]; then
		cp "$out" "$TS_EXPECTED/$name"
	fi
	if [ ! -f "$TS_EXPECTED/$name" ]; then
		{
			echo "no tests/expected/$TS_COMPONENT/$name yet: review the"
			echo "output, ${out#"$top_builddir"/} in the build, and copy it there"
			cat "$out"
		} >"$out.diff"
		ts_ok "$name" 1 "$out.diff"
		return
	fi
	diff -u "$TS_EXPECTED/$name" "$out" >"$out.diff"
	ts_ok "$name" $? "$out.diff"
}

# ts_cases: one golden test per case file in tests/cases/COMPONENT/, in
# name order. The file is named after its expected file; its text is the
# command line, in shell words, where the script's variables expand
# (lines that start with # are comments, a trailing \ is allowed).
ts_cases() {
	local c cmd
	for c in "$top_srcdir/tests/cases/$TS_COMPONENT"/*; do
		[ -f "$c" ] || continue
		cmd=$(sed -e '/^[[:space:]]*#/d' -e 's/\\$//' "$c" | tr '\n' ' ')
		eval "set -- $cmd"
		if [ $# = 0 ]; then
			ts_ok "${c##*/}: the case file names a command" 1
			continue
		fi
		ts_cmd "${c##*/}" "$@"
	done
}

# The plan, counted; exit 0 when every test passed. An expected file no
# test compared is a test lost (a case file gone, a loop cut short): the
# count does not see it, so it fails here.
ts_finish() {
	local e
	for e in "$TS_EXPECTED"/*; do
		[ -f "$e" ] || continue
		case $TS_COMPARED in
		*" ${e##*/} "*) ;;
		*) ts_ok "tests/expected/$TS_COMPONENT/${e##*/} is compared" 1 ;;
		esac
	done
	finish
}
