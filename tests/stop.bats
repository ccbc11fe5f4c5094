#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# stop: writes 1 to the device's remove; a device that is not active is a failure.

load test_helper

tree() {
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_active mtty mtty-1 "$U1" 3
	mk_active mtty mtty-1 "$U2" 4
}

rmfile() { printf '%s/%s/%s/remove' "$ROOT" "$(parent_path "$1")" "$2"; }

@test "stop -u: writes 1 to the device's remove, and nothing else" {
	tree
	run_exact -0 mdevadm stop -u "$U1"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	assert_written "$(rmfile mtty "$U1")" 1
	assert_no_write "$(rmfile mtty "$U2")"
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create"
}

@test "stop: a device that is not active fails with exit 1 and one line" {
	tree
	local u3=33333333-3333-4333-8333-333333333333
	run_exact -1 mdevadm stop -u "$u3"
	[ "$output" = "" ]
	[[ $stderr == *"$u3"*"not active"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	assert_no_write "$(rmfile mtty "$U1")"
	assert_no_write "$(rmfile mtty "$U2")"
}

@test "stop: a defined but inactive device is not active either" {
	tree
	local u3=33333333-3333-4333-8333-333333333333
	mk_config mtty "$u3" '{"mdev_type": "mtty-1", "start": "auto"}'
	run_exact -1 mdevadm stop -u "$u3"
	[[ $stderr == *"not active"* ]]
	# the definition is untouched
	assert_file_content "$ROOT/etc/mdevctl.d/mtty/$u3" '{"mdev_type": "mtty-1", "start": "auto"}'
}

@test "stop: the definition of a stopped device stays" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	run_exact -0 mdevadm stop -u "$U1"
	assert_written "$(rmfile mtty "$U1")" 1
	assert_file_content "$ROOT/etc/mdevctl.d/mtty/$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
}

@test "stop: the UUID in any form reaches the lower-case device" {
	tree
	run_exact -0 mdevadm stop -u "{${U2^^}}"
	assert_written "$(rmfile mtty "$U2")" 1
	run_exact -0 mdevadm stop --uuid="${U1//-/}"
	assert_written "$(rmfile mtty "$U1")" 1
}

@test "stop: without --uuid, or with options it does not take, is a usage error" {
	tree
	run_exact -2 mdevadm stop
	[[ $stderr == *--uuid* && $stderr == *--help* ]]
	run_exact -2 mdevadm stop -u "$U1" -p mtty
	[[ $stderr == *"'-p'"* ]]
	run_exact -2 mdevadm stop -u not-a-uuid
	[[ $stderr == *not-a-uuid* ]]
	assert_no_write "$(rmfile mtty "$U1")"
	assert_no_write "$(rmfile mtty "$U2")"
}

@test "stop: a device whose directory is gone (dangling bus link) is not active" {
	mk_bare_mtty
	mkdir -p "$ROOT/sys/bus/mdev/devices"
	ln -s "../../../devices/virtual/mtty/mtty/$U1" "$ROOT/sys/bus/mdev/devices/$U1"
	run_exact -1 mdevadm stop -u "$U1"
	[[ $stderr == *"not active"* ]]
	[ ! -e "$ROOT/$(parent_path mtty)/$U1" ]
}

@test "stop (fake kernel): the device goes away and its instance comes back" {
	tree
	fakekernel_start
	run_exact -0 mdevadm stop -u "$U1"
	fakekernel_settle
	grep -q "remove $U1: ok" "$FAKEKERNEL_CTL/log"
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	[ "$(cat "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/available_instances")" = 23 ]
	run_exact -0 mdevadm list
	[ "$output" = "$U2 mtty mtty-1 manual
" ]
	# stopping it again fails
	run_exact -1 mdevadm stop -u "$U1"
	[[ $stderr == *"not active"* ]]
}

@test "stop -f: --force is accepted" {
	tree
	run_exact -0 mdevadm stop -f -u "$U2"
	assert_written "$(rmfile mtty "$U2")" 1
}

@test "stop: renames elsewhere on the system never make a stop fail" {
	tree
	# any rename on the system can make openat2(RESOLVE_IN_ROOT) through ".." answer EAGAIN
	renamer_start
	local i fails=0 first=
	for ((i = 0; i < 60; i++)); do
		run_exact mdevadm stop -u "$U1"
		if [ "$status" -ne 0 ]; then
			fails=$((fails + 1))
			first=${first:-$stderr}
		fi
	done
	renamer_stop
	[ "$fails" -eq 0 ] || _fail "$fails of 60 stops failed, first: $first"
}

@test "stop: a device a process holds is refused, naming the process; nothing is written" {
	tree
	mk_holder 4242 /dev/vfio/3 qemu-system-x86_64 -name guest=vm1
	mk_holder 4243 /dev/vfio/devices/vfio0 qemu-system-x86_64 -name guest=vm2
	mk_holder 99 /dev/vfio/4 qemu-system-x86_64 -name guest=other
	run_exact -1 mdevadm stop -u "$U1"
	[ "$stderr" = "mdevadm: cannot stop $U1: in use by 4242 (qemu-system-x86_64 -name guest=vm1), 4243 (qemu-system-x86_64 -name guest=vm2) (--force stops it anyway, waiting until it is released)"$'\n' ]
	assert_no_write "$(rmfile mtty "$U1")"
	# the other device's holder does not hold this one
	rm -r "$ROOT/proc/99"
	run_exact -0 mdevadm stop -u "$U2"
	assert_written "$(rmfile mtty "$U2")" 1
}

@test "stop --force: a held device is removed all the same" {
	tree
	mk_holder 4242 /dev/vfio/3 qemu-system-x86_64
	run_exact -0 mdevadm stop --force -u "$U1"
	assert_written "$(rmfile mtty "$U1")" 1
}

@test "stop: processes that hold other files, or none, do not count" {
	tree
	mk_holder 10 /dev/vfio/30 other
	mk_holder 11 /dev/vfio/devices/vfio30 other
	mkdir -p "$ROOT/proc/12" "$ROOT/proc/self/fd" "$ROOT/proc/not-a-pid/fd"
	ln -s /dev/vfio/3 "$ROOT/proc/not-a-pid/fd/1"
	run_exact -0 mdevadm stop -u "$U1"
	assert_written "$(rmfile mtty "$U1")" 1
}
