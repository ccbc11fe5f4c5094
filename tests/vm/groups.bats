#!/usr/bin/env bats
# mdevadm-only commands on real IOMMU groups: `groups`, `set-group-type` and
# `noiommu` (mdevctl has none of them).  The iommu setup has real intel-iommu
# groups (type DMA-FQ); the noiommu setup has the spare e1000 bound to
# vfio-pci in a no-IOMMU group; every mdev gets its own emulated group in both.

load helpers

# mdevadm_only: these tests need mdevadm's own commands and messages; under
# Debian's mdevctl (MDEVADM=/usr/bin/mdevctl) they skip.
mdevadm_only() {
    "$MDEVADM" groups --help >/dev/null 2>&1 || skip "the tool under test has no 'groups' command (mdevctl?): mdevadm-only test"
}

NOIOMMU_PARAM=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
IOMMU_GROUPS=/sys/kernel/iommu_groups

setup() { common_setup; mdevadm_only; }
teardown() {
    # noiommu tests toggle the module parameter: put back what the setup had
    if in_test_vm && [ -w "$NOIOMMU_PARAM" ]; then
        case "$MDEVADM_VM_SETUP" in
        noiommu) echo Y >"$NOIOMMU_PARAM" ;;
        iommu) echo N >"$NOIOMMU_PARAM" ;;
        esac
    fi
    # set-group-type tests: the spare NIC's group back to the kernel's default
    if in_test_vm && [ "$MDEVADM_VM_SETUP" = iommu ] && g=$(nic_group 2>/dev/null); then
        echo auto >"$IOMMU_GROUPS/$g/type" 2>/dev/null || true
    fi
    common_teardown
}

only_in() {
    [ "$MDEVADM_VM_SETUP" = "$1" ] || skip "needs the $1 setup (this is $MDEVADM_VM_SETUP)"
}

# spare_nic: BDF of the spare e1000 (8086:100e); nic_group: its IOMMU group.
spare_nic() {
    local d
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x100e ] && { basename "$d"; return 0; }
    done
    return 1
}
nic_group() { basename "$(readlink "/sys/bus/pci/devices/$(spare_nic)/iommu_group")"; }

# mdev_group UUID: the IOMMU group of an active mdev.
mdev_group() { basename "$(readlink "$MDEV_DEVICES/$1/iommu_group")"; }

# group_fields N: "kind type vfio member-names" of group N from groups -g N --dumpjson.
group_fields() {
    mdev groups -g "$1" --dumpjson
    expect_success || return 1
    jq -r '.[0] | "\(.kind) \(.type) \(.vfio) \([.devices[].name] | join(","))"' <<<"$output"
}

@test "groups (iommu): every real group is kind iommu, type DMA-FQ as sysfs says, no VFIO node unbound" {
    only_in iommu
    mdev_ok groups --dumpjson
    n_sys=$(find "$IOMMU_GROUPS" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$n_sys" -gt 0 ]
    # one jq call: count, and every group's "id kind type vfio" on a line
    summary=$(jq -r 'length, (.[] | "\(.group) \(.kind) \(.type) \(.vfio)")' <<<"$output")
    [ "$(head -n1 <<<"$summary")" -eq "$n_sys" ] || fail_with "group count: sysfs $n_sys, json: $summary"
    while read -r id kind type vfio; do
        [ "$kind" = iommu ] || fail_with "group $id: kind $kind, expected iommu"
        [ "$type" = DMA-FQ ] || fail_with "group $id: type $type, expected DMA-FQ"
        [ "$type" = "$(cat "$IOMMU_GROUPS/$id/type")" ] || fail_with "group $id: json type $type, sysfs $(cat "$IOMMU_GROUPS/$id/type")"
        [ "$vfio" = null ] || fail_with "group $id: VFIO node $vfio although nothing is bound to vfio-pci"
    done < <(tail -n +2 <<<"$summary")
}

@test "groups (iommu): text shows the spare NIC's group as iommu DMA-FQ with the NIC as member" {
    only_in iommu
    g=$(nic_group) nic=$(spare_nic)
    mdev_ok groups
    [ "$(head -n1 <<<"$output" | awk '{print $1, $2, $3, $4}')" = "GROUP KIND TYPE VFIO" ] || fail_with "header"
    line=$(grep -E "^$g +" <<<"$output") || fail_with "no line for group $g"
    [ "$(awk '{print $2, $3, $4}' <<<"$line")" = "iommu DMA-FQ -" ] || fail_with "group line: $line"
    grep -qE "^ +[|\`]- $nic +pci" <<<"$output" || fail_with "no member line for $nic"
}

@test "groups: an mdev's group is kind emulated with /dev/vfio/N (both setups)" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    g=$(mdev_group "$u")
    [ -c "/dev/vfio/$g" ] || fail_with "/dev/vfio/$g is not a character device"
    fields=$(group_fields "$g")
    [ "$fields" = "emulated unknown /dev/vfio/$g $u" ] || fail_with "group $g: $fields"
    [ "$(cat "$IOMMU_GROUPS/$g/name")" = vfio-noiommu ]
    # the whole list has it too, with the mdev's parent and type, and text says so
    mdev_ok groups --dumpjson
    [ "$(jq -r --argjson g "$g" '.[] | select(.group == $g) | .devices[0] | "\(.bus) \(.parent) \(.mdev_type)"' <<<"$output")" = "mdev mtty mtty-1" ] \
        || fail_with "member of group $g"
    mdev_ok groups
    grep -qE "^$g +emulated +unknown +/dev/vfio/$g( |$)" <<<"$output" || fail_with "no emulated line for group $g"
    grep -qE "$u +mdev +mtty +parent mtty, type mtty-1" <<<"$output" || fail_with "no member line for $u"
}

