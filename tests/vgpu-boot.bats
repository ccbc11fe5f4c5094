#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start-parent-mdevs for vGPUs: a PF's auto definitions re-created at boot (nothing persists
# across a reboot), enabling the VFs first; --all (the systemd unit) covers vGPU parents
# present. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

@test "vgpu boot: start-parent-mdevs PF enables the VFs and creates each auto definition on its VF" {
	mk_vgpu_pf $PF l40s 4 "bind_ms 20"
	mdevadm define -p $PF --vf 1 -t nvidia-1148 -a
	mdevadm define -p $PF --vf 3 -t nvidia-1148 -a
	mdevadm define -p $PF --vf 2 -t nvidia-1148
	# standard output stays mdevctl's (empty); -v prints the summary
	run_exact -0 mdevadm start-parent-mdevs $PF
	assert_quiet
	[ "$(vf_type 0000:41:00.4)" = 0 ]
	[ "$(vf_type 0000:41:00.5)" = 1148 ]
	[ "$(vf_type 0000:41:00.6)" = 0 ]
	[ "$(vf_type 0000:41:00.7)" = 1148 ]
	# a second run finds them running
	run_exact -0 mdevadm start-parent-mdevs -v $PF
	[ "$output" = "$PF: started 0, already active 2, failed 0"$'\n' ]
}

@test "vgpu boot: a VF holding another type, or a type that no longer fits, fails alone" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.4 1152
	mdevadm define -p $PF --vf 0 -t nvidia-1148 -a
	mdevadm define -p $PF --vf 1 -t nvidia-1152 -a
	mdevadm define -p $PF --vf 2 -t nvidia-1149 -a
	run_exact -1 mdevadm start-parent-mdevs $PF
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: cannot start nvidia-1148 on VF 0 (0000:41:00.4) of $PF: it holds nvidia-1152
mdevadm: cannot start nvidia-1149 on $PF: VF 2 (0000:41:00.6) does not offer it now: it offers nothing
mdevadm: $PF: started 1, already active 0, failed 2
" ]
	[ "$(vf_type 0000:41:00.5)" = 1152 ]
}

@test "vgpu boot: --all starts mdev parents and vGPU parents present, and skips absent ones" {
	mk_bare_mtty
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mk_vgpu_pf $PF l40s 2
	mdevadm define -p $PF --vf 0 -t nvidia-1145 -a
	mk_vgpu_def 0000:81:00.0 0 '{"type": "nvidia-1145", "start": "auto"}'
	MDEVADM_APPEAR_TIMEOUT_MS=0 run_exact -0 mdevadm start-parent-mdevs -v --all
	[ "$output" = "mtty: started 1, already active 0, failed 0
$PF: started 1, already active 0, failed 0
" ]
	assert_written "$(cfile mtty mtty-1)" "$U1"
	[ "$(vf_type 0000:41:00.4)" = 1145 ]
	[ ! -e "$ROOT/sys/bus/pci/devices/0000:81:00.0" ]
}

@test "vgpu boot: the unit runs after NVIDIA's host services, also for vGPU definitions alone" {
	local unit="$BATS_TEST_DIRNAME/../data/mdevadm.service.in"
	grep -qx 'After=nvidia-vgpud.service nvidia-vgpu-mgr.service' "$unit"
	grep -qx 'ConditionDirectoryNotEmpty=|/etc/mdevctl.d' "$unit"
	grep -qx 'ConditionDirectoryNotEmpty=|/etc/mdevadm.d/vf' "$unit"
}
