#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the boot suite (vmm/bench/boot.c): the guest command is the
# reboot itself, so both VMMs are timed to the same point.
/bin/busybox reboot -f
