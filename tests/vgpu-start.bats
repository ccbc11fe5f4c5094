#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start of a vGPU on an SR-IOV VF: VFs enabled when none are, the VF picked or given, the type
# written and checked, the VF's address printed; every refusal names the PF, the type and the
# reason, with the driver's errno when it was the driver that refused. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

@test "vgpu start: enables the VFs through sriov_numvfs, picks the first, prints its address" {
	mk_vgpu_pf $PF l40s 4 "bind_ms 30"
	run_exact -0 mdevadm start -p $PF -t nvidia-1148
	[ "$output" = $'0000:41:00.4\n' ]
	[ "$stderr" = "mdevadm: enabled 4 VFs of $PF with sriov_numvfs"$'\n' ]
	[ "$(cat "$ROOT/$(_pci_path $PF)/sriov_numvfs")" = 4 ]
	[ "$(vf_type 0000:41:00.4)" = 1148 ]
	# the next one goes to the next free VF, without enabling anything
	run_exact -0 mdevadm start -p $PF -t nvidia-1148
	[ "$output" = $'0000:41:00.5\n' ]
	[ "$stderr" = "" ]
	[ "$(vf_type 0000:41:00.5)" = 1148 ]
	grep -q "0000:41:00.5 <- 1148: ok" "$FAKEKERNEL_LOG"
}

@test "vgpu start: --vf by index or by address; a VF in use or not offering the type is refused" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	run_exact -0 mdevadm start -p $PF -t nvidia-1145 --vf 2
	[ "$output" = $'0000:41:00.6\n' ]
	run_exact -0 mdevadm start -t nvidia-1145 --vf 0000:41:00.7
	[ "$output" = $'0000:41:00.7\n' ]
	run_exact -1 mdevadm start -p $PF -t nvidia-1145 --vf 2
	assert_stderr_line "mdevadm: cannot start nvidia-1145 on $PF: VF 2 (0000:41:00.6) is in use: it holds nvidia-1145"
	run_exact -1 mdevadm start -p $PF -t nvidia-1146 --vf 1
	assert_stderr_line "mdevadm: cannot start nvidia-1146 on $PF: VF 1 (0000:41:00.5) does not offer it now"
	run_exact -1 mdevadm start -p $PF -t nvidia-1145 --vf 9
	assert_stderr_line "mdevadm: cannot start VF 9: $PF has 4 VFs: there is no VF 9"
	run_exact -1 mdevadm start -p 0000:81:00.0 -t nvidia-1145 --vf 0000:41:00.5
	assert_stderr_line "mdevadm: cannot start VF 0000:41:00.5: VF 0000:41:00.5 belongs to $PF, not to 0000:81:00.0"
	[ "$(vf_type 0000:41:00.5)" = 0 ]
}

@test "vgpu start: homogeneous mode and a full GPU are told apart in the error" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.4 1152 # 24 GB: one more fits
	run_exact -1 mdevadm start -p $PF -t nvidia-1148
	assert_stderr_line "mdevadm: cannot start nvidia-1148 on $PF: no free VF offers it (they offer nvidia-1152 (NVIDIA L40S-24Q); in the default mode every vGPU on a GPU is of one size)"
	run_exact -0 mdevadm start -p $PF -t nvidia-1152
	[ "$output" = $'0000:41:00.5\n' ]
	run_exact -1 mdevadm start -p $PF -t nvidia-1152
	assert_stderr_line "mdevadm: cannot start nvidia-1152 on $PF: the GPU is full (2 of 4 VFs hold a vGPU, no free VF offers any type)"
	[ "$(vf_type 0000:41:00.6)" = 0 ]
}

@test "vgpu start: the driver's refusal is reported with its errno, and nothing is left" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	# a list that names an id the driver does not know (ENODEV), or a size it will not take
	# now (EIO from the shipping driver): the tool believes the list, the driver says no
	printf 'ID    : vGPU Name\n99999 : NVIDIA L40S-99Q\n' >"$ROOT/$(_vf_file 0000:41:00.4 creatable_vgpu_types)"
	run_exact -1 mdevadm start -p $PF -t nvidia-99999
	assert_stderr_line "mdevadm: cannot start nvidia-99999 on $PF, VF 0 (0000:41:00.4): No such device: the driver does not know this type on this GPU"
	[ "$(vf_type 0000:41:00.4)" = 0 ]
	mk_vgpu 0000:41:00.5 1148
	printf 'ID    : vGPU Name\n1153  : NVIDIA L40S-48Q\n' >"$ROOT/$(_vf_file 0000:41:00.4 creatable_vgpu_types)"
	run_exact -1 mdevadm start -p $PF -t nvidia-1153
	assert_stderr_line "mdevadm: cannot start nvidia-1153 on $PF, VF 0 (0000:41:00.4): Input/output error: the driver could not create it (the kernel log says why: NVRM)"
	grep -q "0000:41:00.4 <- 1153: refused: EIO" "$FAKEKERNEL_LOG"
	[ "$(vf_type 0000:41:00.4)" = 0 ]
}