@test "groups: two mdevs get two distinct emulated groups; removing one drops its group" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok start -u "$u1" -p mtty -t mtty-1
    mdev_ok start -u "$u2" -p mdpy -t mdpy-vga
    g1=$(mdev_group "$u1") g2=$(mdev_group "$u2")
    [ "$g1" != "$g2" ]
    mdev_ok groups --dumpjson
    [ "$(jq -r '[.[] | select(.kind == "emulated") | .devices[0].name] | sort | join(" ")' <<<"$output")" = \
      "$(printf '%s\n' "$u1" "$u2" | sort | tr '\n' ' ' | sed 's/ $//')" ] || fail_with "emulated members"
    mdev_ok stop -u "$u1"
    [ ! -e "$IOMMU_GROUPS/$g1" ]
    mdev groups -g "$g1"
    expect_status 1
    [[ "$stderr" == *"no IOMMU group $g1"* ]] || fail_with "message"
}

@test "groups (noiommu): the e1000 bound to vfio-pci is kind noiommu with /dev/vfio/noiommu-N" {
    only_in noiommu
    g=$(nic_group) nic=$(spare_nic)
    [ -c "/dev/vfio/noiommu-$g" ]
    mdev_ok groups -g "$g" --dumpjson
    fields=$(jq -r '.[0] | "\(.kind) \(.type) \(.vfio) \(.safe) \([.devices[] | "\(.name) \(.bus) \(.driver)"] | join(","))"' <<<"$output")
    [ "$fields" = "noiommu unknown /dev/vfio/noiommu-$g false $nic pci vfio-pci" ] || fail_with "group $g: $fields"
    mdev_ok groups
    grep -qE "^$g +noiommu +unknown +/dev/vfio/noiommu-$g( |$)" <<<"$output" || fail_with "no noiommu line for group $g"
}

@test "groups -g N: a group that does not exist exits 1 and names it" {
    mdev groups -g 4242
    expect_status 1
    [ -z "$output" ] || fail_with "expected no stdout"
    [[ "$stderr" == *"no IOMMU group 4242"* ]] || fail_with "message"
    mdev groups -g 4242 --dumpjson
    expect_status 1
}

@test "set-group-type (iommu): identity, read back, then auto reverts to DMA-FQ" {
    only_in iommu
    g=$(nic_group)
    [ ! -e "/sys/bus/pci/devices/$(spare_nic)/driver" ] || skip "the spare NIC has a driver bound"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = DMA-FQ ]
    mdev_ok set-group-type -g "$g" identity
    [ "$output" = "IOMMU group $g: type DMA-FQ -> identity" ] || fail_with "stdout"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = identity ]
    [ "$(group_fields "$g" | cut -d' ' -f1,2)" = "iommu identity" ] || fail_with "read back"
    mdev_ok set-group-type -g "$g" auto
    [ "$output" = "IOMMU group $g: type identity -> DMA-FQ (auto)" ] || fail_with "stdout"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = DMA-FQ ]
    [ "$(group_fields "$g" | cut -d' ' -f1,2)" = "iommu DMA-FQ" ] || fail_with "read back"
}

