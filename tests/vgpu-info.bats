#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# info --vf: what a vGPU on an SR-IOV VF is (its PF, type and name, definition, IOMMU group,
# nodes, driver) and who holds it, through the same family seam as info -u. Fake tree only:
# --probe's ioctls are the real kernel's (tests/vm/info.bats, for mdevs).

load vgpu_helper

PF=0000:41:00.0
VF=0000:41:00.4

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mk_vgpu $VF 1152
}

@test "vgpu info: an active vGPU, by address or by index on its PF" {
	local g
	g=$(vfio_group $VF)
	run_exact -0 mdevadm info --vf $VF
	[ "$output" = "$VF
  Parent: $PF
  Type: nvidia-1152 (NVIDIA L40S-24Q)
  Defined: no
  Active: yes
  IOMMU group: $g (iommu)
  VFIO group node: /dev/vfio/$g
  VFIO device node: -
  Driver: nvidia
  Holders: none
" ]
	[ "$stderr" = "" ]
	local by_addr=$output
	run_exact -0 mdevadm info --vf 0 -p $PF
	[ "$output" = "$by_addr" ]
}

@test "vgpu info --dumpjson: keyed by vf, every key of info -u's object but uuid" {
	need_jq
	run_exact -0 mdevadm info --vf $VF --dumpjson
	[ "$(jq -c '[.vf, .parent, .type, .type_name, .defined, .auto, .active, .driver, .probe]' <<<"$output")" = \
		"[\"$VF\",\"$PF\",\"nvidia-1152\",\"NVIDIA L40S-24Q\",false,null,true,\"nvidia\",null]" ]
	[ "$(jq -r 'keys_unsorted | join(" ")' <<<"$output")" = \
		"vf parent type type_name defined auto active iommu_group iommu_group_kind vfio_group vfio_device driver holders holders_unchecked probe" ]
}

@test "vgpu info: a definition alone is defined, not active, with its type and name" {
	mk_vgpu_def $PF 1 '{"type": "nvidia-1145", "name": "NVIDIA L40S-4Q", "start": "auto"}'
	run_exact -0 mdevadm info --vf 0000:41:00.5
	[ "$output" = "0000:41:00.5
  Parent: $PF
  Type: nvidia-1145 (NVIDIA L40S-4Q)
  Defined: yes, started automatically
  Active: no
" ]
	run_exact -1 mdevadm info --vf 0000:41:00.5 --probe
	[ "$stderr" = "mdevadm: cannot probe 0000:41:00.5: it is not active"$'\n' ]
}

@test "vgpu info: a holder is named, and --probe refuses while it holds the VF" {
	local g
	g=$(vfio_group $VF)
	mk_holder 4242 "/dev/vfio/$g" /usr/bin/qemu-system-x86_64 -name guest=vm1
	run_exact -0 mdevadm info --vf $VF
	[[ $output == *"  Holders:"*"4242"*"/usr/bin/qemu-system-x86_64 -name guest=vm1"* ]]
	run_exact -1 mdevadm info --vf $VF --probe
	[ "$stderr" = "mdevadm: cannot probe $VF: in use by 4242 (/usr/bin/qemu-system-x86_64 -name guest=vm1)"$'\n' ]
	[ "$output" = "" ]
}

@test "vgpu info: a free VF, or what is no VF, is an error naming it; no key is a usage error" {
	run_exact -1 mdevadm info --vf 0000:41:00.5
	[ "$stderr" = "mdevadm: VF 0000:41:00.5 of $PF holds no vGPU and has no definition"$'\n' ]
	run_exact -1 mdevadm info --vf $PF
	[[ $stderr == "mdevadm: "*"$PF"* ]]
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	run_exact -2 mdevadm info -p $PF
	assert_stderr_line "mdevadm info: info needs --uuid or --vf (try 'mdevadm info --help')"
}
