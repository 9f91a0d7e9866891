#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Unit tests of lab.py without QEMU.

    python3 -m unittest tests/e2e/test_lab.py
    python3 tests/e2e/test_lab.py --tap          (one `ok N - name` a test)

The console transcripts below are built from real lines of the lab's runs
(Debian 12's 6.1 kernel on QEMU 7.2, DT and EDK2 boots), with the marker
lines of PROTOCOL.md around them, so the parser is tested on what the
guests really print. The runner itself is driven end to end by a fake
boot.sh whose "QEMU" is a Python script printing such a transcript.
"""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in tests/e2e (EXTRA_DIST)
import lab  # noqa: E402

# ---------------------------------------------------------------------------
# Transcripts

DT_BOOT = """\
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]
[    0.000000] Linux version 6.1.0-56-arm64 (debian-kernel@lists.debian.org) #1 SMP Debian 6.1.192-2 (2026-11-16)
[    0.000000] Machine model: linux,dummy-virt
[    0.000000] efi: UEFI not found.
[    0.000000] GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000
[    0.000000] ITS [mem 0x08080000-0x0809ffff]
[    0.000000] ITS@0x0000000008080000: allocated 8192 Devices @42590000 (indirect, esz 8, psz 64K, shr 1)
[    0.000000] ITS@0x0000000008080000: allocated 8192 Interrupt Collections @425a0000 (flat, esz 8, psz 64K, shr 1)
[    0.000000] GICv3: using LPI property table @0x00000000425b0000
[    0.000000] GICv3: CPU0: using allocated LPI pending table @0x00000000425c0000
[    0.087421] PCI/MSI: /intc@8000000/its@8080000 domain created
[    0.109711] GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000
[    0.109996] GICv3: CPU1: using allocated LPI pending table @0x00000000425d0000
[    0.427805] KASLR enabled
"""

DT_STRICT = DT_BOOT + """\
@@LAB begin scenario=dt-strict stage=1 uptime=2.61
udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2
@@LAB cmd-begin efitables
efitables: /sys/firmware/fdt: no /chosen/linux,uefi-system-table: the kernel did not boot through EFI
@@LAB cmd-end efitables rc=3
@@LAB cmd-begin rdwalk
[    3.100000] random: crng init done
gkpeek: /dev/mem at 0x80a0000: Operation not permitted (STRICT_DEVMEM: boot with iomem=relaxed)
@@LAB cmd-end rdwalk rc=3
@@LAB taint 0
@@LAB msi  19:          0          6   ITS-MSI 16385 Edge      virtio0-input.0
@@LAB msi  20:         12          0   ITS-MSI 16386 Edge      virtio0-output.0
@@LAB msi  21:          0          0   ITS-MSI 16387 Edge      virtio0-config
@@LAB end stage=1 uptime=3.52
[    3.612000] reboot: Power down
"""

# kexec with --mem-min on a DT boot, stage 2 complains (doc/kernel.md#lab)
DT_KEXEC = DT_BOOT + """\
@@LAB begin scenario=kexec stage=1 uptime=2.50
@@LAB cmd-begin load
segment[0].mem   = 0x50000000
@@LAB cmd-end load rc=0
@@LAB taint 0
@@LAB end stage=1 uptime=9.90
[    9.953872] kexec_core: Starting new kernel
[    9.995355] Bye!
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]
[    0.000000] ITS@0x0000000008080000: allocated 8192 Devices @40190000 (indirect, esz 8, psz 64K, shr 1)
[    0.000000] ITS@0x0000000008080000: allocated 8192 Interrupt Collections @401a0000 (flat, esz 8, psz 64K, shr 1)
[    0.000000] GICv3: Expected reserved range [0x00000000425b0000:0x00000000425bffff], not found
[    0.000000] GICv3: using LPI property table @0x00000000401b0000
[    0.000000] GICv3: CPU0: Booted with LPIs enabled, memory probably corrupted
[    0.000000] GICv3: CPU0: using allocated LPI pending table @0x00000000401c0000
[    0.325768] PCI/MSI: /intc@8000000/its@8080000 domain created
[    0.435669] GICv3: CPU1: Booted with LPIs enabled, memory probably corrupted
[    0.435985] GICv3: CPU1: using allocated LPI pending table @0x00000000401d0000
@@LAB begin scenario=kexec stage=2 uptime=11.20
@@LAB cmd-begin dmesg
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]
[    0.000000] GICv3: using LPI property table @0x00000000401b0000
@@LAB cmd-end dmesg rc=0
@@LAB taint 1024
@@LAB msi  19:          0          6   ITS-MSI 16385 Edge      virtio0-input.0
@@LAB end stage=2 uptime=12.00
[   12.100000] reboot: Power down
"""

ESC = "\x1b"
EFI_ACPI = f"""\
{ESC}[2J{ESC}[01;01H{ESC}[=3h{ESC}[2J{ESC}[01;01HUEFI firmware (version  built at 13:10:49 on Nov  5 2024)\r
EFI stub: Booting Linux Kernel...\r
EFI stub: EFI_RNG_PROTOCOL unavailable\r
EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path\r
EFI stub: Generating empty DTB\r
EFI stub: Exiting boot services...\r
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\r
[    0.000000] efi: EFI v2.70 by EDK II\r
[    0.000000] efi: SMBIOS 3.0=0x7fed0000 MEMATTR=0x7ccec018 ACPI 2.0=0x7b3d0018 INITRD=0x7b3e9f18 MEMRESERVE=0x7b3e9f98 \r
[    0.000000] ITS@0x0000000008080000: allocated 8192 Devices @40190000 (indirect, esz 8, psz 64K, shr 1)\r
[    0.000000] GICv3: using LPI property table @0x00000000401b0000\r
[    0.000000] GICv3: CPU0: using allocated LPI pending table @0x00000000401c0000\r
[    0.076382] PCI/MSI: ITS@0x8080000 domain created\r
[    0.078000] Remapping and enabling EFI services.\r
[    0.090270] GICv3: CPU1: using allocated LPI pending table @0x00000000401d0000\r
@@LAB begin scenario=efi-acpi stage=1 uptime=3.10\r
@@LAB cmd-begin list\r
GUID                                 NAME          ADDRESS\r
888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2 MEMRESERVE 0x7b3e9f98\r
@@LAB cmd-end list rc=0\r
@@LAB cmd-begin memreserve\r
      BASE        END SIZE      BLOCK FLAGS\r
0x401b0000 0x401bffff  64K 0x7b3e9f98 \r
0x401c0000 0x401cffff  64K 0x7b3e9f98 \r
0x401d0000 0x401dffff  64K 0x7b3e9f98 @@LAB cmd-end memreserve rc=0\r
@@LAB taint 0\r
@@LAB msi  52:          0          6   ITS-MSI 16385 Edge      virtio0-input.0\r
@@LAB export /tmp/snap\r
@@LAB end stage=1 uptime=4.00\r
[    4.100000] reboot: Power down\r
"""


def stamped(text, step=0.25):
    """[(host t, line)] as the recorder would give them."""
    return [(round(i * step, 3), lab.clean_line(ln))
            for i, ln in enumerate(text.split("\n")[:-1])]


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


class Tmp(unittest.TestCase):
    """A fresh directory per test."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()


# ---------------------------------------------------------------------------
# Console parsing


class TestConsole(unittest.TestCase):
    def test_dt_stage(self):
        st = lab.parse_console(stamped(DT_STRICT)).stages
        self.assertEqual(list(st), [1])
        s = st[1]
        self.assertEqual(s.begin["uptime"], 2.61)
        self.assertEqual(s.end["uptime"], 3.52)
        self.assertEqual([c.id for c in s.commands], ["efitables", "rdwalk"])
        self.assertEqual(s.command("efitables").rc, 3)
        self.assertEqual(len(s.command("efitables").output), 1)
        # the kernel line inside the command is log, not output
        self.assertEqual(s.command("rdwalk").output,
                         ["gkpeek: /dev/mem at 0x80a0000: Operation not "
                          "permitted (STRICT_DEVMEM: boot with iomem=relaxed)"])
        self.assertIn("random: crng init done", list(s.messages()))
        self.assertEqual(s.taint, 0)
        self.assertEqual(len(s.msi), 3)
        j = s.to_json()
        self.assertEqual(j["msi_active"], 2)
        self.assertTrue(j["clean"])
        self.assertIn("[    0.000000] GICv3: using LPI property table "
                      "@0x00000000425b0000", j["kernel"])
        self.assertIn("[    0.000000] efi: UEFI not found.", j["kernel"])
        self.assertNotIn("[    0.427805] KASLR enabled", j["kernel"])

    def test_gicdiag_verdict_beside_the_kernel_lines(self):
        doc = ['{', '  "version": 1,', '  "targets": {',
               '    "kexec": {', '      "verdict": "WILL-FAIL",',
               '      "exit": 2', '    }', '  },',
               '  "evidence": "kernel-log",', '  "findings": [',
               '    {', '      "code": "PROP-UNRESERVED"', '    }', '  ]',
               '}']
        lines = ["@@LAB begin scenario=x stage=1 uptime=1.00",
                 "@@LAB cmd-begin gicdiag"] + doc + [
                 "@@LAB cmd-end gicdiag rc=2",
                 "@@LAB end stage=1 uptime=2.00"]
        j = lab.parse_console(stamped("\n".join(lines))).stages[1].to_json()
        self.assertEqual(j["gicdiag"], {
            "command": "gicdiag", "evidence": "kernel-log",
            "targets": {"kexec": "WILL-FAIL"},
            "findings": ["PROP-UNRESERVED"]})
        # a stage without gicdiag's document has none
        self.assertIsNone(lab.parse_console(stamped(DT_STRICT))
                          .stages[1].to_json()["gicdiag"])

    def test_timings(self):
        p = lab.parse_console(stamped(DT_STRICT))
        self.assertEqual(p.first_kernel, 0.0)
        self.assertEqual(p.stages[1].begin["t"], 14 * 0.25)
        self.assertEqual(p.power_down, 28 * 0.25)
        t = lab.timings(p, {"t_exit": 7.5}, 8.0)
        self.assertEqual(t["poweroff"], 7.0)
        self.assertEqual(t["stage1_begin"], 3.5)
        self.assertEqual(t["wall"], 8.0)

    def test_kexec_stages(self):
        st = lab.parse_console(stamped(DT_KEXEC)).stages
        self.assertEqual(sorted(st), [1, 2])
        s1, s2 = st[1], st[2]
        m1, m2 = list(s1.messages()), list(s2.messages())
        self.assertIn("Bye!", m1)
        self.assertIn("GICv3: using LPI property table @0x00000000425b0000", m1)
        self.assertNotIn("GICv3: using LPI property table @0x00000000401b0000", m1)
        self.assertIn("GICv3: Expected reserved range [0x00000000425b0000:"
                      "0x00000000425bffff], not found", m2)
        self.assertEqual(s2.taint, 1024)
        self.assertEqual(s1.taint, 0)
        self.assertIsNotNone(s2.t_kernel)
        self.assertGreater(s2.t_kernel, s1.end["t"])

    def test_dmesg_in_a_command_is_no_new_kernel(self):
        st = lab.parse_console(stamped(DT_KEXEC)).stages
        self.assertEqual(sorted(st), [1, 2])
        self.assertEqual(st[2].command("dmesg").output, [])
        self.assertEqual(st[2].command("dmesg").rc, 0)

    def test_new_kernel_by_stamp_without_booting_line(self):
        text = DT_KEXEC.replace(
            "[    0.000000] Booting Linux on physical CPU 0x0000000000 "
            "[0x411fd070]\n[    0.000000] ITS@", "[    0.000000] ITS@")
        st = lab.parse_console(stamped(text)).stages
        self.assertIn("GICv3: CPU0: Booted with LPIs enabled, memory "
                      "probably corrupted", list(st[2].messages()))
        self.assertNotIn("GICv3: CPU0: Booted with LPIs enabled, memory "
                         "probably corrupted", list(st[1].messages()))

    def test_hang_after_kexec_keeps_stage2_lines(self):
        """Lab notes A1: the second kernel dies silently after two lines."""
        text = DT_KEXEC.split("[    0.000000] GICv3: Expected")[0] + \
            "[    0.000000] GICv3: Using preallocated redistributor tables\n"
        st = lab.parse_console(stamped(text)).stages
        self.assertIsNone(st[2].begin)
        self.assertIn("GICv3: Using preallocated redistributor tables",
                      list(st[2].messages()))

    def test_marker_names_the_stage(self):
        """A kernel start we missed: the begin marker opens the stage."""
        text = DT_STRICT.replace("stage=1", "stage=3")
        st = lab.parse_console(stamped(text)).stages
        self.assertEqual(list(st), [3])
        self.assertEqual(st[3].command("efitables").rc, 3)

    def test_efi_firmware_and_stub_lines(self):
        st = lab.parse_console(stamped(EFI_ACPI)).stages
        j = st[1].to_json()
        self.assertIn("EFI stub: Generating empty DTB", j["kernel"])
        self.assertTrue(any("MEMRESERVE=0x7b3e9f98" in k for k in j["kernel"]))
        self.assertIn("UEFI firmware (version  built at 13:10:49 on Nov  5 2024)",
                      list(st[1].messages()))
        self.assertEqual(j["export"], ["/tmp/snap"])

    def test_output_without_final_newline(self):
        st = lab.parse_console(stamped(EFI_ACPI)).stages
        mr = st[1].command("memreserve")
        self.assertEqual(mr.rc, 0)
        self.assertEqual(mr.output[-1], "0x401d0000 0x401dffff  64K 0x7b3e9f98 ")
        self.assertEqual(len(mr.output), 4)
        self.assertEqual(st[1].command("list").output[1],
                         "888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2 MEMRESERVE 0x7b3e9f98")

    def test_kernel_message_in_the_middle_of_output(self):
        """A kernel message printed while a command is half-way through a
        line: the message is log, the line is whole again (seen in CI:
        gicdiag's JSON cut by "IPv6: ADDRCONF(NETDEV_CHANGE)")."""
        text = DT_STRICT.replace(
            "@@LAB cmd-end rdwalk rc=3",
            '  "why": "refused"[    4.796422] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\n'
            "\n"
            "  },\n"
            "@@LAB cmd-end rdwalk rc=3")
        s = lab.parse_console(stamped(text)).stages[1]
        out = s.command("rdwalk").output
        self.assertEqual(out[-2:], ['  "why": "refused"', "  },"])
        self.assertIn("IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
                      list(s.messages()))
        # cut just before the end marker: the part is output all the same
        text = DT_STRICT.replace(
            "@@LAB cmd-end rdwalk rc=3",
            "tail[    4.796422] IPv6: ready\n@@LAB cmd-end rdwalk rc=3")
        s = lab.parse_console(stamped(text)).stages[1]
        self.assertEqual(s.command("rdwalk").output[-1], "tail")

    def test_kernel_message_in_the_middle_of_a_marker(self):
        """Our own markers are cut the same way (seen in CI: efi-dt-kexec's
        `cmd-begin load` lost, "the command did not run")."""
        for cut in ("@@LAB cmd-be[    5.901234] random: crng init done\n"
                    "gin rdwalk",
                    "@@LAB cmd-begin rdwalk[    5.901234] random: crng init done\n"):
            text = DT_STRICT.replace("@@LAB cmd-begin rdwalk", cut)
            s = lab.parse_console(stamped(text)).stages[1]
            cmd = s.command("rdwalk")
            self.assertIsNotNone(cmd, cut)
            self.assertEqual(cmd.rc, 3)
            self.assertIn("random: crng init done", list(s.messages()))
        text = DT_STRICT.replace(
            "@@LAB cmd-end rdwalk rc=3",
            "@@LAB cmd-end rdw[    5.901234] random: crng init done\nalk rc=3")
        s = lab.parse_console(stamped(text)).stages[1]
        self.assertEqual(s.command("rdwalk").rc, 3)

    def test_malformed_marker_is_a_plain_line(self):
        text = DT_STRICT.replace("@@LAB cmd-end rdwalk rc=3",
                                 'echo "@@LAB cmd-end $id rc=$rc"\n'
                                 "@@LAB cmd-end rdwalk rc=3")
        st = lab.parse_console(stamped(text)).stages
        self.assertIn('echo "@@LAB cmd-end $id rc=$rc"',
                      st[1].command("rdwalk").output)

    def test_panic(self):
        text = DT_STRICT.replace(
            "@@LAB end stage=1 uptime=3.52\n",
            "[   13.694338] Kernel panic - not syncing: sysrq triggered crash\n")
        s = lab.parse_console(stamped(text)).stages[1]
        self.assertTrue(s.panic)
        self.assertFalse(s.to_json()["clean"])

    def test_msi_active(self):
        self.assertTrue(lab.msi_active(" 19:  0  6   ITS-MSI 16385 Edge  virtio0-input.0"))
        self.assertFalse(lab.msi_active(" 21:  0  0   ITS-MSI 16387 Edge  virtio0-config"))
        self.assertTrue(lab.msi_active("19: 6 ITS-MSI 16385 Edge virtio0-input.0"))

    def test_clean_line(self):
        self.assertEqual(lab.clean_line(f"{ESC}[0m{ESC}[37m{ESC}[40mabc\r"), "abc")
        self.assertEqual(lab.clean_line("a\tb\x07"), "a\tb")

    def test_console_log_roundtrip(self):
        lines = [(0.0, "first"), (1.5, ""), (12.345, " leading space"),
                 (12.5, "[    0.000000] Booting Linux on physical CPU 0x0")]
        text = "".join(lab.format_console_line(t, s) + "\n" for t, s in lines)
        self.assertIn("[  12.345]  leading space\n", text)
        self.assertEqual(lab.parse_console_log(text), lines)

    def test_recorder_stamps_first_byte(self):
        buf = io.StringIO()
        r = lab.Recorder(buf, t0=100.0)
        r.feed(b"abc", 101.0)
        r.feed(b"def\r\nghi\n", 102.5)
        r.feed(b"tail", 103.0)
        r.close()
        self.assertEqual(r.lines, [(1.0, "abcdef"), (2.5, "ghi"), (3.0, "tail")])
        self.assertEqual(buf.getvalue().split("\n")[0], "[   1.000] abcdef")


# ---------------------------------------------------------------------------
# Scenario files and the compiler

SCN = """\
[scenario]
name = demo
machine = efi-acpi   ; dt | efi-dt | efi-acpi
append = iomem=relaxed nokaslr
smp = 2
timeout = 100

[stage1]
cmd.list = efitables list
cmd.rdwalk = /usr/libexec/gk/gkpeek rdwalk; echo done
export = /tmp/snap /tmp/more
next = shell kexec -e

[stage2]
cmd.taint = cat /proc/sys/kernel/tainted

[expect]
stage1.log = GICv3: using LPI property table @
stage1.log ~ ^efi: .* MEMRESERVE=0x[0-9a-f]+
stage2.nolog =
    Kernel panic
    Oops
stage1.rc.list = 0
stage1.out.list ~ MEMRESERVE
stage1.out.list !~ last=1
stage1.out.rdwalk ~
    \\AGICR 0 .* last=0\\b
    ^GICR 1 .* last=1 [^\\n]*\\Z
stage1.lines.list = 2
stage1.msi >= 1
stage2.taint = 0
host.replay = $BUILD/efitables --sysroot $EXPORT/tmp/snap list > $OUT/r.txt
host.multi =
    test -d $EXPORT
    echo ok
"""


class TestScenario(Tmp):
    def load(self, text):
        return lab.load_scenario(write(self.tmp / "s.scn", text))

    def test_fields(self):
        s = self.load(SCN)
        self.assertEqual((s.name, s.machine, s.smp, s.timeout),
                         ("demo", "efi-acpi", 2, 100.0))
        self.assertEqual(s.append, ["iomem=relaxed", "nokaslr"])
        self.assertEqual(s.kernel_args(), ["lab.scenario=demo", "lab.stage=1",
                                           "iomem=relaxed", "nokaslr"])
        self.assertEqual(s.stages[0].cmds[1],
                         ("rdwalk", "/usr/libexec/gk/gkpeek rdwalk; echo done"))
        self.assertEqual(s.stages[0].export, ["/tmp/snap", "/tmp/more"])
        self.assertEqual(s.stages[0].next, "shell kexec -e")
        self.assertEqual(s.stages[1].next, "poweroff")

    def test_expectations(self):
        ex = [(e.key, e.op, e.arg) for e in self.load(SCN).expects]
        self.assertEqual(ex[:4], [
            ("stage1.log", "=", "GICv3: using LPI property table @"),
            ("stage1.log", "~", "^efi: .* MEMRESERVE=0x[0-9a-f]+"),
            ("stage2.nolog", "=", "Kernel panic"),
            ("stage2.nolog", "=", "Oops")])
        self.assertIn(("stage1.out.list", "!~", "last=1"), ex)
        self.assertIn(("stage1.out.rdwalk", "~", r"\AGICR 0 .* last=0\b"), ex)
        self.assertIn(("stage1.msi", ">=", "1"), ex)
        self.assertIn(("host.multi", "=", "test -d $EXPORT\necho ok"), ex)
        self.assertEqual(lab.plan(self.load(SCN)), 1 + len(ex))

    def bad(self, text, what):
        with self.assertRaises(lab.LabError) as cm:
            self.load(text)
        self.assertIn(what, str(cm.exception))

    def test_errors(self):
        base = "[scenario]\nmachine = dt\n[stage1]\ncmd.a = true\n"
        self.bad("[scenario]\nmachine = vax\n[stage1]\ncmd.a = x\n", "machine")
        self.bad(base.replace("cmd.a", "cmd.A"), "IDs")
        self.bad(base + "bogus = 1\n", "unknown key")
        self.bad(base + "[expect]\nstage1.rc.b = 0\n", "no cmd.b")
        self.bad(base + "[expect]\nstage2.log = x\n", "no [stage2]")
        self.bad(base + "[expect]\nstage1.rc.a ~ 0\n", "unknown expectation")
        self.bad(base + "[expect]\nstage1.out.a ~ (\n", "missing")
        self.bad(base + "[expect]\nstage1.rc.a = zero\n", "not a number")
        self.bad(base + "[expect]\nstage1.rc.a =\n    0\n    1\n", "one value")
        self.bad(base + "[expect]\nstage1.frob = 1\n", "unknown expectation")
        self.bad(base + "[stage3]\ncmd.b = x\n", "stages must be")
        self.bad(base + "cmd.b =\n    two\n    lines\n", "one non-empty line")
        self.bad(base + "next = reboot\n", "poweroff")
        self.bad(base.replace("[stage1]", "[stage1]\n[other]"), "unknown section")

    def test_full_scenarios_are_generated(self):
        """scenarios/full/ is what mkfull.py makes of the core scenarios,
        and every file loads."""
        import importlib.util
        spec = importlib.util.spec_from_file_location("mkfull", HERE / "mkfull.py")
        mkfull = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mkfull)
        for name in mkfull.SOURCES:
            f = HERE / "scenarios" / "full" / f"{name}-kt.scn"
            src = (HERE / "scenarios" / f"{name}.scn").read_text()
            self.assertEqual(f.read_text(), mkfull.convert(name, src), f)
            scn = lab.load_scenario(f)
            self.assertEqual((scn.loader, scn.record), ("kexec-tools", True))
            self.assertNotIn("gk-kexec", f.read_text())

    def test_chain_scenarios_are_generated(self):
        """The chain rows are what mkchain.py makes: every hop measures the
        NIC's MSIs, confirms REUSED and checks the reuse; the 20-hop chain
        is in the full set only."""
        import importlib.util
        spec = importlib.util.spec_from_file_location("mkchain", HERE / "mkchain.py")
        mkchain = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mkchain)
        for fname, machine, hops, timeout in mkchain.CHAINS:
            f = HERE / "scenarios" / fname
            self.assertEqual(f.read_text(),
                             mkchain.scenario(fname, machine, hops, timeout), f)
            scn = lab.load_scenario(f)
            self.assertEqual(len(scn.stages), hops + 1, f)
            keys = {e.key for e in scn.expects}
            for n in range(1, hops + 2):
                self.assertIn(f"stage{n}.rc.msi", keys)
                if n > 1:
                    self.assertIn(f"stage{n}.rc.confirm", keys)
                    self.assertIn(f"stage{n}.taint", keys)
        self.assertIn(("full/dt-chain20.scn", "dt", 20),
                      [c[:3] for c in mkchain.CHAINS])
        self.assertFalse((HERE / "scenarios" / "dt-chain20.scn").exists())

    def test_aged_scenarios(self):
        """The aged machines' rows (core and full; written by hand, not by
        mkfull.py) load, compile, flood through an unlimited /dev/kmsg, and
        each fits 2.5 minutes."""
        files = sorted((HERE / "scenarios").glob("**/*aged*.scn"))
        self.assertGreaterEqual(len(files), 3)
        scns = [lab.load_scenario(f) for f in files]
        for s in scns:
            self.assertLessEqual(s.timeout, 150, s.name)
            self.assertIn("printk.devkmsg=on", s.append, s.name)
        lab.compile_scenarios(scns, self.tmp / "lab")
        for s in scns:
            self.assertTrue((self.tmp / "lab" / s.name / "stage1.cmds").is_file())

    def test_shipped_scenarios(self):
        """Every file in scenarios/ loads, compiles, and stays within the
        e2e budget (doc/architecture.md#tests: 45 minutes), even if every boot
        ran into its time limit."""
        files = sorted((HERE / "scenarios").glob("*.scn"))
        self.assertTrue(files)
        scns = [lab.load_scenario(f) for f in files]
        self.assertLessEqual(sum(s.timeout for s in scns), 45 * 60)
        machines = {s.machine for s in scns}
        self.assertEqual(machines, set(lab.MACHINES))
        lab.compile_scenarios(scns, self.tmp / "lab")
        for s in scns:
            self.assertTrue((self.tmp / "lab" / s.name / "stage1.cmds").is_file())


class TestCompile(Tmp):
    def test_tree(self):
        s = lab.load_scenario(write(self.tmp / "s.scn", SCN))
        d = self.tmp / "lab"
        stale = d / "demo" / "stage9.cmds"
        stale.parent.mkdir(parents=True)
        stale.write_text("old\n")
        lab.compile_scenarios([s], d)
        self.assertEqual((d / "demo/stage1.cmds").read_text(),
                         "list\tefitables list\n"
                         "rdwalk\t/usr/libexec/gk/gkpeek rdwalk; echo done\n")
        self.assertEqual((d / "demo/stage1.export").read_text(),
                         "/tmp/snap\n/tmp/more\n")
        self.assertEqual((d / "demo/stage1.next").read_text(), "shell kexec -e\n")
        self.assertEqual((d / "demo/stage2.next").read_text(), "poweroff\n")
        self.assertFalse((d / "demo/stage2.export").exists())
        self.assertFalse(stale.exists())

    def test_duplicate_names(self):
        a = lab.load_scenario(write(self.tmp / "a.scn", SCN))
        b = lab.load_scenario(write(self.tmp / "b.scn", SCN))
        with self.assertRaises(lab.LabError):
            lab.compile_scenarios([a, b], self.tmp / "lab")

    def test_cli(self):
        f = write(self.tmp / "s.scn", SCN)
        self.assertEqual(lab.main(["compile", str(f), str(self.tmp / "L")]), 0)
        self.assertTrue((self.tmp / "L/demo/stage2.cmds").is_file())
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = lab.main(["compile", str(self.tmp / "nope.scn"),
                           str(self.tmp / "L")])
        self.assertEqual(rc, 2)
        self.assertIn("nope.scn", err.getvalue())


# ---------------------------------------------------------------------------
# Expectations


STRICT_SCN = """\
[scenario]
name = dt-strict
machine = dt
[stage1]
cmd.efitables = efitables list
cmd.rdwalk = /usr/libexec/gk/gkpeek rdwalk
[expect]
stage1.log =
    efi: UEFI not found.
    GICv3: CPU1: using allocated LPI pending table @
stage1.log ~ ^GICv3: using LPI property table @0x0*425b0000$
stage1.nolog = Booted with LPIs enabled
stage1.msi >= 1
stage1.msi = 2
stage1.taint = 0
stage1.rc.efitables = 3
stage1.lines.efitables = 1
stage1.out.efitables ~ did not boot through EFI
stage1.rc.rdwalk = 3
stage1.out.rdwalk ~
    STRICT_DEVMEM
    iomem=relaxed
stage1.out.rdwalk !~ ^GICR
"""

OK_QEMU = {"rc": 0, "timed_out": False}


class TestExpect(Tmp):
    def evaluate(self, scn_text, console, qemu=OK_QEMU):
        scn = lab.load_scenario(write(self.tmp / "s.scn", scn_text))
        stages = lab.parse_console(stamped(console)).stages
        return {c.name: c for c in
                lab.evaluate(scn, {"qemu": qemu}, stages, self.tmp, None)}

    def test_all_pass(self):
        checks = self.evaluate(STRICT_SCN, DT_STRICT)
        bad = [f"{c.name}: {c.reason}" for c in checks.values() if not c.ok]
        self.assertEqual(bad, [])
        self.assertEqual(len(checks), 15)
        self.assertEqual(checks["stage1.msi = 2"].reason,
                         "2 active ITS-MSI line(s) of 3")

    def test_failures_say_why(self):
        text = STRICT_SCN.replace("rc.rdwalk = 3", "rc.rdwalk = 0") \
            .replace("nolog = Booted with LPIs enabled", "nolog = KASLR") \
            .replace("stage1.taint = 0", "stage1.taint = 1024") \
            .replace("lines.efitables = 1", "lines.efitables = 2") \
            .replace("~ did not boot through EFI", "~ MEMRESERVE") \
            .replace("!~ ^GICR", "!~ ^gkpeek:")
        c = self.evaluate(text, DT_STRICT)
        self.assertFalse(c["stage1.rc.rdwalk = 0"].ok)
        self.assertEqual(c["stage1.rc.rdwalk = 0"].reason, "rc=3")
        self.assertIn("KASLR enabled", c["stage1.nolog = KASLR"].reason)
        self.assertEqual(c["stage1.taint = 1024"].reason, "taint 0")
        self.assertEqual(c["stage1.lines.efitables = 2"].reason, "1 line")
        self.assertIn("no match in 1 line",
                      c["stage1.out.efitables ~ MEMRESERVE"].reason)
        self.assertFalse(c["stage1.out.rdwalk !~ ^gkpeek:"].ok)
        self.assertTrue(c["booted"].ok)

    def test_booted(self):
        c = self.evaluate(STRICT_SCN, DT_STRICT,
                          {"rc": None, "timed_out": True, "limit": 240})
        self.assertFalse(c["booted"].ok)
        self.assertIn("240 s limit", c["booted"].reason)
        cut = DT_STRICT.split("@@LAB end")[0]
        c = self.evaluate(STRICT_SCN, cut)
        self.assertEqual(c["booted"].reason, "stage 1 did not end")
        c = self.evaluate(STRICT_SCN, DT_BOOT)
        self.assertEqual(c["booted"].reason, "stage 1 never began")
        self.assertFalse(c["stage1.rc.rdwalk = 3"].ok)
        self.assertEqual(c["stage1.rc.rdwalk = 3"].reason, "the command did not run")

    def test_panic_unless_expected(self):
        console = DT_STRICT.replace(
            "[    3.612000] reboot: Power down",
            "[   13.694338] Kernel panic - not syncing: sysrq triggered crash")
        c = self.evaluate(STRICT_SCN, console)
        self.assertEqual(c["booted"].reason, "Kernel panic in stage 1")
        c = self.evaluate(STRICT_SCN.replace("machine = dt",
                                             "machine = dt\nexpect_panic = yes"),
                          console)
        self.assertTrue(c["booted"].ok)

    def test_two_stages(self):
        scn = """\
        [scenario]
        name = kexec
        machine = dt
        [stage1]
        cmd.load = kexec -l /boot/Image
        next = shell kexec -e
        [stage2]
        cmd.dmesg = dmesg | grep GICv3
        [expect]
        stage1.nolog = Expected reserved range
        stage2.log = Expected reserved range [0x00000000425b0000:0x00000000425bffff], not found
        stage2.log ~ CPU1: Booted with LPIs enabled
        stage2.taint = 1024
        stage2.msi >= 1
        stage1.msi >= 1
        """
        c = self.evaluate(scn, DT_KEXEC)
        self.assertTrue(c["booted"].ok, c["booted"].reason)
        for name in list(c)[1:-1]:
            self.assertTrue(c[name].ok, f"{name}: {c[name].reason}")
        self.assertFalse(c["stage1.msi >= 1"].ok)

    def test_host(self):
        scn = STRICT_SCN + textwrap.dedent("""\
        host.env =
            test "$OUT" = "$(pwd)"
            echo "$EXPORT" "$BUILD"
        host.fails = echo partial; echo "it broke" >&2; exit 4
        """)
        c = self.evaluate(scn, DT_STRICT)
        self.assertTrue(c["host.env"].ok, c["host.env"].reason)
        out = (self.tmp / "host-env.out").read_text()
        self.assertEqual(out, f"{self.tmp.resolve()}/export \n")
        self.assertFalse(c["host.fails"].ok)
        self.assertEqual(c["host.fails"].reason,
                         "exit 4: it broke (no --build / GK_BUILD)")


# ---------------------------------------------------------------------------
# Safe extraction


def make_tar(path, members):
    """members: [(TarInfo kwargs, data or None)]"""
    with tarfile.open(path, "w") as tar:
        for kw, data in members:
            ti = tarfile.TarInfo(kw.pop("name"))
            for k, v in kw.items():
                setattr(ti, k, v)
            if data is not None:
                ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data) if data is not None else None)


class TestPredict(Tmp):
    """gicdiag's verdict before a jump against the next kernel's lines."""

    SCN = """\
    [scenario]
    name = kexec
    machine = dt
    predict = kexec
    [stage1]
    cmd.verdict = gicdiag -J
    cmd.load = kexec -l /boot/Image
    next = shell kexec -e
    [stage2]
    cmd.dmesg = dmesg | grep GICv3
    """

    @staticmethod
    def console(verdict, stage2=None):
        doc = ("@@LAB cmd-begin verdict\n{\n"
               f'  "targets": {{"kexec": {{"verdict": "{verdict}"}}}},\n'
               '  "evidence": "registers"\n}\n@@LAB cmd-end verdict rc=0\n')
        text = DT_KEXEC.replace("@@LAB cmd-begin load\n", doc + "@@LAB cmd-begin load\n")
        if stage2 is not None:
            boot = "[    0.000000] Booting Linux on physical CPU"
            text = boot.join(text.split(boot)[:2]) + boot + " 0x0\n" + stage2
        return text

    def evaluate(self, scn_text, console, qemu=OK_QEMU):
        scn = lab.load_scenario(write(self.tmp / "s.scn", scn_text))
        stages = lab.parse_console(stamped(console)).stages
        res = {"qemu": qemu}
        checks = lab.evaluate(scn, res, stages, self.tmp, None)
        return {c.name: c for c in checks}, res

    def test_plan_counts_the_predictions(self):
        scn = lab.load_scenario(write(self.tmp / "s.scn", self.SCN))
        self.assertEqual(lab.predicted_stages(scn), [1])
        self.assertEqual(lab.plan(scn), 2)
        # a chain: every jump checked; recorded, only the first
        chain = self.SCN.rstrip(" ") + """\
    cmd.verdict = gicdiag -J
    next = shell kexec -e
    [stage3]
    cmd.x = true
    """
        scn = lab.load_scenario(write(self.tmp / "c.scn", chain))
        self.assertEqual(lab.checked_predictions(scn), [1, 2])
        scn = lab.load_scenario(write(self.tmp / "r.scn", chain.replace(
            "predict = kexec", "predict = kexec\n    record = yes")))
        self.assertEqual(lab.predicted_stages(scn), [1, 2])
        self.assertEqual(lab.checked_predictions(scn), [1])
        self.assertEqual(lab.plan(scn), 2)

    def test_warned_jump(self):
        key = "stage1: gicdiag kexec verdict matches the jump"
        c, res = self.evaluate(self.SCN, self.console("REUSABLE"))
        self.assertFalse(c[key].ok)
        self.assertIn("REUSABLE -> warned: GICv3: Expected reserved range",
                      c[key].reason)
        c, res = self.evaluate(self.SCN, self.console("WILL-FAIL"))
        self.assertTrue(c[key].ok)
        self.assertEqual(res["jumps"][0]["outcome"], "warned")

    def test_hang_and_clean(self):
        hang = "[    0.000000] GICv3: Using preallocated redistributor tables\n"
        self.assertEqual(lab.jump_outcome(lab.parse_console(stamped(
            self.console("WILL-FAIL", hang))).stages, 2)[0], "hang")
        clean = hang + textwrap.dedent("""\
        @@LAB begin scenario=kexec stage=2 uptime=3.00
        @@LAB taint 0
        @@LAB end stage=2 uptime=4.00
        [   13.694338] Kernel panic - not syncing: sysrq triggered crash
        """)
        st = lab.parse_console(stamped(self.console("REUSABLE", clean))).stages
        # the stage's own crash, after its end, is not how it came up
        self.assertEqual(lab.jump_outcome(st, 2)[0], "clean")
        self.assertEqual(lab.jump_outcome(st, 3)[0], "no kernel")
        tainted = clean.replace("taint 0", "taint 512")
        st = lab.parse_console(stamped(self.console("REUSABLE", tainted))).stages
        self.assertEqual(lab.jump_outcome(st, 2), ("warned", "taint 512"))
        oops = hang + "[    0.1] Internal error: Oops - Undefined instruction\n"
        st = lab.parse_console(stamped(self.console("REUSABLE", oops))).stages
        self.assertEqual(lab.jump_outcome(st, 2)[0], "oops")

    def test_record_asks_only_for_stage1(self):
        scn = self.SCN.replace("predict = kexec", "predict = kexec\n    record = yes")
        hang = "[    0.000000] GICv3: Using preallocated redistributor tables\n"
        c, _ = self.evaluate(scn, self.console("WILL-FAIL", hang),
                             {"rc": None, "silent": True, "silence": 30})
        self.assertTrue(c["booted"].ok, c["booted"].reason)
        c, _ = self.evaluate(self.SCN, self.console("WILL-FAIL", hang),
                             {"rc": None, "silent": True, "silence": 30})
        self.assertFalse(c["booted"].ok)
        c, _ = self.evaluate(scn, DT_BOOT)
        self.assertFalse(c["booted"].ok)

    def test_results_table(self):
        run = self.tmp / "runs" / "kexec"
        run.mkdir(parents=True)
        _, res = self.evaluate(self.SCN, self.console("WILL-FAIL"))
        res.update(scenario="kexec", machine="dt", loader="kexec-tools",
                   ok=True, timings={"stage1_end": 9.9, "stage2_kernel": 10.5},
                   stages=[{"stage": 1, "commands": [
                       {"id": "load", "t_begin": 3.0, "t_end": 3.75}]}])
        (run / "result.json").write_text(json.dumps(res))
        rows = lab.write_results(self.tmp / "runs", self.tmp / "r.md",
                                 self.tmp / "r.json")
        self.assertEqual(rows[0]["outcome"], "warned")
        self.assertEqual(rows[0]["prediction"], "WILL-FAIL")
        self.assertEqual(rows[0]["load_s"], 0.75)
        self.assertEqual(rows[0]["jump_to_first_line_s"], 0.6)
        md = (self.tmp / "r.md").read_text().splitlines()
        self.assertEqual(md[2], "| kexec | dt | kexec-tools | warned | "
                         "WILL-FAIL | yes | 0.75 s | 0.60 s |")
        self.assertEqual(lab.results(self.tmp / "runs", ["other"]), [])


class TestExtract(Tmp):
    def extract(self, members):
        disk = self.tmp / "disk.img"
        make_tar(disk, members)
        with open(disk, "r+b") as f:  # the rest of the disk is zeros
            f.truncate(1 << 20)
        return lab.extract_export(disk, self.tmp / "export")

    def test_good(self):
        n = self.extract([
            ({"name": "tmp/snap", "type": tarfile.DIRTYPE, "mode": 0o755}, None),
            ({"name": "tmp/snap/proc/iomem"}, b"40000000-7fffffff : System RAM\n"),
            ({"name": "tmp/snap/link", "type": tarfile.SYMTYPE,
              "linkname": "proc/iomem"}, None),
        ])
        self.assertEqual(n, 3)
        self.assertEqual((self.tmp / "export/tmp/snap/link").read_text(),
                         "40000000-7fffffff : System RAM\n")

    def refused(self, member):
        with self.assertRaises(lab.UnsafeArchive):
            self.extract([({"name": "tmp/ok"}, b"x"), member])
        self.assertFalse((self.tmp / "export").exists())

    def test_dotdot(self):
        self.refused(({"name": "../x"}, b"x"))
        self.refused(({"name": "tmp/../../x"}, b"x"))

    def test_absolute(self):
        self.refused(({"name": "/etc/x"}, b"x"))

    def test_devices(self):
        self.refused(({"name": "tmp/mem", "type": tarfile.CHRTYPE,
                       "devmajor": 1, "devminor": 1}, None))
        self.refused(({"name": "tmp/vda", "type": tarfile.BLKTYPE}, None))
        self.refused(({"name": "tmp/fifo", "type": tarfile.FIFOTYPE}, None))

    def test_links_out(self):
        self.refused(({"name": "tmp/l", "type": tarfile.SYMTYPE,
                       "linkname": "/etc/passwd"}, None))
        self.refused(({"name": "tmp/l", "type": tarfile.SYMTYPE,
                       "linkname": "../../x"}, None))
        self.refused(({"name": "tmp/h", "type": tarfile.LNKTYPE,
                       "linkname": "../x"}, None))

    def test_no_tar(self):
        disk = self.tmp / "disk.img"
        disk.write_bytes(bytes(1 << 16))
        with self.assertRaises(tarfile.TarError):
            lab.extract_export(disk, self.tmp / "export")


# ---------------------------------------------------------------------------
# The runner, with a fake QEMU

FAKE_QEMU = r'''
import io, os, sys, tarfile, time
args = sys.argv[1:]
disk = args[args.index("--disk") + 1]
name = [a.split("=", 1)[1] for a in args if a.startswith("lab.scenario=")][0]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tar:
    data = b"hello\n"
    ti = tarfile.TarInfo("tmp/snap/hello"); ti.size = len(data)
    tar.addfile(ti, io.BytesIO(data))
with open(disk, "r+b") as f:
    f.write(buf.getvalue())
text = open(os.environ["FAKE_CONSOLE"]).read().replace("SCENARIO", name)
for line in text.split("\n")[:-1]:
    sys.stdout.write(line + "\r\n"); sys.stdout.flush()
    if os.environ.get("FAKE_HANG") and "@@LAB begin" in line:
        time.sleep(60)
    time.sleep(0.01)
'''

RUN_SCN = """\
[scenario]
name = fake
machine = dt
smp = 2
timeout = TIMEOUT
append = iomem=relaxed
[stage1]
cmd.efitables = efitables list
cmd.rdwalk = /usr/libexec/gk/gkpeek rdwalk
export = /tmp/snap
[expect]
stage1.rc.efitables = 3
stage1.out.rdwalk ~ STRICT_DEVMEM
host.export = grep -qx hello $EXPORT/tmp/snap/hello && cat $OUT/stage1-efitables.out
"""


class FakeBoot(Tmp):
    """A boot.sh whose QEMU prints a recorded console and writes a tar."""

    def setUp(self):
        super().setUp()
        fake = write(self.tmp / "fake_qemu.py", FAKE_QEMU)
        self.boot = self.tmp / "boot.sh"
        self.boot.write_text(
            "#!/bin/sh\n"
            'echo "$*" > "$(dirname "$0")/boot-args"\n'
            f"printf '%s\\n' '{sys.executable}' '{fake}' \"$@\"\n")
        self.boot.chmod(0o755)
        console = DT_STRICT.replace("scenario=dt-strict", "scenario=SCENARIO") \
            .replace("@@LAB end", "@@LAB export /tmp/snap\n@@LAB end")
        os.environ["FAKE_CONSOLE"] = str(write(self.tmp / "console.txt", console))

    def tearDown(self):
        os.environ.pop("FAKE_CONSOLE", None)
        os.environ.pop("FAKE_HANG", None)
        super().tearDown()

    def run_lab(self, timeout=30):
        scn = lab.load_scenario(write(self.tmp / "fake.scn",
                                      RUN_SCN.replace("TIMEOUT", str(timeout))))
        return lab.run(scn, self.tmp / "work", self.tmp / "out",
                       build=self.tmp, boot_sh=self.boot)


class TestRun(FakeBoot):
    def test_run(self):
        res, checks = self.run_lab()
        out = self.tmp / "out"
        self.assertEqual([c.ok for c in checks], [True] * 4,
                         [f"{c.name}: {c.reason}" for c in checks])
        self.assertEqual((self.tmp / "boot-args").read_text().split(),
                         [str(self.tmp / "work"), "dt", "--print-cmd",
                          "--disk", str(out / "disk.img"), "--smp", "2",
                          "lab.scenario=fake", "lab.stage=1", "iomem=relaxed"])
        self.assertEqual(os.stat(out / "disk.img").st_size, 64 << 20)
        self.assertEqual((out / "export/tmp/snap/hello").read_text(), "hello\n")
        self.assertEqual((out / "stage1-efitables.out").read_text(),
                         "efitables: /sys/firmware/fdt: no /chosen/linux,"
                         "uefi-system-table: the kernel did not boot through EFI\n")
        self.assertEqual((out / "host-export.out").read_text(),
                         (out / "stage1-efitables.out").read_text())
        log = (out / "console.log").read_text().split("\n")
        self.assertRegex(log[0], r"^\[ +\d+\.\d{3}\] \[    0\.000000\] Booting Linux")
        j = json.loads((out / "result.json").read_text())
        self.assertTrue(j["ok"])
        self.assertEqual(j["scenario"], "fake")
        self.assertEqual(j["append"], "iomem=relaxed")
        self.assertEqual(j["qemu"]["rc"], 0)
        self.assertEqual(j["export"]["members"], 1)
        self.assertEqual(j["stages"][0]["commands"][0]["rc"], 3)
        t = j["timings"]
        self.assertLess(t["first_kernel_line"], t["stage1_begin"])
        self.assertLessEqual(t["stage1_begin"], t["poweroff"])
        self.assertLessEqual(t["poweroff"], t["wall"])
        # check re-evaluates from console.log alone
        (out / "disk.img").unlink()
        scn, res2, checks2 = lab.check(out, build=self.tmp)
        self.assertEqual([c.ok for c in checks2], [True] * 4)
        self.assertEqual(res2["stages"], j["stages"])

    def test_time_limit(self):
        os.environ["FAKE_HANG"] = "1"
        t0 = time.monotonic()
        res, checks = self.run_lab(timeout=2)
        self.assertLess(time.monotonic() - t0, 15)
        self.assertTrue(res["qemu"]["timed_out"])
        self.assertFalse(checks[0].ok)
        self.assertIn("2.0 s limit", checks[0].reason)
        self.assertIn("@@LAB begin",
                      (self.tmp / "out/console.log").read_text())

    def test_boot_sh_fails(self):
        self.boot.write_text("#!/bin/sh\necho 'no kernel in WORKDIR' >&2\nexit 1\n")
        res, checks = self.run_lab()
        self.assertFalse(res["ok"])
        self.assertEqual(len(checks), 4)
        self.assertIn("no kernel in WORKDIR", checks[0].reason)


class TestRunAll(FakeBoot):
    def test_tap_stream(self):
        good = write(self.tmp / "a.scn", RUN_SCN.replace("TIMEOUT", "30"))
        bad = write(self.tmp / "b.scn", RUN_SCN.replace("TIMEOUT", "30")
                    .replace("name = fake", "name = fake2")
                    .replace("rc.efitables = 3", "rc.efitables = 0"))
        env = dict(os.environ, GK_E2E_BOOT=str(self.boot),
                   GK_E2E_OUT=str(self.tmp / "runs"))
        p = subprocess.run(["bash", str(HERE / "run-all.sh"), str(self.tmp),
                            str(self.tmp), str(good), str(bad)], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 1, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "1..8")
        tap = [ln for ln in lines if re.match(r"(not )?ok ", ln)]
        self.assertEqual([ln.split(" - ")[0] for ln in tap],
                         ["ok 1", "ok 2", "ok 3", "ok 4",
                          "ok 5", "not ok 6", "ok 7", "ok 8"])
        self.assertEqual(tap[5], "not ok 6 - fake2: stage1.rc.efitables = 0 -- rc=3")
        self.assertRegex(lines[-1], r"^# e2e total: \d+\.\d s$")
        self.assertTrue(any(ln.startswith("# fake: first kernel line ")
                            for ln in lines))
        self.assertTrue((self.tmp / "runs/a/result.json").is_file())


class TestShippedHostScripts(Tmp):
    """The shell of the scenarios' host expectations, on recorded data."""

    def host(self, scenario, key):
        scn = lab.load_scenario(HERE / "scenarios" / scenario)
        return next(e for e in scn.expects if e.key == key)

    def test_tables_match_registers(self):
        e = self.host("dt-relaxed.scn", "host.tables")
        (self.tmp / "stage1.log").write_text(DT_BOOT)
        rdwalk = self.tmp / "stage1-rdwalk.out"
        rd = ("GICR 0 @0x80a0000 TYPER=0x0000000000000001 last=0 CTLR=0x3 "
              "PROPBASER=0x00000000425b078f PENDBASER=0x00000000425c0780\n"
              "GICR 1 @0x80c0000 TYPER=0x0000000100000111 last=1 CTLR=0x3 "
              "PROPBASER=0x00000000425b078f PENDBASER=0x00000000425d0780\n")
        rdwalk.write_text(rd)
        ok, why = lab.run_host(e, self.tmp, None)
        self.assertTrue(ok, why)
        self.assertEqual(len((self.tmp / "host-tables.out").read_text()
                             .splitlines()), 2)
        rdwalk.write_text(rd.replace("425d0780", "425e0780"))
        self.assertFalse(lab.run_host(e, self.tmp, None)[0])

    def test_covered_asks_for_every_logged_table(self):
        e = self.host("efi-acpi.scn", "host.covered")
        (self.tmp / "stage1.log").write_text(
            "\n".join(ln for _, ln in stamped(EFI_ACPI)) + "\n")
        fake = self.tmp / "efitables"
        fake.write_text('#!/bin/sh\necho "$@"\n')
        fake.chmod(0o755)
        ok, why = lab.run_host(e, self.tmp, self.tmp)
        self.assertTrue(ok, why)
        self.assertEqual((self.tmp / "host-covered.out").read_text(),
                         f"--sysroot {self.tmp.resolve()}/export/tmp/snap check "
                         "0x00000000401b0000+64K 0x00000000401c0000+64K "
                         "0x00000000401d0000+64K\n")


    def test_hotplug_same_pend(self):
        """dt-hotplug-kexec: CPU1's pending table is the same before and
        after offline/online and the one the next kernel's CPU1 reuses."""
        e = self.host("dt-hotplug-kexec.scn", "host.same-pend")
        rd = "RD LPIS PEND\n0 yes 0x401c0000\n1 yes 0x401d0000\n"
        (self.tmp / "stage1-before.out").write_text(rd)
        (self.tmp / "stage1-after.out").write_text(rd)
        log = ("GICv3: CPU0: using reserved LPI pending table @0x00000000401c0000\n"
               "GICv3: CPU1: using reserved LPI pending table @0x00000000401d0000\n")
        (self.tmp / "stage2.log").write_text(log)
        ok, why = lab.run_host(e, self.tmp, None)
        self.assertTrue(ok, why)
        (self.tmp / "stage2.log").write_text(log.replace("401d0000", "401e0000"))
        self.assertFalse(lab.run_host(e, self.tmp, None)[0])
        (self.tmp / "stage2.log").write_text(log)
        (self.tmp / "stage1-after.out").write_text(rd.replace("401d0000", "401e0000"))
        self.assertFalse(lab.run_host(e, self.tmp, None)[0])
        (self.tmp / "stage1-after.out").write_text(rd)
        (self.tmp / "stage2.log").write_text(log.splitlines()[0] + "\n")
        self.assertFalse(lab.run_host(e, self.tmp, None)[0])


# ---------------------------------------------------------------------------
# TAP


class TapResult(unittest.TestResult):
    """`ok N - name` / `not ok N - name` plus `# ` diagnostics."""

    def __init__(self):
        super().__init__()
        self.n = 0

    def _line(self, ok, test, detail=None):
        self.n += 1
        name = test.id().removeprefix(__name__ + ".").removeprefix("__main__.")
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}", flush=True)
        for ln in (detail or "").rstrip().splitlines():
            print(f"# {ln}")

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test, self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test, self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.n += 1
        print(f"ok {self.n} - {test.id()} # SKIP {reason}")


def main_tap():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    print(f"1..{suite.countTestCases()}", flush=True)
    result = TapResult()
    suite.run(result)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    if "--tap" in sys.argv[1:]:
        sys.exit(main_tap())
    unittest.main()
