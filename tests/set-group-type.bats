#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# set-group-type: writes the default domain type of real IOMMU groups only, never under a host
# driver without --force; every refusal leaves the fake `type` file untouched.

load test_helper

# mk_machine: group 0 with an unbound device, 2 with the NIC on vfio-pci, 3 with two of its
# three functions on host drivers, 4 the emulated group of an mtty mdev, 7 a no-IOMMU device,
# 10 a NIC on its host driver (e1000).
UUID1=c109cf76-5f47-4b8a-b074-dff5f464a8a0
mk_machine() {
	mk_pci 0000:00:00.0
	mk_pci 0000:00:02.0
	mk_pci 0000:00:1f.0 lpc_ich
	mk_pci 0000:00:1f.2 ahci
	mk_pci 0000:00:1f.3
	mk_pci 0000:00:04.0 e1000
	mk_iommu_group 0 0000:00:00.0
	mk_iommu_group 2 0000:00:02.0
	mk_iommu_group 3 0000:00:1f.0 0000:00:1f.2 0000:00:1f.3
	mk_iommu_group 10 0000:00:04.0
	bind_vfio 0000:00:02.0
	mk_samples
	mk_active mtty mtty-2 "$UUID1" 4
	mk_noiommu_group 7 0000:00:03.0
}

# type_of N: the fake group's type file, byte for byte.
type_of() { cat "$ROOT/sys/kernel/iommu_groups/$1/type"; printf x; }

# -- writes ----------------------------------------------------------------------------------

@test "set-group-type: writes the type of a real IOMMU group and reports old and new" {
	mk_machine
	run_exact -0 mdevadm set-group-type -g 0 identity
	[ "$output" = $'IOMMU group 0: type DMA-FQ -> identity\n' ]
	[ "$stderr" = "" ]
	# what reached sysfs: the bare value, as `echo` would send it (sysfs_streq ignores the newline)
	assert_file_content "$ROOT/sys/kernel/iommu_groups/0/type" identity
}

@test "set-group-type: DMA, DMA-FQ, identity and auto are accepted while bound to vfio-pci" {
	mk_machine
	for t in DMA DMA-FQ identity auto; do
		run_exact -0 mdevadm set-group-type -g 2 "$t"
		assert_file_content "$ROOT/sys/kernel/iommu_groups/2/type" "$t"
	done
	# options may follow the type, as with every other command
	run_exact -0 mdevadm set-group-type DMA --group 2
	assert_file_content "$ROOT/sys/kernel/iommu_groups/2/type" DMA
}

@test "set-group-type: drivers that leave DMA alone (vfio variants, pci-stub, pcieport) do not block" {
	mk_pci 0000:00:1c.0 pcieport
	mk_pci 0000:01:00.0 mlx5_vfio_pci
	mk_pci 0000:01:00.1 pci-stub
	mk_iommu_group 8 0000:00:1c.0 0000:01:00.0 0000:01:00.1
	run_exact -0 mdevadm set-group-type -g 8 identity
	[ "$stderr" = "" ]
	assert_file_content "$ROOT/sys/kernel/iommu_groups/8/type" identity
}

# -- refusals --------------------------------------------------------------------------------

@test "set-group-type: unknown types are usage errors and write nothing" {
	mk_machine
	for t in dma DMA_FQ Identity blocked unmanaged unknown ""; do
		run_exact -2 mdevadm set-group-type -g 0 "$t"
		[ "$output" = "" ]
		[[ $stderr == *"invalid type '$t': expected DMA, DMA-FQ, identity or auto"* ]]
	done
	[ "$(type_of 0)" = $'DMA-FQ\nx' ]
}

@test "set-group-type: -g and exactly one TYPE are required" {
	mk_machine
	run_exact -2 mdevadm set-group-type DMA
	[[ $stderr == *"-g N"* ]]
	run_exact -2 mdevadm set-group-type -g 0
	run_exact -2 mdevadm set-group-type -g 0 DMA identity
	run_exact -2 mdevadm set-group-type -g zero DMA
	[ "$(type_of 0)" = $'DMA-FQ\nx' ]
}

