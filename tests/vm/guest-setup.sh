#!/bin/sh
# Runs inside the test guest (busybox sh) before the bats tests:
#   sh /tests/guest-setup.sh SETUP
# SETUP (from mdevadm.setup= on the kernel command line):
#   iommu    q35 + emulated intel-iommu: check that the IOMMU is active.
#   noiommu  no IOMMU: enable vfio's enable_unsafe_noiommu_mode and bind the
#            spare emulated e1000 NIC to vfio-pci, so a noiommu group
#            (/dev/vfio/noiommu-N) exists.
# Output goes to the console as TAP comments; a non-zero exit fails the run.
set -eu
setup=${1:-unknown}

# find_spare_nic: BDF of the first e1000 (8086:100e) PCI device.
find_spare_nic() {
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x100e ] && { basename "$d"; return 0; }
    done
    return 1
}

for p in mtty mdpy mbochs; do
    [ -e "/sys/class/mdev_bus/$p" ] || { echo "mdev parent $p missing"; exit 1; }
done
echo "mdev parents: $(ls /sys/class/mdev_bus | tr '\n' ' ')"

case "$setup" in
iommu)
    [ -d /sys/class/iommu ] && [ -n "$(ls /sys/class/iommu 2>/dev/null)" ] \
        || { echo "no IOMMU in /sys/class/iommu (intel_iommu=on and -device intel-iommu?)"; exit 1; }
    nic=$(find_spare_nic) || { echo "spare e1000 NIC not found"; exit 1; }
    grp=$(basename "$(readlink "/sys/bus/pci/devices/$nic/iommu_group")")
    echo "iommu: $(ls /sys/class/iommu | tr '\n' ' ')spare NIC $nic in group $grp type $(cat "/sys/kernel/iommu_groups/$grp/type")"
    ;;
noiommu)
    if [ -d /sys/class/iommu ] && [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]; then
        echo "an IOMMU is present; the noiommu setup needs a machine without one"; exit 1
    fi
    param=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
    [ -w "$param" ] || { echo "$param missing (CONFIG_VFIO_NOIOMMU?)"; exit 1; }
    echo Y >"$param"
    nic=$(find_spare_nic) || { echo "spare e1000 NIC not found"; exit 1; }
    if [ -e "/sys/bus/pci/devices/$nic/driver" ]; then
        echo "$nic" >"/sys/bus/pci/devices/$nic/driver/unbind"
    fi
    echo vfio-pci >"/sys/bus/pci/devices/$nic/driver_override"
    echo "$nic" >/sys/bus/pci/drivers_probe
    drv=$(basename "$(readlink "/sys/bus/pci/devices/$nic/driver")")
    [ "$drv" = vfio-pci ] || { echo "$nic bound to '$drv', not vfio-pci"; exit 1; }
    grp=$(basename "$(readlink "/sys/bus/pci/devices/$nic/iommu_group")")
    [ -e "/dev/vfio/noiommu-$grp" ] || { echo "/dev/vfio/noiommu-$grp missing"; ls -l /dev/vfio; exit 1; }
    echo "noiommu: $param=$(cat "$param"), $nic bound to vfio-pci, group $grp, /dev/vfio/noiommu-$grp"
    ;;
*)
    echo "unknown setup '$setup' (expected iommu or noiommu)"; exit 1 ;;
esac
