#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# types: every parent's supported types as text and JSON, the optional name/description, the
# --parent filter, and types whose attributes cannot be read.

load test_helper

# what `types` prints for mk_bare_mtty
MTTY1_TEXT="mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
"

# one PCI parent with a described type and a bare one
gvt_tree() {
	mk_parent 0000:00:02.0
	mk_type 0000:00:02.0 i915-GVTg_V5_8 4 vfio-pci GVTg_V5_8 \
		$'low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4'
	mk_type 0000:00:02.0 i915-GVTg_V5_4 2 vfio-pci GVTg_V5_4
}

@test "types: no parents prints nothing (text) and [] (JSON)" {
	run_exact -0 mdevadm types
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = $'[]\n' ]
	[ "$stderr" = "" ]
	# an empty mdev_bus class is the same
	mkdir -p "$ROOT/sys/class/mdev_bus"
	run_exact -0 mdevadm types
	[ "$output" = "" ]
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = $'[]\n' ]
}

@test "types: text lists the parent, then each type sorted with its attributes" {
	gvt_tree
	run_exact -0 mdevadm types
	[ "$output" = "0000:00:02.0
  i915-GVTg_V5_4
    Available instances: 2
    Device API: vfio-pci
    Name: GVTg_V5_4
  i915-GVTg_V5_8
    Available instances: 4
    Device API: vfio-pci
    Name: GVTg_V5_8
    Description: low_gm_size: 64MB, high_gm_size: 384MB, fence: 4
" ]
	[ "$stderr" = "" ]
}

@test "types --dumpjson: shape, available_instances as a JSON number" {
	gvt_tree
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = '[
  {
    "0000:00:02.0": [
      {
        "i915-GVTg_V5_4": {
          "available_instances": 2,
          "device_api": "vfio-pci",
          "name": "GVTg_V5_4"
        }
      },
      {
        "i915-GVTg_V5_8": {
          "available_instances": 4,
          "device_api": "vfio-pci",
          "name": "GVTg_V5_8",
          "description": "low_gm_size: 64MB, high_gm_size: 384MB, fence: 4"
        }
      }
    ]
  }
]
' ]
	[ "$(jq -r '.[0]["0000:00:02.0"][0]["i915-GVTg_V5_4"].available_instances | type' <<<"$output")" = number ]
}

@test "types: name and description only when present and non-empty" {
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_type mtty mtty-2 12 vfio-pci
	mk_type mtty mtty-3 1 vfio-pci
	: >"$(tdir mtty mtty-3)/name"
	printf '\n' >"$(tdir mtty mtty-3)/description"
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
    Name: Single port serial
  mtty-2
    Available instances: 12
    Device API: vfio-pci
  mtty-3
    Available instances: 1
    Device API: vfio-pci
" ]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '.[0].mtty' <<<"$output")" = '[{"mtty-1":{"available_instances":24,"device_api":"vfio-pci","name":"Single port serial"}},{"mtty-2":{"available_instances":12,"device_api":"vfio-pci"}},{"mtty-3":{"available_instances":1,"device_api":"vfio-pci"}}]' ]
}

@test "types: a multi-line description is folded with ', ' in text and JSON" {
	mk_parent 0000:3b:00.0
	mk_type 0000:3b:00.0 nvidia-63 8 vfio-pci 'GRID P4-1Q' $'num_heads=4\nframebuffer=1024M\nmax_instance=8'
	run_exact -0 mdevadm types
	[[ $output == *$'\n    Description: num_heads=4, framebuffer=1024M, max_instance=8\n' ]]
	[ "$(grep -c . <<<"$output")" -eq 6 ]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -r '.[0]["0000:3b:00.0"][0]["nvidia-63"].description' <<<"$output")" = \
		"num_heads=4, framebuffer=1024M, max_instance=8" ]
}

@test "types: output matches mdevctl 1.2.0 (text and JSON, with and without -p)" {
	need_oracle
	gvt_tree
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_type mtty mtty-2 0 vfio-pci "Dual port serial"
	mk_parent 0.0.26ab
	mk_type 0.0.26ab vfio_ccw-io 1 vfio-ccw 'I/O subchannel (Non-QDIO)' $'two\nlines'
	assert_same_as_oracle types
	assert_same_as_oracle types --dumpjson
	assert_same_as_oracle types -p mtty
	assert_same_as_oracle types -p 0.0.26ab --dumpjson
}

@test "types -p: only that parent; an unknown parent gives nothing and []" {
	gvt_tree
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	run_exact -0 mdevadm types -p mtty
	[ "$output" = "mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
    Name: Single port serial
" ]
	run_exact -0 mdevadm types --parent=mtty --dumpjson
	[ "$(jq -c 'map(keys[])' <<<"$output")" = '["mtty"]' ]
	run_exact -0 mdevadm types -p nosuch
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm types -p nosuch --dumpjson
	[ "$output" = $'[]\n' ]
	# the filter is exact, not case-insensitive
	run_exact -0 mdevadm types -p MTTY
	[ "$output" = "" ]
}

@test "types: parents byte-sorted, each parent's types sorted" {
	for p in zeta Alpha 0000:00:02.0 beta; do
		mk_parent "$p"
		mk_type "$p" t-b 1
		mk_type "$p" T-a 1
		mk_type "$p" t-a 1
	done
	run_exact -0 mdevadm types
	[ "$(grep '^[^ ]' <<<"$output" | tr '\n' ' ')" = "0000:00:02.0 Alpha beta zeta " ]
	[ "$(grep '^  [^ ]' <<<"$output" | sort -u | tr -d ' ' | tr '\n' ' ')" = "T-a t-a t-b " ]
	[ "$(sed -n 2p <<<"$output")" = "  T-a" ]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -r '.[] | keys_unsorted[]' <<<"$output" | tr '\n' ' ')" = "0000:00:02.0 Alpha beta zeta " ]
	[ "$(jq -r '.[0].beta[] | keys[]' <<<"$output" | tr '\n' ' ')" = "T-a t-a t-b " ]
}

