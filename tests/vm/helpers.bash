# shellcheck shell=bash
# Shared helpers for the real-kernel guest tests (loaded with `load helpers`).
# These tests run inside the QEMU guest started by run-vm.sh, as root, on a
# kernel with the sample mdev parents mtty, mdpy and mbochs.  They change real
# sysfs state, so every test starts from and leaves a clean machine: no mdev
# devices and no definitions.

# The tool under test; in the guest it is installed as /usr/bin/mdevadm.
MDEVADM=${MDEVADM:-mdevadm}
# iommu | noiommu (from mdevadm.setup= on the kernel command line)
MDEVADM_VM_SETUP=${MDEVADM_VM_SETUP:-unknown}
SYS=/sys
CONF=/etc/mdevctl.d
MDEV_DEVICES=$SYS/bus/mdev/devices
MDEV_BUS=$SYS/class/mdev_bus

# run --separate-stderr needs bats >= 1.5 (Debian 12 has 1.8.2).
bats_require_minimum_version 1.5.0

# mdev ARGS...: run the tool under test through bats' `run`: exit status in
# $status, stdout in $output, stderr in $stderr.
mdev() {
    # bats 1.8's `run` assigns a global $i (bats_all_in/bats_any_in): keep
    # it from clobbering the caller's loop variable.
    local i
    last_cmd="$MDEVADM $*"
    run --separate-stderr "$MDEVADM" "$@"
}

# uuid N: a fixed, valid, distinct UUID per test file and N.
uuid() {
    printf '%08x-%04x-4%03x-8%03x-%012x\n' "$_UUID_FILE_ID" "${BATS_TEST_NUMBER:-0}" 0 0 "$1"
}

# avail PARENT TYPE: available_instances from sysfs.
avail() { cat "$MDEV_BUS/$1/mdev_supported_types/$2/available_instances"; }

# active UUID: true when the mdev exists in sysfs.
# inactive UUID: true when it does not.  (Use this, never `! active`: bats
# does not fail a test on a negated command that is not the test's last.)
active() { [ -e "$MDEV_DEVICES/$1" ]; }
inactive() {
    if [ -e "$MDEV_DEVICES/$1" ]; then
        echo "mdev $1 is unexpectedly active" >&2
        return 1
    fi
}

# mdev_type_of UUID: the basename of the device's mdev_type link.
mdev_type_of() { basename "$(readlink "$MDEV_DEVICES/$1/mdev_type")"; }

# parent_of UUID: the parent device's name (directory above the mdev).
parent_of() { basename "$(dirname "$(readlink -f "$MDEV_DEVICES/$1")")"; }

# count_mdevs: number of active mdevs.
count_mdevs() { find "$MDEV_DEVICES" -mindepth 1 -maxdepth 1 | wc -l; }

# sysfs_create PARENT TYPE UUID / sysfs_remove UUID: change state behind the
# tool's back, straight through sysfs.
sysfs_create() { echo "$3" >"$MDEV_BUS/$1/mdev_supported_types/$2/create"; }
sysfs_remove() { echo 1 >"$MDEV_DEVICES/$1/remove"; }

# config_of PARENT UUID: path of a definition.
config_of() { echo "$CONF/$1/$2"; }

# clean_state: remove every mdev and every definition (not scripts.d).
clean_state() {
    local d
    for d in "$MDEV_DEVICES"/*; do
        [ -e "$d/remove" ] && echo 1 >"$d/remove" 2>/dev/null || true
    done
    mkdir -p "$CONF/scripts.d/callouts" "$CONF/scripts.d/notifiers"
    for d in "$CONF"/*; do
        [ "$(basename "$d")" = scripts.d ] && continue
        rm -rf "$d"
    done
}

# assert_clean_state: fail unless no mdev is active.
assert_no_mdevs() {
    local n
    n=$(count_mdevs)
    if [ "$n" -ne 0 ]; then
        echo "expected no active mdevs, found $n: $(ls "$MDEV_DEVICES")"
        return 1
    fi
}

# fail_with MSG: print MSG and the last command's output, then fail.
fail_with() {
    {
        echo "$1"
        echo "command: ${last_cmd:-}"
        echo "status: ${status:-}"
        echo "stdout: ${output:-}"
        echo "stderr: ${stderr:-}"
    } >&2
    return 1
}

# expect_status N: the last `mdev` call exited with N.
expect_status() {
    [ "$status" -eq "$1" ] || fail_with "expected exit status $1, got $status"
}

# mdev_ok ARGS...: mdev ARGS..., which must succeed.
mdev_ok() {
    mdev "$@"
    expect_success
}

# expect_success / expect_failure: status 0 / non-zero with a message on
# stderr.
expect_success() {
    [ "$status" -eq 0 ] || fail_with "expected success"
}
expect_failure() {
    [ "$status" -ne 0 ] || fail_with "expected failure, got exit 0"
    [ -n "$stderr" ] || fail_with "expected an error message on stderr, got none"
}

# in_test_vm: true inside the guest booted by run-vm.sh.  These tests remove
# every mdev and every definition of the machine they run on, so anywhere
# else they skip.
in_test_vm() { grep -q 'mdevadm\.setup=' /proc/cmdline 2>/dev/null; }

common_setup() {
    in_test_vm || skip "runs only inside the test VM (tests/vm/run-vm.sh): it removes all mdevs and definitions"
    # a per-file UUID prefix (busybox has md5sum but no cksum)
    _UUID_FILE_ID=$((16#$(basename "$BATS_TEST_FILENAME" | md5sum | cut -c1-8)))
    clean_state
    assert_no_mdevs
}

common_teardown() {
    in_test_vm || return 0
    clean_state
}

# JSON helpers (jq is in the guest image).
# json_type_field JSON PARENT TYPE FIELD: a field of one type in `types --dumpjson`
# output, whether parents are separate array elements or keys of one object.
json_type_field() {
    jq -c --arg p "$2" --arg t "$3" --arg f "$4" \
        '[.[] | to_entries[] | select(.key == $p) | .value[] | to_entries[] | select(.key == $t) | .value[$f]] | first' <<<"$1"
}

# json_dev JSON PARENT UUID: one device's object in `list --dumpjson` output.
json_dev() {
    jq -c --arg p "$2" --arg u "$3" \
        '[.[] | to_entries[] | select(.key == $p) | .value[] | to_entries[] | select(.key == $u) | .value] | first' <<<"$1"
}
