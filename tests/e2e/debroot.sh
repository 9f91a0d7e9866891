# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by fetch.sh and fetch-trixie.sh: turning what apt downloaded into
# a tree the lab builds and boots from.

# debroot_extract PLAN DEBDIR DEST
# Extracts into DEST (emptied first) exactly the .debs of DEBDIR that PLAN
# ("PACKAGE VERSION" lines, as apt-get -s install prints them) names, and
# deletes the others (older versions: the cache stays small). Absolute
# symlinks (libfoo.so -> /lib/...) would point into the host: they are
# made relative, so the linker and the initramfs builder stay inside.
# Prints the number of packages extracted; fails, naming what is missing,
# when a planned package was not downloaded.
debroot_extract() {
	local plan=$1 debs=$2 dest=$3 deb key p v l n=0
	local -A want=()

	while read -r p v; do
		[[ -n $p ]] && want["$p $v"]=1
	done <<<"$plan"
	rm -rf "$dest"
	mkdir -p "$dest"
	for deb in "$debs"/*.deb; do
		[[ -e $deb ]] || continue
		key=$(dpkg-deb -f "$deb" Package Version |
			awk -F': ' '{ printf "%s%s", sep, $2; sep = " " }')
		if [[ -n ${want[$key]:-} ]]; then
			dpkg-deb -x "$deb" "$dest" || return 1
			unset "want[$key]"
			n=$((n + 1))
		else
			rm -f "$deb"
		fi
	done
	if [[ ${#want[@]} -ne 0 ]]; then
		echo "not downloaded: ${!want[*]}" >&2
		return 1
	fi
	while IFS= read -r -d '' l; do
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" \
			"$dest$(readlink "$l")")" "$l"
	done < <(find "$dest" -type l -lname '/*' -print0)
	echo "$n"
}
