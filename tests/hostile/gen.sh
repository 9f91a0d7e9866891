# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile inputs' makers, for the prep column of cases.tsv. Each runs
# in the case's directory $C (the current directory) and makes the broken
# input from a good one by code: no broken blob is committed. $B holds the
# good inputs (tests/ts/hostile.sh), $W/CANARY is the FIFO outside every
# root that no case may open.

snap() {	# BASE: the good machine BASE as this case's root, ./root
	cp -a "$B/$1" root
}
mach() {	# BASE SED-SCRIPT: BASE's description edited, generated as root
	sed -e "$2" "$MACHINES/$1.machine" >m.machine
	"$MK" m.machine root >/dev/null
}
mut() {		# FILE OP...: byte surgery (tests/hostile/mut.py)
	python3 "$HOSTILE/mut.py" "$@"
}
good() {	# NAME...: copies of the good kernels, initrd and files of $B
	local f
	for f; do cp "$B/$f" "$f"; done
}
gz() {		# FILE: FILE.gz, then FILE gone
	gzip -n -f "$1"
}
tgz() {		# the case's root as root.tar.gz, root gone
	tar -czf root.tar.gz -C root . && rm -rf root
}
pytar() {	# OUT SCRIPT: a .tar.gz by Python's tarfile (members no
		# unprivileged tar can make: devices, hostile names)
	python3 - "$1" "$2" <<'EOF'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w:gz")
def add(name, data=b"", **kw):
	i = tarfile.TarInfo(name)
	i.size = len(data)
	for k, v in kw.items():
		setattr(i, k, v)
	t.addfile(i, io.BytesIO(data))
exec(sys.argv[2])
t.close()
EOF
}
