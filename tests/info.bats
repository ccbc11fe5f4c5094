#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# info: what a device is, from sysfs, the definitions and proc/PID/fd, without opening it; and
# every refusal of --probe and of types --probe that comes before an ioctl.  What the ioctls
# answer is proven on the real kernel (tests/vm/info.bats).

load test_helper

teardown() {
	[ -z "${HELPER_PID-}" ] || { kill "$HELPER_PID" 2>/dev/null; wait "$HELPER_PID" 2>/dev/null; } || true
	common_teardown
}

# tree: the samples; U1 an active, auto-started mtty-2 in emulated group 3 (cdev vfio0); U2 an
# inactive mdpy-vga definition; U3 an active transient mbochs-small in group 4 (cdev vfio1).
tree() {
	mk_samples
	mk_active mtty mtty-2 "$U1" 3
	mk_config mtty "$U1" '{"mdev_type":"mtty-2","start":"auto"}'
	mk_config mdpy "$U2" '{"mdev_type":"mdpy-vga","start":"manual"}'
	mk_active mbochs mbochs-small "$U3" 4
}

# dev_nodes NODE...: regular files where devtmpfs would put the nodes (ioctls on them fail).
dev_nodes() {
	local n
	for n in "$@"; do
		mkdir -p "$ROOT/${n%/*}"
		: >"$ROOT/$n"
	done
}

