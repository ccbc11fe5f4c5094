#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# types for vGPUs on SR-IOV VFs: a vGPU parent (PF) and its types nvidia-<id>, named from the
# VFs' creatable lists, available = free VFs offering the type now; which devices are vGPU
# parents; both families on one host. All on the fake tree (tests/fakekernel_vgpu.c).

load vgpu_helper

PF=0000:41:00.0

@test "vgpu types: a PF whose VFs are not enabled is listed without types, and says why" {
	mk_vgpu_pf $PF l40s
	run_exact -0 mdevadm types
	[ "$output" = "$PF"$'\n' ]
	assert_stderr_line "mdevadm: warning: the vGPU types of $PF are unknown until its VFs are enabled ('start -p $PF -t nvidia-ID' enables them)"
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = '[
  {
    "'$PF'": []
  }
]
' ]
}

@test "vgpu types: each type once, named from the creatable lists, available on every free VF" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	run_exact -0 mdevadm types -p $PF
	[ "$stderr" = "" ]
	[ "$(printf '%s' "$output" | head -9)" = "$PF
  nvidia-1145
    Available instances: 4
    Device API: vfio-pci
    Name: NVIDIA L40S-1B
  nvidia-1146
    Available instances: 4
    Device API: vfio-pci
    Name: NVIDIA L40S-2B" ]
	[ "$(grep -c '^  nvidia-' <<<"$output")" -eq 9 ]
}

@test "vgpu types: homogeneous mode, a vGPU of one size leaves only that size; in use shows 0 when full" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mk_vgpu "$(vf_addr $PF 0)" 1146 # 2 GB
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = '[
  {
    "'$PF'": [
      {
        "nvidia-1146": {
          "available_instances": 3,
          "device_api": "vfio-pci",
          "name": "NVIDIA L40S-2B"
        }
      },
      {
        "nvidia-1147": {
          "available_instances": 3,
          "device_api": "vfio-pci",
          "name": "NVIDIA L40S-2Q"
        }
      }
    ]
  }
]
' ]
	# the VF holding a vGPU reads 0 bytes, the others the header and the two of its size
	[ "$(vf_creatable "$(vf_addr $PF 0)")" = "" ]
	[ "$(vf_creatable "$(vf_addr $PF 1)")" = $'ID    : vGPU Name\n1146  : NVIDIA L40S-2B\n1147  : NVIDIA L40S-2Q' ]
	# a 48 GB profile fills the GPU: no list names it any more, yet it is in use
	mk_vgpu_pf 0000:81:00.0 l40s 2
	mk_vgpu_vfs 0000:81:00.0
	mk_vgpu "$(vf_addr 0000:81:00.0 1)" 1153
	run_exact -0 mdevadm types -p 0000:81:00.0
	[ "$output" = "0000:81:00.0
  nvidia-1153
    Available instances: 0
    Device API: vfio-pci
" ]
}

@test "vgpu types: a MIG-backed profile says it needs a GPU instance" {
	mk_vgpu_pf 0000:c1:00.0 h100 2
	mk_vgpu_vfs 0000:c1:00.0
	run_exact -0 mdevadm types -p 0000:c1:00.0
	[[ $output == *"  nvidia-1031
    Available instances: 2
    Device API: vfio-pci
    Name: NVIDIA H100XM-1-10C
    Description: MIG-backed: needs a GPU instance (nvidia-smi mig -cgi) first
"* ]]
	[[ $output == *"  nvidia-1021
    Available instances: 2
    Device API: vfio-pci
    Name: NVIDIA H100XM-10C
  nvidia-1022"* ]]
}

@test "vgpu types: only NVIDIA GPUs bound to nvidia with SR-IOV are vGPU parents; VFs are not" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	# another vendor's SR-IOV device bound to a driver called nvidia; an NVIDIA GPU on vfio-pci;
	# an NVIDIA GPU without SR-IOV
	mk_vgpu_pf 0000:42:00.0 l40s 2
	_put "$(_pci_path 0000:42:00.0)/vendor" $'0x8086\n'
	mk_vgpu_pf 0000:43:00.0 l40s 2
	rm "$ROOT/$(_pci_path 0000:43:00.0)/driver"
	mk_pci 0000:43:00.0 vfio-pci
	mk_vgpu_pf 0000:44:00.0 l40s 0
	run_exact -0 mdevadm types
	[ "$(grep -v '^ ' <<<"$output")" = "$PF" ]
}

@test "vgpu types: an Ampere-style VF with mdev types stays an mdev parent, its PF is no vGPU parent" {
	# vGPU 16 on an A40: the VFs are bound to nvidia and register with mdev
	mk_vgpu_pf 0000:17:00.0 l40s 2
	mk_vgpu_vfs 0000:17:00.0
	for k in 0 1; do
		vf=$(vf_addr 0000:17:00.0 $k)
		rm -r "$ROOT/$(_pci_path "$vf")/nvidia"
		mkdir -p "$ROOT/$(_pci_path "$vf")/mdev_supported_types"
		_link "$(_pci_path "$vf")" "sys/class/mdev_bus/$vf"
		mk_type "$vf" nvidia-558 1 vfio-pci "NVIDIA A40-48Q" "num_heads=4, frl_config=60, framebuffer=49152M"
	done
	run_exact -0 mdevadm types
	[ "$(grep -v '^ ' <<<"$output")" = "0000:17:00.4
0000:17:00.5" ]
	[[ $output == *"  nvidia-558
    Available instances: 1
    Device API: vfio-pci
    Name: NVIDIA A40-48Q"* ]]
	[ "$stderr" = "" ]
}

@test "vgpu types: both families on one host, mdev's output first and unchanged" {
	load_tree samples
	run_exact -0 "$MDEVADM" --root "$ROOT" types
	local mdev_only=$output
	run_exact -0 "$MDEVADM" --root "$ROOT" types --dumpjson
	local mdev_json=$output
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mk_vgpu "$(vf_addr $PF 0)" 1153
	run_exact -0 mdevadm types
	[ "$output" = "$mdev_only$PF
  nvidia-1153
    Available instances: 0
    Device API: vfio-pci
" ]
	run_exact -0 mdevadm types --dumpjson
	# the vGPU parent is one more parent of the same object
	[[ $output == "${mdev_json%$'\n  }\n]\n'},
    \"$PF\": ["* ]]
	[[ $output == *'"nvidia-1153": {
          "available_instances": 0,
          "device_api": "vfio-pci"
        }'* ]]
}

@test "vgpu types --probe: vGPU types are listed as not probed, and nothing is written" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	local before
	before=$(find "$ROOT" -type f -exec md5sum {} + | sort)
	run_exact -0 mdevadm types -p $PF --probe
	[ "$stderr" = "" ]
	[ "$(grep -c '^    Migration: not probed (this kind of device cannot be probed yet)$' <<<"$output")" -eq \
		"$(grep -c '^  nvidia-' <<<"$output")" ]
	[ "$(grep -c '^  nvidia-' <<<"$output")" -gt 0 ]
	run_exact -0 mdevadm types -p $PF --probe --dumpjson
	[ "$(jq '[.[0][] | .[] | .[] | .probe] | unique' <<<"$output" | tr -d ' \n')" = "[null]" ]
	[ "$(find "$ROOT" -type f -not -path "$ROOT/run/*" -exec md5sum {} + | sort)" = "$(grep -v " $ROOT/run/" <<<"$before")" ]
}
