#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start --wait[=SECONDS]: after creating, wait until the device is bound to a driver and every
# VFIO node the kernel announced for it exists (/dev/vfio/GROUP, /dev/vfio/devices/vfioN), or
# fail after the timeout naming what is missing; the device stays created. On a fake root this
# polls the tree; the tests play udev's part by creating the /dev nodes themselves.

load test_helper

teardown() {
	[ -z "${HELPER_PID-}" ] || { kill "$HELPER_PID" 2>/dev/null; wait "$HELPER_PID" 2>/dev/null; } || true
	common_teardown
}

# in_background CMD...: run CMD in the background, killed at teardown.
in_background() {
	"$@" 3>&- &
	HELPER_PID=$!
}

# udev_later UUID DELAY: once the fake kernel has made UUID, wait DELAY seconds and create the
# /dev nodes of its IOMMU group and of its vfio-dev cdev, as devtmpfs and udev would.
udev_later() {
	local dev="$ROOT/sys/bus/mdev/devices/$1" g c
	wait_for "$dev/iommu_group" || return
	sleep "$2"
	g=$(basename "$(readlink "$dev/iommu_group")")
	mkdir -p "$ROOT/dev/vfio/devices"
	: >"$ROOT/dev/vfio/$g"
	for c in "$dev"/vfio-dev/vfio*; do
		: >"$ROOT/dev/vfio/devices/${c##*/}"
	done
}

@test "start --wait: returns once the driver is bound and the VFIO nodes exist" {
	mk_samples
	fakekernel_start
	in_background udev_later "$U1" 0.4
	local t0=$SECONDS
	run_exact -0 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=10
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ -e "$ROOT/dev/vfio/0" ] && [ -e "$ROOT/dev/vfio/devices/vfio0" ]
	[ $((SECONDS - t0)) -lt 5 ]
}

@test "start --wait=1: the group node never appears: exit 1 naming it; the device stays" {
	mk_samples
	fakekernel_start
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=1
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: $U1 is not ready after 1 s: it is bound to mtty, but its VFIO group node /dev/vfio/0 does not exist; it stays created on mtty ('mdevadm stop -u $U1' removes it)
" ]
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
}

@test "start --wait=1: the group node is there but not the vfio-dev one: that is named" {
	mk_samples
	fakekernel_start
	mkdir -p "$ROOT/dev/vfio"
	: >"$ROOT/dev/vfio/0"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=1
	[[ $stderr == *"is not ready after 1 s: it is bound to mtty, but its VFIO device node /dev/vfio/devices/vfio0 does not exist;"* ]]
}

