#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Completion for vGPUs: vGPU parents beside mdev parents, their types once -p names one, and
# --vf values as each command wants them (active for stop, free or defined for start).

load vgpu_helper

PF=0000:41:00.0

setup() {
	vgpu_setup
	mk_bare_mtty
	mk_vgpu_pf $PF l40s 3
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.4 1148
	mk_vgpu_def $PF 2 '{"type": "nvidia-1148", "start": "auto"}'
}

# comp LINE: "WORD<TAB>DESCRIPTION" lines, sorted.
comp() { "$MDEVADM" --root "$ROOT" __complete "$1" | LC_ALL=C sort; }

@test "vgpu completion: -p offers the vGPU parent, marked, beside mdev parents" {
	[ "$(comp "mdevadm start -p ")" = "$PF	vGPU parent
mtty" ]
}

@test "vgpu completion: -t after a vGPU -p offers its types with names and counts" {
	run_exact -0 comp "mdevadm start -p $PF -t nvidia-114"
	[ "$output" = "nvidia-1148	NVIDIA L40S-4Q, 2 available
" ]
}

@test "vgpu completion: --vf offers active VFs to stop, free and defined ones to start" {
	[ "$(comp "mdevadm stop --vf ")" = "0000:41:00.4	active on $PF, nvidia-1148" ]
	# a free VF that has a definition is offered once, as defined
	[ "$(comp "mdevadm start --vf ")" = "0000:41:00.5	VF 1 of $PF, free
0000:41:00.6	defined on $PF, nvidia-1148" ]
	[ "$(comp "mdevadm start-parent-mdevs " | grep -v -- --)" = "$PF	has definitions" ]
}

@test "vgpu completion: --vf is offered as an option where it is taken" {
	[[ $(comp "mdevadm stop --") == *"--vf	vGPU on an SR-IOV virtual function: its index on the GPU or its PCI address"* ]]
	[[ $(comp "mdevadm types --") != *--vf* ]]
	# one key option per command line: -u and --vf exclude each other
	[[ $(comp "mdevadm stop -u $U1 --") != *--vf* ]]
	[[ $(comp "mdevadm list --vf 0000:41:00.4 -") != *--uuid* ]]
	run_exact -2 mdevadm stop -u "$U1" --vf 0000:41:00.4
}

@test "vgpu completion: info --vf offers the active and the defined vGPUs" {
	[ "$(comp "mdevadm info --vf ")" = "0000:41:00.4	active on $PF, nvidia-1148
0000:41:00.6	defined on $PF, nvidia-1148" ]
}
