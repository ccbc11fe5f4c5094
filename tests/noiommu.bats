#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# noiommu: shows and toggles VFIO's enable_unsafe_noiommu_mode; enabling needs --force; a kernel
# without CONFIG_VFIO_NOIOMMU (no parameter, as on Debian's 6.12) gets a clear message.

load test_helper

PARAM=sys/module/vfio/parameters/enable_unsafe_noiommu_mode

# mk_param Y|N: VFIO loaded from a kernel with CONFIG_VFIO_NOIOMMU, the mode as given.
mk_param() { _put "$PARAM" "$1"$'\n'; }

# param: the fake parameter file, byte for byte.
param() { cat "$ROOT/$PARAM"; printf x; }

OFF_TEXT="VFIO no-IOMMU mode: off (enable_unsafe_noiommu_mode=N)
vfio-pci only accepts devices that an IOMMU isolates (mdevs are unaffected).
"
ON_TEXT="VFIO no-IOMMU mode: on (enable_unsafe_noiommu_mode=Y)
UNSAFE: vfio-pci accepts devices that no IOMMU isolates; whoever opens one
gets unmediated DMA to all host memory, and the kernel is tainted.
Turn it off with 'mdevadm noiommu --disable'.
"

# -- showing ---------------------------------------------------------------------------------

@test "noiommu: off (N) is shown with what it means" {
	mk_param N
	run_exact -0 mdevadm noiommu
	[ "$output" = "$OFF_TEXT" ]
	[ "$stderr" = "" ]
	[ "$(param)" = $'N\nx' ]
}

@test "noiommu: on (Y) is shown as unsafe, with the devices it left without isolation" {
	mk_param Y
	run_exact -0 mdevadm noiommu
	[ "$output" = "$ON_TEXT" ]
	mk_noiommu_group 0 0000:00:02.0
	mk_samples
	mk_active mtty mtty-2 c109cf76-5f47-4b8a-b074-dff5f464a8a0 1
	run_exact -0 mdevadm noiommu
	[ "$output" = "${ON_TEXT}Devices without IOMMU isolation now: 0000:00:02.0 (group 0)"$'\n' ]
	[ "$(param)" = $'Y\nx' ]
}

@test "noiommu: a kernel without CONFIG_VFIO_NOIOMMU has no parameter: said plainly, exit 1" {
	# Debian's 6.12: vfio loaded, /sys/module/vfio/parameters absent
	mkdir -p "$ROOT/sys/module/vfio"
	for args in "" "--enable --force" "--disable" "--enable"; do
		run_exact -1 mdevadm noiommu $args
		[ "$output" = "" ]
		[ "$stderr" = "mdevadm: this kernel has no VFIO no-IOMMU support: /$PARAM is absent (the kernel was built without CONFIG_VFIO_NOIOMMU)"$'\n' ]
	done
	[ ! -e "$ROOT/sys/module/vfio/parameters" ]
}

@test "noiommu: VFIO not loaded at all is told apart from missing support" {
	run_exact -1 mdevadm noiommu
	[ "$stderr" = "mdevadm: VFIO is not loaded (no /sys/module/vfio): load it with 'modprobe vfio'; no-IOMMU mode also needs a kernel built with CONFIG_VFIO_NOIOMMU"$'\n' ]
	run_exact -1 mdevadm noiommu --disable
	[ ! -e "$ROOT/sys/module" ]
}

@test "noiommu: an unexpected value is an error, not a guess" {
	_put "$PARAM" $'maybe\n'
	run_exact -1 mdevadm noiommu
	[ "$stderr" = "mdevadm: unexpected value 'maybe' in /$PARAM (expected Y or N)"$'\n' ]
}

# -- toggling --------------------------------------------------------------------------------

@test "noiommu --enable: refused without --force, nothing written, the risk explained" {
	mk_param N
	run_exact -1 mdevadm noiommu --enable
	[ "$output" = "" ]
	[ "$stderr" = "mdevadm: refusing to enable VFIO no-IOMMU mode without --force: vfio-pci would accept devices that no IOMMU isolates, giving whoever opens them unmediated DMA to all host memory, and using one taints the kernel"$'\n' ]
	[ "$(param)" = $'N\nx' ]
}

@test "noiommu --enable --force: writes Y and says what that allows" {
	mk_param N
	run_exact -0 mdevadm noiommu --enable --force
	[ "$output" = "VFIO no-IOMMU mode enabled (enable_unsafe_noiommu_mode=Y).
Devices bound to vfio-pci without an IOMMU now get /dev/vfio/noiommu-N groups:
they are NOT isolated, and using one taints the kernel.
" ]
	assert_file_content "$ROOT/$PARAM" Y
	run_exact -0 mdevadm noiommu
	[ "$output" = "$ON_TEXT" ]
	# -f works as well as --force
	mk_param N
	run_exact -0 mdevadm noiommu -f --enable
	assert_file_content "$ROOT/$PARAM" Y
}

@test "noiommu --disable: writes N, needs no --force, and names the groups that stay" {
	mk_param Y
	run_exact -0 mdevadm noiommu --disable
	[ "$output" = $'VFIO no-IOMMU mode disabled (enable_unsafe_noiommu_mode=N).\n' ]
	assert_file_content "$ROOT/$PARAM" N
	run_exact -0 mdevadm noiommu
	[ "$output" = "$OFF_TEXT" ]
	# turning the mode off does not take existing no-IOMMU groups away
	mk_param Y
	mk_noiommu_group 3 0000:00:03.0
	run_exact -0 mdevadm noiommu --disable
	[ "$output" = "VFIO no-IOMMU mode disabled (enable_unsafe_noiommu_mode=N).
Devices already in no-IOMMU groups stay there until unbound from vfio-pci: 0000:00:03.0 (group 3)
" ]
	assert_file_content "$ROOT/$PARAM" N
}

@test "noiommu: --enable with --disable is a usage error and writes nothing" {
	mk_param N
	run_exact -2 mdevadm noiommu --enable --disable --force
	[ "$output" = "" ]
	[[ $stderr == *"--enable and --disable exclude each other"* ]]
	[ "$(param)" = $'N\nx' ]
	run_exact -2 mdevadm noiommu --enable=yes
	run_exact -2 mdevadm noiommu on
	[ "$(param)" = $'N\nx' ]
}
