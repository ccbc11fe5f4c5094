#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of the test harness itself: the fake-tree builders, the asserts and the fake kernel.

load test_helper

U1=c109cf76-5f47-4b8a-b074-dff5f464a8a0
U2=3c0031fc-d6f9-48c4-b8de-5088a4884519

# avail PARENT TYPE: the type's available_instances file content, without the newline.
avail() {
	cat "$ROOT/sys/class/mdev_bus/$1/mdev_supported_types/$2/available_instances"
}

# no_dangling: every symlink under ROOT resolves.
no_dangling() {
	local l bad=
	while IFS= read -r l; do
		[ -e "$l" ] || bad+=" ${l#"$ROOT"/}"
	done < <(find "$ROOT" -type l)
	[ -z "$bad" ] || _fail "dangling links:$bad"
}

# -- builders ----------------------------------------------------------------------------------

@test "_relpath climbs to the nearest ancestor of the target's directory, like kernfs" {
	_relpath sys/class/mdev_bus sys/devices/virtual/mtty/mtty
	[ "$_REL" = ../../devices/virtual/mtty/mtty ]
	_relpath sys/devices/virtual/mtty/mtty/U sys/devices/virtual/mtty/mtty/mdev_supported_types/t
	[ "$_REL" = ../mdev_supported_types/t ]
	_relpath sys/devices/virtual/mtty/mtty/U/vfio-dev/vfio0 sys/devices/virtual/mtty/mtty/U
	[ "$_REL" = ../../../U ]
	_relpath a/b a/b/c
	[ "$_REL" = c ]
	_relpath ab/c a/x
	[ "$_REL" = ../../a/x ]
}

@test "mk_parent: a sample parent looks like the kernel's" {
	mk_parent mtty
	[ "$(readlink "$ROOT/sys/class/mdev_bus/mtty")" = ../../devices/virtual/mtty/mtty ]
	[ -d "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types" ]
	[ -f "$ROOT/sys/devices/virtual/mtty/mtty/uevent" ]
	[ "$(readlink "$ROOT/sys/devices/virtual/mtty/mtty/subsystem")" = ../../../../class/mtty ]
	[ "$(readlink "$ROOT/sys/class/mtty/mtty")" = ../../devices/virtual/mtty/mtty ]
	[ -d "$ROOT/sys/bus/mdev/devices" ]
	[ "$(parent_path mtty)" = sys/devices/virtual/mtty/mtty ]
	no_dangling
}

@test "mk_parent: PCI, ccw and matrix parents get their bus paths; DEVDIR overrides" {
	mk_parent 0000:00:02.0
	mk_parent 0000:3b:00.0 pci0000:3a/0000:3a:00.0
	mk_parent 0.0.26ab
	mk_parent matrix
	[ "$(readlink "$ROOT/sys/class/mdev_bus/0000:00:02.0")" = ../../devices/pci0000:00/0000:00:02.0 ]
	[ "$(readlink "$ROOT/sys/class/mdev_bus/0000:3b:00.0")" = ../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0 ]
	[ "$(readlink "$ROOT/sys/class/mdev_bus/0.0.26ab")" = ../../devices/css0/0.0.26ab ]
	[ "$(readlink "$ROOT/sys/class/mdev_bus/matrix")" = ../../devices/vfio_ap/matrix ]
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:02.0/subsystem")" = ../../../bus/pci ]
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:3b:00.0")" = ../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0 ]
	no_dangling
}

@test "mk_type: attribute files with trailing newlines, empty create, optional name/description" {
	mk_parent p
	mk_type p t1 7 vfio-ccw "A name" $'line 1\nline 2'
	mk_type p t2 0
	local t1="$ROOT/sys/devices/virtual/p/p/mdev_supported_types/t1"
	local t2="$ROOT/sys/devices/virtual/p/p/mdev_supported_types/t2"
	assert_file_content "$t1/available_instances" $'7\n'
	assert_file_content "$t1/device_api" $'vfio-ccw\n'
	assert_file_content "$t1/name" $'A name\n'
	assert_file_content "$t1/description" $'line 1\nline 2\n'
	assert_no_write "$t1/create"
	[ -d "$t1/devices" ]
	assert_file_content "$t2/device_api" $'vfio-pci\n'
	[ ! -e "$t2/name" ] && [ ! -e "$t2/description" ]
}

