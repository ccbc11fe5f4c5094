#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# groups: the three kinds of IOMMU group (iommu, emulated, noiommu) in text and JSON, on fake
# trees shaped like ../shared/kernel-runs/run-tiny-{iommu,noiommu}.txt (Linux 6.12).

load test_helper

# mk_machine: run-tiny-iommu's machine plus a no-IOMMU device: groups 0-3 real (2 is the e1000
# NIC, bound to vfio-pci; 3 holds the ICH9 functions, two of them on host drivers), 4 the
# emulated group of an mtty mdev, 7 a no-IOMMU device.
UUID1=c109cf76-5f47-4b8a-b074-dff5f464a8a0
mk_machine() {
	mk_pci 0000:00:00.0
	mk_pci 0000:00:01.0
	mk_pci 0000:00:02.0 e1000
	mk_pci 0000:00:1f.0 lpc_ich
	mk_pci 0000:00:1f.2 ahci
	mk_pci 0000:00:1f.3
	mk_iommu_group 0 0000:00:00.0
	mk_iommu_group 1 0000:00:01.0
	mk_iommu_group 2 0000:00:02.0
	mk_iommu_group 3 0000:00:1f.0 0000:00:1f.2 0000:00:1f.3
	_put sys/kernel/iommu_groups/3/reserved_regions \
		$'0x0000000000000000 0x0000000000ffffff direct-relaxable\n0x00000000fee00000 0x00000000feefffff msi\n'
	bind_vfio 0000:00:02.0
	mk_samples
	mk_active mtty mtty-2 "$UUID1" 4
	mk_noiommu_group 7 0000:00:03.0
}

# group_json N FILTER: jq FILTER on group N of $output (the --dumpjson array), compact.
group_json() { jq -c ".[] | select(.group == $1) | $2" <<<"$output"; }

# assert_output_is: $output (from run_exact) equals standard input byte for byte.
assert_output_is() {
	local want
	want=$(cat; printf x)
	want=${want%x}
	[ "$output" = "$want" ] && return
	diff -u --label expected --label output <(printf '%s' "$want") <(printf '%s' "$output") >&2
	_fail "output differs (see diff above)"
}

# -- text ------------------------------------------------------------------------------------

@test "groups: all three kinds in one table, each with a verdict for a VM" {
	mk_machine
	run_exact -0 mdevadm groups
	[ "$stderr" = "" ]
	assert_output_is <<'EOF'
GROUP  KIND      TYPE     VFIO                 FOR A VM
0      iommu     DMA-FQ   -                    not yet: isolated by the IOMMU, but not bound to vfio-pci
       |- 0000:00:00.0                          pci   -
       `- reserved 0x00000000fee00000-0x00000000feefffff msi
1      iommu     DMA-FQ   -                    not yet: isolated by the IOMMU, but not bound to vfio-pci
       |- 0000:00:01.0                          pci   -
       `- reserved 0x00000000fee00000-0x00000000feefffff msi
2      iommu     DMA-FQ   /dev/vfio/2          ready: isolated by the IOMMU, bound to VFIO
       |- 0000:00:02.0                          pci   vfio-pci  /dev/vfio/devices/vfio0
       `- reserved 0x00000000fee00000-0x00000000feefffff msi
3      iommu     DMA-FQ   -                    busy: isolated by the IOMMU, but 0000:00:1f.0 is used by host driver lpc_ich (and more)
       |- 0000:00:1f.0                          pci   lpc_ich
       |- 0000:00:1f.2                          pci   ahci
       |- 0000:00:1f.3                          pci   -
       |- reserved 0x0000000000000000-0x0000000000ffffff direct-relaxable
       `- reserved 0x00000000fee00000-0x00000000feefffff msi
4      emulated  unknown  /dev/vfio/4          ready: mdev, its parent mtty mediates all DMA
       `- c109cf76-5f47-4b8a-b074-dff5f464a8a0  mdev  mtty      parent mtty, type mtty-2  /dev/vfio/devices/vfio1
7      noiommu   unknown  /dev/vfio/noiommu-7  UNSAFE: no IOMMU isolation, unmediated DMA to all host memory
       `- 0000:00:03.0                          pci   vfio-pci
EOF
}

