#!/bin/bash
# Pack the guest's gzip cpio initramfs: busybox-static, bash, bats-core, the
# given binaries with their shared libraries (found with ldd, loader included,
# and the ones they name for dlopen),
# the guest tests and an /init that runs them and powers off.
#
# Usage: tests/vm/mkinitramfs.sh -o OUT.cpio.gz [options]
#   -o FILE          output file (required)
#   -b [NAME=]PATH   add binary PATH as /usr/bin/NAME (default NAME: basename);
#                    repeatable.  bash is always added.
#   -t PATH          add a test file (*.bats, helper *.bash/*.sh) or every such
#                    file of a directory to /tests; repeatable
#   -x DIR           add every *.bats (and *.bash helper) of DIR to /tests/extra
#                    (run after /tests); repeatable
# Default when no -t is given: the *.bats and *.bash files of tests/vm/.
#
# In the guest, /init mounts proc, sysfs, devtmpfs, tmpfs (/tmp, /run),
# runs /tests/guest-setup.sh for the setup named by mdevadm.setup= on the
# kernel command line, runs `bats --tap` on /tests/*.bats and
# /tests/extra/*.bats, then prints
#   MDEVADM-VM-RESULT: PASS           or
#   MDEVADM-VM-RESULT: FAIL rc=N
# and powers off.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="" bins=() tests=() extras=()
while [ $# -gt 0 ]; do
    case "$1" in
        -o) out=$2; shift 2 ;;
        -b) bins+=("$2"); shift 2 ;;
        -t) tests+=("$2"); shift 2 ;;
        -x) extras+=("$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
[ -n "$out" ] || die "-o OUT is required"
[ ${#tests[@]} -gt 0 ] || tests=("$VM_DIR")

ensure_pkgs busybox-static bats bash cpio gzip

root=$(mktemp -d "${TMPDIR:-/tmp}/mdevadm-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root" # it becomes the guest's /: mktemp's 0700 would shut out every other user

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,usr/libexec,lib,lib64,etc,proc,sys,dev,tmp,run,root,var,tests/extra}
chmod 1777 "$root/tmp"

# busybox and its applets (symlinks); real binaries copied later win.
install -m 0755 /bin/busybox "$root/bin/busybox"
while read -r applet; do
    [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done < <(/bin/busybox --list-full)

# copy_file SRC: copy SRC to the same absolute path inside the image
# (following symlinks), unless already there.
copy_file() {
    local src=$1
    [ -e "$root$src" ] && return 0
    mkdir -p "$root$(dirname "$src")"
    cp -L "$src" "$root$src"
}

# copy_libs BIN: copy BIN's shared libraries and dynamic loader.
copy_libs() {
    local bin=$1 out line lib
    if ! out=$(ldd "$bin" 2>&1); then
        case "$out" in
            *"not a dynamic executable"*|*"statically linked"*) return 0 ;;
            *) die "ldd $bin failed: $out" ;;
        esac
    fi
    case "$out" in *"statically linked"*) return 0 ;; esac
    while read -r line; do
        case "$line" in
            *"=> not found"*) die "$bin: missing shared library: $line" ;;
            *"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
            /*) lib=${line%% (*} ;;
            *) continue ;;
        esac
        copy_file "$lib"
    done <<<"$out"
}

# copy_dlopen_libs BIN: the libraries BIN loads with dlopen(3), which ldd cannot see (mdevadm
# loads readline and libudev on first use): every soname spelled out in BIN that the dynamic
# linker's cache knows, with their own libraries.
copy_dlopen_libs() {
    local soname path
    while read -r soname; do
        path=$(ldconfig -p | awk -v l="$soname" '$1 == l && !p { p = $NF } END { print p }')
        [ -n "$path" ] || continue
        copy_file "$path"
        copy_libs "$path"
    done < <(grep -aoE 'lib[A-Za-z0-9_+-]+\.so\.[0-9]+' "$1" | sort -u)
}

# add_bin NAME PATH: install PATH as /usr/bin/NAME with its libraries.
add_bin() {
    local name=$1 src=$2
    [ -f "$src" ] && [ -x "$src" ] || die "binary not found or not executable: $src"
    if head -c 2 "$src" | grep -q '^#!'; then
        if grep -q 'libtool' "$src" 2>/dev/null; then
            die "$src is a libtool wrapper script; pass the real binary (e.g. $(dirname "$src")/.libs/$(basename "$src"))"
        fi
        die "$src is a script, not an ELF binary"
    fi
    rm -f "$root/usr/bin/$name"
    install -m 0755 "$src" "$root/usr/bin/$name"
    copy_libs "$src"
    copy_dlopen_libs "$src"
}

add_bin bash "$(command -v bash)"
rm -f "$root/bin/bash" "$root/bin/sh.bash"
ln -s /usr/bin/bash "$root/bin/bash"

for spec in ${bins[@]+"${bins[@]}"}; do
    case "$spec" in
        *=*) add_bin "${spec%%=*}" "${spec#*=}" ;;
        *)   add_bin "$(basename "$spec")" "$spec" ;;
    esac
done

# bats-core, exactly the files Debian's bats package installs (minus docs).
while read -r f; do
    case "$f" in /usr/share/*) continue ;; esac
    if [ -f "$f" ] && [ ! -L "$f" ]; then
        mkdir -p "$root$(dirname "$f")"
        rm -f "$root$f"
        cp -a "$f" "$root$f"
    elif [ -L "$f" ]; then
        mkdir -p "$root$(dirname "$f")"
        rm -f "$root$f"
        cp -a "$f" "$root$f"
    fi
done < <(dpkg -L bats)
[ -x "$root/usr/bin/bats" ] || die "bats not found in the image (dpkg -L bats)"

# Tests.
add_tests() {  # add_tests DEST PATH...
    local dest=$1 p f; shift
    for p in "$@"; do
        if [ -d "$p" ]; then
            for f in "$p"/*.bats "$p"/*.bash "$p"/guest-setup.sh; do
                if [ -f "$f" ]; then install -m 0644 "$f" "$dest/$(basename "$f")"; fi
            done
        elif [ -f "$p" ]; then
            install -m 0644 "$p" "$dest/$(basename "$p")"
        else
            die "no such test file or directory: $p"
        fi
    done
}
add_tests "$root/tests" "${tests[@]}"
if [ ${#extras[@]} -gt 0 ]; then add_tests "$root/tests/extra" "${extras[@]}"; fi
[ -f "$root/tests/guest-setup.sh" ] || install -m 0644 "$VM_DIR/guest-setup.sh" "$root/tests/guest-setup.sh"
compgen -G "$root/tests/*.bats" >/dev/null || compgen -G "$root/tests/extra/*.bats" >/dev/null \
    || die "no *.bats test files given"

# Minimal /etc.
# nobody: for tests of what an unprivileged user is told (su -s /bin/sh nobody -c ...)
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
: >"$root/etc/fstab"
mkdir -p "$root/etc/mdevctl.d/scripts.d/callouts" "$root/etc/mdevctl.d/scripts.d/notifiers"

cat >"$root/init" <<'INIT'
#!/bin/sh
# /init of the mdevadm test guest (busybox sh).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C LC_ALL=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /var/tmp /dev/pts /dev/shm
ln -sf /run /var/run
ln -sf /run/lock /var/lock
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
# Keep kernel messages off the console while TAP is printed (they are
# dumped after the result instead).
dmesg -n 1 2>/dev/null || true

setup=unknown filter=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        mdevadm.setup=*) setup=${arg#mdevadm.setup=} ;;
        mdevadm.filter=*) filter=${arg#mdevadm.filter=} ;;
    esac
done
export MDEVADM_VM_SETUP=$setup
export MDEVADM=${MDEVADM:-mdevadm}

echo "MDEVADM-VM-BEGIN setup=$setup kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
rc=0
if ! sh /tests/guest-setup.sh "$setup" >/tmp/guest-setup.log 2>&1; then
    echo "# guest-setup.sh $setup FAILED:"
    sed 's/^/#   /' /tmp/guest-setup.log
    rc=99
else
    sed 's/^/# setup: /' /tmp/guest-setup.log
fi
if [ "$rc" = 0 ]; then
    set -- /tests/*.bats
    for f in /tests/extra/*.bats; do [ -f "$f" ] && set -- "$@" "$f"; done
    cd /tmp
    if [ -n "$filter" ]; then set -- --filter "$filter" "$@"; fi
    bash /usr/bin/bats --tap "$@" 2>&1
    rc=$?
fi
if [ "$rc" = 0 ]; then
    echo "MDEVADM-VM-RESULT: PASS setup=$setup"
else
    echo "MDEVADM-VM-RESULT: FAIL rc=$rc setup=$setup"
fi
echo "MDEVADM-VM-DMESG-BEGIN"
dmesg 2>/dev/null | tail -n 300
echo "MDEVADM-VM-DMESG-END uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
# poweroff should not return; make sure the VM ends anyway (panic=-1 + -no-reboot).
exit 1
INIT
chmod 0755 "$root/init"

mkdir -p "$(dirname "$out")"
( cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0 ) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $out ($(stat -c %s "$out") bytes)"