@test "start --wait=1: nothing answers the create write: the device never shows up" {
	mk_samples
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=1
	[ "$stderr" = "mdevadm: $U1 is not ready after 1 s: it is not in /sys/bus/mdev/devices; it stays created on mtty ('mdevadm stop -u $U1' removes it)
" ]
	[ "$(cat "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create")" = "$U1" ]
}

# kernel_unbound UUID: once UUID is written to mtty-1's create, lay the device out unbound.
kernel_unbound() {
	local create="$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create"
	until grep -q "$1" "$create" 2>/dev/null; do sleep 0.01; done
	mk_active mtty mtty-1 "$1" 3
	rm "$ROOT/sys/bus/mdev/devices/$1/driver"
}

@test "start --wait: a device that is not bound to a driver is reported so" {
	mk_samples
	in_background kernel_unbound "$U1"
	# 10 s: on a loaded machine (CI runs two test files at once) the emulated kernel can take
	# seconds to lay the device out, and a shorter wait would see it half made
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=10
	[[ $stderr == "mdevadm: $U1 is not ready after 10 s: it is not bound to a driver (no /sys/bus/mdev/devices/$U1/driver);"* ]]
}

# kernel_binds_late UUID: like kernel_unbound, then binds it and makes its nodes 0.3 s later.
kernel_binds_late() {
	kernel_unbound "$1"
	sleep 0.3
	_link sys/bus/mdev/drivers/mtty "$(parent_path mtty)/$1/driver"
	mkdir -p "$ROOT/dev/vfio/devices"
	: >"$ROOT/dev/vfio/3"
	: >"$ROOT/dev/vfio/devices/vfio0"
}

@test "start --wait: a driver that binds late is waited for" {
	mk_samples
	in_background kernel_binds_late "$U1"
	run_exact -0 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=30
	[ "$stderr" = "" ]
}

# kernel_noiommu UUID: once UUID is written to mtty-1's create, lay it out as in VFIO's no-IOMMU
# mode: IOMMU group 3, whose VFIO class device and node are called noiommu-3 (DEVNAME says so).
kernel_noiommu() {
	local create="$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create"
	until grep -q "$1" "$create" 2>/dev/null; do sleep 0.01; done
	mk_active mtty mtty-1 "$1" 3
	mv "$ROOT/sys/devices/virtual/vfio/3" "$ROOT/sys/devices/virtual/vfio/noiommu-3"
	rm "$ROOT/sys/class/vfio/3"
	_link sys/devices/virtual/vfio/noiommu-3 sys/class/vfio/noiommu-3
	_put sys/devices/virtual/vfio/noiommu-3/uevent $'MAJOR=253\nMINOR=3\nDEVNAME=vfio/noiommu-3\n'
}

@test "start --wait: a no-IOMMU group's node is /dev/vfio/noiommu-N, as its DEVNAME says" {
	mk_samples
	in_background kernel_noiommu "$U1"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=10
	[[ $stderr == *"it is bound to mtty, but its VFIO group node /dev/vfio/noiommu-3 does not exist;"* ]]
}

@test "start --wait: a no-IOMMU device with its nodes in place is ready" {
	mk_samples
	mkdir -p "$ROOT/dev/vfio/devices"
	: >"$ROOT/dev/vfio/noiommu-3"
	: >"$ROOT/dev/vfio/devices/vfio0"
	in_background kernel_noiommu "$U1"
	run_exact -0 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=30
	[ "$stderr" = "" ]
}

@test "start --wait: a generated UUID is printed even when the wait fails, so it can be stopped" {
	mk_samples
	fakekernel_start
	run_exact -1 mdevadm start -p mtty -t mtty-1 --wait=1
	[[ $output =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'\n'$ ]]
	local u=${output%$'\n'}
	[[ $stderr == *"'mdevadm stop -u $u' removes it"* ]]
	run_exact -0 mdevadm stop -u "$u"
}

# remove_when_up UUID: once the fake kernel has made UUID, remove it again.
remove_when_up() {
	wait_for "$ROOT/sys/bus/mdev/devices/$1/iommu_group" || return
	sleep 0.2
	echo 1 >"$ROOT/sys/bus/mdev/devices/$1/remove"
}

@test "start --wait: a device removed while waited for fails at once" {
	mk_samples
	fakekernel_start
	in_background remove_when_up "$U1"
	local t0=$SECONDS
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=10
	[ "$stderr" = "mdevadm: $U1 went away while waiting for it to be ready
" ]
	[ $((SECONDS - t0)) -lt 5 ]
}

@test "start --wait: defined devices too; without --wait start does not wait" {
	mk_samples
	mdevadm define -u "$U1" -p mtty -t mtty-1
	fakekernel_start
	run_exact -0 mdevadm start -u "$U1"
	fakekernel_settle
	[ ! -e "$ROOT/dev/vfio/0" ]
	mdevadm stop -u "$U1"
	fakekernel_settle
	in_background udev_later "$U1" 0.1
	run_exact -0 mdevadm start -u "$U1" --wait
}

@test "start --wait: a bad value is a usage error and nothing is created" {
	mk_samples
	run_exact -2 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=soon
	[[ $stderr == *"invalid --wait 'soon'"* ]]
	run_exact -2 mdevadm start -u "$U1" -p mtty -t mtty-1 --wait=-1
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create"
}
