#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# stop --vf: a vGPU destroyed by writing 0, refused while a process holds the VF (named), and
# the driver's own refusal reported. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.4 1152
}

@test "vgpu stop: writes 0, and the other VFs offer every size again" {
	[ "$(vf_creatable 0000:41:00.5)" = $'ID    : vGPU Name\n1152  : NVIDIA L40S-24Q' ]
	run_exact -0 mdevadm stop --vf 0000:41:00.4
	assert_quiet
	[ "$(vf_type 0000:41:00.4)" = 0 ]
	[ "$(vf_creatable 0000:41:00.5 | wc -l)" -eq 10 ]
	# again: nothing to stop
	run_exact -1 mdevadm stop --vf 0000:41:00.4
	assert_stderr_line "mdevadm: cannot stop the vGPU on 0000:41:00.4: the VF holds none"
}

@test "vgpu stop: refuses while a process holds the VF, naming it; --force leaves it to the driver" {
	local g
	g=$(vfio_group 0000:41:00.4)
	mk_holder 4242 "/dev/vfio/$g" /usr/bin/qemu-system-x86_64 -name guest=vm1
	run_exact -1 mdevadm stop --vf 0000:41:00.4
	assert_stderr_line "mdevadm: cannot stop the vGPU on 0000:41:00.4 (nvidia-1152): in use by 4242 (/usr/bin/qemu-system-x86_64 -name guest=vm1) (--force writes 0 anyway; the driver may refuse)"
	[ "$(vf_type 0000:41:00.4)" = 1152 ]
	! grep -q "0000:41:00.4 <- 0" "$FAKEKERNEL_LOG"
	run_exact -1 mdevadm stop --vf 0000:41:00.4 --force
	assert_stderr_line "mdevadm: cannot stop the vGPU on 0000:41:00.4 (nvidia-1152): Device or resource busy: the VF is in use (a VM holds it)"
	grep -q "0000:41:00.4 <- 0: refused: EBUSY" "$FAKEKERNEL_LOG"
	[ "$(vf_type 0000:41:00.4)" = 1152 ]
}

@test "vgpu stop: what is not a vGPU VF is refused, by name" {
	run_exact -1 mdevadm stop --vf 1
	assert_stderr_line "mdevadm: cannot stop VF 1: name it by its PCI address, as 'list' shows it"
	run_exact -1 mdevadm stop --vf $PF
	assert_stderr_line "mdevadm: cannot stop the vGPU on VF $PF: $PF is not a virtual function (it has no physfn)"
	run_exact -1 mdevadm stop --vf 0000:99:00.1
	assert_stderr_line "mdevadm: cannot stop the vGPU on VF 0000:99:00.1: 0000:99:00.1 is not a virtual function: there is no such PCI device"
	run_exact -2 mdevadm stop
	assert_stderr_line "mdevadm stop: stop needs --uuid (an mdev) or --vf (a vGPU) (try 'mdevadm stop --help')"
	[ "$(vf_type 0000:41:00.4)" = 1152 ]
}

@test "vgpu stop: an address in capitals is the same VF" {
	run_exact -0 mdevadm stop --vf 0000:41:00.4
	mk_vgpu 0000:41:00.4 1152
	mk_vgpu_pf 0000:af:00.0 l40s 1
	mk_vgpu_vfs 0000:af:00.0
	mk_vgpu 0000:af:00.4 1145
	run_exact -0 mdevadm stop --vf 0000:AF:00.4
	[ "$(vf_type 0000:af:00.4)" = 0 ]
}
