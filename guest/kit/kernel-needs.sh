#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-needs.sh CONFIG NAME [nohz]
#
# Does the kernel built with CONFIG (its .config) have what vipi's guests
# need? Silent with status 0, or one line naming the missing options and
# status 1. NAME is how the line names the kernel. With "nohz", also what
# `vipi bench --suite nohz` needs.
#   - its CPUs: vipi describes them in an MP table and in ACPI tables
#     (vmm/boot/mptable.c, acpi.c): CONFIG_X86_MPPARSE or CONFIG_ACPI;
#     with ACPI the UARTs' IRQs come from the DSDT: CONFIG_PNPACPI and
#     CONFIG_SERIAL_8250_PNP;
#   - the command's status: /init writes it to an I/O port through
#     /dev/port or by ioperm(): CONFIG_DEVPORT or CONFIG_X86_IOPL_IOPERM;
#   - the device: vipi.ko is a PCI driver loaded by insmod: CONFIG_PCI,
#     CONFIG_MODULES, and CONFIG_SMP to have IPIs at all;
#   - nohz: CONFIG_NO_HZ_FULL (nohz_full= on the isolated vCPUs).
set -eu

usage="usage: kernel-needs.sh CONFIG NAME [nohz]"
config=${1:?$usage}
name=${2:?$usage}

on() {
	grep -q "^CONFIG_$1=y" "$config"
}

missing=""
need() {
	on "$1" || missing="$missing CONFIG_$1"
}

[ -r "$config" ] || { echo "vipi kernels: $name: no kernel configuration at $config" >&2; exit 1; }
for opt in PCI MODULES SMP; do
	need $opt
done
if on ACPI; then
	need PNPACPI
	need SERIAL_8250_PNP
elif ! on X86_MPPARSE; then
	missing="$missing CONFIG_X86_MPPARSE|CONFIG_ACPI"
fi
on DEVPORT || on X86_IOPL_IOPERM || missing="$missing CONFIG_DEVPORT|CONFIG_X86_IOPL_IOPERM"
[ "${3:-}" != nohz ] || need NO_HZ_FULL
[ -z "$missing" ] && exit 0
echo "vipi kernels: $name lacks$missing (why each: guest/kit/kernel-needs.sh)" >&2
exit 1
