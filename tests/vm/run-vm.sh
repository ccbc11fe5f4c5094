#!/bin/bash
# Real-kernel tests of mdevadm: build (or reuse) a tiny Linux 6.12 kernel with
# VFIO/mdev and the sample mdev parents (mtty, mdpy, mbochs), pack the tool and
# the bats tests of tests/vm/ into an initramfs, and boot two QEMU machines
# one after the other:
#   iommu    q35 + emulated Intel IOMMU (-device intel-iommu, intel_iommu=on)
#   noiommu  q35 without an IOMMU; the guest enables vfio's
#            enable_unsafe_noiommu_mode and binds a spare e1000 to vfio-pci
# Pass/fail is decided only from the guest's result marker line.
#
# Usage: tests/vm/run-vm.sh [--setup NAME]... [--mdevadm PATH] [--extra DIR]
# Environment:
#   MDEVADM          binary to test (default: $builddir/src/mdevadm); in the
#                    guest it is /usr/bin/mdevadm.  E.g. MDEVADM=/usr/bin/mdevctl
#   builddir         build tree (default: the top of this source tree)
#   VM_EXTRA_TESTS   a directory whose *.bats files also run in the guest
#   VM_SETUPS        setups to boot (default: "iommu noiommu")
#   VM_TIMEOUT       seconds per boot before QEMU is killed (default 600; a
#                    boot normally takes 1.5-3.5 minutes under TCG)
#   VM_LOGDIR        where console logs go (default: $builddir/tests/vm/logs)
#   VM_MEM, VM_SMP   guest memory / CPUs (default 1G / 2)
#   VM_ACCEL         tcg (default) or kvm
#   VM_CPU           QEMU -cpu model under TCG (default qemu64)
#   VM_FILTER        only run tests whose name matches this regex (bats
#                    --filter; no spaces: it travels on the kernel command line)
#   MDEVADM_VM_CACHE kernel cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/mdevadm-vm)
# Exit status: 0 when every setup printed "MDEVADM-VM-RESULT: PASS", else 1.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

top=$(cd "$VM_DIR/../.." && pwd)
builddir=${builddir:-$top}
mdevadm=${MDEVADM:-$builddir/src/mdevadm}
extra=${VM_EXTRA_TESTS:-}
setups=()
while [ $# -gt 0 ]; do
    case "$1" in
        --setup) setups+=("$2"); shift 2 ;;
        --setup=*) setups+=("${1#--setup=}"); shift ;;
        --mdevadm) mdevadm=$2; shift 2 ;;
        --mdevadm=*) mdevadm=${1#--mdevadm=}; shift ;;
        --extra) extra=$2; shift 2 ;;
        --extra=*) extra=${1#--extra=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[ ${#setups[@]} -gt 0 ] || read -r -a setups <<<"${VM_SETUPS:-iommu noiommu}"
timeout_s=${VM_TIMEOUT:-600}
logdir=${VM_LOGDIR:-$builddir/tests/vm/logs}
accel=${VM_ACCEL:-tcg}

for s in "${setups[@]}"; do
    case "$s" in iommu|noiommu) ;; *) die "unknown setup '$s' (iommu, noiommu)" ;; esac
done
[ -f "$mdevadm" ] && [ -x "$mdevadm" ] \
    || die "binary to test not found: $mdevadm (build mdevadm first, or set MDEVADM=/path, e.g. MDEVADM=/usr/bin/mdevctl)"
mdevadm=$(readlink -f "$mdevadm")
if [ -n "$extra" ]; then
    [ -d "$extra" ] || die "VM_EXTRA_TESTS is not a directory: $extra"
    extra=$(readlink -f "$extra")
fi

t0=$(date +%s)
ensure_pkgs qemu-system-x86 busybox-static bats bash jq cpio gzip coreutils
qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not found"

kernel=$("$VM_DIR/build-kernel.sh" | tail -n1)
[ -s "$kernel" ] || die "build-kernel.sh gave no kernel"