@test "groups -g: one group; groups sort as numbers" {
	mk_machine
	mk_pci 0000:00:04.0 e1000
	mk_iommu_group 10 0000:00:04.0
	run_exact -0 mdevadm groups
	[ "$(printf '%s' "$output" | grep -oE '^[0-9]+' | tr '\n' ' ')" = "0 1 2 3 4 7 10 " ]
	run_exact -0 mdevadm groups -g 10
	assert_output_is <<'EOF'
GROUP  KIND   TYPE    VFIO  FOR A VM
10     iommu  DMA-FQ  -     busy: isolated by the IOMMU, but 0000:00:04.0 is used by host driver e1000
       |- 0000:00:04.0  pci  e1000
       `- reserved 0x00000000fee00000-0x00000000feefffff msi
EOF
	run_exact -0 mdevadm groups --group 7
	assert_output_is <<'EOF'
GROUP  KIND     TYPE     VFIO                 FOR A VM
7      noiommu  unknown  /dev/vfio/noiommu-7  UNSAFE: no IOMMU isolation, unmediated DMA to all host memory
       `- 0000:00:03.0  pci  vfio-pci
EOF
}

@test "groups -g: a missing group fails with a clear message; a bad number is a usage error" {
	mk_machine
	run_exact -1 mdevadm groups -g 5
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: no IOMMU group 5 (see 'groups' for the list)"$'\n' ]
	run_exact -1 mdevadm groups -g 5 --dumpjson
	[ "$output" = "" ]
	run_exact -2 mdevadm groups -g five
	[[ $stderr == *"invalid group 'five'"* ]]
	run_exact -2 mdevadm groups -g -1
}

@test "groups: no IOMMU and no VFIO device means no groups, said plainly" {
	run_exact -0 mdevadm groups
	[ "$output" = "No IOMMU groups: no IOMMU is active and no mdev or no-IOMMU device exists."$'\n' ]
	run_exact -0 mdevadm groups --dumpjson
	[ "$output" = $'[]\n' ]
	mkdir -p "$ROOT/sys/kernel/iommu_groups"
	run_exact -0 mdevadm groups --dumpjson
	[ "$output" = $'[]\n' ]
	run_exact -1 mdevadm groups -g 0
}

