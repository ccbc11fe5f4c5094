#!/usr/bin/env bats
# Real kernel refusals reported by mdevadm in one line with context: which
# device, which parent/type, what the kernel or the pool said, and what was
# undone.  (mdevadm-only: mdevctl's messages differ.)

load helpers

# mdevadm_only: these tests need mdevadm's own commands and messages; under
# Debian's mdevctl (MDEVADM=/usr/bin/mdevctl) they skip.
mdevadm_only() {
    "$MDEVADM" groups --help >/dev/null 2>&1 || skip "the tool under test has no 'groups' command (mdevctl?): mdevadm-only test"
}

setup() { common_setup; mdevadm_only; }
teardown() { common_teardown; }

# one_line: stderr is exactly one line starting with "mdevadm: ".
one_line() {
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail_with "expected one line on stderr"
    [[ "$stderr" == "mdevadm: "* ]] || fail_with "expected 'mdevadm: ' prefix"
}

@test "start: a UUID active on another parent is refused, naming where it is active" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    mdev start -u "$u" -p mdpy -t mdpy-vga
    expect_status 1
    one_line
    [[ "$stderr" == *"cannot start $u: already active on mtty (type mtty-1)"* ]] || fail_with "message"
    # nothing changed: still on mtty, mdpy's pool untouched
    [ "$(parent_of "$u")" = mtty ]
    [ "$(mdev_type_of "$u")" = mtty-1 ]
    [ "$(avail mdpy mdpy-vga)" = 4 ]
    [ "$(count_mdevs)" -eq 1 ]
}

@test "start: the UUID active behind the tool's back (sysfs) is refused the same way" {
    u=$(uuid 1)
    sysfs_create mbochs mbochs-small "$u"
    active "$u"
    mdev start -u "$u" -p mtty -t mtty-2
    expect_status 1
    one_line
    [[ "$stderr" == *"already active on mbochs (type mbochs-small)"* ]] || fail_with "message"
    [ "$(avail mtty mtty-2)" = 12 ]
}

@test "start: exhausting mtty, the 13th mtty-2 fails naming no instances left; both mtty types are full" {
    for n in $(seq 1 12); do
        mdev_ok start -u "$(uuid "$n")" -p mtty -t mtty-2
    done
    [ "$(avail mtty mtty-2)" = 0 ]
    [ "$(avail mtty mtty-1)" = 0 ]
    u=$(uuid 13)
    mdev start -u "$u" -p mtty -t mtty-2
    expect_status 1
    one_line
    [[ "$stderr" == *"cannot start $u: no available instances of mtty-2 on mtty"* ]] || fail_with "message"
    inactive "$u"
    # the ports are shared: mtty-1 (one port) is out too
    mdev start -u "$u" -p mtty -t mtty-1
    expect_status 1
    [[ "$stderr" == *"no available instances of mtty-1 on mtty"* ]] || fail_with "message"
    inactive "$u"
    [ "$(count_mdevs)" -eq 12 ]
    # freeing one mtty-2 gives back two ports
    mdev_ok stop -u "$(uuid 1)"
    [ "$(avail mtty mtty-1)" = 2 ]
    mdev_ok start -u "$u" -p mtty -t mtty-1
    active "$u"
}

# mdpy's four instances are counted per parent by the mdev core; a raw create
# beyond them gets EUSERS (00-machine.bats checks that), but available_instances
# already reads 0 for every mdpy type, so mdevadm refuses before writing and the
# EUSERS path is not reachable through the tool.
@test "start: mdpy's shared pool, after 4 mdpy-vga an mdpy-hd is refused before the kernel's EUSERS" {
    for n in 1 2 3 4; do
        mdev_ok start -u "$(uuid "$n")" -p mdpy -t mdpy-vga
    done
    for t in mdpy-vga mdpy-xga mdpy-hd; do [ "$(avail mdpy $t)" = 0 ]; done
    u=$(uuid 5)
    mdev start -u "$u" -p mdpy -t mdpy-hd
    expect_status 1
    one_line
    [[ "$stderr" == *"cannot start $u: no available instances of mdpy-hd on mdpy"* ]] || fail_with "message"
    inactive "$u"
    [ "$(count_mdevs)" -eq 4 ]
}

@test "start of a definition with an unknown attribute fails, removes the device again, pool restored" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-1
    mdev_ok modify -u "$u" --addattr no_such_attribute --value 1
    mdev start -u "$u"
    expect_status 1
    one_line
    [[ "$stderr" == *"no_such_attribute"* ]] || fail_with "attribute not named"
    [[ "$stderr" == *"$u"* ]] || fail_with "UUID not named"
    [[ "$stderr" == *"device removed again"* ]] || fail_with "rollback not reported"
    inactive "$u"
    [ ! -e "$MDEV_BUS/mtty/$u" ] || fail_with "leftover $MDEV_BUS/mtty/$u"
    [ "$(count_mdevs)" -eq 0 ]
    [ "$(avail mtty mtty-1)" = 24 ]
    [ "$(avail mtty mtty-2)" = 12 ]
    # the definition itself stays
    [ -f "$(config_of mtty "$u")" ]
}

@test "start --jsonfile with an unknown attribute fails the same way and leaves nothing behind" {
    u=$(uuid 1)
    f=$BATS_TEST_TMPDIR/bad.json
    echo '{"mdev_type":"mdpy-xga","start":"manual","attrs":[{"bogus_attr":"x"}]}' >"$f"
    mdev start -u "$u" -p mdpy --jsonfile "$f"
    expect_status 1
    one_line
    [[ "$stderr" == *"bogus_attr"* ]] || fail_with "attribute not named"
    [[ "$stderr" == *"device removed again"* ]] || fail_with "rollback not reported"
    inactive "$u"
    [ ! -e "$MDEV_BUS/mdpy/$u" ]
    for t in mdpy-vga mdpy-xga mdpy-hd; do [ "$(avail mdpy $t)" = 4 ]; done
    [ ! -e "$(config_of mdpy "$u")" ]
}
