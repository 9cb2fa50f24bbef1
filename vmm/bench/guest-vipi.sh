# SPDX-License-Identifier: GPL-2.0-only
#
# The guest command of the bench's vipi rows (vmm/bench/vipi.c), run by the
# kit's /init under `vipi run` as: sh -c "$(this file)" vipi-bench KICKS
# "METHODS" "SCENARIOS" ROUNDTRIPS. Loads vipi.ko and the bench's
# vipi_bench.ko, then for each method and scenario runs the stream with a
# phase label: the module itself marks LABEL just before the kicks and
# LABEL+1 just after, through the device, so KVM's counters are
# snapshotted around exactly the N kicks with no handshake of ours in
# between.
#
# Prints, on stdout (the host reads it):
#   RESULT METHOD SCENARIO <the module's result line, label= included>
#   SKIP METHOD SCENARIO why
#   DONE
kicks=$1 methods=$2 scenarios=$3 roundtrips=$4

insmod /lib/vipi/vipi.ko || { echo "SKIP all all insmod vipi.ko failed"; exit 90; }
insmod /lib/vipi/vipi_bench.ko || { echo "SKIP all all insmod vipi_bench.ko failed"; exit 90; }

# The module's names for the bench's methods.
mode_of() {
	case "$1" in
	kvm-pv) echo pv ;;
	vipi-doorbell) echo doorbell ;;
	*) echo "$1" ;;
	esac
}

# drain: returns once our stdout has left the guest. The guest's 8250 driver
# sends ttyS1's bytes after echo returns, one port exit to the VMM per byte
# (about 550 for a RESULT line), and a window opened before they are sent
# counts them on the sender, vCPU 0. busybox stty applies a setting with
# TCSETSW, which waits for the output to drain (docs/measuring.md).
drain() { stty -F /dev/ttyS1 raw -echo 2>/dev/null; }

label=100
for m in $methods; do
	for s in $scenarios; do
		if ! grep -qw "$s" /sys/kernel/vipi/scenarios; then
			echo "SKIP $m $s the module's stream has no $s scenario"
			continue
		fi
		# Round trips come after the mark LABEL+1: not in the counts
		# (the module marks LABEL+2 and LABEL+3 around them). Paced:
		# each kick waits for its own interrupt (flood never does).
		drain
		if echo "$kicks 0 1 $(mode_of "$m") $label $s $roundtrips paced" >/sys/kernel/vipi/stream; then
			echo "RESULT $m $s $(cat /sys/kernel/vipi/stream)"
		else
			echo "SKIP $m $s stream write failed"
		fi
		label=$((label + 10))
	done
done
echo DONE
