#!/usr/bin/env bats
# `info`, `info --probe` and `types --probe` on the real kernel (mdevadm-only): what 6.12's
# sample drivers answer through VFIO.  mtty implements migration v2 with STOP_COPY, P2P and
# PRE_COPY and DMA logging (samples/vfio-mdev/mtty.c: migration_flags, mtty_log_ops); its
# GET_INFO says vfio-pci without reset, 9 regions, 5 IRQs of which it answers INTx and MSI.
# mdpy and mbochs have no migration and no logging; mbochs has a 10th region (EDID).
# Every mdev gets an emulated group and a cdev, in both setups.

load helpers

mdevadm_only() {
    "$MDEVADM" info --help >/dev/null 2>&1 || skip "the tool under test has no 'info' command (mdevctl?): mdevadm-only test"
}

setup() { common_setup; mdevadm_only; }
teardown() {
    local pid
    for pid in ${HOLDERS-}; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    # the tree without /proc: its bind mounts go before anything could remove below them
    if [ -d "$NOPROC" ]; then
        umount "$NOPROC/sys" "$NOPROC/dev" 2>/dev/null || true
        rmdir "$NOPROC/sys" "$NOPROC/dev" "$NOPROC"
    fi
    # the group-API test hides /dev/iommu: put it back as devtmpfs had it
    if in_test_vm && [ ! -e /dev/iommu ] && [ -r /sys/class/misc/iommu/dev ]; then
        IFS=: read -r maj min </sys/class/misc/iommu/dev
        mknod -m 0600 /dev/iommu c "$maj" "$min"
    fi
    common_teardown
}

# a --root tree with the real /sys and /dev and no /proc: a tool that cannot see the holders,
# like one in a container of its own (outside bats' temporary directory, which rm -r empties)
NOPROC=/run/mdevadm-noproc

mdev_group() { basename "$(readlink "$MDEV_DEVICES/$1/iommu_group")"; }
mdev_cdev() { basename "$MDEV_DEVICES/$1"/vfio-dev/vfio*; }

# hold NODE WORD: a process in the background with NODE open as its fd 5 and the command line
# "sleep WORD"; its PID is added to HOLDERS and left in HOLDER.
hold() {
    sleep "$2" 5<"$1" 3>&- &
    HOLDER=$!
    HOLDERS="${HOLDERS-} $HOLDER"
    # it holds the node once the shell's child has exec'd sleep with it open
    local i
    for i in $(seq 100); do
        [ "$(readlink "/proc/$HOLDER/fd/5" 2>/dev/null)" = "$1" ] && \
            [ "$(tr '\0' ' ' <"/proc/$HOLDER/cmdline")" = "sleep $2 " ] && return 0
        sleep 0.05
    done
    echo "holder of $1 did not start" >&2
    return 1
}

# show: the last command's stdout and stderr as TAP comments, so that the console log has what
# the real kernel answered.
show() {
    { echo "\$ mdevadm ${last_cmd#"$MDEVADM "}"; echo "$output"; [ -z "$stderr" ] || echo "$stderr"; } |
        sed 's/^/# /' >&3
}

# probe_summary: one line from the probe object of `info --dumpjson` output.
probe_summary() {
    jq -r '.probe | "\(.access) \(.node) \(.device_api) reset=\(.reset) regions=\(.num_regions) irqs=\(.num_irqs) migration=\(.migration | join(",")) flags=\(.migration_flags) dirty=\(.dirty_logging)"' <<<"$output"
}

# regions_summary: the non-empty regions and the IRQs that answered, "NAME:SIZE:rwm" each.
regions_summary() {
    jq -r '.probe | [(.regions[] | select(.size > 0) | "\(.name // .index):\(.size):\(if .read then "r" else "" end)\(if .write then "w" else "" end)\(if .mmap then "m" else "" end)")] + [(.irqs[] | "\(.name):\(.count)")] | join(" ")' <<<"$output"
}