@test "types: a type whose available_instances is garbage is skipped with a warning" {
	mk_mtty
	printf 'lots\n' >"$(tdir mtty mtty-1)/available_instances"
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-2
    Available instances: 12
    Device API: vfio-pci
    Name: Dual port serial
" ]
	[[ $stderr == *warning*mtty-1*mtty* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '[.[0].mtty[] | keys[]]' <<<"$output")" = '["mtty-2"]' ]
	[[ $stderr == *mtty-1* ]]
}

@test "types: negative, empty or trailing-garbage available_instances are skipped too" {
	mk_parent p
	mk_type p neg 1
	mk_type p empty 1
	mk_type p trail 1
	mk_type p good 7
	printf -- '-3\n' >"$(tdir p neg)/available_instances"
	: >"$(tdir p empty)/available_instances"
	printf '5x\n' >"$(tdir p trail)/available_instances"
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '.[0].p' <<<"$output")" = '[{"good":{"available_instances":7,"device_api":"vfio-pci"}}]' ]
	[[ $stderr == *neg* && $stderr == *empty* && $stderr == *trail* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 3 ]
}

@test "types: an unreadable or missing available_instances is skipped with a warning" {
	mk_bare_mtty
	mk_type mtty mtty-2 12
	mk_type mtty mtty-3 6
	rm "$(tdir mtty mtty-1)/available_instances"
	mkdir "$(tdir mtty mtty-1)/available_instances"
	rm "$(tdir mtty mtty-3)/available_instances"
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-2
    Available instances: 12
    Device API: vfio-pci
" ]
	[[ $stderr == *mtty-1* ]]
	[[ $stderr == *mtty-3* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 2 ]
}

@test "types: a parent whose types all fail still prints its name line, exit 0" {
	mk_bare_mtty
	printf 'x\n' >"$(tdir mtty mtty-1)/available_instances"
	mk_parent mdpy
	mk_type mdpy mdpy-vga 4
	run_exact -0 mdevadm types
	[[ $output == *"mdpy
  mdpy-vga
    Available instances: 4
    Device API: vfio-pci
"* ]]
	[[ $output != *mtty-1* ]]
	[[ $stderr == *mtty-1* ]]
}

@test "types: available instances 0 is shown as 0 (and as the number 0)" {
	mk_parent mtty
	mk_type mtty mtty-1 0 vfio-pci "Single port serial"
	run_exact -0 mdevadm types
	[[ $output == *$'\n    Available instances: 0\n'* ]]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '.[0].mtty[0]["mtty-1"].available_instances' <<<"$output")" = 0 ]
}

@test "types: a registered parent without mdev_supported_types is skipped, others shown" {
	mk_bare_mtty
	mk_parent broken
	rmdir "$ROOT/$(parent_path broken)/mdev_supported_types"
	run_exact -0 mdevadm types
	[ "$output" = "$MTTY1_TEXT" ]
	[[ $stderr == *broken* ]]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c 'map(keys[])' <<<"$output")" = '["mtty"]' ]
}

@test "types: the device_api of each kind of parent is reported as is" {
	mk_parent 0.0.26ab
	mk_type 0.0.26ab vfio_ccw-io 1 vfio-ccw 'I/O subchannel (Non-QDIO)'
	mk_parent matrix
	mk_type matrix vfio_ap-passthrough 65535 vfio-ap 'VFIO AP Passthrough Device'
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '[.[] | to_entries[] | .value[] | to_entries[] | [.key, .value.device_api, .value.available_instances]]' <<<"$output")" = \
		'[["vfio_ccw-io","vfio-ccw",1],["vfio_ap-passthrough","vfio-ap",65535]]' ]
}

@test "types -p: a hostile parent name is a usage error" {
	mk_bare_mtty
	run_exact -2 mdevadm types -p ../mtty
	[ "$output" = "" ]
	[[ $stderr == *"invalid parent name"* ]]
}

@test "types: renames elsewhere on the system never make a type or parent disappear" {
	gvt_tree
	run_exact -0 mdevadm types
	local want=$output
	renamer_start
	repeat_same 80 mdevadm types
}

@test "types: stray files in mdev_supported_types are not types" {
	mk_bare_mtty
	printf 'x\n' >"$ROOT/$(parent_path mtty)/mdev_supported_types/README"
	run_exact -0 mdevadm types
	[ "$output" = "$MTTY1_TEXT" ]
	[ "$stderr" = "" ]
}

@test "types --dumpjson: a parent without types is listed with [], as in the text output" {
	mk_bare_mtty
	mk_parent zempty
	run_exact -0 mdevadm types
	[ "$output" = "${MTTY1_TEXT}zempty"$'\n' ]
	run_exact -0 mdevadm types --dumpjson
	[ "$output" = '[
  {
    "mtty": [
      {
        "mtty-1": {
          "available_instances": 24,
          "device_api": "vfio-pci"
        }
      }
    ],
    "zempty": []
  }
]
' ]
	run_exact -0 mdevadm types -p zempty --dumpjson
	[ "$output" = '[
  {
    "zempty": []
  }
]
' ]
}

@test "types --dumpjson: a parent without types matches mdevctl 1.2.0" {
	need_oracle
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_parent empty
	assert_same_as_oracle types
	assert_same_as_oracle types --dumpjson
	assert_same_as_oracle types -p empty --dumpjson
}
