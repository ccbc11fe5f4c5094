#!/usr/bin/env bats
# Defined (persistent) devices: define/undefine/modify/start/list and
# start-parent-mdevs on the real sample parents.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "define -u -p -t writes a manual config and starts nothing" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    f=$(config_of mtty "$u")
    [ -f "$f" ] || fail_with "no config $f"
    [ "$(jq -r .mdev_type "$f")" = mtty-1 ]
    [ "$(jq -r .start "$f")" = manual ]
    [ "$(jq -c '.attrs // []' "$f")" = '[]' ]
    inactive "$u"
    [ "$(avail mtty mtty-1)" = 24 ]
}

@test "define --auto writes start auto" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mdpy -t mdpy-xga --auto
    [ "$(jq -r .start "$(config_of mdpy "$u")")" = auto ]
}

@test "define without -u generates and prints the UUID of the new config" {
    mdev_ok define -p mtty -t mtty-2
    u=$(tr -d '[:space:]' <<<"$output")
    [[ "$u" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail_with "no UUID printed"
    [ "$(jq -r .mdev_type "$(config_of mtty "$u")")" = mtty-2 ]
}

@test "define over an existing config fails and keeps it" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev define -u "$u" -p mtty -t mtty-2
    expect_failure
    [ "$(jq -r .mdev_type "$(config_of mtty "$u")")" = mtty-1 ]
}

@test "define -u of an active device takes parent and type from sysfs" {
    u=$(uuid 1)
    mdev_ok start -p mbochs -t mbochs-medium -u "$u"
    mdev_ok define -u "$u"
    f=$(config_of mbochs "$u")
    [ "$(jq -r .mdev_type "$f")" = mbochs-medium ]
    mdev_ok list
    [ "$output" = "$u mbochs mbochs-medium manual (defined)" ] || fail_with "unexpected list"
}

@test "list -d shows definitions, (active) once started" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok define -u "$u1" -p mtty -t mtty-1
    mdev_ok define -u "$u2" -p mdpy -t mdpy-vga --auto
    mdev_ok list -d
    [ "$output" = "$u2 mdpy mdpy-vga auto"$'\n'"$u1 mtty mtty-1 manual" ] || fail_with "unexpected list -d"
    mdev_ok list
    [ -z "$output" ] || fail_with "nothing is active"
    mdev_ok start -u "$u1"
    mdev_ok list -d
    [ "$output" = "$u2 mdpy mdpy-vga auto"$'\n'"$u1 mtty mtty-1 manual (active)" ] || fail_with "unexpected list -d"
    mdev_ok list
    [ "$output" = "$u1 mtty mtty-1 manual (defined)" ] || fail_with "unexpected list"
}

@test "list -d --dumpjson holds the stored definitions" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok define -u "$u1" -p mtty -t mtty-2 --auto
    mdev_ok define -u "$u2" -p mbochs -t mbochs-large
    mdev_ok list -d --dumpjson
    d1=$(json_dev "$output" mtty "$u1")
    d2=$(json_dev "$output" mbochs "$u2")
    [ "$(jq -r .mdev_type <<<"$d1")" = mtty-2 ] && [ "$(jq -r .start <<<"$d1")" = auto ] || fail_with "d1=$d1"
    [ "$(jq -r .mdev_type <<<"$d2")" = mbochs-large ] && [ "$(jq -r .start <<<"$d2")" = manual ] || fail_with "d2=$d2"
}

@test "start -u of a defined device creates it with the stored type" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-2
    mdev_ok start -u "$u"
    active "$u"
    [ "$(mdev_type_of "$u")" = mtty-2 ]
    [ "$(parent_of "$u")" = mtty ]
    [ -f "$(config_of mtty "$u")" ]
    mdev_ok stop -u "$u"
    inactive "$u"
    [ -f "$(config_of mtty "$u")" ] || fail_with "stop must keep the definition"
}

@test "start -u of a defined device that is already active fails" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev_ok start -u "$u"
    mdev start -u "$u"
    expect_failure
    [ "$(count_mdevs)" = 1 ]
    [ "$(avail mtty mtty-1)" = 23 ]
}

@test "start -u of an unknown UUID (neither defined nor given parent/type) fails" {
    mdev start -u "$(uuid 1)"
    expect_failure
    assert_no_mdevs
}

@test "undefine removes the config but leaves an active device running" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev_ok start -u "$u"
    mdev_ok undefine -u "$u"
    [ ! -e "$(config_of mtty "$u")" ]
    active "$u"
    mdev_ok list
    [ "$output" = "$u mtty mtty-1 manual" ] || fail_with "unexpected list"
    mdev_ok list -d
    [ -z "$output" ]
}

