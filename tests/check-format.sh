#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-format: each C source and header committed to the tree
# against .clang-format, one TAP line per file, by the clang-format that
# configure found (clang-format-14, Debian 12's: each version formats a
# little differently, so the check names one).
# Only committed files: no generated C is committed, and what a build
# inside the tree leaves (config.h, build/, the lab's arm64 root with its
# system headers) is nobody's style to check.
: "${top_srcdir:?}"
. "$top_srcdir/tests/tap.sh"

if [ -z "${CLANG_FORMAT:-}" ]; then
	echo "Bail out! no clang-format: install the Debian package clang-format-14, then configure again"
	exit 1
fi
echo "# $CLANG_FORMAT: $("$CLANG_FORMAT" --version)"
case $CLANG_FORMAT in
*clang-format-14) ;;
*) echo "# not clang-format-14: where the versions disagree, 14 is right" ;;
esac
files=$(git -C "$top_srcdir" ls-files -- '*.c' '*.h') || {
	echo "Bail out! $top_srcdir is no git checkout: the committed files are what is checked"
	exit 1
}
out=$(mktemp) || exit 1
for f in $files; do
	if (cd "$top_srcdir" && "$CLANG_FORMAT" --style=file --dry-run -Werror \
		"$f") >"$out" 2>&1; then
		ok "$f"
	else
		n=$(grep -c ': error: ' "$out")
		not_ok "$f: $n place$([ "$n" = 1 ] || echo s) to format"
		# the first place, enough to see the kind of change
		head -n 3 "$out" | sed 's/^/# /'
	fi
done
rm -f "$out"
finish
