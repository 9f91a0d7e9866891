#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The runner of the arm64 QEMU lab (see PROTOCOL.md beside this file).

    lab.py compile SCENARIO.scn... LABDIR
    lab.py plan SCENARIO.scn...
    lab.py run SCENARIO.scn --work WORKDIR --out OUTDIR [--initrd F]
               [--build DIR] [--tap-start N]
    lab.py check OUTDIR [--scenario F] [--build DIR] [--tap-start N]

A scenario is a small INI file: the machine, the commands of each stage,
and expectations on what the guest printed. `compile` turns scenarios into
the /lab tree the initramfs carries; `run` boots one through boot.sh,
records the serial console with host timestamps, parses the guest's
markers into OUTDIR/result.json and prints one TAP line per expectation;
`check` re-parses a finished run's console.log (after a fix of this file
or of the expectations) without booting again. `plan` prints how many TAP
lines `run` will print, so that run-all.sh can announce `1..N` first.

Scenario file (scenarios/*.scn):

    [scenario]  name, machine (dt | efi-dt | efi-acpi), append (kernel
                words), smp, mem (MiB), disk (MiB, sparse; default 64),
                kernel (12 | 13: Debian's; kf: build-kernel.sh's, with
                KEXEC_FILE, KEXEC_SIG and the lockdown LSM),
                gic (3 | 4), timeout (s, default 240),
                silence (s without console output before QEMU is
                killed; 0 = off), expect_panic (yes | no), loader
                (ours | kexec-tools: the results table's column),
                predict (kexec | kdump: after each stage that ran gicdiag
                -J, its verdict for that target must match the outcome
                of the jump), record (yes: the jumps are recorded as
                they fall, `booted` only asks that stage 1 ran; for
                kexec-tools' rows)
    [stageN]    cmd.ID = one shell line (run in file order), export =
                directories, next = poweroff | shell COMMAND
    [expect]    stageN.log = TEXT | ~ REGEX     a log line of stage N has it
                stageN.nolog = TEXT | ~ REGEX   no log line has it
                stageN.rc.ID = N                exit status of cmd.ID
                stageN.out.ID ~ REGEX | !~ REGEX  on the output, re.MULTILINE
                stageN.lines.ID = N             number of output lines
                stageN.msi >= N | = N           active ITS-MSI lines
                stageN.taint = N
                host.ID = SCRIPT                sh -ec on the host, with
                                                $EXPORT $BUILD $OUT

A log/nolog/out value may continue on indented lines: one check a line. A
host script may too: one script. "Log lines" are every console line of the
stage that is neither a marker nor command output (kernel lines without
their `[   1.234567] ` stamp, EFI stub and firmware lines, /init's own).
`booted` is always checked first: each stage began and ended, QEMU powered
off by itself before the time limit, no Kernel panic unless expected.

Python 3.11 standard library only: the lab must run on a fresh Debian.
"""

import argparse
import configparser
import dataclasses
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
MACHINES = ("dt", "efi-dt", "efi-acpi")
ID_RE = re.compile(r"[a-z0-9_-]+\Z")
NAME_RE = re.compile(r"[A-Za-z0-9_.-]+\Z")
DEFAULT_TIMEOUT = 240
DISK_SIZE = 64 << 20
HOST_TIMEOUT = 300


class LabError(Exception):
    """A mistake in a scenario or an unusable run directory (exit 2)."""


# ---------------------------------------------------------------------------
# Scenario files


class ScenarioParser(configparser.RawConfigParser):
    """configparser that keeps the operator of `KEY ~ REGEX` lines.

    Expectations read `stage1.out.x ~ last=1`: the operator belongs to the
    key (so `~`, `!~`, `>=` and `=` can all be used, and a regex may hold
    `=`), and the value is everything after it. Options are `KEY = VALUE`
    or `KEY OP VALUE` with OP one of `~ !~ >=`; the option name returned
    for the latter is `KEY OP`.
    """

    OPTCRE = re.compile(
        r"(?P<option>[^\s=~!>\[]+\s+(?:!~|~|>=)|[^\s=~!>\[]+)"
        r"(?P<vi>(?<=[~=])|\s*=)\s*(?P<value>.*)$"
    )

    def __init__(self):
        super().__init__(
            interpolation=None,
            comment_prefixes=("#", ";"),
            inline_comment_prefixes=None,
            empty_lines_in_values=False,
        )

    def optionxform(self, optionstr):
        """Keys are case-sensitive (command IDs, file names)."""
        return optionstr


@dataclasses.dataclass
class StageSpec:
    """One stage: commands in file order, directories to export, next."""

    number: int
    cmds: list  # [(id, shell command)]
    export: list
    next: str


@dataclasses.dataclass
class Expectation:
    """`stageN.KIND[.ID] OP ARG` or `host.ID = SCRIPT`, as written."""

    key: str
    op: str
    arg: str

    @property
    def text(self):
        """The TAP name: the line as written (a host script by its key)."""
        if self.key.startswith("host."):
            return self.key
        return f"{self.key} {self.op} {self.arg}"


@dataclasses.dataclass
class Scenario:
    """A parsed, validated scenario file."""

    path: str
    name: str
    machine: str
    append: list
    smp: int | None
    mem: int | None
    disk: int | None
    kernel: str | None
    gic: str | None
    timeout: float
    silence: float
    expect_panic: bool
    loader: str
    predict: str | None
    record: bool
    stages: list
    expects: list

    def kernel_args(self):
        """The words run passes to boot.sh after its options."""
        return [f"lab.scenario={self.name}", "lab.stage=1", *self.append]


SCENARIO_KEYS = {"name", "machine", "append", "smp", "mem", "disk", "kernel", "gic",
                 "timeout",
                 "silence", "expect_panic", "loader", "predict", "record"}
LOADERS = ("ours", "kexec-tools")
TARGETS = ("kexec", "kdump")
# key pattern -> operators it accepts; one expectation per value line for
# the multi-line ones
EXPECT_FORMS = [
    (re.compile(r"stage(\d+)\.(log|nolog)\Z"), ("=", "~"), True),
    (re.compile(r"stage(\d+)\.out\.([a-z0-9_-]+)\Z"), ("~", "!~"), True),
    (re.compile(r"stage(\d+)\.rc\.([a-z0-9_-]+)\Z"), ("=",), False),
    (re.compile(r"stage(\d+)\.lines\.([a-z0-9_-]+)\Z"), ("=",), False),
    (re.compile(r"stage(\d+)\.msi\Z"), ("=", ">="), False),
    (re.compile(r"stage(\d+)\.taint\Z"), ("=",), False),
    (re.compile(r"host\.([a-z0-9_-]+)\Z"), ("=",), False),
]


def _scalar(value):
    """A [scenario] value without a trailing `; comment`.

    Commands may hold `;`, so only the [scenario] section (plain words)
    allows inline comments.
    """
    return re.split(r"\s;", value, maxsplit=1)[0].strip()


def _int(value, what):
    try:
        return int(value, 0)
    except ValueError:
        raise LabError(f"{what}: not a number: {value!r}") from None


def _load_stage(path, parser, number):
    """[stageN]: cmd.ID (one line each), export, next."""
    sect = parser[f"stage{number}"]
    cmds, export, nxt = [], [], "poweroff"
    for key, value in sect.items():
        where = f"{path}: [stage{number}] {key}"
        if key.startswith("cmd."):
            cid = key[4:]
            if not ID_RE.match(cid):
                raise LabError(f"{where}: command IDs are [a-z0-9_-]+")
            if not value or "\n" in value:
                raise LabError(f"{where}: a command is one non-empty line")
            cmds.append((cid, value))
        elif key == "export":
            export = value.split()
        elif key == "next":
            nxt = " ".join(value.split())
            if nxt != "poweroff" and not nxt.startswith("shell "):
                raise LabError(f"{where}: `poweroff` or `shell COMMAND`")
        else:
            raise LabError(f"{where}: unknown key")
    return StageSpec(number, cmds, export, nxt)


def _split_expect_key(raw):
    """`stage1.out.x ~` -> (`stage1.out.x`, `~`); `stage1.log` -> (.., `=`)."""
    parts = raw.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    return raw, "="


def _check_refs(path, key, stages):
    """An expectation must name a stage and command the scenario has."""
    m = re.match(r"stage(\d+)\.(?:(?:out|rc|lines)\.([a-z0-9_-]+))?", key)
    if not m:
        return
    n = int(m.group(1))
    if n not in stages:
        raise LabError(f"{path}: {key}: the scenario has no [stage{n}]")
    if m.group(2) and m.group(2) not in dict(stages[n].cmds):
        raise LabError(f"{path}: {key}: [stage{n}] has no cmd.{m.group(2)}")


def _load_expects(path, parser, stages):
    """[expect], in file order; multi-line log/out values are one check a line."""
    if not parser.has_section("expect"):
        return []
    out = []
    for raw, value in parser["expect"].items():
        key, op = _split_expect_key(raw)
        form = next((f for f in EXPECT_FORMS if f[0].match(key)), None)
        if form is None or op not in form[1]:
            raise LabError(f"{path}: [expect] {raw}: unknown expectation")
        _check_refs(path, key, stages)
        lines = [ln for ln in value.split("\n") if ln.strip()]
        if not lines:
            raise LabError(f"{path}: [expect] {raw}: empty value")
        if key.startswith("host."):
            out.append(Expectation(key, op, "\n".join(lines)))
            continue
        if len(lines) > 1 and not form[2]:
            raise LabError(f"{path}: [expect] {raw}: one value only")
        for line in lines:
            if op in ("~", "!~"):
                try:
                    re.compile(line)
                except re.error as e:
                    raise LabError(f"{path}: {raw} {line}: {e}") from None
            elif key.split(".")[1] not in ("log", "nolog"):
                _int(line, f"{path}: {raw}")
            out.append(Expectation(key, op, line))
    return out


def load_scenario(path):
    """Read and validate a scenario file; every mistake is a LabError."""
    parser = ScenarioParser()
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except (OSError, configparser.Error) as e:
        raise LabError(f"{path}: {e}") from None
    if not parser.has_section("scenario"):
        raise LabError(f"{path}: no [scenario] section")
    sc = {k: _scalar(v) for k, v in parser["scenario"].items()}
    unknown = set(sc) - SCENARIO_KEYS
    if unknown:
        raise LabError(f"{path}: [scenario]: unknown keys {sorted(unknown)}")
    for sect in parser.sections():
        if sect not in ("scenario", "expect") and not re.match(
                r"stage[1-9][0-9]*\Z", sect):
            raise LabError(f"{path}: unknown section [{sect}]")
    name = sc.get("name", Path(path).stem)
    if not NAME_RE.match(name):
        raise LabError(f"{path}: name {name!r}: use [A-Za-z0-9_.-]")
    machine = sc.get("machine", "")
    if machine not in MACHINES:
        raise LabError(f"{path}: machine {machine!r}: one of {MACHINES}")
    numbers = sorted(int(s[5:]) for s in parser.sections()
                     if s.startswith("stage"))
    if numbers != list(range(1, len(numbers) + 1)) or not numbers:
        raise LabError(f"{path}: stages must be [stage1], [stage2], ...")
    stages = {n: _load_stage(path, parser, n) for n in numbers}
    if sc.get("kernel", "12") not in ("12", "13", "kf"):
        raise LabError(f"{path}: kernel: 12 (Debian 12's), 13 (Debian 13's) "
                       "or kf (build-kernel.sh's kexec_file kernel)")
    if sc.get("loader", "ours") not in LOADERS:
        raise LabError(f"{path}: loader: one of {LOADERS}")
    if sc.get("predict", "kexec") not in TARGETS:
        raise LabError(f"{path}: predict: one of {TARGETS}")
    return Scenario(
        path=str(path),
        name=name,
        machine=machine,
        append=sc.get("append", "").split(),
        smp=_int(sc["smp"], f"{path}: smp") if "smp" in sc else None,
        mem=_int(sc["mem"], f"{path}: mem") if "mem" in sc else None,
        kernel=sc.get("kernel") or None,
        disk=_int(sc["disk"], f"{path}: disk") if "disk" in sc else None,
        gic=sc.get("gic") or None,
        timeout=float(sc.get("timeout", DEFAULT_TIMEOUT)),
        silence=float(sc.get("silence", 0)),
        expect_panic=sc.get("expect_panic", "no").lower() in ("yes", "true", "1"),
        loader=sc.get("loader", "ours"),
        predict=sc.get("predict") or None,
        record=sc.get("record", "no").lower() in ("yes", "true", "1"),
        stages=[stages[n] for n in numbers],
        expects=_load_expects(path, parser, stages),
    )


def compile_scenarios(scenarios, labdir):
    """Write LABDIR/NAME/stageN.{cmds,export,next} (PROTOCOL.md, "/lab").

    A scenario's directory is rewritten whole, so a stage removed from the
    file does not linger in the image.
    """
    labdir = Path(labdir)
    seen = {}
    for scn in scenarios:
        if scn.name in seen:
            raise LabError(f"{scn.path}: name {scn.name} also in {seen[scn.name]}")
        seen[scn.name] = scn.path
    for scn in scenarios:
        d = labdir / scn.name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for st in scn.stages:
            (d / f"stage{st.number}.cmds").write_text(
                "".join(f"{cid}\t{cmd}\n" for cid, cmd in st.cmds))
            if st.export:
                (d / f"stage{st.number}.export").write_text(
                    "".join(f"{e}\n" for e in st.export))
            (d / f"stage{st.number}.next").write_text(st.next + "\n")


# ---------------------------------------------------------------------------
# Console: recording format and parsing

CONSOLE_RE = re.compile(r"\[ *(-?\d+\.\d+)\](?: (.*))?\Z")
KERNEL_RE = re.compile(r"\[ *(\d+\.\d+)\] ")
ESCAPE_RE = re.compile(r"\x1b(?:\[[0-9;?=<>]*[ -/]*[@-~]|[()][0-9A-Za-z]|.)")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
GIC_RE = re.compile(
    r"GICv[34]:|\bITS\b|efi:|EFI stub:|\bLPI|Booted with LPIs|"
    r"Expected reserved range|Failed to disable LPIs|Kernel panic|\bOops\b")
NEW_KERNEL = "Booting Linux on physical CPU"
POWER_DOWN = "reboot: Power down"

MARKERS = {
    "begin": re.compile(
        r"@@LAB begin scenario=(\S+) stage=(\d+) uptime=(\d+(?:\.\d+)?)\Z"),
    "cmd-begin": re.compile(r"@@LAB cmd-begin ([a-z0-9_-]+)\Z"),
    "cmd-end": re.compile(r"@@LAB cmd-end ([a-z0-9_-]+) rc=(-?\d+)\Z"),
    "taint": re.compile(r"@@LAB taint (\d+)\Z"),
    "msi": re.compile(r"@@LAB msi (.*)\Z"),
    "export": re.compile(r"@@LAB export ?(.*)\Z"),
    "end": re.compile(r"@@LAB end stage=(\d+) uptime=(\d+(?:\.\d+)?)\Z"),
}


def clean_line(raw):
    """Console bytes as text: no CR, no terminal escapes (EDK2 paints the
    screen), no other control characters, tabs kept."""
    return CONTROL_RE.sub("", ESCAPE_RE.sub("", raw.replace("\r", "")))


def format_console_line(t, text):
    """`[  12.345] text`: host seconds since QEMU start, then the line."""
    return f"[{t:8.3f}] {text}"


def parse_console_log(text):
    """console.log back to [(t, line)]; a line without a stamp keeps the
    previous one (so a hand-edited log still parses)."""
    lines, t = [], 0.0
    for raw in text.split("\n"):
        m = CONSOLE_RE.match(raw)
        if m:
            t = float(m.group(1))
            lines.append((t, m.group(2) or ""))
        elif raw:
            lines.append((t, raw))
    return lines


def kernel_message(line):
    """A kernel log line without its `[    1.234567] ` stamp, else None."""
    m = KERNEL_RE.match(line)
    return line[m.end():] if m else None


def msi_active(line):
    """Does a /proc/interrupts line count any interrupt on any CPU?"""
    fields = line.split()
    total = 0
    for f in fields[1:]:
        if not f.isdigit():
            break
        total += int(f)
    return total > 0


@dataclasses.dataclass
class Command:
    """One command of a stage as seen on the console."""

    id: str
    rc: int | None = None
    output: list = dataclasses.field(default_factory=list)
    t_begin: float | None = None
    t_end: float | None = None


@dataclasses.dataclass
class StageRecord:
    """What one stage (one kernel) printed."""

    stage: int
    t_kernel: float | None = None
    begin: dict | None = None
    end: dict | None = None
    commands: list = dataclasses.field(default_factory=list)
    log: list = dataclasses.field(default_factory=list)  # [(t, line)]
    msi: list = dataclasses.field(default_factory=list)
    taint: int | None = None
    export: list | None = None

    def command(self, cid):
        """The last run of command CID, or None."""
        return next((c for c in reversed(self.commands) if c.id == cid), None)

    @property
    def panic(self):
        return any("Kernel panic" in ln for _, ln in self.log)

    @property
    def oops(self):
        return any(re.search(r"\bOops\b", ln) for _, ln in self.log)

    def messages(self):
        """Log lines as matched by expectations: kernel stamp removed."""
        for _, ln in self.log:
            msg = kernel_message(ln)
            yield ln if msg is None else msg

    def gicdiag_verdict(self):
        """gicdiag's own verdict in this stage, beside the kernel's lines:
        from the first command that printed gicdiag's JSON document."""
        for c in self.commands:
            try:
                doc = json.loads("\n".join(c.output))
            except ValueError:
                continue
            if isinstance(doc, dict) and "targets" in doc and "evidence" in doc:
                return {
                    "command": c.id,
                    "evidence": doc.get("evidence"),
                    "targets": {t: v.get("verdict")
                                for t, v in doc["targets"].items()},
                    "findings": [f.get("code") for f in doc.get("findings", [])],
                }
        return None

    def to_json(self):
        """The result.json form: the stage's GIC/LPI/EFI lines, not its
        whole log (that is in stageN.log)."""
        return {
            "stage": self.stage,
            "t_kernel": self.t_kernel,
            "begin": self.begin,
            "end": self.end,
            "clean": bool(self.begin and self.end and not self.panic
                          and not self.oops),
            "panic": self.panic,
            "oops": self.oops,
            "taint": self.taint,
            "commands": [dataclasses.asdict(c) for c in self.commands],
            "kernel": [ln for _, ln in self.log if GIC_RE.search(ln)],
            "gicdiag": self.gicdiag_verdict(),
            "msi": self.msi,
            "msi_active": sum(1 for m in self.msi if msi_active(m)),
            "export": self.export,
            "log_lines": len(self.log),
        }


class ConsoleParser:
    """Turns console lines into StageRecords (PROTOCOL.md, "Markers").

    Lines before the first `@@LAB begin` (firmware, EFI stub, the kernel's
    boot) belong to stage 1. A new kernel (a `Booting Linux on physical
    CPU` line, or a kernel stamp going back in time, outside any command's
    output) opens the next stage; its `@@LAB begin` then names the stage
    for sure. Inside a command, kernel lines go to the stage's log and
    everything else is the command's output, so a `dmesg` run by a command
    never looks like a new kernel.
    """

    def __init__(self):
        self.stages = {1: StageRecord(1)}
        self.cur = 1
        self.cmd = None
        self.kernel_seen = False
        self.last_stamp = 0.0
        self.first_kernel = None
        self.power_down = None
        self.pending = None  # a command's line cut by a kernel message

    @property
    def stage(self):
        return self.stages[self.cur]

    def feed(self, t, line):
        """One console line at host time t.

        A kernel message printed in the middle of a line (a command's
        output, or one of our own markers) ends that console line; the
        line goes on after the message, on the next console line, and is
        joined again there (seen in CI: gicdiag's JSON cut by "IPv6:
        ADDRCONF", and a `cmd-begin` marker lost the same way)."""
        m = KERNEL_RE.search(line)
        if m and m.start() > 0 and kernel_message(line) is None:
            self.pending = self._joined(line[:m.start()])
            line = line[m.start():]
        elif kernel_message(line) is None:
            line = self._joined(line)
        if self.cmd and not line.startswith("@@LAB "):
            # output without a final newline runs into the cmd-end marker
            i = line.find(f"@@LAB cmd-end {self.cmd.id} rc=")
            if i > 0 and MARKERS["cmd-end"].match(line[i:]):
                self._line(t, line[:i])
                line = line[i:]
        self._line(t, line)

    def _joined(self, line):
        """@line after the part of its line a kernel message cut off."""
        head, self.pending = self.pending, None
        return line if head is None else head + line

    def _line(self, t, line):
        if line.startswith("@@LAB "):
            for kind, rx in MARKERS.items():
                m = rx.match(line)
                if m:
                    return getattr(self, "_m_" + kind.replace("-", "_"))(t, m)
        msg = kernel_message(line)
        if self.cmd and msg is None:
            self.cmd.output.append(line)
            return
        if msg is not None:
            self._kernel_line(t, line, msg)
        if POWER_DOWN in line:
            self.power_down = t
        self.stage.log.append((t, line))

    def _kernel_line(self, t, line, msg):
        """Notice the first kernel line and the start of later kernels.

        Inside a command a kernel-looking line may be `dmesg` output, so
        neither a new kernel nor the stamp is taken from there.
        """
        if self.first_kernel is None:
            self.first_kernel = t
        if self.cmd:
            return
        stamp = float(KERNEL_RE.match(line).group(1))
        if self.kernel_seen and (NEW_KERNEL in msg or
                                 stamp < self.last_stamp - 1.0):
            self.cur += 1
            self.stages.setdefault(self.cur, StageRecord(self.cur))
        if self.stage.t_kernel is None:
            self.stage.t_kernel = t
        self.kernel_seen = True
        self.last_stamp = stamp

    def _m_begin(self, t, m):
        """The marker names the stage for sure: a record opened by our
        kernel count is renamed; a missed kernel start gets a new one."""
        n = int(m.group(2))
        if n != self.cur:
            if self.stage.begin is None and n not in self.stages:
                rec = self.stages.pop(self.cur)
                rec.stage = n
                self.stages[n] = rec
            else:
                self.stages.setdefault(n, StageRecord(n))
            self.cur = n
        self.cmd = None
        self.stage.begin = {"t": t, "uptime": float(m.group(3)),
                            "scenario": m.group(1)}

    def _m_cmd_begin(self, t, m):
        self.cmd = Command(m.group(1), t_begin=t)
        self.stage.commands.append(self.cmd)

    def _m_cmd_end(self, t, m):
        cmd = self.cmd if self.cmd and self.cmd.id == m.group(1) else \
            self.stage.command(m.group(1))
        if cmd:
            cmd.rc, cmd.t_end = int(m.group(2)), t
        self.cmd = None

    def _m_taint(self, t, m):
        self.stage.taint = int(m.group(1))

    def _m_msi(self, t, m):
        self.stage.msi.append(m.group(1).strip())

    def _m_export(self, t, m):
        self.stage.export = m.group(1).split()

    def _m_end(self, t, m):
        self.cmd = None
        self.stage.end = {"t": t, "uptime": float(m.group(2))}


def parse_console(lines):
    """[(t, line)] -> ConsoleParser holding the stages."""
    p = ConsoleParser()
    for t, line in lines:
        p.feed(t, line)
    return p


# ---------------------------------------------------------------------------
# Exported tar


class UnsafeArchive(Exception):
    """A member would land outside the export directory, or is a device."""


def _unsafe_name(name):
    p = PurePosixPath(name)
    return not name or p.is_absolute() or ".." in p.parts


def check_members(tar):
    """All members, or UnsafeArchive naming the first bad one.

    The whole archive is refused rather than filtered: a guest writing
    `../x` or `/etc/x` is broken, and half an export would hide that.
    """
    members = tar.getmembers()
    for m in members:
        if _unsafe_name(m.name):
            raise UnsafeArchive(f"{m.name}: absolute or with `..`")
        if m.ischr() or m.isblk() or m.isfifo() or not (
                m.isfile() or m.isdir() or m.issym() or m.islnk()):
            raise UnsafeArchive(f"{m.name}: not a file, directory or link")
        if m.islnk() and _unsafe_name(m.linkname):
            raise UnsafeArchive(f"{m.name}: hard link to {m.linkname}")
        if m.issym():
            target = PurePosixPath(m.name).parent / m.linkname
            if PurePosixPath(m.linkname).is_absolute() or _escapes(target):
                raise UnsafeArchive(f"{m.name}: symlink to {m.linkname}")
    return members


def _escapes(path):
    """Does a relative path climb above its root once `..` are applied?"""
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return True
    return False


def extract_export(archive, dest):
    """Extract the tar /init wrote on the disk into dest; count members."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    with tarfile.open(archive, "r:") as tar:
        members = check_members(tar)
        if not members:
            raise tarfile.ReadError("the disk holds no tar archive")
        dest.mkdir(parents=True)
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(dest, members=members, **kw)
    return len(members)


# ---------------------------------------------------------------------------
# Expectations


@dataclasses.dataclass
class Check:
    """One TAP line."""

    name: str
    ok: bool
    reason: str


def _short(text, n=160):
    text = text.replace("\n", "\\n")
    return text if len(text) <= n else text[:n - 3] + "..."


def check_stage1_ran(res, stages):
    """`booted` of a recorded scenario: the lab worked up to the jump."""
    rec = stages.get(1)
    if res.get("qemu", {}).get("error"):
        return Check("booted", False, res["qemu"]["error"])
    if not rec or not rec.begin or not rec.end:
        return Check("booted", False, "stage 1 did not run to its end")
    return Check("booted", True, "stage 1 ran; the jumps are recorded")


# A jump's outcome, judged by the next kernel's own lines: QEMU lets
# software clear EnableLPIs, so a kernel that "recovers" is not clean.
LPI_WARNINGS = ("Expected reserved range", "Booted with LPIs enabled",
                "Failed to disable LPIs")


def jump_outcome(stages, n):
    """How the kernel of stage N came up: clean, warned, oops, panic,
    hang (kernel lines but no /init), or no kernel."""
    rec = stages.get(n)
    if rec is None or not rec.log:
        return "no kernel", "no kernel line after the jump"
    # up to the stage's end: what its own `next` does (a crash) is not
    # part of how it came up
    last = rec.end["t"] if rec.end else float("inf")
    msgs = [m for (t, _), m in zip(rec.log, rec.messages()) if t <= last]
    hit = next((m for m in msgs if "Kernel panic" in m), None)
    if hit:
        return "panic", hit
    hit = next((m for m in msgs if re.search(r"\bOops\b", m)), None)
    if hit:
        return "oops", hit
    warn = next((m for m in msgs for w in LPI_WARNINGS if w in m), None)
    if warn:
        return "warned", warn
    if not rec.begin:
        return "hang", f"{len(msgs)} kernel lines, /init never ran"
    if rec.taint:
        return "warned", f"taint {rec.taint}"
    if not any("Using preallocated redistributor tables" in m for m in msgs):
        return "warned", "the tables were not reused"
    return "clean", "tables reused, no LPI warning, not tainted"


# verdict -> does the outcome bear it out
VERDICT_MATCH = {
    "REUSABLE": lambda o: o == "clean",
    "WILL-FAIL": lambda o: o != "clean",
    "AT-RISK": lambda o: True,
}


def predicted_stages(scn):
    """Stages whose gicdiag verdict is checked against the next jump."""
    if not scn.predict:
        return []
    return [st.number for st in scn.stages[:-1]
            if "verdict" in dict(st.cmds)]


def checked_predictions(scn):
    """Those that are TAP lines: all of them, but in a recorded scenario
    only the first jump's (after a jump that failed, the later stages never
    run; they are recorded in the table)."""
    n = predicted_stages(scn)
    return n[:1] if scn.record else n


def check_predictions(scn, stages):
    """gicdiag's verdict before each jump against what the next kernel
    logged; also the rows of the results table."""
    checks, jumps = [], []
    for n in predicted_stages(scn):
        rec = stages.get(n)
        v = rec.gicdiag_verdict() if rec else None
        targets = v["targets"] if v else {}
        # `gicdiag --target kdump` before a crash in a kexec scenario
        target = scn.predict if scn.predict in targets or len(targets) != 1 \
            else next(iter(targets))
        verdict = targets.get(target)
        outcome, why = jump_outcome(stages, n + 1)
        match = verdict in VERDICT_MATCH and VERDICT_MATCH[verdict](outcome)
        jumps.append({"stage": n, "target": target, "verdict": verdict,
                      "outcome": outcome, "why": why, "match": match})
        if n not in checked_predictions(scn):
            continue
        checks.append(Check(f"stage{n}: gicdiag {target} verdict matches the jump",
                            match, f"{verdict} -> {outcome}: {_short(why)}"))
    return checks, jumps


def check_booted(scn, res, stages):
    """The implicit expectation: every stage began and ended, QEMU powered
    off by itself, and no panic unless the scenario wants one."""
    if scn.record:
        return check_stage1_ran(res, stages)
    q = res.get("qemu", {})
    why = []
    if q.get("error"):
        why.append(q["error"])
    if q.get("silent"):
        why.append(f"killed after {q.get('silence')} s of silence")
    elif q.get("timed_out"):
        why.append(f"killed at the {q.get('limit')} s limit")
    elif q.get("rc") not in (0, None):
        why.append(f"QEMU exit {q.get('rc')}")
    for st in scn.stages:
        rec = stages.get(st.number)
        if not rec or not rec.begin:
            why.append(f"stage {st.number} never began")
        elif not rec.end:
            why.append(f"stage {st.number} did not end")
    panics = [n for n, r in stages.items() if r.panic]
    if panics and not scn.expect_panic:
        why.append(f"Kernel panic in stage {panics[0]}")
    if why:
        return Check("booted", False, "; ".join(why))
    return Check("booted", True, f"{len(scn.stages)} stage(s), powered off")


def _lines(n):
    return f"{n} line" if n == 1 else f"{n} lines"


def _eval_log(rec, kind, op, arg):
    """stageN.log / stageN.nolog with `=` (contains) or `~` (regex)."""
    if op == "~":
        hit = next((m for m in rec.messages() if re.search(arg, m)), None)
    else:
        hit = next((m for m in rec.messages() if arg in m), None)
    if kind == "log":
        return (True, _short(hit)) if hit is not None else \
            (False, f"not among {len(rec.log)} log lines")
    return (False, f"found: {_short(hit)}") if hit is not None else \
        (True, f"absent from {len(rec.log)} log lines")


def _eval_cmd(rec, kind, cid, op, arg):
    """stageN.rc.ID, stageN.out.ID ~/!~, stageN.lines.ID."""
    cmd = rec.command(cid)
    if cmd is None:
        return False, "the command did not run"
    if kind == "rc":
        if cmd.rc is None:
            return False, "no cmd-end marker"
        return cmd.rc == int(arg, 0), f"rc={cmd.rc}"
    if kind == "lines":
        n = len(cmd.output)
        return n == int(arg, 0), _lines(n)
    text = "\n".join(cmd.output)
    m = re.search(arg, text, re.MULTILINE)
    if op == "~":
        return (True, f"matched: {_short(m.group(0))}") if m else \
            (False, f"no match in {_lines(len(cmd.output))}: "
                    f"{_short(text) or '(empty)'}")
    return (False, f"matched: {_short(m.group(0))}") if m else \
        (True, f"no match in {_lines(len(cmd.output))}")


def _eval_stage(stages, e):
    """One stageN.* expectation on the parsed console."""
    key = e.key.split(".")
    n = int(key[0][5:])
    rec = stages.get(n)
    if rec is None:
        return False, f"stage {n} never started"
    kind = key[1]
    if kind in ("log", "nolog"):
        return _eval_log(rec, kind, e.op, e.arg)
    if kind in ("rc", "out", "lines"):
        return _eval_cmd(rec, kind, key[2], e.op, e.arg)
    if kind == "msi":
        n_act = sum(1 for m in rec.msi if msi_active(m))
        ok = n_act >= int(e.arg, 0) if e.op == ">=" else n_act == int(e.arg, 0)
        return ok, f"{n_act} active ITS-MSI line(s) of {len(rec.msi)}"
    if kind == "taint":
        if rec.taint is None:
            return False, "no taint marker"
        return rec.taint == int(e.arg, 0), f"taint {rec.taint}"
    raise AssertionError(e.key)


def run_host(e, outdir, build):
    """host.ID: run the script with $EXPORT, $BUILD, $OUT; stdout kept in
    OUTDIR/host-ID.out, stderr in host-ID.err."""
    hid = e.key[5:]
    outdir = Path(outdir).resolve()
    env = dict(os.environ, EXPORT=str(outdir / "export"), OUT=str(outdir),
               BUILD=str(Path(build).resolve()) if build else "")
    with open(outdir / f"host-{hid}.out", "wb") as out, \
            open(outdir / f"host-{hid}.err", "wb") as err:
        try:
            rc = subprocess.run(["sh", "-ec", e.arg], cwd=outdir, env=env,
                                stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, timeout=HOST_TIMEOUT).returncode
        except subprocess.TimeoutExpired:
            return False, f"still running after {HOST_TIMEOUT} s"
    if rc == 0:
        return True, "exit 0"
    tail = ""
    for name in (f"host-{hid}.err", f"host-{hid}.out"):
        text = (outdir / name).read_text(errors="replace").strip()
        if text:
            tail = ": " + _short(text.splitlines()[-1])
            break
    hint = "" if build else " (no --build / GK_BUILD)"
    return False, f"exit {rc}{tail}{hint}"


def evaluate(scn, res, stages, outdir, build):
    """Every expectation of the scenario, `booted` first."""
    checks = [check_booted(scn, res, stages)]
    for e in scn.expects:
        if e.key.startswith("host."):
            ok, why = run_host(e, outdir, build)
        else:
            ok, why = _eval_stage(stages, e)
        checks.append(Check(e.text, ok, why))
    pred, res["jumps"] = check_predictions(scn, stages)
    return checks + pred


def plan(scn):
    """How many TAP lines `run` prints for this scenario."""
    return 1 + len(scn.expects) + len(checked_predictions(scn))


# ---------------------------------------------------------------------------
# Booting


def boot_argv(boot_sh, work, scn, disk, initrd=None):
    """QEMU's argv, from `boot.sh --print-cmd` (one argument a line).

    boot.sh owns the machine definitions; the runner only adds the disk,
    the initrd, the CPU count, the GIC and the kernel words.
    """
    cmd = [str(boot_sh), str(work), scn.machine, "--print-cmd",
           "--disk", str(disk)]
    if initrd:
        cmd += ["--initrd", str(initrd)]
    if scn.smp:
        cmd += ["--smp", str(scn.smp)]
    if scn.gic:
        cmd += ["--gic", scn.gic]
    if scn.mem:
        cmd += ["--mem", str(scn.mem)]
    if scn.kernel:
        cmd += ["--kernel", scn.kernel]
    p = subprocess.run(cmd + scn.kernel_args(), capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise LabError(f"{boot_sh} --print-cmd: exit {p.returncode}: "
                       f"{p.stderr.strip()}")
    argv = p.stdout.split("\n")
    if argv and argv[-1] == "":
        argv.pop()
    if not argv:
        raise LabError(f"{boot_sh} --print-cmd printed nothing")
    return argv


class Recorder:
    """Splits QEMU's stdout into lines stamped with the host time of their
    first byte, in ms as console.log keeps them (so `check` on the log sees
    what `run` saw), and writes console.log as they come (`tail -f`)."""

    def __init__(self, log, t0):
        self.log, self.t0 = log, t0
        self.buf, self.t_line = b"", None
        self.lines = []

    def feed(self, data, now):
        if data and self.t_line is None:
            self.t_line = round(now - self.t0, 3)
        self.buf += data
        while b"\n" in self.buf:
            raw, self.buf = self.buf.split(b"\n", 1)
            self._emit(raw)
            self.t_line = round(now - self.t0, 3) if self.buf else None

    def close(self):
        if self.buf:
            self._emit(self.buf)
            self.buf = b""

    def _emit(self, raw):
        text = clean_line(raw.decode("utf-8", errors="replace"))
        self.lines.append((self.t_line, text))
        self.log.write(format_console_line(self.t_line, text) + "\n")
        self.log.flush()


def _stop(proc):
    """End QEMU (our own child, its own process group)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def run_qemu(argv, console_path, stderr_path, limit, silence=0.0):
    """Boot, record the console, enforce the hard time limit.

    Returns (lines, info) with info = rc, timed_out, silent, t_exit.
    """
    t0 = time.monotonic()
    info = {"argv": argv, "limit": limit, "silence": silence,
            "timed_out": False,
            "silent": False, "rc": None}
    with open(console_path, "w", encoding="utf-8") as log, \
            open(stderr_path, "wb") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err,
                                start_new_session=True)
        rec = Recorder(log, t0)
        last_out = t0
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now - t0 >= limit:
                    info["timed_out"] = True
                    break
                if silence and now - last_out >= silence:
                    info["silent"] = info["timed_out"] = True
                    break
                if not sel.select(timeout=min(1.0, t0 + limit - now)):
                    continue
                data = os.read(proc.stdout.fileno(), 65536)
                now = time.monotonic()
                if not data:
                    break
                last_out = now
                rec.feed(data, now)
        rec.close()
        if info["timed_out"]:
            _stop(proc)
        else:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _stop(proc)
        proc.stdout.close()
        info["rc"] = proc.returncode
        info["t_exit"] = round(time.monotonic() - t0, 3)
    return rec.lines, info


# ---------------------------------------------------------------------------
# Results


ARTIFACTS = ("console.log", "result.json", "qemu-cmd.txt", "qemu-stderr.log",
             "scenario.scn", "disk.img", "export")


def clean_outdir(outdir):
    """Remove what an earlier run left, and nothing else."""
    outdir.mkdir(parents=True, exist_ok=True)
    for name in ARTIFACTS:
        p = outdir / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()
    for pat in ("stage*-*.out", "stage*.log", "host-*.out", "host-*.err"):
        for p in outdir.glob(pat):
            p.unlink()


def write_stage_files(outdir, stages):
    """stageN-ID.out (exactly the output lines) and stageN.log, for host
    expectations to diff and grep."""
    for rec in stages.values():
        with open(outdir / f"stage{rec.stage}.log", "w") as f:
            f.writelines(ln + "\n" for _, ln in rec.log)
        for c in rec.commands:
            with open(outdir / f"stage{rec.stage}-{c.id}.out", "w") as f:
                f.writelines(ln + "\n" for ln in c.output)


def timings(parser, qemu, wall):
    """The boot figures: QEMU start -> first kernel line, -> each stage's
    @@LAB begin, -> power-off; and the whole run's wall time."""
    t = {"first_kernel_line": parser.first_kernel}
    for n, rec in sorted(parser.stages.items()):
        t[f"stage{n}_kernel"] = rec.t_kernel
        t[f"stage{n}_begin"] = rec.begin["t"] if rec.begin else None
        t[f"stage{n}_end"] = rec.end["t"] if rec.end else None
    t["poweroff"] = parser.power_down
    if t["poweroff"] is None and not qemu.get("timed_out"):
        t["poweroff"] = qemu.get("t_exit")  # exited by itself, line lost
    t["qemu_exit"] = qemu.get("t_exit")
    t["wall"] = wall
    return t


def timing_comment(scn, t):
    """One `# ` line of boot figures for the TAP stream."""
    def fmt(v):
        return "-" if v is None else f"{v:.1f} s"
    parts = [f"first kernel line {fmt(t.get('first_kernel_line'))}"]
    for n in range(1, len(scn.stages) + 1):
        parts.append(f"stage{n} begin {fmt(t.get(f'stage{n}_begin'))}")
    parts.append(f"poweroff {fmt(t.get('poweroff'))}")
    parts.append(f"wall {fmt(t.get('wall'))}")
    return f"# {scn.name}: " + ", ".join(parts)


def assemble(scn, outdir, lines, qemu, export, build, wall):
    """Parse, evaluate, write result.json and the stage files."""
    parser = parse_console(lines)
    write_stage_files(outdir, parser.stages)
    res = {
        "scenario": scn.name,
        "machine": scn.machine,
        "loader": scn.loader,
        "append": " ".join(scn.append),
        "kernel_args": scn.kernel_args(),
        "smp": scn.smp,
        "mem": scn.mem,
        "kernel": scn.kernel or "12",
        "gic": scn.gic,
        "qemu": qemu,
        "export": export,
    }
    checks = evaluate(scn, res, parser.stages, outdir, build)
    res["timings"] = timings(parser, qemu, wall)
    res["stages"] = [r.to_json() for _, r in sorted(parser.stages.items())]
    res["expectations"] = [dataclasses.asdict(c) for c in checks]
    res["ok"] = all(c.ok for c in checks)
    (outdir / "result.json").write_text(json.dumps(res, indent=2) + "\n")
    return res, checks


def print_tap(scn, checks, start=None):
    """`ok [N] - SCENARIO: EXPECTATION -- reason` per check."""
    for i, c in enumerate(checks):
        num = f" {start + i}" if start is not None else ""
        word = "ok" if c.ok else "not ok"
        print(f"{word}{num} - {scn.name}: {c.name} -- {c.reason}", flush=True)


def do_export(scn_stages, disk, outdir):
    """Extract the disk's tar when some stage exported, else None."""
    if not any(r.export is not None for r in scn_stages.values()):
        return None
    try:
        n = extract_export(disk, outdir / "export")
        return {"dir": "export", "members": n, "error": None}
    except (tarfile.TarError, UnsafeArchive, OSError) as e:
        return {"dir": "export", "members": 0, "error": f"{type(e).__name__}: {e}"}


def run(scn, work, outdir, initrd=None, build=None, boot_sh=None):
    """Boot one scenario and evaluate it; returns (result, checks)."""
    t0 = time.monotonic()
    outdir = Path(outdir)
    clean_outdir(outdir)
    shutil.copyfile(scn.path, outdir / "scenario.scn")
    disk = outdir / "disk.img"
    with open(disk, "wb") as f:
        f.truncate((scn.disk << 20) if scn.disk else DISK_SIZE)
    lines, export = [], None
    try:
        argv = boot_argv(boot_sh or HERE / "boot.sh", work, scn, disk, initrd)
        (outdir / "qemu-cmd.txt").write_text("\n".join(argv) + "\n")
        lines, qemu = run_qemu(argv, outdir / "console.log",
                               outdir / "qemu-stderr.log", scn.timeout,
                               scn.silence)
        export = do_export(parse_console(lines).stages, disk, outdir)
    except (LabError, OSError) as e:
        qemu = {"error": str(e), "timed_out": False, "rc": None}
        (outdir / "console.log").touch()
    wall = round(time.monotonic() - t0, 3)
    return assemble(scn, outdir, lines, qemu, export, build, wall)


def check(outdir, scenario=None, build=None):
    """Re-evaluate a finished run from its console.log (no boot)."""
    outdir = Path(outdir)
    try:
        old = json.loads((outdir / "result.json").read_text())
        text = (outdir / "console.log").read_text(errors="replace")
    except (OSError, ValueError) as e:
        raise LabError(f"{outdir}: not a finished run: {e}") from None
    scn = load_scenario(scenario or outdir / "scenario.scn")
    lines = parse_console_log(text)
    res, checks = assemble(scn, outdir, lines, old.get("qemu", {}),
                           old.get("export"), build,
                           old.get("timings", {}).get("wall"))
    return scn, res, checks


# ---------------------------------------------------------------------------
# Results table


def _cmd_time(stage, cid):
    c = next((c for c in reversed(stage.get("commands", []))
              if c.get("id") == cid), None)
    if not c or c.get("t_begin") is None or c.get("t_end") is None:
        return None
    return round(c["t_end"] - c["t_begin"], 2)


def result_row(res):
    """One scenario × loader row from a result.json."""
    st = {s["stage"]: s for s in res.get("stages", [])}
    t = res.get("timings", {})
    jumps = res.get("jumps", [])
    first = st.get(1, {})
    load = _cmd_time(first, "load")
    jump = None
    if t.get("stage1_end") is not None and t.get("stage2_kernel") is not None:
        jump = round(t["stage2_kernel"] - t["stage1_end"], 2)
    return {
        "scenario": res["scenario"],
        "machine": res["machine"],
        "loader": res.get("loader", "ours"),
        "outcome": " → ".join(j["outcome"] for j in jumps) or None,
        "prediction": " → ".join(str(j["verdict"]) for j in jumps) or None,
        "match": all(j["match"] for j in jumps if j["verdict"]) if jumps else None,
        "load_s": load,
        "jump_to_first_line_s": jump,
        "ok": res.get("ok"),
    }


def results(runs, names=None):
    """Rows for runs/NAME/result.json (every NAME, or those given) with
    jumps, by scenario."""
    rows = []
    for f in sorted(Path(runs).glob("*/result.json")):
        if names and f.parent.name not in names:
            continue
        try:
            res = json.loads(f.read_text())
        except (OSError, ValueError) as e:
            raise LabError(f"{f}: {e}") from None
        if res.get("jumps"):
            rows.append(result_row(res))
    return rows


def results_markdown(rows):
    def cell(v):
        if v is None:
            return "–"
        if v is True or v is False:
            return "yes" if v else "**no**"
        return f"{v:.2f} s" if isinstance(v, float) else str(v)
    cols = [("scenario", "scenario"), ("machine", "machine"),
            ("loader", "loader"), ("outcome", "outcome"),
            ("prediction", "gicdiag said"), ("match", "match"),
            ("load_s", "load"), ("jump_to_first_line_s", "jump → first line")]
    out = ["| " + " | ".join(h for _, h in cols) + " |",
           "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(cell(r[k]) for k, _ in cols) + " |")
    return "\n".join(out) + "\n"


def write_results(runs, md, js, names=None):
    rows = results(runs, names)
    Path(md).write_text(results_markdown(rows))
    Path(js).write_text(json.dumps(rows, indent=2) + "\n")
    return rows


# ---------------------------------------------------------------------------
# Command line


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("compile", help="scenarios -> /lab tree")
    p.add_argument("paths", nargs="+", metavar="SCENARIO.scn... LABDIR")
    p = sub.add_parser("plan", help="number of TAP lines of `run`")
    p.add_argument("scenarios", nargs="+")
    p = sub.add_parser("results", help="runs/*/result.json -> MD and JSON table")
    p.add_argument("runs")
    p.add_argument("md")
    p.add_argument("json")
    p.add_argument("names", nargs="*", help="only these runs")
    helps = {"run": "boot one scenario, write OUTDIR/result.json",
             "check": "re-evaluate a finished run from its console.log"}
    for name in ("run", "check"):
        p = sub.add_parser(name, help=helps[name])
        if name == "run":
            p.add_argument("scenario")
            p.add_argument("--work", required=True)
            p.add_argument("--out", required=True)
            p.add_argument("--initrd")
            p.add_argument("--boot", help="boot.sh to use (tests)")
        else:
            p.add_argument("outdir")
            p.add_argument("--scenario", help="evaluate this file instead")
        p.add_argument("--build", default=os.environ.get("GK_BUILD"))
        p.add_argument("--tap-start", type=int)
    a = ap.parse_args(argv)
    try:
        if a.cmd == "compile":
            if len(a.paths) < 2:
                ap.error("compile SCENARIO.scn... LABDIR")
            compile_scenarios([load_scenario(s) for s in a.paths[:-1]],
                              a.paths[-1])
            return 0
        if a.cmd == "results":
            print(results_markdown(write_results(a.runs, a.md, a.json, a.names)), end="")
            return 0
        if a.cmd == "plan":
            print(sum(plan(load_scenario(s)) for s in a.scenarios))
            return 0
        if a.cmd == "run":
            scn = load_scenario(a.scenario)
            print(f"# {scn.name}: booting {scn.machine}", flush=True)
            res, checks = run(scn, a.work, a.out, a.initrd, a.build, a.boot)
        else:
            scn, res, checks = check(a.outdir, a.scenario, a.build)
    except LabError as e:
        print(f"lab.py: {e}", file=sys.stderr)
        return 2
    print_tap(scn, checks, a.tap_start)
    print(timing_comment(scn, res["timings"]), flush=True)
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
