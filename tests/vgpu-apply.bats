#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# apply with vGPUs on SR-IOV VFs: layout entries with "vf" (a VF index) or "count" on a vGPU
# parent, planned and carried out through the vf backend (src/libmdev/apply_vf.c), exported,
# and undone when a step fails. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

setup() {
	vgpu_setup
	LAYOUT="$BATS_TEST_TMPDIR/layout.json"
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mkdir -p "$ROOT/run/lock"
	: >"$ROOT/run/lock/mdevadm.lock"
}

layout() { printf '%s\n' "$1" >"$LAYOUT"; }

@test "vgpu apply: \"vf\" and \"count\" entries define and start vGPUs; a second run plans nothing" {
	layout '{"version": 1, "devices": [
		{"parent": "'$PF'", "type": "nvidia-1148", "vf": 3, "start": "auto"},
		{"parent": "'$PF'", "type": "nvidia-1148", "count": 2, "start": "auto"}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[[ $output == *$'\nApplied 6 changes.\n' ]]
	[ "$stderr" = "" ]
	# the count takes the lowest free VF indexes
	assert_vgpu_def $PF 3 nvidia-1148 auto "NVIDIA L40S-4Q"
	assert_vgpu_def $PF 0 nvidia-1148 auto "NVIDIA L40S-4Q"
	assert_vgpu_def $PF 1 nvidia-1148 auto "NVIDIA L40S-4Q"
	[ "$(vf_type 0000:41:00.4)" = 1148 ]
	[ "$(vf_type 0000:41:00.5)" = 1148 ]
	[ "$(vf_type 0000:41:00.6)" = 0 ]
	[ "$(vf_type 0000:41:00.7)" = 1148 ]
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[ "$output" = "Nothing to do: the devices match config \"(unnamed)\" of $LAYOUT."$'\n' ]
}

@test "vgpu apply: a managed GPU loses what the layout does not ask for; --export round-trips" {
	mk_vgpu 0000:41:00.6 1148
	mdevadm define --vf 0000:41:00.6
	layout '{"version": 1, "devices": [
		{"parent": "'$PF'", "type": "nvidia-1148", "vf": 0, "start": "manual", "active": true}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[ ! -e "$(vgpu_def $PF 2)" ]
	[ "$(vf_type 0000:41:00.6)" = 0 ]
	[ "$(vf_type 0000:41:00.4)" = 1148 ]
	run_exact -0 mdevadm apply --export
	[ "$(jq -c '.devices' <<<"$output")" = '[{"parent":"'$PF'","type":"nvidia-1148","vf":0,"start":"manual","active":true}]' ]
	printf '%s' "$output" >"$LAYOUT"
	run_exact -0 mdevadm apply -f "$LAYOUT" --check
	[[ $output == "Nothing to do"* ]]
}

@test "vgpu apply: \"uuid\" on a vGPU parent, and \"vf\" on an mdev parent, are refused by name" {
	mk_bare_mtty
	layout '{"version": 1, "devices": [{"parent": "'$PF'", "type": "nvidia-1148", "uuid": "'$U1'"}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT"
	assert_stderr_line "*devices\[0\].uuid: $PF holds vGPUs on VFs: name them with \"vf\" or \"count\""
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "vf": 1}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT"
	assert_stderr_line "*devices\[0\].vf: mtty is an mdev parent: name its devices with \"uuid\" or \"count\""
}

@test "vgpu apply: more vGPUs than free VFs offering the type is refused before any change" {
	layout '{"version": 1, "devices": [
		{"parent": "'$PF'", "type": "nvidia-1145", "count": 5, "start": "auto"}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[[ $stderr == *"parent $PF has 4 free instances of nvidia-1145, and 5 more are needed"* ]]
	[ ! -e "$ROOT/etc/mdevadm.d" ]
}

@test "vgpu apply: a step that cannot be done undoes every step before it" {
	# homogeneous mode: once VF 0 holds a 4 GB vGPU, no VF offers the 48 GB type
	layout '{"version": 1, "devices": [
		{"parent": "'$PF'", "type": "nvidia-1148", "vf": 0, "start": "auto"},
		{"parent": "'$PF'", "type": "nvidia-1153", "vf": 3, "start": "auto"}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[[ $stderr == *"step 4 of 4 (start 3 on $PF (nvidia-1153)) failed: cannot start nvidia-1153 on $PF: VF 3 (0000:41:00.7) does not offer it now; 3 steps undone"* ]]
	[ "$(vf_type 0000:41:00.4)" = 0 ]
	[ "$(vf_type 0000:41:00.7)" = 0 ]
	[ ! -e "$ROOT/etc/mdevadm.d/vf/$PF" ]
	[ "$(vf_creatable 0000:41:00.7 | wc -l)" -eq 10 ]
}

@test "vgpu apply: a vGPU a process holds is not stopped: refused before any change" {
	mk_vgpu 0000:41:00.5 1148
	mk_holder 4242 "/dev/vfio/$(vfio_group 0000:41:00.5)" /usr/bin/qemu-system-x86_64 -name guest=vm1
	layout '{"version": 1, "devices": [{"parent": "'$PF'", "type": "nvidia-1148", "vf": 0}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[[ $stderr == *"cannot stop 1 on $PF"*"in use by 4242 (/usr/bin/qemu-system-x86_64 -name guest=vm1)"* ]]
	[ "$(vf_type 0000:41:00.5)" = 1148 ]
	[ ! -e "$(vgpu_def $PF 0)" ]
}
