# SPDX-License-Identifier: GPL-2.0-only
# pin-stress.sh's VM churn, 60 s: VMs created and closed beside a halting
# guest must not stall the lab machine (vmm/lab/pin.c holds the static keys
# their vCPUs would flip; without kvm_has_noapic_vcpu held, two tries
# stalled in 10 and 40 s).
VIPI_PIN_STRESS_WHAT=vms VIPI_PIN_STRESS_S=${VIPI_PIN_STRESS_S:-60} \
	exec sh "$(dirname "$0")/pin-stress.sh"