@test "vgpu start: the RFC driver's errors (ENOSPC, EINVAL) are explained too" {
	mk_vgpu_pf $PF l40s 2 "mode rfc"
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.5 1153
	printf 'ID    : vGPU Name\n1153  : NVIDIA L40S-48Q\n' >"$ROOT/$(_vf_file 0000:41:00.4 creatable_vgpu_types)"
	run_exact -1 mdevadm start -p $PF -t nvidia-1153 --vf 0
	assert_stderr_line "mdevadm: cannot start nvidia-1153 on $PF, VF 0 (0000:41:00.4): No space left on device: the GPU is full"
}

@test "vgpu start: a driver that refuses sriov_numvfs; VFs that do not bind in time" {
	mk_vgpu_pf $PF l40s 2 "numvfs_errno 1"
	run_exact -1 mdevadm start -p $PF -t nvidia-1145
	assert_stderr_line "mdevadm: cannot start nvidia-1145 on $PF: cannot enable the VFs of $PF: writing 2 to sriov_numvfs: Operation not permitted"
	[ "$(cat "$ROOT/$(_pci_path $PF)/sriov_numvfs")" = 0 ]
	mk_vgpu_pf 0000:81:00.0 l40s 2 "bind_ms 5000"
	MDEVADM_VF_TIMEOUT_MS=100 run_exact -1 mdevadm start -p 0000:81:00.0 -t nvidia-1145
	assert_stderr_line "mdevadm: cannot start nvidia-1145 on 0000:81:00.0: enabled 2 VFs of 0000:81:00.0 with sriov_numvfs, but VF 0 (0000:81:00.4) is not ready after 100 ms: it is not bound to nvidia"
}

@test "vgpu start: a defined VF starts with its definition's type; a conflicting --type is refused" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_def $PF 1 '{"type": "nvidia-1149", "start": "manual"}'
	run_exact -1 mdevadm start -p $PF --vf 1 -t nvidia-1145
	assert_stderr_line "mdevadm: cannot start VF 1 of $PF: --type nvidia-1145 conflicts with its definition (nvidia-1149)"
	[ "$(cat "$ROOT/$(_pci_path $PF)/sriov_numvfs")" = 0 ]
	run_exact -0 mdevadm start -p $PF --vf 1
	[ "$output" = $'0000:41:00.5\n' ]
	[ "$(vf_type 0000:41:00.5)" = 1149 ]
	run_exact -1 mdevadm start -p $PF --vf 0
	assert_stderr_line "mdevadm: cannot start VF 0 of $PF: not defined, and a vGPU needs --type"
}

@test "vgpu start: usage errors" {
	mk_vgpu_pf $PF l40s 2
	run_exact -2 mdevadm start -p $PF
	assert_stderr_line "mdevadm start: a vGPU needs --parent and --type, or --vf of a definition (try 'mdevadm start --help')"
	run_exact -2 mdevadm start -p $PF -t nvidia-abc
	assert_stderr_line "mdevadm start: invalid vGPU type 'nvidia-abc': expected nvidia-<id>, as 'types' lists them (try 'mdevadm start --help')"
	run_exact -2 mdevadm start -p $PF -t nvidia-1145 --jsonfile /dev/null
	assert_stderr_line "mdevadm start: --jsonfile is for mdevs: a vGPU has a type and nothing else (try 'mdevadm start --help')"
	run_exact -2 mdevadm start -u "$U1" --vf 0
	assert_stderr_line "mdevadm start: --uuid names an mdev, --vf a vGPU: give one of them (try 'mdevadm start --help')"
	run_exact -1 mdevadm start --vf 3
	assert_stderr_line "mdevadm: cannot start VF 3: VF index 3 needs --parent, the GPU it belongs to"
	[ "$(cat "$ROOT/$(_pci_path $PF)/sriov_numvfs")" = 0 ]
}

@test "vgpu start: a parent that is no vGPU parent is an mdev parent to start, as before" {
	mk_pci 0000:41:00.0 nvidia
	run_exact -1 mdevadm start -p $PF -t nvidia-1145
	assert_stderr_line "mdevadm: cannot start *: parent device $PF not found"
}