@test "mk_samples: the types of the 6.12 sample drivers" {
	mk_samples
	local t got=
	for t in "$ROOT"/sys/class/mdev_bus/*/mdev_supported_types/*; do
		got+="$(basename "$(dirname "$(dirname "$t")")") $(basename "$t")"
		got+=" $(<"$t/available_instances") $(<"$t/device_api") [$(cat "$t/name")]"
		got+=" [$(cat "$t/description" 2>/dev/null || echo -)]"$'\n'
	done
	[ "$got" = "mbochs mbochs-large 4 vfio-pci [mbochs-large] [virtual display, 64 MB video memory]
mbochs mbochs-medium 16 vfio-pci [mbochs-medium] [virtual display, 16 MB video memory]
mbochs mbochs-small 64 vfio-pci [mbochs-small] [virtual display, 4 MB video memory]
mdpy mdpy-hd 4 vfio-pci [mdpy-hd] [virtual display, 1920x1080 framebuffer]
mdpy mdpy-vga 4 vfio-pci [mdpy-vga] [virtual display, 640x480 framebuffer]
mdpy mdpy-xga 4 vfio-pci [mdpy-xga] [virtual display, 1024x768 framebuffer]
mtty mtty-1 24 vfio-pci [Single port serial] [-]
mtty mtty-2 12 vfio-pci [Dual port serial] [-]
" ]
}

@test "mk_active: the links of kernel-runs/run-tiny-iommu.txt, lower-cased, one instance fewer" {
	mk_samples
	mk_active mtty mtty-2 "${U1^^}" 4
	local d="$ROOT/sys/devices/virtual/mtty/mtty/$U1"
	[ -d "$d/vendor" ] && [ -f "$d/uevent" ]
	assert_no_write "$d/remove"
	[ "$(readlink "$d/mdev_type")" = ../mdev_supported_types/mtty-2 ]
	[ "$(readlink "$d/driver")" = ../../../../../bus/mdev/drivers/mtty ]
	[ "$(readlink "$d/iommu_group")" = ../../../../../kernel/iommu_groups/4 ]
	[ "$(readlink "$d/subsystem")" = ../../../../../bus/mdev ]
	[ "$(readlink "$d/vfio-dev/vfio0/device")" = "../../../$U1" ]
	[ "$(readlink "$d/vfio-dev/vfio0/subsystem")" = ../../../../../../../class/vfio-dev ]
	[ "$(readlink "$ROOT/sys/bus/mdev/devices/$U1")" = "../../../devices/virtual/mtty/mtty/$U1" ]
	[ "$(readlink "$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/devices/$U1")" = "../../../$U1" ]
	[ "$(readlink "$ROOT/sys/kernel/iommu_groups/4/devices/$U1")" = "../../../../devices/virtual/mtty/mtty/$U1" ]
	[ "$(readlink "$ROOT/sys/class/vfio/4")" = ../../devices/virtual/vfio/4 ]
	[ "$(readlink "$ROOT/sys/class/vfio-dev/vfio0")" = "../../devices/virtual/mtty/mtty/$U1/vfio-dev/vfio0" ]
	assert_file_content "$ROOT/sys/kernel/iommu_groups/4/name" $'vfio-noiommu\n'
	assert_file_content "$ROOT/sys/kernel/iommu_groups/4/type" $'unknown\n'
	assert_file_content "$ROOT/sys/kernel/iommu_groups/4/reserved_regions" ""
	assert_file_content "$d/uevent" $'DRIVER=mtty\n'
	[ "$(avail mtty mtty-2)" = 11 ]
	[ "$(basename "$(realpath "$ROOT/sys/bus/mdev/devices/$U1/..")")" = mtty ]
	no_dangling
}

@test "mk_active: without a group, on a PCI parent behind a bridge" {
	mk_parent 0000:3b:00.0 pci0000:3a/0000:3a:00.0
	mk_type 0000:3b:00.0 nvidia-63 1
	mk_active 0000:3b:00.0 nvidia-63 "$U2"
	local d="$ROOT/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/$U2"
	[ ! -e "$d/iommu_group" ] && [ ! -e "$d/vfio-dev" ]
	[ "$(readlink "$d/driver")" = ../../../../../bus/mdev/drivers/vfio_mdev ]
	[ "$(readlink "$ROOT/sys/bus/mdev/devices/$U2")" = "../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0/$U2" ]
	[ "$(avail 0000:3b:00.0 nvidia-63)" = 0 ]
	no_dangling
}

@test "mk_active: refuses a type the parent does not have" {
	mk_samples
	run -1 mk_active mtty nosuch "$U1"
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
}

@test "mk_config writes verbatim, from an argument or stdin; mk_scriptdirs" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	assert_file_content "$ROOT/etc/mdevctl.d/mtty/$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" - <<<'{"x": 1}'
	assert_file_content "$ROOT/etc/mdevctl.d/mtty/$U2" $'{"x": 1}\n'
	mk_scriptdirs
	[ -d "$ROOT/etc/mdevctl.d/scripts.d/callouts" ] && [ -d "$ROOT/etc/mdevctl.d/scripts.d/notifiers" ]
}

@test "every golden tree builds without a dangling link" {
	local t
	for t in "$GOLDEN"/*/tree.sh; do
		rm -rf "$ROOT" && mkdir -p "$ROOT"
		load_tree "$(basename "$(dirname "$t")")"
		no_dangling
	done
}