@test "undefine without -p removes the UUID under every parent" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev_ok define -u "$u" -p mdpy -t mdpy-vga
    [ -f "$(config_of mtty "$u")" ]
    [ -f "$(config_of mdpy "$u")" ]
    mdev_ok undefine -u "$u"
    [ ! -e "$(config_of mtty "$u")" ]
    [ ! -e "$(config_of mdpy "$u")" ]
}

@test "undefine of an unknown UUID fails" {
    mdev undefine -u "$(uuid 1)"
    expect_failure
}

@test "modify --auto / --manual / -t change the stored config only" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev_ok start -u "$u"
    f=$(config_of mtty "$u")
    mdev_ok modify -u "$u" --auto
    [ "$(jq -r .start "$f")" = auto ]
    mdev_ok modify -u "$u" -t mtty-2
    [ "$(jq -r .mdev_type "$f")" = mtty-2 ]
    # the running device is untouched
    [ "$(mdev_type_of "$u")" = mtty-1 ]
    mdev_ok modify -u "$u" --manual
    [ "$(jq -r .start "$f")" = manual ]
    [ "$(jq -r .mdev_type "$f")" = mtty-2 ]
    # restarted, it uses the new type
    mdev_ok stop -u "$u"
    mdev_ok start -u "$u"
    [ "$(mdev_type_of "$u")" = mtty-2 ]
}

@test "modify --addattr/--delattr edit the attrs list in order" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    f=$(config_of mtty "$u")
    mdev_ok modify -u "$u" --addattr a --value 1
    mdev_ok modify -u "$u" --addattr b --value 2
    mdev_ok modify -u "$u" --addattr c --value 3 --index 0
    [ "$(jq -c .attrs "$f")" = '[{"c":"3"},{"a":"1"},{"b":"2"}]' ] || fail_with "attrs: $(jq -c .attrs "$f")"
    mdev_ok modify -u "$u" --delattr --index 1
    [ "$(jq -c .attrs "$f")" = '[{"c":"3"},{"b":"2"}]' ] || fail_with "attrs: $(jq -c .attrs "$f")"
    mdev_ok modify -u "$u" --delattr
    [ "$(jq -c .attrs "$f")" = '[{"c":"3"}]' ] || fail_with "attrs: $(jq -c .attrs "$f")"
    mdev_ok list -d -v
    [ "$output" = "$u mtty mtty-1 manual"$'\n'"  Attrs:"$'\n'"    @{0}: {\"c\":\"3\"}" ] || fail_with "unexpected list -d -v"
}

@test "modify of an undefined device fails" {
    mdev modify -u "$(uuid 1)" --auto
    expect_failure
    [ ! -e "$CONF/mtty" ] || [ -z "$(ls "$CONF/mtty")" ]
}

@test "start-parent-mdevs mtty starts only the auto definitions of mtty" {
    a1=$(uuid 1) a2=$(uuid 2) m1=$(uuid 3) other=$(uuid 4)
    mdev_ok define -u "$a1" -p mtty -t mtty-1 --auto
    mdev_ok define -u "$a2" -p mtty -t mtty-2 --auto
    mdev_ok define -u "$m1" -p mtty -t mtty-1
    mdev_ok define -u "$other" -p mdpy -t mdpy-vga --auto
    mdev_ok start-parent-mdevs mtty
    active "$a1"
    active "$a2"
    [ "$(mdev_type_of "$a1")" = mtty-1 ]
    [ "$(mdev_type_of "$a2")" = mtty-2 ]
    inactive "$m1"
    inactive "$other"
    [ "$(count_mdevs)" = 2 ]
    mdev_ok list
    [ "$(grep -c '(defined)' <<<"$output")" = 2 ]
}

@test "start-parent-mdevs: one failing definition does not stop the others" {
    a1=$(uuid 1) a2=$(uuid 2) a3=$(uuid 3)
    mdev_ok define -u "$a1" -p mtty -t mtty-1 --auto
    mdev_ok define -u "$a2" -p mtty -t mtty-1 --auto
    mdev_ok define -u "$a3" -p mtty -t mtty-1 --auto
    # the middle one (in UUID order) has an attribute that cannot be written
    mdev_ok modify -u "$a2" --addattr no_such_attribute --value 1
    mdev start-parent-mdevs mtty
    active "$a1"
    active "$a3"
    inactive "$a2"
    [ "$(count_mdevs)" = 2 ]
}

@test "define -p --jsonfile stores the file's type, start and attrs" {
    u=$(uuid 1)
    printf '{"mdev_type": "mtty-2", "start": "auto", "attrs": [{"uevent": "change"}]}\n' >"$BATS_TEST_TMPDIR/dev.json"
    mdev_ok define -p mtty -u "$u" --jsonfile "$BATS_TEST_TMPDIR/dev.json"
    f=$(config_of mtty "$u")
    [ "$(jq -c '[.mdev_type, .start, .attrs]' "$f")" = '["mtty-2","auto",[{"uevent":"change"}]]' ] || fail_with "config: $(cat "$f")"
    inactive "$u"
}