@test "info: an active defined device: parent, type and name, state, group, nodes, driver" {
	tree
	run_exact -0 mdevadm info -u "$U1"
	[ "$output" = "$U1
  Parent: mtty
  Type: mtty-2 (Dual port serial)
  Defined: yes, started automatically
  Active: yes
  IOMMU group: 3 (emulated)
  VFIO group node: /dev/vfio/3
  VFIO device node: /dev/vfio/devices/vfio0
  Driver: mtty
  Holders: none
" ]
	[ "$stderr" = "" ]
}

@test "info: a transient device is not defined; a definition alone is not active" {
	tree
	run_exact -0 mdevadm info -u "$U3"
	[[ $output == *"  Type: mbochs-small (mbochs-small)
  Defined: no
  Active: yes
  IOMMU group: 4 (emulated)
  VFIO group node: /dev/vfio/4
  VFIO device node: /dev/vfio/devices/vfio1
  Driver: mbochs
"* ]]
	run_exact -0 mdevadm info -u "$U2"
	[ "$output" = "$U2
  Parent: mdpy
  Type: mdpy-vga (mdpy-vga)
  Defined: yes, started manually
  Active: no
" ]
}

@test "info: every process holding the group or device node is listed; other processes are not" {
	tree
	mk_holder 4243 /dev/vfio/devices/vfio0 qemu-system-x86_64 -name guest=vm2
	mk_holder 4242 /dev/vfio/3 qemu-system-x86_64 -name guest=vm1
	mk_holder 99 /dev/vfio/4 qemu-system-x86_64 -name guest=other
	mk_holder 7 /dev/null sleep 100
	run_exact -0 mdevadm info -u "$U1"
	[[ $output == *"  Driver: mtty
  Holders:
    4242 on /dev/vfio/3: qemu-system-x86_64 -name guest=vm1
    4243 on /dev/vfio/devices/vfio0: qemu-system-x86_64 -name guest=vm2
" ]]
}

@test "info --dumpjson: every key, null where it does not apply" {
	tree
	mk_holder 4242 /dev/vfio/3 qemu-system-x86_64 -name "guest=vm 1"
	run_exact -0 mdevadm info -u "$U1" --dumpjson
	[ "$output" = '{
  "uuid": "'"$U1"'",
  "parent": "mtty",
  "type": "mtty-2",
  "type_name": "Dual port serial",
  "defined": true,
  "auto": true,
  "active": true,
  "iommu_group": 3,
  "iommu_group_kind": "emulated",
  "vfio_group": "/dev/vfio/3",
  "vfio_device": "/dev/vfio/devices/vfio0",
  "driver": "mtty",
  "holders": [
    {
      "pid": 4242,
      "node": "/dev/vfio/3",
      "cmdline": "qemu-system-x86_64 -name guest=vm 1"
    }
  ],
  "holders_unchecked": 0,
  "probe": null
}
' ]
	run_exact -0 mdevadm info -u "$U2" --dumpjson
	[ "$output" = '{
  "uuid": "'"$U2"'",
  "parent": "mdpy",
  "type": "mdpy-vga",
  "type_name": "mdpy-vga",
  "defined": true,
  "auto": false,
  "active": false,
  "iommu_group": null,
  "iommu_group_kind": null,
  "vfio_group": null,
  "vfio_device": null,
  "driver": null,
  "holders": [],
  "holders_unchecked": 0,
  "probe": null
}
' ]
	run_exact -0 mdevadm info -u "$U3" --dumpjson
	[[ $output == *'"defined": false,
  "auto": null,
  "active": true,'* ]]
}

@test "info: control characters from sysfs and /proc are escaped in text, exact in JSON" {
	tree
	printf 'Dual\033[2Jport\n' >"$(tdir mtty mtty-2)/name"
	mk_holder 4242 /dev/vfio/3 $'qemu\a' $'-name\nguest=vm1'
	run_exact -0 mdevadm info -u "$U1"
	[[ $output == *"  Type: mtty-2 (Dual\x1b[2Jport)"* ]]
	[[ $output == *"    4242 on /dev/vfio/3: qemu\x07 -name\x0aguest=vm1"$'\n' ]]
	run_exact -0 mdevadm info -u "$U1" --dumpjson
	[[ $output == *'"type_name": "Dual\u001b[2Jport",'* ]]
	[[ $output == *'"cmdline": "qemu\u0007 -name\nguest=vm1"'* ]]
}

@test "info: a device without a VFIO driver or group shows none; its parent gone, no type name" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	rm "$ROOT/$(parent_path mtty)/$U1/driver"
	mk_config vanished "$U2" '{"mdev_type":"gone-1","start":"auto"}'
	run_exact -0 mdevadm info -u "$U1"
	[[ $output == *"  Type: mtty-1 (Single port serial)
  Defined: no
  Active: yes
  IOMMU group: none
  VFIO group node: -
  VFIO device node: -
  Driver: -
  Holders: none
" ]]
	run_exact -0 mdevadm info -u "$U2"
	[ "$output" = "$U2
  Parent: vanished
  Type: gone-1
  Defined: yes, started automatically
  Active: no
" ]
}

@test "info: unknown UUID, several definitions, a parent that is not the active one" {
	tree
	run_exact -1 mdevadm info -u "$U5"
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: $U5 is neither active nor defined"$'\n' ]
	run_exact -1 mdevadm info -u "$U5" -p mtty
	[ "$stderr" = "mdevadm: $U5 is neither active nor defined on mtty"$'\n' ]
	mk_config mbochs "$U2" '{"mdev_type":"mbochs-small","start":"manual"}'
	run_exact -1 mdevadm info -u "$U2"
	[ "$stderr" = "mdevadm: $U2 is defined on several parents (mbochs, mdpy): use --parent"$'\n' ]
	run_exact -0 mdevadm info -u "$U2" -p mbochs
	[[ $output == *"  Parent: mbochs"* ]]
	run_exact -1 mdevadm info -u "$U1" -p mdpy
	[ "$stderr" = "mdevadm: $U1 is active on mtty, not on mdpy"$'\n' ]
}

@test "info: usage errors" {
	tree
	run_exact -2 mdevadm info
	[ "$stderr" = "mdevadm info: info needs --uuid or --vf (try 'mdevadm info --help')"$'\n' ]
	run_exact -2 mdevadm info -u nope
	run_exact -2 mdevadm info -u "$U1" extra
	run_exact -0 mdevadm info --help
	[[ $output == "Usage: mdevadm info -u UUID | --vf VF [-p PARENT] [--probe] [--dumpjson]"* ]]
}

@test "info --probe: refused while held, naming the holders; nothing is opened, nothing printed" {
	tree
	dev_nodes dev/iommu dev/vfio/vfio dev/vfio/3 dev/vfio/devices/vfio0
	mk_holder 4242 /dev/vfio/devices/vfio0 qemu-system-x86_64 -name guest=vm1
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: cannot probe $U1: in use by 4242 (qemu-system-x86_64 -name guest=vm1)"$'\n' ]
	# the holder's descriptors are the only ones pointing at the node: nothing else opened it
	[ "$(find "$ROOT/proc" -lname /dev/vfio/devices/vfio0 | wc -l)" -eq 1 ]
}

@test "info --probe: an inactive device, one without VFIO nodes" {
	tree
	run_exact -1 mdevadm info -u "$U2" --probe
	[ "$stderr" = "mdevadm: cannot probe $U2: it is not active"$'\n' ]
	mk_active mtty mtty-1 "$U4"
	run_exact -1 mdevadm info -u "$U4" --probe
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: cannot probe $U4: it has no VFIO node: no VFIO driver is bound to it, or the kernel has no VFIO"$'\n' ]
}

@test "info --probe: neither /dev/iommu nor /dev/vfio/vfio: says what the kernel lacks" {
	tree
	dev_nodes dev/vfio/3 dev/vfio/devices/vfio0
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$stderr" = "mdevadm: cannot probe $U1: cannot open it: no /dev/iommu to bind its cdev /dev/vfio/devices/vfio0 to (CONFIG_IOMMUFD), and no /dev/vfio/vfio for its group /dev/vfio/3 (CONFIG_VFIO_CONTAINER)"$'\n' ]
	# a kernel without VFIO cdevs (no vfio-dev/vfioN/dev)
	rm "$ROOT/$(parent_path mtty)/$U1/vfio-dev/vfio0/dev"
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$stderr" = "mdevadm: cannot probe $U1: cannot open it: it has no VFIO cdev (CONFIG_VFIO_DEVICE_CDEV), and no /dev/vfio/vfio for its group /dev/vfio/3 (CONFIG_VFIO_CONTAINER)"$'\n' ]
}

@test "info --probe: the cdev with /dev/iommu first, else the group with /dev/vfio/vfio" {
	tree
	dev_nodes dev/iommu dev/vfio/vfio
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$stderr" = "mdevadm: cannot probe $U1: cannot open /dev/vfio/devices/vfio0: no such node, though sysfs announces it (is /dev a devtmpfs?)"$'\n' ]
	dev_nodes dev/vfio/devices/vfio0 dev/vfio/3
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$stderr" = "mdevadm: cannot probe $U1: VFIO_DEVICE_BIND_IOMMUFD on /dev/vfio/devices/vfio0 failed: Inappropriate ioctl for device"$'\n' ]
	rm "$ROOT/dev/iommu"
	run_exact -1 mdevadm info -u "$U1" --probe
	[ "$stderr" = "mdevadm: cannot probe $U1: VFIO_GROUP_GET_STATUS on /dev/vfio/3 failed: Inappropriate ioctl for device"$'\n' ]
}

@test "types --probe: a failing probe removes its device again; a type with no instance is skipped" {
	mk_samples
	mk_type mdpy mdpy-none 0 vfio-pci mdpy-none
	fakekernel_start
	# the fake kernel removes a device a moment after the write: numbers may not be reused
	dev_nodes dev/iommu dev/vfio/{0,1,2} dev/vfio/devices/vfio{0,1,2}
	run_exact -1 mdevadm types -p mdpy --probe
	fakekernel_settle
	[ "$output" = "mdpy
  mdpy-hd
    Available instances: 4
    Device API: vfio-pci
    Name: mdpy-hd
    Description: virtual display, 1920x1080 framebuffer
    Migration: unknown (the probe failed)
  mdpy-none
    Available instances: 0
    Device API: vfio-pci
    Name: mdpy-none
    Migration: not probed (no instance available)
  mdpy-vga
    Available instances: 4
    Device API: vfio-pci
    Name: mdpy-vga
    Description: virtual display, 640x480 framebuffer
    Migration: unknown (the probe failed)
  mdpy-xga
    Available instances: 4
    Device API: vfio-pci
    Name: mdpy-xga
    Description: virtual display, 1024x768 framebuffer
    Migration: unknown (the probe failed)
" ]
	[ "$(printf '%s' "$stderr" | grep -cE "^mdevadm: cannot probe type mdpy-(hd|vga|xga) of mdpy: VFIO_DEVICE_BIND_IOMMUFD on /dev/vfio/devices/vfio0 failed: Inappropriate ioctl for device \(the transient device [0-9a-f-]{36} is removed again\)$")" -eq 3 ]
	# each was created once and removed again: the parent is as it was
	[ "$(grep -c '^fakekernel: create .*: ok' "$FAKEKERNEL_CTL/log")" -eq 3 ]
	[ "$(grep -c '^fakekernel: remove .*: ok$' "$FAKEKERNEL_CTL/log")" -eq 3 ]
	[ -z "$(ls "$ROOT/sys/bus/mdev/devices")" ]
	for t in mdpy-vga mdpy-xga mdpy-hd; do
		[ "$(cat "$(tdir mdpy $t)/available_instances")" = 4 ]
	done
	assert_no_write "$(cfile mdpy mdpy-none)"
}

@test "types --probe --dumpjson: probe is null when the probe failed or no instance is left" {
	mk_bare_mtty
	mk_type mtty mtty-2 0
	fakekernel_start
	dev_nodes dev/iommu dev/vfio/0 dev/vfio/devices/vfio0
	run_exact -1 mdevadm types --probe --dumpjson
	[ "$output" = '[
  {
    "mtty": [
      {
        "mtty-1": {
          "available_instances": 24,
          "device_api": "vfio-pci",
          "probe": null
        }
      },
      {
        "mtty-2": {
          "available_instances": 0,
          "device_api": "vfio-pci",
          "probe": null
        }
      }
    ]
  }
]
' ]
	# without --probe, no probe key: mdevctl's output, byte for byte
	run_exact -0 mdevadm types --dumpjson
	[[ $output != *probe* ]]
}

# signal_once_created PID SIG: once the fake kernel made a device, send SIG to PID, then lay out
# the device's /dev nodes so that its probe can go on.
signal_once_created() {
	local dev
	until dev=$(ls -d "$ROOT"/sys/bus/mdev/devices/* 2>/dev/null) && [ -e "$dev/vfio-dev" ]; do
		sleep 0.01
	done
	kill -s "$2" "$1"
	dev_nodes dev/vfio/0 dev/vfio/devices/vfio0
}

# interrupted_probe SIG STATUS: types --probe gets SIG while its first device exists; it ends
# with STATUS (killed by SIG) once that device is removed, and creates no other.
interrupted_probe() {
	mk_samples
	fakekernel_start
	dev_nodes dev/iommu
	# a background job of a script ignores SIGINT unless told otherwise
	env --default-signal="$1" "$MDEVADM" --root "$ROOT" types -p mtty --probe \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! st=0
	signal_once_created "$pid" "$1"
	wait "$pid" || st=$?
	fakekernel_settle
	[ "$st" -eq "$2" ] || _fail "exit status $st" "$(cat "$BATS_TEST_TMPDIR/err")"
	grep -q "^mdevadm: interrupted; every device created for probing is removed again$" "$BATS_TEST_TMPDIR/err"
	# mtty-1 was probed (and failed: regular files), mtty-2 never created
	[ "$(grep -c '^fakekernel: create .*: ok' "$FAKEKERNEL_CTL/log")" -eq 1 ]
	[ "$(grep -c '^fakekernel: remove .*: ok$' "$FAKEKERNEL_CTL/log")" -eq 1 ]
	[ -z "$(ls "$ROOT/sys/bus/mdev/devices")" ]
	[ "$(cat "$(tdir mtty mtty-1)/available_instances")" = 24 ]
	assert_no_write "$(cfile mtty mtty-2)"
}

@test "types --probe: SIGTERM waits until the transient device is removed; later types are left alone" {
	interrupted_probe TERM 143
}

@test "types --probe: SIGINT likewise" {
	interrupted_probe INT 130
}

@test "types --probe: a signal during the last type's probe is reported like any other" {
	mk_samples
	mk_type mtty mtty-1 0
	fakekernel_start
	dev_nodes dev/iommu
	"$MDEVADM" --root "$ROOT" types -p mtty --probe >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! st=0
	signal_once_created "$pid" TERM
	wait "$pid" || st=$?
	fakekernel_settle
	[ "$st" -eq 143 ] || _fail "exit status $st" "$(cat "$BATS_TEST_TMPDIR/err")"
	grep -q "^mdevadm: interrupted; every device created for probing is removed again$" "$BATS_TEST_TMPDIR/err"
	grep -q "^    Migration: unknown (the probe failed)$" "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^fakekernel: remove .*: ok$' "$FAKEKERNEL_CTL/log")" -eq 1 ]
	[ -z "$(ls "$ROOT/sys/bus/mdev/devices")" ]
}

@test "info: completion offers the active and defined UUIDs, --probe for info and types" {
	tree
	run_exact -0 mdevadm __complete 'mdevadm info -u '
	[ "$(printf '%s' "$output" | cut -f1 | LC_ALL=C sort | tr '\n' ' ')" = "$U1 $U2 $U3 " ]
	run_exact -0 mdevadm __complete 'mdevadm info --p'
	[ "$(printf '%s' "$output" | cut -f1 | tr '\n' ' ')" = "--parent --probe " ]
	run_exact -0 mdevadm __complete 'mdevadm types --pr'
	[ "$(cut -f1 <<<"$output")" = "--probe" ]
	run_exact -0 mdevadm __complete 'mdevadm in'
	[ "$(cut -f1 <<<"$output")" = "info" ]
}

@test "info: runs in the shell like on the command line" {
	tree
	printf '%s\n' "info -u $U2" "info -u $U5" "info -u $U2 --dumpjson" >"$BATS_TEST_TMPDIR/script"
	run_exact -1 mdevadm shell --keep-going <"$BATS_TEST_TMPDIR/script"
	[[ $output == "$U2
  Parent: mdpy
  Type: mdpy-vga (mdpy-vga)
  Defined: yes, started manually
  Active: no
{
  \"uuid\": \"$U2\","* ]]
	[[ $stderr == *"$U5 is neither active nor defined"* ]]
}