# -- asserts -----------------------------------------------------------------------------------

@test "run_exact keeps trailing newlines and stderr apart; -N checks the status" {
	run_exact -3 sh -c 'printf "a\n\n"; printf "e\n" >&2; exit 3'
	[ "$status" -eq 3 ] && [ "$output" = $'a\n\n' ] && [ "$stderr" = $'e\n' ]
	run -1 run_exact -0 false
	run_exact printf ''
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "assert_output_file, assert_file_content and assert_no_write compare every byte" {
	printf 'x\n' >"$BATS_TEST_TMPDIR/g"
	run_exact printf 'x\n'
	assert_output_file "$BATS_TEST_TMPDIR/g"
	run_exact printf 'x\n\n'
	run -1 assert_output_file "$BATS_TEST_TMPDIR/g"
	run_exact printf 'x'
	run -1 assert_output_file "$BATS_TEST_TMPDIR/g"
	assert_file_content "$BATS_TEST_TMPDIR/g" $'x\n'
	run -1 assert_file_content "$BATS_TEST_TMPDIR/g" x
	run -1 assert_file_content "$BATS_TEST_TMPDIR/nosuch" ""
	run -1 assert_no_write "$BATS_TEST_TMPDIR/g"
	: >"$BATS_TEST_TMPDIR/e"
	assert_no_write "$BATS_TEST_TMPDIR/e"
}

# -- the fake kernel ---------------------------------------------------------------------------

@test "fakekernel: starts, says ready, stops cleanly on SIGTERM" {
	mk_samples
	fakekernel_start
	kill -0 "$FAKEKERNEL_PID"
	local pid=$FAKEKERNEL_PID
	fakekernel_stop
	[ -z "$FAKEKERNEL_PID" ]
	run ! kill -0 "$pid"
}

@test "fakekernel: create makes exactly the device mk_active makes" {
	mk_samples
	local snap="$BATS_TEST_TMPDIR/twin"
	ROOT=$snap mk_samples
	ROOT=$snap mk_active mtty mtty-1 "$U1" 0
	fakekernel_start
	printf '%s\n' "${U1^^}" >"$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	fakekernel_settle
	[ "$(avail mtty mtty-1)" = 23 ]
	assert_no_write "$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
	diff -u <(tree_snapshot "$snap") <(tree_snapshot "$ROOT")
	grep -q "create mtty/mtty-1 $U1: ok" "$FAKEKERNEL_CTL/log"
}

@test "fakekernel: remove undoes create exactly" {
	mk_samples
	local before
	before=$(tree_snapshot "$ROOT")
	fakekernel_start
	printf '%s' "$U1" >"$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	[ "$(avail mtty mtty-2)" = 11 ]
	echo 0 >"$ROOT/sys/bus/mdev/devices/$U1/remove"
	fakekernel_settle
	[ -d "$ROOT/sys/devices/virtual/mtty/mtty/$U1" ]
	assert_no_write "$ROOT/sys/bus/mdev/devices/$U1/remove"
	echo 1 >"$ROOT/sys/bus/mdev/devices/$U1/remove"
	wait_for_gone "$ROOT/sys/devices/virtual/mtty/mtty/$U1"
	fakekernel_settle
	[ "$(avail mtty mtty-2)" = 12 ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "fakekernel: refuses a duplicate, a malformed UUID and a type with no instances left" {
	mk_samples
	mk_parent p
	mk_type p empty 0
	fakekernel_start
	local c="$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create"
	# settle after each write: two quick writes to one file would reach it as the last one
	echo "$U1" >"$c"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	echo "$U1" >"$ROOT/sys/class/mdev_bus/mdpy/mdev_supported_types/mdpy-hd/create"
	fakekernel_settle
	echo not-a-uuid >"$c"
	fakekernel_settle
	echo "${U2}X" >"$c"
	fakekernel_settle
	echo "$U2" >"$ROOT/sys/class/mdev_bus/p/mdev_supported_types/empty/create"
	fakekernel_settle
	grep -q "create mdpy/mdpy-hd $U1: refused: File exists" "$FAKEKERNEL_CTL/log"
	grep -q 'create mtty/mtty-2 "not-a-uuid": refused: Invalid argument' "$FAKEKERNEL_CTL/log"
	grep -q "create mtty/mtty-2 \"${U2}X\": refused: Invalid argument" "$FAKEKERNEL_CTL/log"
	grep -q "create p/empty $U2: refused: No space left on device" "$FAKEKERNEL_CTL/log"
	[ "$(avail mtty mtty-2)" = 11 ] && [ "$(avail mdpy mdpy-hd)" = 4 ] && [ "$(avail p empty)" = 0 ]
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U2" ]
	assert_no_write "$c"
	assert_no_write "$ROOT/sys/class/mdev_bus/p/mdev_supported_types/empty/create"
}

@test "fakekernel: picks up parents, types and devices made after it started" {
	fakekernel_start
	mk_parent 0000:00:02.0
	mk_type 0000:00:02.0 i915-GVTg_V5_4 2
	mk_samples
	mk_active mtty mtty-1 "$U2" 3
	fakekernel_settle
	echo "$U1" >"$ROOT/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/create"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:02.0/$U1/driver")" = ../../../../bus/mdev/drivers/vfio_mdev ]
	# group 3 is taken by mk_active's device: the lowest free one is 0
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:02.0/$U1/iommu_group")" = ../../../../kernel/iommu_groups/0 ]
	echo 1 >"$ROOT/sys/bus/mdev/devices/$U2/remove"
	wait_for_gone "$ROOT/sys/bus/mdev/devices/$U2"
	fakekernel_settle
	[ "$(avail mtty mtty-1)" = 24 ]
	[ ! -e "$ROOT/sys/kernel/iommu_groups/3" ] && [ ! -e "$ROOT/sys/class/vfio/3" ]
	no_dangling
}

@test "fakekernel: new devices get the attribute files of fakekernel_attrs" {
	mk_parent matrix
	mk_type matrix vfio_ap-passthrough 2 vfio-ap
	fakekernel_attrs vfio_ap-passthrough assign_adapter assign_domain matrix=$'00.0004\n'
	fakekernel_start
	echo "$U1" >"$ROOT/sys/class/mdev_bus/matrix/mdev_supported_types/vfio_ap-passthrough/create"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	assert_no_write "$ROOT/sys/bus/mdev/devices/$U1/assign_adapter"
	assert_no_write "$ROOT/sys/bus/mdev/devices/$U1/assign_domain"
	assert_file_content "$ROOT/sys/bus/mdev/devices/$U1/matrix" $'00.0004\n'
}

@test "fakekernel: reacts within milliseconds" {
	mk_samples
	fakekernel_start
	local t0 t1
	t0=$(date +%s%N)
	echo "$U1" >"$ROOT/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 500 ]
}

# -- against the oracle (Debian's mdevctl 1.2.0) ---------------------------------------------

@test "oracle: mdevctl start/list/stop work on a fake tree with the fake kernel" {
	need_oracle
	mk_samples
	fakekernel_start
	run mdevctl_oracle start -p mtty -t mtty-1 -u "$U1"
	[ "$status" -eq 0 ]
	wait_for "$ROOT/sys/bus/mdev/devices/$U1"
	fakekernel_settle
	run_exact -0 mdevctl_oracle list
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n\n' ]
	[ "$(avail mtty mtty-1)" = 23 ]
	run -1 mdevctl_oracle start -p mtty -t mtty-1 -u "$U1"
	run -0 mdevctl_oracle stop -u "$U1"
	fakekernel_settle
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	run_exact -0 mdevctl_oracle list
	[ "$output" = $'\n' ]
	[ "$(avail mtty mtty-1)" = 24 ]
}

@test "oracle: mdevctl reads mk_active devices and mk_config definitions" {
	need_oracle
	load_tree samples
	run_exact -0 mdevctl_oracle list -d
	[[ $output == *"3c0031fc-d6f9-48c4-b8de-5088a4884519 mdpy mdpy-hd auto (active)"* ]]
	[[ $output == *"e2a0c1d4-5b6a-4c3d-8e9f-0a1b2c3d4e5f mtty mtty-2 manual"* ]]
}

@test "oracle: the golden files are what mdevctl 1.2.0 prints today" {
	need_oracle
	[ "$(mdevctl --version)" = "mdevctl 1.2.0" ] || skip "oracle is not mdevctl 1.2.0"
	[ -x "$BATS_TEST_DIRNAME/gen-golden.sh" ] || skip "gen-golden.sh is not in this tree"
	run "$BATS_TEST_DIRNAME/gen-golden.sh" --check
	[ "$status" -eq 0 ] || _fail "$output"
}