@test "groups: an mdev not bound to its driver has no VFIO node yet" {
	mk_samples
	mk_active mdpy mdpy-hd 3c0031fc-d6f9-48c4-b8de-5088a4884519 5
	rm "$ROOT/sys/class/vfio/5" "$ROOT/sys/devices/virtual/mdpy/mdpy/3c0031fc-d6f9-48c4-b8de-5088a4884519/driver"
	run_exact -0 mdevadm groups
	assert_output_is <<'EOF'
GROUP  KIND      TYPE     VFIO  FOR A VM
5      emulated  unknown  -     not yet: mdev without a VFIO driver bound
       `- 3c0031fc-d6f9-48c4-b8de-5088a4884519  mdev  -  parent mdpy, type mdpy-hd  /dev/vfio/devices/vfio0
EOF
}

# -- JSON ------------------------------------------------------------------------------------

@test "groups --dumpjson: every kind, with devices, VFIO nodes, cdevs and reserved regions" {
	mk_machine
	run_exact -0 mdevadm groups --dumpjson
	[ "$stderr" = "" ]
	[ "$(jq -c '[.[] | [.group, .kind, .type, .vfio, .safe, .status]]' <<<"$output")" = \
		'[[0,"iommu","DMA-FQ",null,true,"unbound"],[1,"iommu","DMA-FQ",null,true,"unbound"],[2,"iommu","DMA-FQ","/dev/vfio/2",true,"ready"],[3,"iommu","DMA-FQ",null,true,"host"],[4,"emulated","unknown","/dev/vfio/4",true,"ready"],[7,"noiommu","unknown","/dev/vfio/noiommu-7",false,"unsafe"]]' ]
	# every group has every key, in this order
	[ "$(jq -c '[.[] | keys_unsorted] | unique' <<<"$output")" = \
		'[["group","kind","type","vfio","safe","status","reason","devices","vfio_devices","reserved_regions"]]' ]
	[ "$(group_json 2 '[.devices, .vfio_devices, .reserved_regions]')" = \
		'[[{"name":"0000:00:02.0","bus":"pci","driver":"vfio-pci","vfio_device":"/dev/vfio/devices/vfio0"}],["/dev/vfio/devices/vfio0"],[{"start":"0x00000000fee00000","end":"0x00000000feefffff","type":"msi"}]]' ]
	[ "$(group_json 3 '[[.devices[] | [.name, .driver]], [.reserved_regions[].type], .reason]')" = \
		'[[["0000:00:1f.0","lpc_ich"],["0000:00:1f.2","ahci"],["0000:00:1f.3",null]],["direct-relaxable","msi"],"busy: isolated by the IOMMU, but 0000:00:1f.0 is used by host driver lpc_ich (and more)"]' ]
	[ "$(group_json 4 '[.devices, .vfio_devices, .reserved_regions]')" = \
		'[[{"name":"c109cf76-5f47-4b8a-b074-dff5f464a8a0","bus":"mdev","driver":"mtty","parent":"mtty","mdev_type":"mtty-2","vfio_device":"/dev/vfio/devices/vfio1"}],["/dev/vfio/devices/vfio1"],[]]' ]
	# a no-IOMMU device has a vfio-dev directory but no cdev (no `dev`), as 6.12 shows
	[ "$(group_json 7 '[.devices, .vfio_devices, .reserved_regions, .reason]')" = \
		'[[{"name":"0000:00:03.0","bus":"pci","driver":"vfio-pci","vfio_device":null}],[],[],"UNSAFE: no IOMMU isolation, unmediated DMA to all host memory"]' ]
}

@test "groups --dumpjson -g: an array of one, laid out like mdevctl's JSON" {
	mk_machine
	run_exact -0 mdevadm groups -g 7 --dumpjson
	assert_output_is <<'EOF'
[
  {
    "group": 7,
    "kind": "noiommu",
    "type": "unknown",
    "vfio": "/dev/vfio/noiommu-7",
    "safe": false,
    "status": "unsafe",
    "reason": "UNSAFE: no IOMMU isolation, unmediated DMA to all host memory",
    "devices": [
      {
        "name": "0000:00:03.0",
        "bus": "pci",
        "driver": "vfio-pci",
        "vfio_device": null
      }
    ],
    "vfio_devices": [],
    "reserved_regions": []
  }
]
EOF
}

# -- telling emulated from no-IOMMU ----------------------------------------------------------

@test "groups: the name 'vfio-noiommu' alone does not decide the kind; the VFIO node does" {
	mk_machine
	# swap the nodes' names: the node wins over the member's bus
	rm "$ROOT/sys/class/vfio/4" "$ROOT/sys/class/vfio/noiommu-7"
	_vfio_node noiommu-4
	_vfio_node 7
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '[.[] | select(.group == 4 or .group == 7) | [.group, .kind, .vfio]]' <<<"$output")" = \
		'[[4,"noiommu","/dev/vfio/noiommu-4"],[7,"emulated","/dev/vfio/7"]]' ]
}

@test "groups: without a VFIO node, the member's bus tells emulated (mdev) from no-IOMMU" {
	mk_machine
	rm "$ROOT/sys/class/vfio/4" "$ROOT/sys/class/vfio/noiommu-7"
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '[.[] | select(.group == 4 or .group == 7) | [.group, .kind, .vfio, .status]]' <<<"$output")" = \
		'[[4,"emulated",null,"unbound"],[7,"noiommu",null,"unsafe"]]' ]
}

@test "groups: a group is a real IOMMU group unless it is named vfio-noiommu" {
	mk_pci 0000:00:02.0
	mk_iommu_group 2 0000:00:02.0
	bind_vfio 0000:00:02.0
	_put sys/kernel/iommu_groups/2/type $'identity\n'
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '.[] | [.kind, .type, .vfio, .status]' <<<"$output")" = '["iommu","identity","/dev/vfio/2","ready"]' ]
	_put sys/kernel/iommu_groups/2/name $'some-platform-name\n'
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '.[] | .kind' <<<"$output")" = '"iommu"' ]
}

@test "groups: drivers that leave DMA alone (vfio variants, pci-stub, pcieport) do not make a group busy" {
	mk_pci 0000:00:1c.0 pcieport
	mk_pci 0000:01:00.0 mlx5_vfio_pci
	mk_pci 0000:01:00.1 pci-stub
	mk_iommu_group 8 0000:00:1c.0 0000:01:00.0 0000:01:00.1
	_vfio_node 8
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '.[] | [.status, .reason]' <<<"$output")" = '["ready","ready: isolated by the IOMMU, bound to VFIO"]' ]
}

@test "groups: absolute links in the tree resolve inside the root" {
	mk_pci 0000:00:02.0 fake_driver_only_in_root
	mk_iommu_group 2 0000:00:02.0
	ln -sfn /sys/devices/pci0000:00/0000:00:02.0 "$ROOT/sys/kernel/iommu_groups/2/devices/0000:00:02.0"
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -c '.[] | .devices' <<<"$output")" = \
		'[{"name":"0000:00:02.0","bus":"pci","driver":"fake_driver_only_in_root","vfio_device":null}]' ]
}
