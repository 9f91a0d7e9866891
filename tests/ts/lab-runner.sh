#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab runner's own unit tests (parsing, expectations, safe extraction),
# without QEMU.
exec python3 "$top_srcdir/tests/e2e/test_lab.py" --tap
