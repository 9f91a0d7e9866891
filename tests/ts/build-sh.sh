#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh's set-up as a newcomer meets it (README: "Set-up"): root on a
# bare Debian 12, which has no sudo, installs with apt-get itself; a user
# with sudo installs through sudo, and "check" runs whole under sudo, as
# root, like CI; a user without sudo is told, and nothing is installed.
# A copy of build.sh runs with a PATH of stand-ins that log what they are
# asked (id, sudo, dpkg-query, apt-get) and the few real tools it needs;
# apt-get fails, so build.sh stops right after the install.
. "$top_srcdir/tests/tap.sh"

W="$top_builddir/tests/out/build-sh"
LOG="$W/log"
rm -rf "$W"
mkdir -p "$W/tree" "$W/bin" || exit 1
cp "$top_srcdir/build.sh" "$W/tree/" || exit 1

for t in bash dirname nproc grep env cat; do
	ln -s "$(command -v "$t")" "$W/bin/$t" || exit 1
done
stub() {	# stub NAME BODY: a stand-in command in $W/bin
	printf '#!%s\n%s\n' "$(command -v bash)" "$2" >"$W/bin/$1"
	chmod +x "$W/bin/$1"
}
stub id 'echo "${FAKE_UID:?}"'
stub dpkg-query 'exit 1'	# nothing is installed
stub apt-get "echo \"apt-get uid=\$FAKE_UID \$*\" >>'$LOG'; exit 1"
SUDO="echo \"sudo \$*\" >>'$LOG'; FAKE_UID=0 exec \"\$@\""

# run_as UID [sudo] CMD: build.sh CMD as that user, with or without sudo
run_as() {
	rm -f "$W/bin/sudo" "$LOG"
	[ "$2" = sudo ] && stub sudo "$SUDO"
	touch "$LOG"
	FAKE_UID=$1 PATH="$W/bin" "$W/bin/bash" "$W/tree/build.sh" "$3" \
		>"$W/out" 2>"$W/err"
}

run_as 0 - run
check "root without sudo: run fails when the install fails" [ $? != 0 ]
check "root without sudo: apt-get runs as root, not through sudo" \
	grep -qx "apt-get uid=0 update -qq" "$LOG"
check "root without sudo: no 'command not found'" \
	bash -c "! grep -q 'not found' '$W/err'"

run_as 1000 sudo run
check "user with sudo: apt-get runs through sudo" \
	grep -qx "sudo apt-get update -qq" "$LOG"
check "user with sudo: apt-get runs as root" \
	grep -qx "apt-get uid=0 update -qq" "$LOG"

run_as 1000 - run
check "user without sudo: run fails" [ $? != 0 ]
check "user without sudo: nothing is installed" [ ! -s "$LOG" ]
check "user without sudo: told to run it as root" \
	grep -q "run build.sh as root, or as a user with sudo" "$W/err"

run_as 1000 sudo check
check "user with sudo: check runs again under sudo" \
	grep -qx "sudo bash $W/tree/build.sh check" "$LOG"
check "user with sudo: check installs as root" \
	grep -qx "apt-get uid=0 update -qq" "$LOG"
check "user with sudo: check ends with the count line" \
	grep -qx "0 passed, 1 failed" "$W/out"

run_as 1000 - check
check "user without sudo: check says why and counts a failure" \
	grep -qx "0 passed, 1 failed" "$W/out"
check "user without sudo: check installs nothing" [ ! -s "$LOG" ]

run_as 0 - check
check "root: check installs with apt-get itself" \
	bash -c "grep -qx 'apt-get uid=0 update -qq' '$LOG' && ! grep -q '^sudo' '$LOG'"

finish
