#!/usr/bin/env bats
# Self-check of the test machine: what the other tests rely on is really there.
# Does not run the tool under test.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "machine: the three sample mdev parents are registered" {
    for p in mtty mdpy mbochs; do
        [ -L "$MDEV_BUS/$p" ]
        [ "$(readlink -f "$MDEV_BUS/$p")" = "/sys/devices/virtual/$p/$p" ]
    done
    [ "$(ls "$MDEV_BUS/mtty/mdev_supported_types" | tr '\n' ' ')" = "mtty-1 mtty-2 " ]
    [ "$(ls "$MDEV_BUS/mbochs/mdev_supported_types" | tr '\n' ' ')" = "mbochs-large mbochs-medium mbochs-small " ]
    [ "$(ls "$MDEV_BUS/mdpy/mdev_supported_types" | tr '\n' ' ')" = "mdpy-hd mdpy-vga mdpy-xga " ]
}

@test "machine: fresh instance pools (mtty 24/12, mbochs 4/16/64, mdpy 4 each)" {
    [ "$(avail mtty mtty-1)" = 24 ]
    [ "$(avail mtty mtty-2)" = 12 ]
    [ "$(avail mbochs mbochs-large)" = 4 ]
    [ "$(avail mbochs mbochs-medium)" = 16 ]
    [ "$(avail mbochs mbochs-small)" = 64 ]
    for t in mdpy-vga mdpy-xga mdpy-hd; do [ "$(avail mdpy $t)" = 4 ]; done
}

@test "machine: the tool under test is on PATH" {
    command -v "$MDEVADM"
    [ -d "$CONF/scripts.d/callouts" ]
    [ -d "$CONF/scripts.d/notifiers" ]
}

@test "machine: iommu setup has an active Intel IOMMU and translated PCI groups" {
    [ "$MDEVADM_VM_SETUP" = iommu ] || skip "setup is $MDEVADM_VM_SETUP"
    [ -e /sys/class/iommu/dmar0 ]
    # the PCI devices are in real IOMMU groups: no name file, a DMA type
    grp=$(readlink -f /sys/bus/pci/devices/0000:00:00.0/iommu_group)
    [ ! -e "$grp/name" ]
    case "$(cat "$grp/type")" in DMA|DMA-FQ|identity) ;; *) false ;; esac
}

@test "machine: noiommu setup has a vfio-pci device in a noiommu group" {
    [ "$MDEVADM_VM_SETUP" = noiommu ] || skip "setup is $MDEVADM_VM_SETUP"
    [ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" = Y ]
    found=0
    for d in /sys/bus/pci/drivers/vfio-pci/0000:*; do
        [ -e "$d" ] || continue
        g=$(basename "$(readlink "$d/iommu_group")")
        [ -c "/dev/vfio/noiommu-$g" ]
        [ -e "/sys/class/vfio/noiommu-$g" ]
        [ "$(cat "/sys/kernel/iommu_groups/$g/name")" = vfio-noiommu ]
        found=1
    done
    [ "$found" = 1 ]
    [ ! -e /sys/class/iommu/dmar0 ]
}

@test "machine: an mdev gets its own emulated IOMMU group" {
    u=$(uuid 1)
    sysfs_create mtty mtty-1 "$u"
    g=$(readlink -f "$MDEV_DEVICES/$u/iommu_group")
    [ "$(cat "$g/name")" = vfio-noiommu ]
    [ "$(cat "$g/type")" = unknown ]
    [ "$(ls "$g/devices")" = "$u" ]
    [ -c "/dev/vfio/$(basename "$g")" ]
    sysfs_remove "$u"
    inactive "$u"
}

# kwrite VALUE FILE: write VALUE to a sysfs FILE from a busybox shell and print
# the shell's error message (which carries strerror of the errno), if any.
kwrite() { sh -c "echo '$1' > '$2'" 2>&1 || true; }

# kexpect MSG VALUE FILE: kwrite must print an error containing MSG (or, with
# MSG "", nothing at all).
kexpect() {
    local want=$1 got
    got=$(kwrite "$2" "$3")
    if [ -z "$want" ] && [ -z "$got" ]; then return 0; fi
    if [ -n "$want" ] && [[ "$got" == *"$want"* ]]; then return 0; fi
    echo "echo $2 > $3: expected error '${want:-none}', got '${got:-none}'" >&2
    return 1
}

@test "kernel: errors returned by create (EEXIST, EINVAL) and remove (ENOENT)" {
    u=$(uuid 1)
    create=$MDEV_BUS/mtty/mdev_supported_types/mtty-1/create
    kexpect "" "$u" "$create"
    kexpect "File exists" "$u" "$create"
    kexpect "File exists" "$u" "$MDEV_BUS/mdpy/mdev_supported_types/mdpy-vga/create"
    kexpect "Invalid argument" not-a-uuid "$create"
    kexpect "Invalid argument" "${u}X" "$create"
    [ "$(count_mdevs)" = 1 ]
    # a write-only attribute: reading it is refused even for root
    if cat "$create" 2>/dev/null; then false; fi
    # an upper-case UUID is accepted and the device is named in lower case
    kexpect "" CE65E9C6-C6DB-4E4E-9424-5CB5A7C1C0CB "$create"
    active ce65e9c6-c6db-4e4e-9424-5cb5a7c1c0cb
    # creating an unknown attribute of a live device: EACCES; remove twice: ENOENT
    kexpect "Permission denied" 1 "$MDEV_DEVICES/$u/no_such_attribute"
    kexpect "" 1 "$MDEV_DEVICES/$u/remove"
    kexpect "nonexistent directory" 1 "$MDEV_DEVICES/$u/remove"
}

@test "kernel: exhausted pools fail create with ENOSPC (mtty, mbochs) and EUSERS (mdpy)" {
    for i in $(seq 1 12); do sysfs_create mtty mtty-2 "$(uuid "$i")"; done
    [ "$(avail mtty mtty-2)" = 0 ]
    [ "$(avail mtty mtty-1)" = 0 ]
    kexpect "No space left on device" "$(uuid 13)" "$MDEV_BUS/mtty/mdev_supported_types/mtty-2/create"
    inactive "$(uuid 13)"
    for i in 21 22 23 24; do sysfs_create mbochs mbochs-large "$(uuid "$i")"; done
    kexpect "No space left on device" "$(uuid 25)" "$MDEV_BUS/mbochs/mdev_supported_types/mbochs-small/create"
    # mdpy counts instances per parent in the mdev core: 4 for all its types together
    for i in 31 32 33 34; do sysfs_create mdpy mdpy-vga "$(uuid "$i")"; done
    [ "$(avail mdpy mdpy-hd)" = 0 ]
    kexpect "Too many users" "$(uuid 35)" "$MDEV_BUS/mdpy/mdev_supported_types/mdpy-hd/create"
    [ "$(count_mdevs)" = 20 ]
}

@test "kernel: writing a bad value to an mdev's uevent attribute fails with EINVAL" {
    u=$(uuid 1)
    sysfs_create mtty mtty-1 "$u"
    kexpect "Invalid argument" bogus "$MDEV_DEVICES/$u/uevent"
    kexpect "" change "$MDEV_DEVICES/$u/uevent"
}
