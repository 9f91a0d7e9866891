#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn /dev/kmsg records into the Journal Export Format, one boot per file.

    kmsg2export.py BOOT.kmsg... >journal.export

Each file becomes the kernel messages of one boot, as journald would have
stored them (_TRANSPORT=kernel, the kernel's own time in
_SOURCE_MONOTONIC_TIMESTAMP, journald's later one in __MONOTONIC_TIMESTAMP).
The last boot also gets what a real journal mixes in: entries of other
programs (one of them repeats an LPI line, which a reader of kernel messages
must not take), a multi-line kernel message and binary ones. systemd's own
tools (systemd-journal-remote, journalctl) then turn this into every output
format, so that the tests compare what journalctl prints, not what we think
it prints.
"""
import re
import struct
import sys

MACHINE_ID = "5c1a0e1bd1f34b9e8e2f8a4b0d6c7e21"
HOST = "lab"
# Two days apart, so that every wall-clock format changes between boots.
REALTIME_BASE = 1700000000000000
DAY = 86400 * 1000000
# journald reads the early messages when it starts, well after the kernel
# wrote them: its own monotonic time differs from the kernel's.
JOURNALD_START = 1500000


def boot_id(n):
    return "%08x0b1d4a5e9c3f%012x" % (0x1b00700 + n, 0xa11c0ffee000 + n)


def field(key, value):
    """KEY=value, or the binary form for what is not one printable line
    (journalctl -o export decides so too)."""
    if isinstance(value, str):
        value = value.encode()
    text_ok = b"\n" not in value
    try:
        s = value.decode()
        text_ok = text_ok and all(c == "\t" or c >= " " for c in s)
    except UnicodeDecodeError:
        text_ok = False
    if text_ok:
        return key.encode() + b"=" + value + b"\n"
    return key.encode() + b"\n" + struct.pack("<Q", len(value)) + value + b"\n"


def entry(fields):
    return b"".join(field(k, v) for k, v in fields) + b"\n"


def unescape(text):
    """/dev/kmsg writes odd bytes as \\xNN."""
    return re.sub(rb"\\x([0-9a-fA-F]{2})",
                  lambda m: bytes([int(m.group(1), 16)]), text.encode())


def records(path):
    """(prio, seq, usec, text) of each record; dictionary lines dropped."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith(" "):
                continue
            head, text = line.split(";", 1)
            prio, seq, usec = (int(x) for x in head.split(",")[:3])
            yield prio, seq, usec, unescape(text)


class Boot:
    def __init__(self, n, out):
        self.n = n
        self.out = out
        self.last_usec = 0

    def common(self, mono):
        return [("__REALTIME_TIMESTAMP", str(REALTIME_BASE + 2 * DAY * self.n + mono)),
                ("__MONOTONIC_TIMESTAMP", str(mono)),
                ("_BOOT_ID", boot_id(self.n)),
                ("_MACHINE_ID", MACHINE_ID),
                ("_HOSTNAME", HOST)]

    def kernel(self, prio, usec, text, extra=()):
        mono = max(usec, JOURNALD_START) + 10
        self.last_usec = usec
        self.out.write(entry(self.common(mono) + [
            ("_TRANSPORT", "kernel"),
            ("SYSLOG_FACILITY", "0"),
            ("SYSLOG_IDENTIFIER", "kernel"),
            ("PRIORITY", str(prio & 7)),
            ("_SOURCE_MONOTONIC_TIMESTAMP", str(usec)),
            ("MESSAGE", text)] + list(extra)))

    def program(self, transport, ident, pid, text):
        mono = max(self.last_usec, JOURNALD_START) + 20
        self.out.write(entry(self.common(mono) + [
            ("_TRANSPORT", transport),
            ("PRIORITY", "6"),
            ("SYSLOG_FACILITY", "3"),
            ("SYSLOG_IDENTIFIER", ident),
            ("_PID", str(pid)),
            ("_COMM", ident),
            ("MESSAGE", text)]))

    def extras(self):
        """What the last boot mixes in after the GIC lines."""
        u = self.last_usec
        self.program("journal", "systemd", 1, "Started systemd-journald.service - Journal Service.")
        # a program that prints kernel-like lines is not the kernel
        self.program("stdout", "lpi-impostor", 4242,
                     "GICv3: CPU1: using allocated LPI pending table @0x0000000050000000")
        self.program("syslog", "kernel-helper", 4243,
                     "GICv3: using LPI property table @0x0000000050010000")
        self.kernel(4, u + 1, b"gic-kexec test: a message\nover two lines",
                    [("_KERNEL_SUBSYSTEM", "cpu"), ("_KERNEL_DEVICE", "+cpu:cpu1")])
        self.kernel(6, u + 2, b"gic-kexec test: binary \xff\x01 bytes")
        self.kernel(6, u + 3, 'gic-kexec test: "quotes", \\backslash\\, caf\u00e9 \U0001d11e'.encode())
        self.kernel(6, u + 4, b"\tgic-kexec test: a tab first")


def main(paths):
    out = sys.stdout.buffer
    for n, path in enumerate(paths):
        boot = Boot(n, out)
        recs = list(records(path))
        for i, (prio, seq, usec, text) in enumerate(recs):
            boot.kernel(prio, usec, text)
            if n == len(paths) - 1 and i == len(recs) // 2:
                boot.extras()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