work=$(mktemp -d "${TMPDIR:-/tmp}/mdevadm-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
initrd=$work/initrd.gz
mk_args=(-o "$initrd" -b "mdevadm=$mdevadm" -b "jq=$(command -v jq)" -t "$VM_DIR")
if [ -n "$extra" ]; then mk_args+=(-x "$extra"); fi
"$VM_DIR/mkinitramfs.sh" "${mk_args[@]}"

mkdir -p "$logdir"
log "testing $mdevadm; kernel $kernel; logs in $logdir"

total_pass=0 total_fail=0 total_skip=0 failed_setups=()
summary=()
for setup in "${setups[@]}"; do
    console=$logdir/console-$setup.log
    append="console=ttyS0 panic=-1 quiet mdevadm.setup=$setup"
    if [ -n "${VM_FILTER:-}" ]; then
        case "$VM_FILTER" in *[[:space:]]*) die "VM_FILTER must not contain spaces" ;; esac
        append+=" mdevadm.filter=$VM_FILTER"
    fi
    machine=q35
    qargs=(-nodefaults -display none -no-reboot -m "${VM_MEM:-1G}" -smp "${VM_SMP:-2}"
           -serial "file:$console" -monitor none
           -kernel "$kernel" -initrd "$initrd")
    if [ "$accel" = kvm ]; then
        qargs+=(-accel kvm -cpu host); machine=q35,kernel-irqchip=split
    else
        qargs+=(-accel tcg -cpu "${VM_CPU:-qemu64}")
    fi
    if [ "$setup" = iommu ]; then
        # the IOMMU goes before any PCI device it should translate for
        qargs+=(-device intel-iommu)
        append+=" intel_iommu=on"
    fi
    # a spare NIC with no backend and no driver in the guest: a PCI device to
    # put in an IOMMU group (iommu) or bind to vfio-pci (noiommu)
    qargs+=(-device "e1000,romfile=,id=spare0")
    qargs+=(-machine "$machine" -append "$append")

    log "booting setup '$setup' (timeout ${timeout_s}s)"
    printf '%s\n' "$qemu ${qargs[*]}" >"$logdir/qemu-$setup.cmd"
    rm -f "$console"
    b0=$(date +%s.%N)
    qrc=0
    timeout --kill-after=10 "$timeout_s" "$qemu" "${qargs[@]}" </dev/null >"$logdir/qemu-$setup.out" 2>&1 || qrc=$?
    b1=$(date +%s.%N)
    boot_s=$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.1f", b - a }')
    [ -f "$console" ] || : >"$console"
    tr -d '\r' <"$console" >"$work/console-$setup.txt"

    # TAP lines between the begin and result markers.
    awk '/^MDEVADM-VM-BEGIN /{on=1; next} /^MDEVADM-VM-RESULT: /{on=0} on && /^(ok |not ok |# |1\.\.[0-9])/' \
        "$work/console-$setup.txt" >"$work/tap-$setup.txt"
    echo "=== setup $setup ==="
    sed "s/^/[$setup] /" "$work/tap-$setup.txt"
    result=$(grep -m1 '^MDEVADM-VM-RESULT: ' "$work/console-$setup.txt" || true)
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$work/tap-$setup.txt" | head -n1)
    n_ok=$(grep -c '^ok ' "$work/tap-$setup.txt" || true)
    n_notok=$(grep -c '^not ok ' "$work/tap-$setup.txt" || true)
    n_skip=$(grep -cE '^ok [0-9]+ .*# skip' "$work/tap-$setup.txt" || true)
    # guest uptime when /init started and when it was done
    up0=$(sed -n 's/^MDEVADM-VM-BEGIN .*uptime=\([0-9.]*\).*/\1/p' "$work/console-$setup.txt" | head -n1)
    up1=$(sed -n 's/^MDEVADM-VM-DMESG-END uptime=\([0-9.]*\).*/\1/p' "$work/console-$setup.txt" | head -n1)
    verdict=PASS why=""
    if [ "$result" != "MDEVADM-VM-RESULT: PASS setup=$setup" ]; then
        verdict=FAIL
        why=${result:-"no result marker (qemu exit $qrc$([ "$qrc" = 124 ] && echo ', timed out after '"$timeout_s"'s'))"}
    elif [ -z "$plan" ] || [ "$plan" -ne $((n_ok + n_notok)) ]; then
        verdict=FAIL why="TAP plan ${plan:-missing} but $((n_ok + n_notok)) results"
    elif [ "$n_notok" -ne 0 ]; then
        verdict=FAIL why="$n_notok failed tests despite a PASS marker"
    fi
    if [ "$verdict" = FAIL ]; then
        failed_setups+=("$setup")
        # Show the end of the console: kernel panic, setup failure, etc.
        echo "[$setup] --- last console lines ($console) ---"
        grep -v '^MDEVADM-VM-DMESG' "$work/console-$setup.txt" | tail -n 40 | sed "s/^/[$setup] | /"
        if [ -s "$logdir/qemu-$setup.out" ]; then sed "s/^/[$setup] qemu: /" "$logdir/qemu-$setup.out"; fi
    fi
    total_pass=$((total_pass + n_ok - n_skip)); total_skip=$((total_skip + n_skip)); total_fail=$((total_fail + n_notok))
    line="setup $setup: $verdict, $((n_ok - n_skip)) passed, $n_notok failed, $n_skip skipped (plan ${plan:-none}), qemu ${boot_s}s (kernel to /init ${up0:-?}s, /init to poweroff $(awk -v a="${up0:-0}" -v b="${up1:-0}" 'BEGIN { if (b > 0) printf "%.1f", b - a; else printf "?" }')s)${why:+ - $why}"
    summary+=("$line")
    echo "=== $line ==="
done

echo "=== summary ($(( $(date +%s) - t0 ))s; binary $mdevadm; logs $logdir) ==="
printf '  %s\n' "${summary[@]}"
echo "vm-tests: $total_pass passed, $total_fail failed, $total_skip skipped"
if [ ${#failed_setups[@]} -gt 0 ]; then
    log "FAILED setups: ${failed_setups[*]}"
    exit 1
fi
exit 0
