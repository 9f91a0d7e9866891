#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers (doc/architecture.md): lib → efivar-plugin → facts → gicdiag,
# kexec. A folder includes headers of its own layer or of a layer below,
# never above, and the two tools never include each other's; kexec links
# neither gicdiag's library nor libsmartcols. Prints the include graph.
. "${top_srcdir:?}/tests/tap.sh"

rank() {
	case $1 in
	lib) echo 0 ;;
	efivar-plugin) echo 1 ;;
	facts) echo 2 ;;
	gicdiag | kexec) echo 3 ;;
	*) echo - ;;
	esac
}

# the folder holding header $1, among the layered ones
home() {
	for d in lib efivar-plugin facts gicdiag kexec; do
		[ -f "$top_srcdir/$d/$1" ] && echo "$d" && return
	done
	# kexec's purgatory header and the like: inside the includer's tree
	echo -
}

for dir in lib efivar-plugin facts gicdiag kexec; do
	bad=''
	uses=''
	for f in "$top_srcdir/$dir"/*.[ch]; do
		for h in $(sed -n 's/^#include "\([^"/]*\)".*/\1/p' "$f"); do
			to=$(home "$h")
			[ "$to" = - ] && continue
			[ "$to" != "$dir" ] && case " $uses " in
				*" $to "*) ;;
				*) uses="$uses $to" ;;
				esac
			if [ "$to" != "$dir" ] &&
				[ "$(rank "$to")" -ge "$(rank "$dir")" ]; then
				bad="$bad ${f#"$top_srcdir"/} → $to/$h"
			fi
		done
	done
	echo "# $dir →${uses:- (nothing)}"
	if [ -z "$bad" ]; then
		ok "$dir includes only its own layer and those below"
	else
		not_ok "$dir includes upwards:$bad"
	fi
done

needed() {	# the shared libraries program $1 names
	LC_ALL=C readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
k="${top_builddir:?}/kexec/kexec"
if [ ! -x "$k" ]; then
	not_ok "kexec is built ($k)"
elif needed "$k" | grep -q smartcols; then
	not_ok "kexec links libsmartcols: $(needed "$k" | tr '\n' ' ')"
else
	ok "kexec links no libsmartcols ($(needed "$k" | wc -l) libraries)"
fi
# no function of gicdiag's presentation library ends up in kexec
lib="$top_builddir/gicdiag/libgicdiag.a"
if [ -x "$k" ] && [ -f "$lib" ]; then
	LC_ALL=C nm --defined-only "$lib" | awk '$2 == "T" { print $3 }' |
		sort -u >layers.gicdiag
	LC_ALL=C nm --defined-only "$k" | awk '{ print $3 }' | sort -u >layers.kexec
	both=$(comm -12 layers.gicdiag layers.kexec | tr '\n' ' ')
	if [ ! -s layers.gicdiag ]; then
		not_ok "libgicdiag.a defines functions ($lib)"
	elif [ -n "$both" ]; then
		not_ok "kexec carries gicdiag's presentation: $both"
	else
		ok "kexec carries none of libgicdiag's $(wc -l <layers.gicdiag) functions"
	fi
	rm -f layers.gicdiag layers.kexec
fi
finish
