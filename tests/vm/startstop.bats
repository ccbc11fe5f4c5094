#!/usr/bin/env bats
# start/stop of transient devices on the real sample parents, and the kernel's
# failure cases (duplicate UUID, exhausted pools).

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "start -p mtty -t mtty-2 -u: the device appears in sysfs with its type and parent" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-2 -u "$u"
    active "$u"
    [ "$(mdev_type_of "$u")" = mtty-2 ]
    [ "$(parent_of "$u")" = mtty ]
    [ "$(readlink -f "$MDEV_DEVICES/$u")" = "/sys/devices/virtual/mtty/mtty/$u" ]
    [ -L "$MDEV_BUS/mtty/mdev_supported_types/mtty-2/devices/$u" ]
    [ "$(basename "$(readlink "$MDEV_DEVICES/$u/driver")")" = mtty ]
    [ "$(avail mtty mtty-2)" = 11 ]
    [ "$(avail mtty mtty-1)" = 22 ]
    [ "$(count_mdevs)" = 1 ]
}

@test "stop -u: the device is removed from sysfs and the pool refilled" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-2 -u "$u"
    active "$u"
    [ "$(avail mtty mtty-2)" = 11 ]
    mdev_ok stop -u "$u"
    inactive "$u"
    [ ! -e "/sys/devices/virtual/mtty/mtty/$u" ]
    [ "$(avail mtty mtty-2)" = 12 ]
    [ "$(avail mtty mtty-1)" = 24 ]
}

@test "stop of a device that is not active fails" {
    mdev stop -u "$(uuid 9)"
    expect_failure
}

@test "start on each sample parent (mtty, mdpy, mbochs)" {
    u1=$(uuid 1) u2=$(uuid 2) u3=$(uuid 3)
    mdev_ok start -p mtty -t mtty-1 -u "$u1"
    mdev_ok start -p mdpy -t mdpy-hd -u "$u2"
    mdev_ok start -p mbochs -t mbochs-small -u "$u3"
    [ "$(mdev_type_of "$u1")" = mtty-1 ]
    [ "$(parent_of "$u1")" = mtty ]
    [ "$(mdev_type_of "$u2")" = mdpy-hd ]
    [ "$(parent_of "$u2")" = mdpy ]
    [ "$(mdev_type_of "$u3")" = mbochs-small ]
    [ "$(parent_of "$u3")" = mbochs ]
    [ "$(avail mdpy mdpy-hd)" = 3 ]
    [ "$(count_mdevs)" = 3 ]
    for u in "$u1" "$u2" "$u3"; do mdev stop -u "$u"; expect_success; ! active "$u"; done
}

@test "list shows active transient devices, sorted by parent" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok start -p mtty -t mtty-2 -u "$u1"
    mdev_ok start -p mdpy -t mdpy-vga -u "$u2"
    mdev_ok list
    [ "$output" = "$u2 mdpy mdpy-vga manual"$'\n'"$u1 mtty mtty-2 manual" ] || fail_with "unexpected list"
}

@test "list -v shows the IOMMU group the kernel gave each device" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok start -p mtty -t mtty-2 -u "$u1"
    mdev_ok start -p mdpy -t mdpy-vga -u "$u2"
    g1=$(basename "$(readlink "$MDEV_DEVICES/$u1/iommu_group")")
    g2=$(basename "$(readlink "$MDEV_DEVICES/$u2/iommu_group")")
    [ -n "$g1" ] && [ -n "$g2" ] && [ "$g1" != "$g2" ] || fail_with "no IOMMU groups"
    mdev_ok list -v
    [ "$output" = "$u2 mdpy mdpy-vga manual
  IOMMU group: $g2
$u1 mtty mtty-2 manual
  IOMMU group: $g1" ] || fail_with "unexpected list -v"
    # the same group as groups reports for it
    mdev_ok groups -g "$g1" --dumpjson
    [ "$(jq -r '.[0].devices[0].name' <<<"$output")" = "$u1" ] || fail_with "groups disagrees"
}

@test "list --dumpjson of an active transient device" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-2 -u "$u"
    mdev_ok list --dumpjson
    dev=$(json_dev "$output" mtty "$u")
    [ "$(jq -r .mdev_type <<<"$dev")" = mtty-2 ] || fail_with "device not in json"
    [ "$(jq -r .start <<<"$dev")" = manual ]
}

@test "list with no devices prints nothing" {
    mdev_ok list
    [ -z "$output" ]
}

@test "upper-case UUID: accepted, device named in lower case, listed and stopped" {
    upper=CE65E9C6-C6DB-4E4E-9424-5CB5A7C1C0CB
    lower=ce65e9c6-c6db-4e4e-9424-5cb5a7c1c0cb
    mdev_ok start -p mtty -t mtty-1 -u "$upper"
    active "$lower"
    [ ! -e "$MDEV_DEVICES/$upper" ]
    mdev_ok list
    [ "$output" = "$lower mtty mtty-1 manual" ] || fail_with "list should print the UUID in lower case"
    mdev_ok stop -u "$upper"
    inactive "$lower"
}

@test "duplicate UUID: a second start fails with a message and leaves the first device alone" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-1 -u "$u"
    mdev start -p mtty -t mtty-1 -u "$u"
    expect_failure
    active "$u"
    [ "$(count_mdevs)" = 1 ]
    [ "$(avail mtty mtty-1)" = 23 ]
}

