#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Byte surgery for the hostile-input table (tests/hostile/cases.tsv):
#   mut.py FILE OP...   change FILE in place, ops applied in order:
#     trunc:N             cut at N bytes (N < 0: N bytes off the end)
#     put:OFF:FMT:VAL     VAL at OFF (< 0: from the end), FMT one of u8,
#                         le16, le32, le64, be32
#     fill:OFF:LEN:BYTE   LEN copies of BYTE at OFF
#     sparse:SIZE         grow to SIZE without writing (a hole)
#     acpisum             an ACPI table's checksum byte made right again
#   mut.py pe OUT SECTION=FILE|SECTION=@TEXT... [-SEC:OFF=VAL]...
#                       an arm64 PE (UKI) with those sections, laid out
#                       as ukify does; -SEC:OFF=VAL patches a header field
#   mut.py elf OUT FILE [PHNUM]     an ELF64 arm64 with FILE as its PT_LOAD
import struct
import sys


FMT = {"u8": "B", "le16": "<H", "le32": "<I", "le64": "<Q", "be32": ">I"}


def num(s):
    return int(s, 0)


def mutate(path, ops):
    with open(path, "r+b") as f:
        for op in ops:
            k, *a = op.split(":")
            if k == "trunc":
                n = num(a[0])
                f.seek(0, 2)
                f.truncate(n if n >= 0 else f.tell() + n)
            elif k == "put":
                o = num(a[0])
                f.seek(o, 0 if o >= 0 else 2)
                f.write(struct.pack(FMT[a[1]], num(a[2])))
            elif k == "fill":
                f.seek(num(a[0]))
                f.write(bytes([num(a[2])]) * num(a[1]))
            elif k == "acpisum":
                f.seek(0)
                b = f.read()
                f.seek(9)
                f.write(bytes([(b[9] - sum(b)) & 0xff]))
            elif k == "sparse":
                f.truncate(num(a[0]))
            else:
                sys.exit("mut.py: unknown op " + op)


def pe(out, args):
    """SECTION=FILE or SECTION=@TEXT sections, then -SEC:OFF=VAL patches
    of a section header's field (SEC its index, OFF the byte offset)"""
    al = lambda v: (v + 511) // 512 * 512
    secs = [a.split("=", 1) for a in args if not a.startswith("-")]
    secs = [(n, f[1:].encode() if f.startswith("@") else open(f, "rb").read())
            for n, f in secs]
    table = 0x40 + 24 + 0xf0
    at = al(table + 40 * len(secs))
    b = bytearray(at + sum(al(len(d)) for _, d in secs))
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, 0x40)
    b[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, 0x44, 0xaa64, len(secs), 0, 0, 0,
                     0xf0, 0x22)
    struct.pack_into("<H", b, 0x58, 0x20b)
    for i, (name, d) in enumerate(secs):
        struct.pack_into("<8sIIII", b, table + 40 * i, name.encode(), len(d),
                         0, al(len(d)), at)
        b[at:at + len(d)] = d
        at += al(len(d))
    for a in args:
        if a.startswith("-"):
            i, v = a[1:].split("=")
            sec, off = map(int, i.split(":"))
            struct.pack_into("<I", b, table + 40 * sec + off, int(v, 0))
    open(out, "wb").write(b)


def elf(out, path, phnum=1):
    d = open(path, "rb").read()
    off = 0x1000
    h = bytearray(off)
    h[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
    struct.pack_into("<HHIQQQIHHHHHH", h, 16, 2, 183, 1, 0x40200000, 64, 0,
                     0, 64, 56, phnum, 64, 0, 0)
    for i in range(min(phnum, 60)):
        struct.pack_into("<IIQQQQQQ", h, 64 + 56 * i, 1, 7, off,
                         0x40200000, 0x40200000, len(d), len(d), 0x10000)
    open(out, "wb").write(bytes(h) + d)


if __name__ == "__main__":
    if sys.argv[1] == "pe":
        pe(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "elf":
        elf(sys.argv[2], sys.argv[3], *map(num, sys.argv[4:]))
    else:
        mutate(sys.argv[1], sys.argv[2:])
