#!/usr/bin/env bats
# `types` against the real sample parents.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# expected_types_text PARENT: what `types -p PARENT` should print, built from sysfs.
expected_types_text() {
    local p=$1 t d
    echo "$p"
    for d in "$MDEV_BUS/$p"/mdev_supported_types/*; do
        t=$(basename "$d")
        echo "  $t"
        echo "    Available instances: $(cat "$d/available_instances")"
        echo "    Device API: $(cat "$d/device_api")"
        if [ -s "$d/name" ]; then echo "    Name: $(cat "$d/name")"; fi
        if [ -s "$d/description" ]; then echo "    Description: $(cat "$d/description")"; fi
    done
    return 0
}

@test "types -p mtty: text output matches sysfs (no Description line: mtty has none)" {
    mdev_ok types -p mtty
    expected=$(expected_types_text mtty)
    [ "$output" = "$expected" ] || fail_with "expected:"$'\n'"$expected"
    [[ "$output" == *"    Name: Dual port serial"* ]]
    [[ "$output" != *Description* ]]
}

@test "types -p mbochs: descriptions and names" {
    mdev_ok types -p mbochs
    expected=$(expected_types_text mbochs)
    [ "$output" = "$expected" ] || fail_with "expected:"$'\n'"$expected"
    [[ "$output" == *"    Description: virtual display, 64 MB video memory"* ]]
}

@test "types: lists all three parents" {
    mdev_ok types
    for p in mbochs mdpy mtty; do
        grep -qx "$p" <<<"$output" || fail_with "parent $p missing"
    done
    for t in mtty-1 mtty-2 mdpy-vga mdpy-xga mdpy-hd mbochs-small mbochs-medium mbochs-large; do
        grep -qx "  $t" <<<"$output" || fail_with "type $t missing"
    done
}

@test "types --dumpjson: available_instances are numbers equal to sysfs" {
    mdev_ok types --dumpjson
    # one line per type: parent type available_instances type-of-it device_api
    flat=$(jq -r '.[] | to_entries[] | .key as $p | .value[] | to_entries[] |
                  "\($p) \(.key) \(.value.available_instances) \(.value.available_instances | type) \(.value.device_api)"' <<<"$output") \
        || fail_with "not the expected JSON shape"
    expected=""
    for d in "$MDEV_BUS"/*/mdev_supported_types/*; do
        p=$(basename "$(dirname "$(dirname "$d")")") t=$(basename "$d")
        expected+="$p $t $(cat "$d/available_instances") number $(cat "$d/device_api")"$'\n'
    done
    [ "$(sort <<<"$flat")" = "$(sort <<<"${expected%$'\n'}")" ] || fail_with "expected:"$'\n'"$expected"$'\n'"got:"$'\n'"$flat"
    [ "$(wc -l <<<"$flat")" = 8 ]
    [ "$(json_type_field "$output" mtty mtty-2 name)" = '"Dual port serial"' ]
    [ "$(json_type_field "$output" mbochs mbochs-large description)" = '"virtual display, 64 MB video memory"' ]
    [ "$(json_type_field "$output" mtty mtty-1 description)" = null ]
}

@test "types --dumpjson -p mtty: only mtty" {
    mdev_ok types --dumpjson -p mtty
    [ "$(jq -c '[.[] | keys[]]' <<<"$output")" = '["mtty"]' ]
    [ "$(json_type_field "$output" mtty mtty-1 available_instances)" = 24 ]
}

@test "types follows the shared mtty port pool after a device is created" {
    u=$(uuid 1)
    sysfs_create mtty mtty-2 "$u"
    mdev_ok types --dumpjson -p mtty
    [ "$(json_type_field "$output" mtty mtty-2 available_instances)" = 11 ]
    [ "$(json_type_field "$output" mtty mtty-1 available_instances)" = 22 ]
    mdev_ok types -p mtty
    [ "$output" = "$(expected_types_text mtty)" ]
    [[ "$output" == *"Available instances: 22"* ]]
}

@test "types after one mbochs-large: pools of all mbochs types shrink (4/16/64 -> 3/12/48)" {
    u=$(uuid 1)
    mdev_ok start -p mbochs -t mbochs-large -u "$u"
    active "$u"
    mdev_ok types --dumpjson -p mbochs
    [ "$(json_type_field "$output" mbochs mbochs-large available_instances)" = 3 ]
    [ "$(json_type_field "$output" mbochs mbochs-medium available_instances)" = 12 ]
    [ "$(json_type_field "$output" mbochs mbochs-small available_instances)" = 48 ]
    mdev_ok stop -u "$u"
    mdev types --dumpjson -p mbochs
    [ "$(json_type_field "$output" mbochs mbochs-large available_instances)" = 4 ]
    [ "$(json_type_field "$output" mbochs mbochs-small available_instances)" = 64 ]
}

@test "types after one mdpy device: the per-parent pool of all mdpy types shrinks (4 -> 3)" {
    u=$(uuid 1)
    mdev_ok start -p mdpy -t mdpy-hd -u "$u"
    mdev_ok types --dumpjson -p mdpy
    for t in mdpy-vga mdpy-xga mdpy-hd; do
        [ "$(json_type_field "$output" mdpy "$t" available_instances)" = 3 ] || fail_with "$t"
    done
}

@test "types for a parent that does not exist: nothing listed ([] with --dumpjson)" {
    mdev types -p nosuchparent
    if [ "$status" -eq 0 ]; then
        [ -z "$output" ] || fail_with "expected no output"
    else
        expect_failure
    fi
    mdev types --dumpjson -p nosuchparent
    if [ "$status" -eq 0 ]; then
        [ "$(jq -c . <<<"$output")" = '[]' ] || fail_with "expected []"
    else
        expect_failure
    fi
}
