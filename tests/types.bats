#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# types: every parent's supported types as text and JSON, the optional name/description, the
# --parent filter, and types whose attributes cannot be read.

load test_helper

teardown() {
	renamer_stop
	common_teardown
}

# renamer_start: renames a file back and forth as fast as it can, in the background. Any rename
# on the system bumps the kernel's rename sequence count, and openat2(RESOLVE_IN_ROOT) answers a
# lookup through ".." (every sysfs class or bus link) that raced with one with EAGAIN, which the
# caller is expected to retry. Busy machines rename files all the time.
renamer_start() {
	command -v python3 >/dev/null || skip "python3 is needed for a fast rename loop"
	python3 -c '
import os, sys
a = os.path.join(sys.argv[1], "a"); b = os.path.join(sys.argv[1], "b")
open(a, "w").close()
while True:
    os.rename(a, b); os.rename(b, a)
' "$BATS_TEST_TMPDIR" 3>&- &
	RENAMER_PID=$!
	sleep 0.2
}

renamer_stop() {
	[ -n "${RENAMER_PID-}" ] || return 0
	kill "$RENAMER_PID" 2>/dev/null || true
	wait "$RENAMER_PID" 2>/dev/null || true
	RENAMER_PID=
}

# repeat_same N CMD...: runs CMD N times; each run must exit 0, print $want and warn nothing.
repeat_same() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		run_exact "$@"
		if [ "$status" -ne 0 ] || [ "$stderr" != "" ] || [ "$output" != "$want" ]; then
			_fail "run $i of $n: status $status" "stderr: $stderr" "stdout: $output"
			return 1
		fi
	done
}

# oracle_norm ARGS...: Debian's mdevctl 1.2.0 on the fake root, normalised as golden/README.md
# says: text loses 1.2.0's extra trailing blank line, a lone "\n" becomes empty; JSON as is.
oracle_norm() {
	local out
	out=$(mdevctl_oracle "$@" 2>/dev/null; printf x)
	out=${out%x}
	if [ "$out" = $'\n' ]; then
		out=
	elif [[ $out == *$'\n\n' ]]; then
		out=${out%$'\n'}
	fi
	printf '%s' "$out"
}

# assert_same_as_oracle ARGS...: mdevadm ARGS (exit 0) prints exactly what the oracle prints.
assert_same_as_oracle() {
	local mine theirs
	run_exact -0 mdevadm "$@"
	mine=$output
	theirs=$(oracle_norm "$@"; printf x)
	theirs=${theirs%x}
	[ "$mine" = "$theirs" ] && return
	diff -u --label "mdevctl $*" --label "mdevadm $*" <(printf '%s' "$theirs") \
		<(printf '%s' "$mine") >&2
	return 1
}

# tpath PARENT TYPE: the type's directory (absolute)
tpath() { printf '%s/%s/mdev_supported_types/%s' "$ROOT" "$(parent_path "$1")" "$2"; }

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
	: >"$(tpath mtty mtty-3)/name"
	printf '\n' >"$(tpath mtty mtty-3)/description"
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
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_type mtty mtty-2 12 vfio-pci "Dual port serial"
	printf 'lots\n' >"$(tpath mtty mtty-1)/available_instances"
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
	printf -- '-3\n' >"$(tpath p neg)/available_instances"
	: >"$(tpath p empty)/available_instances"
	printf '5x\n' >"$(tpath p trail)/available_instances"
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -c '.[0].p' <<<"$output")" = '[{"good":{"available_instances":7,"device_api":"vfio-pci"}}]' ]
	[[ $stderr == *neg* && $stderr == *empty* && $stderr == *trail* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 3 ]
}

@test "types: an unreadable or missing available_instances is skipped with a warning" {
	mk_parent mtty
	mk_type mtty mtty-1 24
	mk_type mtty mtty-2 12
	mk_type mtty mtty-3 6
	rm "$(tpath mtty mtty-1)/available_instances"
	mkdir "$(tpath mtty mtty-1)/available_instances"
	rm "$(tpath mtty mtty-3)/available_instances"
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
	mk_parent mtty
	mk_type mtty mtty-1 24
	printf 'x\n' >"$(tpath mtty mtty-1)/available_instances"
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
	mk_parent mtty
	mk_type mtty mtty-1 24
	mk_parent broken
	rmdir "$ROOT/$(parent_path broken)/mdev_supported_types"
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
" ]
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
	mk_parent mtty
	mk_type mtty mtty-1 24
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
	mk_parent mtty
	mk_type mtty mtty-1 24
	printf 'x\n' >"$ROOT/$(parent_path mtty)/mdev_supported_types/README"
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
" ]
	[ "$stderr" = "" ]
}

@test "types --dumpjson: a parent without types is listed with [], as in the text output" {
	mk_parent mtty
	mk_type mtty mtty-1 24
	mk_parent zempty
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  mtty-1
    Available instances: 24
    Device API: vfio-pci
zempty
" ]
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
