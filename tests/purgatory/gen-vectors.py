#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-vectors.py OUT.bin OUT.txt: random SHA-256 and CRC-32 test messages.

Every length 0..200 (all the padding cases: 55, 56, 63, 64, 119, 120, ...)
and 300 random lengths up to 4096, random bytes from a fixed seed.
OUT.bin holds the messages back to back; OUT.txt one line per message:
"LENGTH SHA256-HEX CRC32-HEX", the digest from python's hashlib
(OpenSSL's) and the CRC from zlib.crc32 (the value libdeflate_crc32(0, ...)
gives: gzip polynomial, inverted before and after).
"""
import hashlib
import random
import zlib
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rng = random.Random(20261126)
    lengths = list(range(201)) + [rng.randint(0, 4096) for _ in range(300)]
    lengths += [4096, 4095, 4033, 4032, 4031]
    with open(sys.argv[1], "wb") as fb, open(sys.argv[2], "w") as ft:
        for n in lengths:
            msg = rng.randbytes(n)
            fb.write(msg)
            ft.write("%d %s %08x\n" % (n, hashlib.sha256(msg).hexdigest(),
                                       zlib.crc32(msg)))


if __name__ == "__main__":
    main()
