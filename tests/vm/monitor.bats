#!/usr/bin/env bats
# `monitor` and `start --wait` against real uevents (mdevadm-only).  The guest
# has no udevd: mdevadm listens to the kernel's own uevents then (libudev's
# "kernel" netlink source), and watches /etc/mdevctl.d with inotify.  The
# kernel needs CONFIG_NET (uevent netlink) and CONFIG_INOTIFY_USER.

load helpers

# mdevadm_only: these tests need mdevadm's own commands and messages; under
# Debian's mdevctl (MDEVADM=/usr/bin/mdevctl) they skip.
mdevadm_only() {
    "$MDEVADM" monitor --help >/dev/null 2>&1 || skip "the tool under test has no 'monitor' command (mdevctl?): mdevadm-only test"
}

setup() { common_setup; mdevadm_only; }
teardown() {
    if [ -n "${mon_pid:-}" ]; then
        kill "$mon_pid" 2>/dev/null || true
        wait "$mon_pid" 2>/dev/null || true
    fi
    common_teardown
}

need_events() {
    [ -e /proc/net/netlink ] || skip "kernel without CONFIG_NET: no uevent netlink socket"
    [ -e /proc/sys/fs/inotify/max_user_watches ] || skip "kernel without CONFIG_INOTIFY_USER"
}

# start_monitor: mdevadm monitor --dumpjson in the background, output in
# $mon_out/$mon_err; returns once it reports a definition written as a probe
# (it subscribes to uevents before it watches definitions).
start_monitor() {
    mon_out=$BATS_TEST_TMPDIR/monitor.out mon_err=$BATS_TEST_TMPDIR/monitor.err
    "$MDEVADM" monitor --dumpjson >"$mon_out" 2>"$mon_err" &
    mon_pid=$!
    probe=$(uuid 99)
    mkdir -p "$CONF/mtty"
    for _ in $(seq 1 60); do
        echo '{"mdev_type":"mtty-1","start":"manual"}' >"$CONF/mtty/$probe"
        sleep 0.5
        grep -q "$probe" "$mon_out" && return 0
        kill -0 "$mon_pid" 2>/dev/null || { echo "monitor exited: $(cat "$mon_err")" >&2; return 1; }
    done
    echo "monitor reported nothing within 30 s: $(cat "$mon_err")" >&2
    return 1
}

# wait_event EVENT UUID: the line of that event for UUID, waiting up to 20 s.
wait_event() {
    local line
    for _ in $(seq 1 40); do
        line=$(grep "\"event\":\"$1\"" "$mon_out" | grep "\"$2\"") && { echo "$line"; return 0; }
        sleep 0.5
    done
    echo "no '$1' event for $2; monitor printed: $(cat "$mon_out") stderr: $(cat "$mon_err")" >&2
    return 1
}

# fields LINE: "event uuid parent type" of one --dumpjson line.
fields() { jq -r '"\(.event) \(.uuid) \(.parent) \(.type)"' <<<"$1"; }

@test "monitor --dumpjson: added and removed for a real mdev started and stopped by the tool" {
    need_events
    start_monitor
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    line=$(wait_event added "$u")
    [ "$(fields "$line")" = "added $u mtty mtty-1" ] || fail_with "added: $line"
    mdev_ok stop -u "$u"
    line=$(wait_event removed "$u")
    [ "$(fields "$line")" = "removed $u mtty mtty-1" ] || fail_with "removed: $line"
    # no udevd here, and no warning about it either
    [ ! -s "$mon_err" ] || fail_with "monitor stderr: $(cat "$mon_err")"
}

@test "monitor --dumpjson: kernel events for an mdev created and removed straight through sysfs" {
    need_events
    start_monitor
    u=$(uuid 1)
    sysfs_create mdpy mdpy-xga "$u"
    line=$(wait_event added "$u")
    [ "$(fields "$line")" = "added $u mdpy mdpy-xga" ] || fail_with "added: $line"
    sysfs_remove "$u"
    line=$(wait_event removed "$u")
    [ "$(fields "$line")" = "removed $u mdpy mdpy-xga" ] || fail_with "removed: $line"
    # each event once
    [ "$(grep -c "\"$u\"" "$mon_out")" -eq 2 ] || fail_with "events: $(cat "$mon_out")"
}

@test "monitor --dumpjson: define/undefine through the tool are definition events" {
    need_events
    start_monitor
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mbochs -t mbochs-small
    line=$(wait_event defined "$u")
    [ "$(fields "$line")" = "defined $u mbochs mbochs-small" ] || fail_with "defined: $line"
    mdev_ok undefine -u "$u"
    line=$(wait_event undefined "$u")
    [ "$(jq -r '"\(.event) \(.uuid) \(.parent)"' <<<"$line")" = "undefined $u mbochs" ] || fail_with "undefined: $line"
}

@test "start --wait returns 0 once the mtty device is bound to mtty and /dev/vfio/N exists" {
    u=$(uuid 1)
    t0=$SECONDS
    mdev_ok start -u "$u" -p mtty -t mtty-1 --wait=30
    [ $((SECONDS - t0)) -lt 30 ] || fail_with "took the whole timeout"
    active "$u"
    [ "$(basename "$(readlink "$MDEV_DEVICES/$u/driver")")" = mtty ]
    g=$(basename "$(readlink "$MDEV_DEVICES/$u/iommu_group")")
    [ -c "/dev/vfio/$g" ] || fail_with "/dev/vfio/$g missing"
}

@test "start --wait for mdpy and mbochs: bound to their parent drivers, VFIO nodes present" {
    u1=$(uuid 1) u2=$(uuid 2)
    mdev_ok start -u "$u1" -p mdpy -t mdpy-hd --wait=30
    mdev_ok start -u "$u2" -p mbochs -t mbochs-medium --wait=30
    [ "$(basename "$(readlink "$MDEV_DEVICES/$u1/driver")")" = mdpy ]
    [ "$(basename "$(readlink "$MDEV_DEVICES/$u2/driver")")" = mbochs ]
    for u in "$u1" "$u2"; do
        g=$(basename "$(readlink "$MDEV_DEVICES/$u/iommu_group")")
        [ -c "/dev/vfio/$g" ] || fail_with "/dev/vfio/$g missing for $u"
    done
}