@test "duplicate UUID on another parent fails too (UUIDs are global)" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-1 -u "$u"
    mdev start -p mdpy -t mdpy-vga -u "$u"
    expect_failure
    [ "$(parent_of "$u")" = mtty ]
    [ "$(count_mdevs)" = 1 ]
    [ "$(avail mdpy mdpy-vga)" = 4 ]
}

@test "duplicate UUID created behind the tool's back (straight through sysfs) fails" {
    u=$(uuid 1)
    sysfs_create mtty mtty-2 "$u"
    mdev start -p mtty -t mtty-2 -u "$u"
    expect_failure
    [ "$(count_mdevs)" = 1 ]
}

@test "exhausting mtty: 12 mtty-2 succeed, the 13th fails cleanly, mtty-1 is exhausted too" {
    for i in $(seq 1 12); do
        mdev_ok start -p mtty -t mtty-2 -u "$(uuid "$i")"
        active "$(uuid "$i")"
    done
    [ "$(avail mtty mtty-2)" = 0 ]
    [ "$(avail mtty mtty-1)" = 0 ]
    mdev start -p mtty -t mtty-2 -u "$(uuid 13)"
    expect_failure
    inactive "$(uuid 13)"
    mdev start -p mtty -t mtty-1 -u "$(uuid 14)"
    expect_failure
    inactive "$(uuid 14)"
    [ "$(count_mdevs)" = 12 ]
    # freeing one dual-port device gives back two single ports
    mdev_ok stop -u "$(uuid 5)"
    [ "$(avail mtty mtty-1)" = 2 ]
    mdev_ok start -p mtty -t mtty-1 -u "$(uuid 14)"
    active "$(uuid 14)"
}

@test "exhausting mbochs-large: a 5th fails, and the other mbochs pools shrank to 0" {
    for i in 1 2 3 4; do
        mdev_ok start -p mbochs -t mbochs-large -u "$(uuid "$i")"
    done
    [ "$(avail mbochs mbochs-large)" = 0 ]
    [ "$(avail mbochs mbochs-medium)" = 0 ]
    [ "$(avail mbochs mbochs-small)" = 0 ]
    mdev start -p mbochs -t mbochs-large -u "$(uuid 5)"
    expect_failure
    mdev start -p mbochs -t mbochs-small -u "$(uuid 6)"
    expect_failure
    inactive "$(uuid 5)"
    inactive "$(uuid 6)"
    [ "$(count_mdevs)" = 4 ]
}

@test "start on an unknown parent or type fails and creates nothing" {
    mdev start -p nosuchparent -t mtty-1 -u "$(uuid 1)"
    expect_failure
    mdev start -p mtty -t mtty-3 -u "$(uuid 2)"
    expect_failure
    mdev start -p mtty -t mdpy-vga -u "$(uuid 3)"
    expect_failure
    assert_no_mdevs
}

@test "start without -u generates and prints a UUID that is then active" {
    mdev_ok start -p mtty -t mtty-1
    u=$(tr -d '[:space:]' <<<"$output")
    [[ "$u" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail_with "no UUID printed"
    active "$u"
    [ "$(mdev_type_of "$u")" = mtty-1 ]
}

@test "stop of a device removed behind the tool's back fails" {
    u=$(uuid 1)
    mdev_ok start -p mtty -t mtty-1 -u "$u"
    sysfs_remove "$u"
    mdev stop -u "$u"
    expect_failure
}

@test "mdpy: 4 instances shared by all its types; the 5th start fails whatever the type" {
    mdev_ok start -p mdpy -t mdpy-vga -u "$(uuid 1)"
    mdev_ok start -p mdpy -t mdpy-xga -u "$(uuid 2)"
    [ "$(avail mdpy mdpy-hd)" = 2 ]
    mdev_ok start -p mdpy -t mdpy-hd -u "$(uuid 3)"
    mdev_ok start -p mdpy -t mdpy-vga -u "$(uuid 4)"
    for t in mdpy-vga mdpy-xga mdpy-hd; do [ "$(avail mdpy $t)" = 0 ]; done
    mdev start -p mdpy -t mdpy-hd -u "$(uuid 5)"
    expect_failure
    inactive "$(uuid 5)"
    [ "$(count_mdevs)" = 4 ]
    mdev_ok stop -u "$(uuid 2)"
    for t in mdpy-vga mdpy-xga mdpy-hd; do [ "$(avail mdpy $t)" = 1 ]; done
}

@test "start -p --jsonfile: a transient device of the type given in the file" {
    u=$(uuid 1)
    printf '{"mdev_type": "mtty-2", "start": "manual", "attrs": []}\n' >"$BATS_TEST_TMPDIR/dev.json"
    mdev_ok start -p mtty --jsonfile "$BATS_TEST_TMPDIR/dev.json" -u "$u"
    active "$u"
    [ "$(mdev_type_of "$u")" = mtty-2 ]
    [ ! -e "$(config_of mtty "$u")" ]
}

@test "start --jsonfile /dev/stdin reads the config from standard input" {
    u=$(uuid 1)
    run bash -c "printf '%s' '{\"mdev_type\": \"mbochs-small\", \"start\": \"manual\"}' | \"\$0\" start -p mbochs --jsonfile /dev/stdin -u $u" "$MDEVADM"
    [ "$status" -eq 0 ] || fail_with "start --jsonfile /dev/stdin failed"
    active "$u"
    [ "$(mdev_type_of "$u")" = mbochs-small ]
}