@test "define --jsonfile /dev/stdin reads the config from standard input" {
    u=$(uuid 1)
    run bash -c "printf '%s' '{\"mdev_type\": \"mdpy-vga\", \"start\": \"manual\", \"attrs\": []}' | \"\$0\" define -p mdpy --jsonfile /dev/stdin -u $u" "$MDEVADM"
    [ "$status" -eq 0 ] || fail_with "define --jsonfile /dev/stdin failed"
    [ "$(jq -r .mdev_type "$(config_of mdpy "$u")")" = mdpy-vga ]
}

@test "start of a definition with attributes writes them to the new device (uevent=change)" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-2
    mdev_ok modify -u "$u" --addattr uevent --value change
    mdev_ok start -u "$u"
    active "$u"
    # mdevadm's list -v also names an active device's IOMMU group; mdevctl has no such line
    g=
    if "$MDEVADM" groups --help >/dev/null 2>&1; then
        g=$'\n'"  IOMMU group: $(basename "$(readlink "$MDEV_DEVICES/$u/iommu_group")")"
    fi
    mdev_ok list -v
    [ "$output" = "$u mtty mtty-2 manual (defined)$g"$'\n'"  Attrs:"$'\n'"    @{0}: {\"uevent\":\"change\"}" ] || fail_with "unexpected list -v"
}

@test "start of a definition whose attribute write the kernel rejects (EINVAL) removes the device again" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-2
    mdev_ok modify -u "$u" --addattr uevent --value bogus
    mdev start -u "$u"
    expect_failure
    inactive "$u"
    [ "$(avail mtty mtty-2)" = 12 ]
    [ -f "$(config_of mtty "$u")" ]
}

@test "list -p and -u filter devices" {
    u1=$(uuid 1) u2=$(uuid 2) u3=$(uuid 3)
    mdev_ok start -p mtty -t mtty-1 -u "$u1"
    mdev_ok start -p mtty -t mtty-2 -u "$u2"
    mdev_ok start -p mbochs -t mbochs-small -u "$u3"
    mdev_ok list -p mtty
    [ "$output" = "$u1 mtty mtty-1 manual"$'\n'"$u2 mtty mtty-2 manual" ] || fail_with "list -p mtty"
    mdev_ok list -u "$u3"
    [ "$output" = "$u3 mbochs mbochs-small manual" ] || fail_with "list -u"
    mdev_ok define -u "$u2"
    mdev_ok list -d -p mtty
    [ "$output" = "$u2 mtty mtty-2 manual (active)" ] || fail_with "list -d -p mtty"
}

@test "list --dumpjson -u of one device prints the bare config object" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1 --auto
    mdev_ok start -u "$u"
    mdev_ok list --dumpjson -u "$u"
    [ "$(jq -c . <<<"$output")" = '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' ] || fail_with "unexpected json"
    mdev_ok list -d --dumpjson -u "$u"
    [ "$(jq -c . <<<"$output")" = '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' ] || fail_with "unexpected json"
}

@test "list --dumpjson with no devices prints []" {
    mdev_ok list --dumpjson
    [ "$(jq -c . <<<"$output")" = '[]' ]
    mdev_ok list -d --dumpjson
    [ "$(jq -c . <<<"$output")" = '[]' ]
}

@test "define with an upper-case UUID stores the config under the lower-case name" {
    mdev_ok define -u CE65E9C6-C6DB-4E4E-9424-5CB5A7C1C0CB -p mtty -t mtty-1
    [ -f "$(config_of mtty ce65e9c6-c6db-4e4e-9424-5cb5a7c1c0cb)" ]
    [ ! -e "$(config_of mtty CE65E9C6-C6DB-4E4E-9424-5CB5A7C1C0CB)" ]
    mdev_ok start -u CE65E9C6-C6DB-4E4E-9424-5CB5A7C1C0CB
    active ce65e9c6-c6db-4e4e-9424-5cb5a7c1c0cb
}

@test "start-parent-mdevs leaves an already active auto device alone" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-2 --auto
    mdev_ok start -u "$u"
    mdev start-parent-mdevs mtty
    active "$u"
    [ "$(count_mdevs)" = 1 ]
    [ "$(avail mtty mtty-2)" = 11 ]
}

@test "start-parent-mdevs of a parent without definitions starts nothing" {
    mdev_ok define -u "$(uuid 1)" -p mtty -t mtty-1 --auto
    mdev_ok start-parent-mdevs mbochs
    assert_no_mdevs
}
