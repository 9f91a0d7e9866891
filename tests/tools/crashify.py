#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# crashify.py DIR: the crash notes, VMCOREINFO and possible CPUs a crash
# load reads, added to a generated machine (tests/ts/kexec.sh, faults.sh)
import os, struct, sys
root = sys.argv[1]
def put(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
put("sys/devices/system/cpu/possible", "0-1\n")
for cpu, addr in ((0, 0x5dff0000), (1, 0x5dff1000)):
    put(f"sys/devices/system/cpu/cpu{cpu}/crash_notes", f"{addr:x}\n")
    put(f"sys/devices/system/cpu/cpu{cpu}/crash_notes_size", "424\n")
info = ("OSRELEASE=6.1.0-28-arm64\nPAGESIZE=4096\nNUMBER(VA_BITS)=48\n"
        "NUMBER(kimage_voffset)=0xffff800007e00000\n"
        "NUMBER(PHYS_OFFSET)=0x40000000\nKERNELOFFSET=0\n").encode()
note = struct.pack("<III", 11, len(info), 0) + b"VMCOREINFO\0\0" + info
note += b"\0" * (-len(note) % 4)
put("sys/kernel/vmcoreinfo", f"5dfe0000 {len(note):x}\n")
with open(os.path.join(root, "dev/mem"), "r+b") as f:
    f.seek(0x5dfe0000); f.write(note)
with open(os.path.join(root, "dev/mem.ranges"), "a") as f:
    f.write("%016x-%016x\n" % (0x5dfe0000, 0x5dfe0000 + len(note) - 1))
