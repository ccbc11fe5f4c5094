#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# list of active vGPUs: VF address, PF, type, start and (defined); -v adds the VF's index, the
# type's name and the IOMMU group; --dumpjson in mdev's shape keyed by the VF address; --vf
# and -p filter; mdev devices beside them unchanged. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.5 1149
	mk_vgpu 0000:41:00.7 1149
}

@test "vgpu list: one line per VF holding a vGPU; (defined) when its definition has that type" {
	mdevadm define --vf 0000:41:00.5 -a
	mk_vgpu_def $PF 3 '{"type": "nvidia-1145", "start": "auto"}'
	run_exact -0 mdevadm list
	[ "$output" = "0000:41:00.5 $PF nvidia-1149 auto (defined)
0000:41:00.7 $PF nvidia-1149 manual
" ]
	[ "$stderr" = "" ]
}

@test "vgpu list -v: the VF's index, the type's name and the IOMMU group" {
	run_exact -0 mdevadm list -v
	[ "$output" = "0000:41:00.5 $PF nvidia-1149 manual
  VF: 1
  Name: NVIDIA L40S-8Q
  IOMMU group: $(vfio_group 0000:41:00.5)
0000:41:00.7 $PF nvidia-1149 manual
  VF: 3
  Name: NVIDIA L40S-8Q
  IOMMU group: $(vfio_group 0000:41:00.7)
" ]
}

@test "vgpu list --dumpjson: mdev's shape, keyed by PF and VF; --vf alone prints the object bare" {
	local g5 g7
	g5=$(vfio_group 0000:41:00.5)
	g7=$(vfio_group 0000:41:00.7)
	run_exact -0 mdevadm list --dumpjson
	[ "$output" = '[
  {
    "'$PF'": [
      {
        "0000:41:00.5": {
          "mdev_type": "nvidia-1149",
          "start": "manual",
          "attrs": [],
          "vf": 1,
          "name": "NVIDIA L40S-8Q",
          "iommu_group": '$g5'
        }
      },
      {
        "0000:41:00.7": {
          "mdev_type": "nvidia-1149",
          "start": "manual",
          "attrs": [],
          "vf": 3,
          "name": "NVIDIA L40S-8Q",
          "iommu_group": '$g7'
        }
      }
    ]
  }
]
' ]
	run_exact -0 mdevadm list --dumpjson --vf 0000:41:00.7
	[ "$output" = '{
  "mdev_type": "nvidia-1149",
  "start": "manual",
  "attrs": [],
  "vf": 3,
  "name": "NVIDIA L40S-8Q",
  "iommu_group": '$g7'
}
' ]
	run_exact -0 mdevadm list --vf 3 -p $PF
	[ "$output" = "0000:41:00.7 $PF nvidia-1149 manual"$'\n' ]
	run_exact -0 mdevadm list --vf 0000:41:00.4
	assert_quiet
}

@test "vgpu list: no name is guessed once no list names the type; the definition's is kept" {
	# two 24 GB vGPUs fill the GPU: no VF lists any type any more
	mk_vgpu_pf 0000:81:00.0 l40s 2
	mk_vgpu_vfs 0000:81:00.0
	mk_vgpu 0000:81:00.4 1152
	mdevadm define --vf 0000:81:00.4
	mk_vgpu 0000:81:00.5 1152
	run_exact -0 mdevadm list -v -p 0000:81:00.0
	[ "$output" = "0000:81:00.4 0000:81:00.0 nvidia-1152 manual (defined)
  VF: 0
  Name: NVIDIA L40S-24Q
  IOMMU group: $(vfio_group 0000:81:00.4)
0000:81:00.5 0000:81:00.0 nvidia-1152 manual
  VF: 1
  IOMMU group: $(vfio_group 0000:81:00.5)
" ]
}

@test "vgpu list: mdevs and vGPUs together, the mdevs first and as before" {
	mk_bare_mtty
	mk_active mtty mtty-1 "$U1" 90
	run_exact -0 "$MDEVADM" --root "$ROOT" list --dumpjson -u "$U1"
	local bare=$output
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 manual
0000:41:00.5 $PF nvidia-1149 manual
0000:41:00.7 $PF nvidia-1149 manual
" ]
	run_exact -0 mdevadm list --dumpjson -u "$U1"
	[ "$output" = "$bare" ]
	run_exact -0 mdevadm list -p mtty
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
}

@test "vgpu shell: the same commands in batch mode" {
	run_exact -0 mdevadm shell <<<"list --vf 0000:41:00.5
stop --vf 0000:41:00.5
list"
	[ "$output" = "0000:41:00.5 $PF nvidia-1149 manual
0000:41:00.7 $PF nvidia-1149 manual
" ]
	[ "$(vf_type 0000:41:00.5)" = 0 ]
}

# as NAME ARGS...: the program called NAME (mdevctl, lsmdev), on the fake tree.
as() {
	ln -sf "$MDEVADM" "$BATS_TEST_TMPDIR/$1"
	MDEVCTL_ENV_ROOT=$ROOT run_exact -0 "$BATS_TEST_TMPDIR/$@"
}

@test "vgpu list: called as mdevctl or lsmdev, list and types show mdevs alone, as mdevctl does" {
	need_oracle
	mk_bare_mtty
	mk_active mtty mtty-1 "$U1" 90
	mk_config mtty "$U2" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mdevadm define --vf 0000:41:00.5 -a
	# libvirt takes every key of list --dumpjson for a UUID: no VF address may be among them
	local args theirs
	for args in "list" "list -d" "list --dumpjson" "list -d --dumpjson" "list -v" "types" \
		"types --dumpjson" "list -p $PF" "types -p $PF"; do
		# shellcheck disable=SC2086 # one word per argument
		as mdevctl $args
		# shellcheck disable=SC2086
		theirs=$(oracle_norm $args; printf x)
		# list -v adds each active mdev's IOMMU group (tests/list.bats), under any name
		[ "$args" != "list -v" ] || output=$(printf '%s' "$output" | grep -v '^  IOMMU group: '; printf x)
		[ "$args" != "list -v" ] || output=${output%x}
		[ "$output" = "${theirs%x}" ] || _fail "mdevctl $args: '$output', mdevctl: '${theirs%x}'"
		[[ $output != *0000:41* ]] || _fail "mdevctl $args shows a vGPU: $output"
	done
	as lsmdev --dumpjson
	[[ $output == *"$U1"* && $output != *0000:41* ]]
	# named by --vf, a vGPU is shown whatever the program's name; mdevadm shows both families
	as mdevctl list --vf 0000:41:00.5
	[ "$output" = "0000:41:00.5 $PF nvidia-1149 auto (defined)"$'\n' ]
	run_exact -0 mdevadm list
	[[ $output == *"$U1 mtty"*"0000:41:00.5 $PF"* ]]
}
