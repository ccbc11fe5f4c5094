#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's types tests (src/tests/types.rs): an empty tree, three parents (PCI and ccw)
# with types that have or lack a description, and -p for each of them and for a missing one.

load test_helper
load callout_helper
load upstream_helper

tree() {
	up_type "$P2" mdev_type1 5 vfio-pci name1 "description 1"
	up_type "$P2" mdev_type2 16 vfio-pci name2
	up_type "$P2" mdev_type3 1 vfio-pci name3 "description 3"
	up_type "$P3" nvidia-155 4 vfio-pci "GRID M10-2B"
	up_type "$P3" nvidia-36 16 vfio-pci "GRID M10-0Q"
	up_type 0.0.26ab vfio_ccw-io 4 vfio_mdev name description
}

# types_is FILE|- ARGS...: `types ARGS` prints tests/upstream/types/FILE.txt and `types
# --dumpjson ARGS` FILE.json (- for nothing and "[]\n"); both exit 0 and warn nothing.
types_is() {
	local f=$1
	shift
	run_exact -0 mdevadm types "$@"
	[ -z "$stderr" ] || _fail "types $* warned: $stderr" || return
	if [ "$f" = - ]; then [ -z "$output" ]; else up_out "types/$f.txt"; fi || return
	run_exact -0 mdevadm types --dumpjson "$@"
	[ -z "$stderr" ] || _fail "types --dumpjson $* warned: $stderr" || return
	if [ "$f" = - ]; then [ "$output" = $'[]\n' ]; else up_out "types/$f.json"; fi
}

@test "types.rs/empty: no parent prints nothing, [] in JSON" {
	types_is -
	mkdir -p "$ROOT/sys/class/mdev_bus"
	types_is -
}

@test "types.rs/full: every parent in byte order, name and description only where given" {
	tree
	types_is full
}

@test "types.rs/parent-match-1, -2, -3: -p shows one parent" {
	tree
	types_is p02 -p "$P2"
	types_is p03 -p "$P3"
	types_is ccw -p 0.0.26ab
}

@test "types.rs/parent-no-match: -p of a parent that does not exist prints nothing" {
	tree
	types_is - -p missing
}
