#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's list tests (src/tests/list.rs): every filter combination in text and JSON on
# one tree, attributes from a get-attributes callout, and files that are not definitions.

load test_helper
load callout_helper
load upstream_helper

# upstream's list UUIDs
L0=976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9
L1=59e8b599-afdd-4766-a59e-415ef4f5a492
L2=4a0a190f-dcf3-4def-9342-c48768f0c940
L3=9f579710-6ffc-4201-987a-4ffa0fb1f3a5

# two active devices on two parents, and three definitions: L3 on both parents (not active)
tree() {
	up_active "$L0" "$P2" arbitrary_type1
	up_active "$L1" "$P3" arbitrary_type2
	up_defined "$L2" "$P2" gvt8-auto
	up_defined "$L3" "$P3" ap-manual
	up_defined "$L3" "$P2" ap-manual
}

# list_is FILE|- JSONFILE|[] ARGS...: `list ARGS` prints tests/upstream/list/FILE (- for
# nothing) and `list --dumpjson ARGS` prints JSONFILE ([] for "[]\n"); both exit 0, warn nothing.
list_is() {
	local txt=$1 json=$2
	shift 2
	run_exact -0 mdevadm list "$@"
	[ -z "$stderr" ] || _fail "list $* warned: $stderr" || return
	if [ "$txt" = - ]; then
		[ -z "$output" ] || _fail "list $* printed: $output" || return
	else
		up_out "list/$txt" || return
	fi
	run_exact -0 mdevadm list --dumpjson "$@"
	[ -z "$stderr" ] || _fail "list --dumpjson $* warned: $stderr" || return
	if [ "$json" = "[]" ]; then
		[ "$output" = $'[]\n' ] || _fail "list --dumpjson $* printed: $output"
	else
		up_out "list/$json"
	fi
}

@test "list.rs/active-none, defined-none: an empty tree lists nothing, [] in JSON" {
	mkdir -p "$ROOT/sys/bus/mdev/devices" "$ROOT/sys/class/mdev_bus" "$ROOT/etc/mdevctl.d"
	list_is - "[]"
	list_is - "[]" -d
}

@test "list.rs/active, active-verbose: both active devices, no attributes to show" {
	tree
	list_is active.txt active.json
	list_is active.txt active.json -v
}

@test "list.rs/active-parent, active-parent-verbose: -p keeps one parent's device" {
	tree
	list_is active-p.txt active-p.json -p "$P2"
	list_is active-p.txt active-p.json -p "$P2" -v
}

@test "list.rs/active-uuid, -verbose, -uuid-parent, -uuid-parent-verbose: one device, bare JSON" {
	tree
	list_is active-p.txt active-u.json -u "$L0"
	list_is active-p.txt active-u.json -u "$L0" -v
	list_is active-p.txt active-u.json -u "$L0" -p "$P2"
	list_is active-p.txt active-u.json -u "$L0" -p "$P2" -v
}

@test "list.rs/defined, defined-verbose: every definition, attributes with -v" {
	tree
	list_is defined.txt defined.json -d
	list_is defined-v.txt defined.json -d -v
}

@test "list.rs/defined-parent, defined-parent-verbose: one parent's definitions" {
	tree
	list_is defined-p.txt defined-p.json -d -p "$P2"
	list_is defined-p-v.txt defined-p.json -d -p "$P2" -v
}

@test "list.rs/defined-uuid, defined-uuid-verbose: a UUID defined twice lists both, as a tree" {
	tree
	list_is defined-u.txt defined-u.json -d -u "$L3"
	list_is defined-u-v.txt defined-u.json -d -u "$L3" -v
}

@test "list.rs/defined-uuid-parent, -verbose: UUID and parent pick one: bare JSON" {
	tree
	list_is defined-u-p.txt defined-u-p.json -d -u "$L3" -p "$P2"
	list_is defined-u-p-v.txt defined-u-p.json -d -u "$L3" -p "$P2" -v
}

@test "list.rs/no-match-uuid, no-match-parent: a filter matching nothing lists nothing" {
	tree
	list_is - "[]" -d -v -u 466983a3-1240-4543-8d02-01c29a08fb0c
	list_is - "[]" -d -v -p nonexistent
	# the same for active devices (not an upstream case: the other half of the filter)
	list_is - "[]" -u 466983a3-1240-4543-8d02-01c29a08fb0c
	list_is - "[]" -p nonexistent
}

@test "list.rs/active-callout: a get-attributes callout fills attrs in JSON, not in plain text" {
	tree
	up_script attrs
	list_is active.txt active-attrs.json
}

@test "list.rs/active-callout-bad-json: a callout printing junk is ignored, with a warning" {
	tree
	up_script not-json
	run_exact -0 mdevadm list
	up_out list/active.txt
	run_exact -0 mdevadm list --dumpjson
	up_out list/active.json
	# upstream only logs at debug level; mdevadm says which script and device, once each
	[ "$(grep -c 'not-json' <<<"$stderr")" -eq 2 ]
	[[ $stderr == *"$L0"* && $stderr == *"$L1"* ]]
}

@test "list.rs/test_invalid_files: a device and a definition not named by a UUID are ignored" {
	up_active "$L0" "$P3" arbitrary_type
	mkdir -p "$ROOT/$(parent_path "$P3")/invalid-uuid-value"
	_link "$(parent_path "$P3")/invalid-uuid-value" sys/bus/mdev/devices/invalid-uuid-value
	up_defined invalid-uuid-value "$P3" ap-manual
	run_exact -0 mdevadm list
	[ "$output" = "$L0 $P3 arbitrary_type manual"$'\n' ]
	[ -z "$stderr" ]
	run_exact -0 mdevadm list -d
	[ -z "$output" ]
	[[ $stderr == *invalid-uuid-value* ]]
}