@test "info: an mtty device as sysfs shows it: type name, emulated group, group node, cdev, driver" {
    u=$(uuid 1)
    mdev_ok define -u "$u" -p mtty -t mtty-2 -a
    mdev_ok start -u "$u"
    g=$(mdev_group "$u")
    c=$(mdev_cdev "$u")
    mdev_ok info -u "$u"
    [ "$output" = "$u
  Parent: mtty
  Type: mtty-2 (Dual port serial)
  Defined: yes, started automatically
  Active: yes
  IOMMU group: $g (emulated)
  VFIO group node: /dev/vfio/$g
  VFIO device node: /dev/vfio/devices/$c
  Driver: mtty
  Holders: none" ] || fail_with "unexpected text"
    [ -c "/dev/vfio/$g" ] && [ -c "/dev/vfio/devices/$c" ]
}

@test "info --probe: mtty-2 reports migration STOP_COPY, P2P, PRE_COPY and dirty page logging" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-2
    c=$(mdev_cdev "$u")
    mdev_ok info -u "$u" --probe --dumpjson
    s=$(probe_summary)
    [ "$s" = "cdev /dev/vfio/devices/$c vfio-pci reset=false regions=9 irqs=5 migration=STOP_COPY,P2P,PRE_COPY flags=7 dirty=true" ] \
        || fail_with "probe: $s"
    # the dual port type has BAR1; the config space is 0xff bytes (MTTY_CONFIG_SPACE_SIZE)
    s=$(regions_summary)
    [ "$s" = "BAR0:8:rw BAR1:8:rw CONFIG:255:rw INTx:1 MSI:1" ] || fail_with "regions: $s"
    mdev_ok info -u "$u" --probe
    show
    [[ $output == *"  Probe:
    Opened: /dev/vfio/devices/$c (device cdev bound to iommufd)
    Device API: vfio-pci
    Reset: no
    Regions: 9
      BAR0: 8 B, read/write
      BAR1: 8 B, read/write
      CONFIG: 255 B, read/write
    IRQs: 5
      INTx: 1
      MSI: 1
    Migration: STOP_COPY, P2P, PRE_COPY
    Dirty page logging: yes" ]] || fail_with "unexpected text"
    # closed again: the device can be stopped at once
    mdev_ok stop -u "$u"
    inactive "$u"
}

@test "info --probe: mdpy and mbochs report no migration and no dirty page logging" {
    u=$(uuid 1)
    v=$(uuid 2)
    mdev_ok start -u "$u" -p mdpy -t mdpy-vga
    mdev_ok start -u "$v" -p mbochs -t mbochs-small
    mdev_ok info -u "$u" --probe --dumpjson
    s=$(probe_summary)
    [[ $s == "cdev /dev/vfio/devices/vfio"*" vfio-pci reset=false regions=9 irqs=5 migration= flags=0 dirty=false" ]] \
        || fail_with "mdpy: $s"
    mdev_ok info -u "$v" --probe --dumpjson
    s=$(probe_summary)
    [[ $s == *" vfio-pci reset=false regions=10 irqs=5 migration= flags=0 dirty=false" ]] || fail_with "mbochs: $s"
    # 4 MB of video memory in BAR0 (mmap-able), a page of MMIO in BAR2, the EDID region 9
    s=$(regions_summary)
    [ "$s" = "BAR0:4194304:rwm BAR2:4096:rw CONFIG:255:rw 9:4096:rw INTx:0 MSI:0 MSI-X:0 ERR:0 REQ:0" ] \
        || fail_with "mbochs regions: $s"
    mdev_ok info -u "$u" --probe
    show
    [[ $output == *"    Migration: no
    Dirty page logging: no" ]] || fail_with "mdpy text"
    mdev_ok info -u "$v" --probe
    show
}

@test "info --probe: without /dev/iommu it goes through the group and a type1 container" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    g=$(mdev_group "$u")
    rm /dev/iommu
    mdev_ok info -u "$u" --probe --dumpjson
    s=$(probe_summary)
    [ "$s" = "group /dev/vfio/$g vfio-pci reset=false regions=9 irqs=5 migration=STOP_COPY,P2P,PRE_COPY flags=7 dirty=true" ] \
        || fail_with "probe: $s"
    # mtty-1 has one port: no BAR1
    s=$(regions_summary)
    [ "$s" = "BAR0:8:rw CONFIG:255:rw INTx:1 MSI:1" ] || fail_with "regions: $s"
    # the group was let go: it opens again
    mdev_ok info -u "$u" --probe
    [[ $output == *"    Opened: /dev/vfio/$g (group and container)"* ]] || fail_with "text"
}

@test "a device a guest process holds: info names it, --probe and stop refuse it; released, both work" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-2
    g=$(mdev_group "$u")
    c=$(mdev_cdev "$u")
    hold "/dev/vfio/$g" 601
    a=$HOLDER
    hold "/dev/vfio/devices/$c" 602
    b=$HOLDER
    mdev_ok info -u "$u"
    show
    [[ $output == *"  Holders:
    $a on /dev/vfio/$g: sleep 601
    $b on /dev/vfio/devices/$c: sleep 602" ]] || fail_with "holders"
    mdev_ok info -u "$u" --dumpjson
    [ "$(jq -c '[.holders[] | [.pid, .node, .cmdline]]' <<<"$output")" = "[[$a,\"/dev/vfio/$g\",\"sleep 601\"],[$b,\"/dev/vfio/devices/$c\",\"sleep 602\"]]" ] \
        || fail_with "holders json"
    mdev info -u "$u" --probe
    expect_status 1
    [ "$output" = "" ]
    show
    [ "$stderr" = "mdevadm: cannot probe $u: in use by $a (sleep 601), $b (sleep 602)" ] || fail_with "probe refusal"
    mdev stop -u "$u"
    expect_status 1
    [ "$stderr" = "mdevadm: cannot stop $u: in use by $a (sleep 601), $b (sleep 602) (--force stops it anyway, waiting until it is released)" ] \
        || fail_with "stop refusal"
    active "$u"
    kill "$a" "$b"
    wait "$a" "$b" 2>/dev/null || true
    mdev_ok info -u "$u" --probe --dumpjson
    [ "$(jq -r '.probe.migration | join(",")' <<<"$output")" = STOP_COPY,P2P,PRE_COPY ]
    mdev_ok stop -u "$u"
    inactive "$u"
}

@test "info --probe as an unprivileged user: the message says it needs root" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    c=$(mdev_cdev "$u")
    run --separate-stderr su -s /bin/sh nobody -c "$MDEVADM info -u $u --probe"
    expect_status 1
    [ "$stderr" = "mdevadm: cannot probe $u: cannot open /dev/vfio/devices/$c: Permission denied (probing opens the device: run as root)" ] \
        || fail_with "non-root message"
}

@test "info --probe: a holder /proc does not show is refused by the kernel, and the message says so" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-2
    g=$(mdev_group "$u")
    c=$(mdev_cdev "$u")
    mkdir -p "$NOPROC/sys" "$NOPROC/dev"
    mount --bind /sys "$NOPROC/sys"
    mount --bind /dev "$NOPROC/dev"
    hold "/dev/vfio/$g" 603
    mdev --root "$NOPROC" info -u "$u"
    [[ $output == *"  Holders: none"* ]] || fail_with "the holder is visible"
    mdev --root "$NOPROC" info -u "$u" --probe
    show
    expect_status 1
    [ "$output" = "" ]
    [ "$stderr" = "mdevadm: cannot probe $u: the kernel refuses to bind /dev/vfio/devices/$c (Device or resource busy): another process has the device open, one that /proc does not show" ] \
        || fail_with "hidden holder"
    kill "$HOLDER"
    wait "$HOLDER" 2>/dev/null || true
    mdev_ok --root "$NOPROC" info -u "$u" --probe --dumpjson
    [ "$(jq -r '.probe.migration | join(",")' <<<"$output")" = STOP_COPY,P2P,PRE_COPY ]
}

@test "info as an unprivileged user: the processes it cannot look at are counted" {
    u=$(uuid 1)
    mdev_ok start -u "$u" -p mtty -t mtty-1
    g=$(mdev_group "$u")
    hold "/dev/vfio/$g" 604
    run --separate-stderr su -s /bin/sh nobody -c "$MDEVADM info -u $u"
    expect_status 0
    re=$'\n  Holders: none\n    \\(([0-9]+) processes could not be looked at: only root sees them all\\)$'
    [[ $output =~ $re ]] || fail_with "non-root holders"
    n=${BASH_REMATCH[1]}
    [ "$n" -gt 0 ]
    run --separate-stderr su -s /bin/sh nobody -c "$MDEVADM info -u $u --dumpjson"
    expect_status 0
    [ "$(jq -c '[.holders, .holders_unchecked > 0]' <<<"$output")" = '[[],true]' ] || fail_with "non-root json"
}

# avail_all: every type's available_instances, one "PARENT/TYPE N" line each.
avail_all() {
    local f
    for f in "$MDEV_BUS"/*/mdev_supported_types/*/available_instances; do
        echo "$(basename "$(dirname "$(dirname "$(dirname "$f")")")")/$(basename "$(dirname "$f")") $(cat "$f")"
    done
}

@test "types --probe: migration per type; every parent as it was, available_instances included" {
    before=$(avail_all)
    mdev_ok types --probe --dumpjson
    s=$(jq -r '.[] | to_entries[] | .key as $p | .value[] | to_entries[] | "\($p) \(.key) \(.value.probe | if . == null then "null" else "\(if (.migration | length) == 0 then "-" else (.migration | join(",")) end) dirty=\(.dirty_logging)" end)"' <<<"$output")
    [ "$s" = "mbochs mbochs-large - dirty=false
mbochs mbochs-medium - dirty=false
mbochs mbochs-small - dirty=false
mdpy mdpy-hd - dirty=false
mdpy mdpy-vga - dirty=false
mdpy mdpy-xga - dirty=false
mtty mtty-1 STOP_COPY,P2P,PRE_COPY dirty=true
mtty mtty-2 STOP_COPY,P2P,PRE_COPY dirty=true" ] || fail_with "per type: $s"
    assert_no_mdevs
    [ "$(avail_all)" = "$before" ] || fail_with "available_instances changed: $(avail_all)"
    mdev_ok types -p mtty --probe
    show
    [[ $output == *"  mtty-1
    Available instances: 24
    Device API: vfio-pci
    Name: Single port serial
    Migration: STOP_COPY, P2P, PRE_COPY
    Dirty page logging: yes"* ]] || fail_with "text"
    assert_no_mdevs
}

@test "types --probe: a type with no instance left is not probed; existing devices untouched" {
    for n in 1 2 3 4; do mdev_ok start -u "$(uuid "$n")" -p mdpy -t mdpy-vga; done
    before=$(avail_all)
    mdev_ok types -p mdpy --probe --dumpjson
    [ "$(jq -c '[.[] | to_entries[] | .value[] | to_entries[] | .value.probe]' <<<"$output")" = "[null,null,null]" ] \
        || fail_with "probes"
    [ "$(avail_all)" = "$before" ]
    [ "$(count_mdevs)" -eq 4 ]
    for n in 1 2 3 4; do active "$(uuid "$n")"; done
}

# probe_signalled GLOB SIG: types --probe in the background, sent SIG as soon as a path matching
# GLOB exists (a transient device), or at once for GLOB "now"; its exit status in $st.
probe_signalled() {
    "$MDEVADM" types --probe >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
    pid=$!
    # builtins only: a fork per round would let a device come and go unseen
    while [ "$1" != now ] && kill -0 "$pid" 2>/dev/null && ! compgen -G "$1" >/dev/null; do :; done
    kill -s "$2" "$pid" 2>/dev/null || true
    st=0
    wait "$pid" || st=$?
}

@test "types --probe: SIGTERM or SIGHUP during a probe waits for the device's removal, then stops" {
    before=$(avail_all)
    # during the first type (mbochs-large), then during the mdpy ones (4th to 6th of eight: a
    # signal seen after the last type was probed ends the command with no such message)
    for run in "$MDEV_DEVICES/*:TERM:143" "$MDEV_BUS/mdpy/*-*-*-*-*:HUP:129" "now:TERM:"; do
        IFS=: read -r glob sig want <<<"$run"
        # exit 0: the command ended before the signal was sent, the device of the moment came
        # and went between two rounds of the poll (a loaded host stalls the vCPUs): again, the
        # parents checked after each round
        for _ in 1 2 3 4 5 6; do
            probe_signalled "$glob" "$sig"
            assert_no_mdevs || fail_with "after SIG$sig during $glob (exit $st): $(cat "$BATS_TEST_TMPDIR/err")"
            [ "$(avail_all)" = "$before" ] || fail_with "available_instances after SIG$sig during $glob"
            [ -n "$want" ] && [ "$st" -eq 0 ] || break
        done
        [ -z "$want" ] || [ "$st" -eq "$want" ] || fail_with "SIG$sig during $glob: exit $st, not $want: $(cat "$BATS_TEST_TMPDIR/err")"
        [ -z "$want" ] || grep -q "^mdevadm: interrupted; every device created for probing is removed again$" "$BATS_TEST_TMPDIR/err" \
            || fail_with "no interruption message: $(cat "$BATS_TEST_TMPDIR/err")"
    done
}
