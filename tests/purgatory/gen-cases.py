#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-cases.py OUTDIR PURGATORY.bin: the bare-metal purgatory test cases.

Writes OUTDIR/seg*.bin (random segment contents), OUTDIR/desc-NAME.bin (the
descriptor baremetal/harness.c reads at 0x40100000: addresses, flags, the
segments and their chunk geometry), OUTDIR/crc32.bin (every segment's table
of per-chunk CRC-32 from zlib.crc32, loaded at TABLES) and OUTDIR/cases.txt,
one case a line:

    NAME|MACHINE OPTIONS|CPU|LOADER ARGS|EXPECTED key=value ...

run.sh boots each with qemu-system-aarch64 and compares the harness's
RESULT line with the expected keys.
"""
import os
import random
import struct
import sys
import zlib

K, M = 1024, 1024 * 1024
STAGE = 0x44000000          # purgatory.bin as QEMU's loader puts it
BLOB = 0x4A3F5000           # where the harness copies it (odd page)
IDMAP = 0x4C000000          # the scratch area (64 KiB aligned)
DESC = 0x40100000
TABLES = 0x4A500000         # the CRC tables, back to back
CHUNK = 256 * K             # as the loader cuts them (kexec/segcheck.h)

# A kernel (2 MiB aligned, ragged end), an initrd across the 2 GiB line
# (a GiB boundary: two level-1 entries) with an unaligned size, a DTB-sized
# one ending on a 2 MiB line, a tiny one in the third GiB, an empty one.
SEGMENTS = [
    (0x40400000, 6 * M + 12 * K),
    (0x7FD03000, 3 * M + 5000),
    (0x4E1F0000, 64 * K),
    (0xC0003000, 100),
    (0xF0000000, 0),
]

KX_PURG_NO_CHECKS, KX_PURG_NO_MMU = 0x1, 0x2
TEST_NO_4K, TEST_NO_CRC = 0x1, 0x2
PHASE_MISMATCH, PHASE_BAD_HEADER, PHASE_JUMP = 6, 7, 8
MMU_NOT_RUN, MMU_FLAG, MMU_NO_IDMAP, MMU_NOMEM = 0, 1, 2, 6

BOOT = "status=boot regs=1 same_el=1 mc_off=1 sctlr_restored=1 guards=1 " \
       "failed=-1 phase=%d" % PHASE_JUMP
ON4K = "mmu=4096 cache_on=1"
ON64K = "mmu=65536 cache_on=1"
EL1 = ("", "el=1 e2h=0")
EL2 = (",virtualization=on", "el=2 e2h=0")
VHE = (",virtualization=on", "el=2 e2h=1")
INSN, TABLE = "check=2", "check=1"

# name, (machine, el keys), cpu, overrides, expected
CASES = [
    ("el1-a57-ce", EL1, "cortex-a57", {}, [BOOT, ON4K, INSN]),
    ("el1-a53-portable", EL1, "cortex-a53", {"test_flags": TEST_NO_CRC},
     [BOOT, ON4K, TABLE]),
    ("el1-max-64k", EL1, "max", {"test_flags": TEST_NO_4K,
                                 "idmap_size": 2 * M}, [BOOT, ON64K, INSN]),
    ("el2-nvhe-ce", EL2, "max", {}, [BOOT, ON4K, INSN]),
    ("el2-nvhe-64k-portable", EL2, "max",
     {"test_flags": TEST_NO_4K | TEST_NO_CRC, "idmap_size": 2 * M},
     [BOOT, ON64K, TABLE]),
    ("el2-vhe-ce", VHE, "max", {"e2h": 1}, [BOOT, ON4K, INSN]),
    ("el2-vhe-64k", VHE, "max", {"e2h": 1, "test_flags": TEST_NO_4K,
                                 "idmap_size": 2 * M}, [BOOT, ON64K, INSN]),
    ("no-mmu-flag", EL1, "cortex-a57", {"flags": KX_PURG_NO_MMU},
     [BOOT, "mmu=%d cache_on=0" % MMU_FLAG, INSN]),
    ("no-idmap", EL2, "max", {"idmap": 0, "idmap_size": 0},
     [BOOT, "mmu=%d cache_on=0" % MMU_NO_IDMAP, INSN]),
    ("idmap-too-small", EL1, "max", {"idmap_size": 8 * K},
     [BOOT, "mmu=%d cache_on=0" % MMU_NOMEM, INSN]),
    ("no-checks-ignores-a-flipped-bit", EL1, "max",
     {"flags": KX_PURG_NO_CHECKS, "corrupt": 1, "corrupt_off": 5},
     [BOOT, "mmu=%d check=0" % MMU_NOT_RUN]),
    # one bit flipped in the initrd's fifth chunk (256 KiB each)
    ("flipped-bit-el1", EL1, "cortex-a57",
     {"corrupt": 1, "corrupt_off": 4 * CHUNK + 777},
     ["status=spin guards=1 failed=1 chunk=4 phase=%d" % PHASE_MISMATCH,
      ON4K, INSN]),
    # ... in the last byte of its short last chunk, the table variant
    ("flipped-bit-last-chunk-table", VHE, "max",
     {"e2h": 1, "corrupt": 1, "corrupt_off": SEGMENTS[1][1] - 1,
      "test_flags": TEST_NO_CRC},
     ["status=spin guards=1 failed=1 chunk=%d phase=%d"
      % (SEGMENTS[1][1] // CHUNK, PHASE_MISMATCH), ON4K, TABLE]),
    # ... in the first byte of the kernel, MMU off
    ("flipped-bit-no-mmu", EL2, "max",
     {"flags": KX_PURG_NO_MMU, "corrupt": 0, "corrupt_off": 0},
     ["status=spin guards=1 failed=0 chunk=0 phase=%d" % PHASE_MISMATCH,
      "mmu=%d" % MMU_FLAG]),
    ("too-many-segments", EL1, "max", {"nr_segments": 17},
     ["status=spin guards=1 failed=16 phase=%d" % PHASE_BAD_HEADER]),
    ("bad-chunk-count", EL1, "max", {"bad_nchunks": 2},
     ["status=spin guards=1 failed=2 phase=%d" % PHASE_BAD_HEADER]),
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, blob = sys.argv[1], sys.argv[2]
    stage_size = os.path.getsize(blob)
    rng = random.Random(1126)
    segs, loaders = [], ["-device loader,file=%s,addr=%#x,force-raw=on"
                         % (blob, STAGE)]
    tables = b""
    for i, (addr, size) in enumerate(SEGMENTS):
        data = rng.randbytes(size)
        crcs = [zlib.crc32(data[o:o + CHUNK]) for o in range(0, size, CHUNK)]
        segs.append((addr, size, TABLES + len(tables), len(crcs)))
        tables += struct.pack("<%dI" % len(crcs), *crcs)
        if size:
            path = os.path.join(out, "seg%d.bin" % i)
            with open(path, "wb") as f:
                f.write(data)
            loaders.append("-device loader,file=%s,addr=%#x,force-raw=on"
                           % (path, addr))
    path = os.path.join(out, "crc32.bin")
    with open(path, "wb") as f:
        f.write(tables)
    loaders.append("-device loader,file=%s,addr=%#x,force-raw=on"
                   % (path, TABLES))
    # 17 entries for the too-many case: repeat the first
    segs17 = segs * 4

    with open(os.path.join(out, "cases.txt"), "w") as cases:
        for name, (machine, elkeys), cpu, o, expect in CASES:
            d = {"flags": 0, "test_flags": 0, "e2h": 0, "corrupt": 0xFFFFFFFF,
                 "corrupt_off": 0, "bad_nchunks": 0xFFFFFFFF,
                 "nr_segments": len(segs), "idmap": IDMAP,
                 "idmap_size": 256 * K, "timeout_s": 60}
            d.update(o)
            desc = struct.pack("<6Q6I", 0x53454E5241485450, STAGE,
                               stage_size, BLOB, d["idmap"], d["idmap_size"],
                               d["flags"], d["test_flags"], d["e2h"],
                               d["corrupt"], d["nr_segments"], d["timeout_s"])
            desc += struct.pack("<QII", d["corrupt_off"], d["bad_nchunks"], 0)
            for addr, size, table, nchunks in segs17[:17]:
                desc += struct.pack("<QQQII", addr, size, table, CHUNK,
                                    nchunks)
            path = os.path.join(out, "desc-%s.bin" % name)
            with open(path, "wb") as f:
                f.write(desc)
            args = loaders + ["-device loader,file=%s,addr=%#x,force-raw=on"
                              % (path, DESC)]
            keys = " ".join(expect)
            if not keys.startswith("status=spin") or "failed=16" not in keys:
                keys += " " + elkeys
            cases.write("%s|virt%s|%s|%s|%s\n" % (name, machine, cpu,
                                                  " ".join(args), keys))


if __name__ == "__main__":
    main()
