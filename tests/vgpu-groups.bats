#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# groups with vGPU VFs: each VF in its IOMMU group with its PF and vGPU type; its driver, nvidia,
# is its VFIO driver, not a host user; a VF with no type yet is not ready. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.5 1148
}

@test "vgpu groups: VFs with their PF and type; ready with a type, not yet without" {
	local g4 g5
	g4=$(vfio_group 0000:41:00.4)
	g5=$(vfio_group 0000:41:00.5)
	run_exact -0 mdevadm groups -g "$g5"
	[ "$stderr" = "" ]
	[ "$output" = "GROUP  KIND   TYPE    VFIO         FOR A VM
$g5      iommu  DMA-FQ  /dev/vfio/$g5  ready: isolated by the IOMMU, bound to VFIO
       |- 0000:41:00.5  pci  nvidia  parent $PF, type nvidia-1148
       \`- reserved 0x00000000fee00000-0x00000000feefffff msi
" ]
	run_exact -0 mdevadm groups -g "$g4"
	[[ $output == *"not yet: 0000:41:00.4, a slot of $PF, has no type set"* ]]
	[[ $output == *"0000:41:00.4  pci  nvidia  parent $PF, type -"* ]]
	# the PF itself is on a host driver
	run_exact -0 mdevadm groups
	[[ $output == *"busy: isolated by the IOMMU, but $PF is used by host driver nvidia"* ]]
}

@test "vgpu groups --dumpjson: vgpu_type beside parent for VFs, mdev_type for mdevs" {
	command -v jq >/dev/null || skip "jq is not installed"
	local g5
	g5=$(vfio_group 0000:41:00.5)
	mk_samples
	mk_active mtty mtty-2 "$U1" 90
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c ".[] | select(.group == $g5) | [.status, .devices[0]]" <<<"$output")" = \
		'["ready",{"name":"0000:41:00.5","bus":"pci","driver":"nvidia","parent":"'$PF'","vgpu_type":"nvidia-1148","vfio_device":null}]' ]
	[ "$(jq -c '.[] | select(.group == 90) | .devices[0] | [.parent, .mdev_type]' <<<"$output")" = '["mtty","mtty-2"]' ]
}
