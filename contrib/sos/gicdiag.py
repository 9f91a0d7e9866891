# SPDX-License-Identifier: GPL-2.0-or-later
# sos report plugin for gic-kexec: will this arm64 machine's GICv3 LPI
# tables survive kexec and kdump? Collects gicdiag's verdict as JSON and
# as text, the snapshot gicdiag judged from (replayable with
# "gicdiag --sysroot gicdiag-snapshot.tar.gz"), the post-kexec confirmation
# and the EFI configuration tables. Works with sos 4.0 (Debian 12) and
# later. See contrib/sos/README.

import os
import shlex

from sos.report.plugins import Plugin, RedHatPlugin, DebianPlugin, UbuntuPlugin


class GicDiag(Plugin, RedHatPlugin, DebianPlugin, UbuntuPlugin):

    short_desc = 'GICv3 LPI tables across kexec and kdump (gic-kexec)'

    plugin_name = 'gicdiag'
    profiles = ('system', 'debug')
    commands = ('gicdiag',)
    # automatic enablement only; -o/--only-plugins and -e/--enable-plugins
    # run it anywhere (e.g. on another architecture with --sysroot)
    architectures = ('aarch64',)

    snapshot = 'gicdiag-snapshot.tar.gz'

    def setup(self):
        # gicdiag and efitables read the system through their own
        # --sysroot, so they run from the host's root, never chrooted:
        # the snapshot they write lands in this plugin's directory of
        # the archive, which a chroot would hide.
        root = ''
        if self.use_sysroot():
            root = ' --sysroot ' + shlex.quote(os.path.abspath(self.sysroot))
        outdir = self.get_cmd_output_path(make=False)
        os.makedirs(outdir, exist_ok=True)
        snap = os.path.join(outdir, self.snapshot)

        # The JSON files hold stdout only, so that they stay JSON; exit 3
        # (could not diagnose, no EFI) leaves them empty, with the exit
        # status in the manifest and the reason in the text verdict.
        # One run gives the JSON verdict and the snapshot it was made
        # from: the snapshot's replay prints the same bytes.
        self.add_cmd_output('gicdiag%s --json --dump %s'
                            % (root, shlex.quote(snap)),
                            suggest_filename='gicdiag.json', stderr=False,
                            chroot=False, tags='gicdiag')
        self.add_cmd_output('gicdiag%s' % root, suggest_filename='gicdiag',
                            chroot=False)
        self.add_cmd_output('gicdiag%s --json confirm' % root,
                            suggest_filename='gicdiag-confirm.json',
                            stderr=False, chroot=False,
                            tags='gicdiag_confirm')
        self.add_cmd_output('efitables%s --json' % root,
                            suggest_filename='efitables.json', stderr=False,
                            chroot=False, tags='efitables')

# vim: set et ts=4 sw=4 :
