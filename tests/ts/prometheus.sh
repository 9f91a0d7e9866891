#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fleets: gicdiag --prometheus checked by promtool on real and generated
# machines, the metrics helper of gic-kexec-metrics.timer, and the alerting
# rules, unit-tested and fed with what gicdiag really writes.
TS_COMPONENT=prometheus
. "$top_srcdir/tests/ts/functions.sh"

command -v promtool >/dev/null ||
	{ echo "Bail out! no promtool (Debian package prometheus)"; exit 1; }
B=$top_builddir
GD=$B/gicdiag/gicdiag
D=$top_srcdir/tests/data
P=$top_srcdir/contrib/prometheus
T=$TS_OUT/work
rm -rf "$T"
mkdir -p "$T"
real="qemu-dt-debian12 qemu-dt-strict-debian12 qemu-efi-dt-debian12 qemu-efi-acpi-debian12"
gen="gic-acpi-gicc gic-kdump-crash-overlap gic-no-evidence gic-v4 gic-lockdown gic-rotated-middle"

for m in $gen; do
	"$B/tests/tools/mkmachine" "$top_srcdir/tests/tools/machines/$m.machine" "$T/$m" >/dev/null ||
		echo "Bail out! mkmachine $m"
done
for m in $real $gen; do
	s=$T/$m
	[ -d "$s" ] || s=$D/$m.tar.gz
	"$GD" -s "$s" --prometheus "$T/$m.prom" >/dev/null 2>&1
	rc=$?
	[ $rc -le 3 ] && promtool check metrics <"$T/$m.prom" >"$T/$m.lint" 2>&1 &&
		grep -q '^gicdiag_verdict{target="kdump",' "$T/$m.prom"
	ts_ok "promtool check metrics: $m (gicdiag exit $rc)" $? "$T/$m.lint"
done
# an aged machine: which table is known, and from where
grep -qx 'gicdiag_rd_table_known{rd="0",cpu="0",source="none"} 0' "$T/gic-rotated-middle.prom" &&
	grep -qx 'gicdiag_rd_table_known{rd="1",cpu="1",source="kernel-log"} 1' "$T/gic-rotated-middle.prom"
ts_ok "metrics: CPU0's table unknown, CPU1's known from the kernel log" $? "$T/gic-rotated-middle.prom"

(cd "$P" && promtool check rules gic-kexec.rules.yml) >"$T/rules.out" 2>&1
ts_ok "promtool check rules" $? "$T/rules.out"
(cd "$P" && promtool test rules gic-kexec.rules.test.yml) >"$T/rules-test.out" 2>&1
ts_ok "promtool test rules: the alerts fire where the verdict is not safe, and only there" $? "$T/rules-test.out"

# what gicdiag really writes, as node_exporter would serve it, through the
# rules (their annotations left out: the unit test above checks those)
awk '/^        annotations:/ { skip = 1; next } /^      - alert:/ { skip = 0 } !skip' \
	"$P/gic-kexec.rules.yml" >"$T/rules-noannot.yml"
series() {	# INSTANCE PROMFILE
	sed -n "s/^\(gicdiag_verdict\){\(.*\)} \([0-9]\)$/      - series: '\1{instance=\"$1\",\2}'\n        values: '\3x30'/p" "$2"
}
{
	echo "rule_files: [$T/rules-noannot.yml]"
	echo "evaluation_interval: 1m"
	echo "tests:"
	echo "  - interval: 1m"
	echo "    input_series:"
	series dt "$T/qemu-dt-debian12.prom"
	series acpi "$T/qemu-efi-acpi-debian12.prom"
	series crash "$T/gic-kdump-crash-overlap.prom"
	cat <<'EOS'
    alert_rule_test:
      - eval_time: 20m
        alertname: GicLpiTablesWillBeLost
        exp_alerts:
          - exp_labels: {severity: critical, instance: crash, target: kdump, verdict: WILL-FAIL}
          - exp_labels: {severity: critical, instance: dt, target: kexec, verdict: WILL-FAIL}
      - eval_time: 20m
        alertname: GicLpiTablesAtRisk
        exp_alerts: []
EOS
} >"$T/real.test.yml"
promtool test rules "$T/real.test.yml" >"$T/real.out" 2>&1 ||
	{ cat "$T/real.test.yml" >>"$T/real.out"; false; }
ts_ok "real snapshots through the rules: DT kexec and the crash-overlap kdump alert, EFI-ACPI does not" $? "$T/real.out"
! promtool test rules <(sed 's/instance: dt,/instance: acpi,/' "$T/real.test.yml") >/dev/null 2>&1
ts_ok "... and the same test with the wrong host fails" $?

# the helper behind gic-kexec-metrics.service
printf 'PROMETHEUS_TEXTFILE=%s\n' "$T/textfile/gicdiag.prom" >"$T/conf"
GIC_KEXEC_CONF=$T/conf GICDIAG=$GD GIC_KEXEC_SYSROOT=$D/qemu-dt-debian12.tar.gz \
	"$B/contrib/gic-kexec" metrics >"$T/metrics.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^gic-kexec: kexec: WILL-FAIL" "$T/metrics.out"
ts_ok "gic-kexec metrics: a WILL-FAIL verdict is reported, and is not a failure of the unit" $? "$T/metrics.out"
cmp -s "$T/textfile/gicdiag.prom" "$T/qemu-dt-debian12.prom" &&
	promtool check metrics <"$T/textfile/gicdiag.prom" >/dev/null 2>&1
ts_ok "gic-kexec metrics: the textfile, whole, in the configured place" $?
[ -z "$(ls "$T/textfile" | grep -v '^gicdiag.prom$')" ]
ts_ok "gic-kexec metrics: no temporary file left for node_exporter to read" $?
ts_finish