@test "set-group-type: an emulated (mdev) group is refused, exit 1, type unchanged" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-2
    g=$(mdev_group "$u")
    mdev set-group-type -g "$g" DMA
    expect_status 1
    [[ "$stderr" == *"IOMMU group $g"* ]] || fail_with "group not named"
    [[ "$stderr" == *"emulated group of mdev $u"* ]] || fail_with "not called emulated"
    [[ "$stderr" == *"mtty"* ]] || fail_with "parent driver not named"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = unknown ]
    active "$u"
}

@test "set-group-type (noiommu): the no-IOMMU group is refused, exit 1, type unchanged" {
    only_in noiommu
    g=$(nic_group)
    mdev set-group-type -g "$g" identity
    expect_status 1
    [[ "$stderr" == *"IOMMU group $g"* ]] || fail_with "group not named"
    [[ "$stderr" == *"no-IOMMU group"* ]] || fail_with "not called no-IOMMU"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = unknown ]
    [ -c "/dev/vfio/noiommu-$g" ]
}

@test "set-group-type: an invalid type is a usage error (exit 2), nothing written" {
    if [ "$MDEVADM_VM_SETUP" = iommu ]; then g=$(nic_group); else
        u=$(uuid 1)
        mdev_ok start -u "$u" -p mtty -t mtty-1
        g=$(mdev_group "$u")
    fi
    before=$(cat "$IOMMU_GROUPS/$g/type")
    mdev set-group-type -g "$g" DMA-bogus
    expect_status 2
    [[ "$stderr" == *"invalid type 'DMA-bogus'"* ]] || fail_with "message"
    [ "$(cat "$IOMMU_GROUPS/$g/type")" = "$before" ]
    mdev set-group-type -g 4242 identity
    expect_status 1
    [[ "$stderr" == *"no IOMMU group 4242"* ]] || fail_with "message"
}

@test "noiommu (noiommu): shows on, names the e1000's group" {
    only_in noiommu
    [ "$(cat "$NOIOMMU_PARAM")" = Y ]
    mdev_ok noiommu
    [ "$(head -n1 <<<"$output")" = "VFIO no-IOMMU mode: on (enable_unsafe_noiommu_mode=Y)" ] || fail_with "state line"
    grep -qx "Devices without IOMMU isolation now: $(spare_nic) (group $(nic_group))" <<<"$output" || fail_with "device line"
}

@test "noiommu (noiommu): --disable writes N, the bound e1000 keeps its group; --enable needs --force" {
    only_in noiommu
    g=$(nic_group) nic=$(spare_nic)
    mdev_ok noiommu --disable
    [ "$(cat "$NOIOMMU_PARAM")" = N ]
    [ "$(head -n1 <<<"$output")" = "VFIO no-IOMMU mode disabled (enable_unsafe_noiommu_mode=N)." ] || fail_with "stdout"
    # the kernel keeps an existing no-IOMMU group until the device is unbound
    grep -qx "Devices already in no-IOMMU groups stay there until unbound from vfio-pci: $nic (group $g)" <<<"$output" \
        || fail_with "stay-there line"
    [ -c "/dev/vfio/noiommu-$g" ]
    mdev_ok noiommu
    [ "$(head -n1 <<<"$output")" = "VFIO no-IOMMU mode: off (enable_unsafe_noiommu_mode=N)" ] || fail_with "state line"
    mdev noiommu --enable
    expect_status 1
    [[ "$stderr" == *"without --force"* ]] || fail_with "message"
    [ "$(cat "$NOIOMMU_PARAM")" = N ]
    mdev_ok noiommu --enable --force
    [ "$(cat "$NOIOMMU_PARAM")" = Y ]
}

@test "noiommu (iommu): shows off with the CONFIG_VFIO_NOIOMMU parameter present; --enable without --force changes nothing" {
    only_in iommu
    [ -w "$NOIOMMU_PARAM" ]
    [ "$(cat "$NOIOMMU_PARAM")" = N ]
    mdev_ok noiommu
    [ "$(head -n1 <<<"$output")" = "VFIO no-IOMMU mode: off (enable_unsafe_noiommu_mode=N)" ] || fail_with "state line"
    if grep -q "Devices without IOMMU isolation" <<<"$output"; then fail_with "no device lacks isolation here"; fi
    mdev noiommu --enable
    expect_status 1
    [[ "$stderr" == *"refusing to enable VFIO no-IOMMU mode without --force"* ]] || fail_with "message"
    [ "$(cat "$NOIOMMU_PARAM")" = N ]
    mdev noiommu --enable --disable
    expect_status 2
    [ "$(cat "$NOIOMMU_PARAM")" = N ]
}