@test "set-group-type: a missing group fails with a clear message" {
	mk_machine
	run_exact -1 mdevadm set-group-type -g 5 DMA
	[ "$stderr" = "mdevadm: no IOMMU group 5 (see 'groups' for the list)"$'\n' ]
	[ ! -e "$ROOT/sys/kernel/iommu_groups/5" ]
}

@test "set-group-type: refuses emulated (mdev) groups, even with --force" {
	mk_machine
	for force in "" -f; do
		run_exact -1 mdevadm set-group-type $force -g 4 DMA
		[ "$output" = "" ]
		[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 4: it is the emulated group of mdev $UUID1, whose parent driver mtty mediates its DMA; there is no IOMMU domain to change (the kernel answers EINVAL)"$'\n' ]
	done
	[ "$(type_of 4)" = $'unknown\nx' ]
}

@test "set-group-type: refuses no-IOMMU groups, even with --force" {
	mk_machine
	for force in "" --force; do
		run_exact -1 mdevadm set-group-type $force -g 7 identity
		[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 7: it is a no-IOMMU group (0000:00:03.0), with no IOMMU translating its DMA; there is no domain type to change (the kernel answers EINVAL)"$'\n' ]
	done
	[ "$(type_of 7)" = $'unknown\nx' ]
}

@test "set-group-type: refuses while a host driver holds a member, and says how to unbind it" {
	mk_machine
	run_exact -1 mdevadm set-group-type -g 10 identity
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 10: 0000:00:04.0 is bound to e1000; changing the DMA domain under a host driver breaks its DMA; unbind it first (echo 0000:00:04.0 > /sys/bus/pci/devices/0000:00:04.0/driver/unbind) or use --force"$'\n' ]
	[ "$(type_of 10)" = $'DMA-FQ\nx' ]
	# the refusal stands for every type, auto included
	run_exact -1 mdevadm set-group-type -g 10 auto
	[ "$(type_of 10)" = $'DMA-FQ\nx' ]
}

@test "set-group-type: names every member a host driver holds" {
	mk_machine
	run_exact -1 mdevadm set-group-type -g 3 DMA
	[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 3: 0000:00:1f.0 is bound to lpc_ich, 0000:00:1f.2 is bound to ahci; changing the DMA domain under a host driver breaks its DMA; unbind them first (echo 0000:00:1f.0 > /sys/bus/pci/devices/0000:00:1f.0/driver/unbind, likewise for the others) or use --force"$'\n' ]
	[ "$(type_of 3)" = $'DMA-FQ\nx' ]
}

@test "set-group-type --force: writes under a host driver, with a warning per device" {
	mk_machine
	run_exact -0 mdevadm set-group-type --force -g 3 identity
	[ "$output" = $'IOMMU group 3: type DMA-FQ -> identity\n' ]
	[ "$stderr" = "mdevadm: warning: IOMMU group 3: 0000:00:1f.0 is bound to host driver lpc_ich; writing identity anyway (--force)
mdevadm: warning: IOMMU group 3: 0000:00:1f.2 is bound to host driver ahci; writing identity anyway (--force)
" ]
	assert_file_content "$ROOT/sys/kernel/iommu_groups/3/type" identity
}

# -- the kernel's answer ---------------------------------------------------------------------

@test "set-group-type: a failed write is reported with the group, the type and the reason" {
	mk_machine
	# a type attribute that cannot be opened for writing stands in for the kernel's refusal
	rm "$ROOT/sys/kernel/iommu_groups/0/type"
	mkdir "$ROOT/sys/kernel/iommu_groups/0/type"
	run_exact -1 mdevadm set-group-type -g 0 identity
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 0 to identity: Is a directory"$'\n' ]
	rmdir "$ROOT/sys/kernel/iommu_groups/0/type"
	run_exact -1 mdevadm set-group-type -g 0 identity
	[ "$stderr" = "mdevadm: cannot set the type of IOMMU group 0 to identity: the group or its type attribute went away"$'\n' ]
}
