#!/bin/bash
# Build (or reuse from cache) a tiny x86_64 Linux 6.12 kernel with VFIO, mdev,
# the Intel IOMMU, no-IOMMU mode and the sample mdev parents mtty, mdpy and
# mbochs built in, from Debian's linux-source-6.12.
#
# Usage: tests/vm/build-kernel.sh [--print-only]
#   Prints the path of the bzImage on stdout (last line); progress on stderr.
#   --print-only: print the path the kernel would have, build nothing.
# Environment:
#   MDEVADM_VM_CACHE  cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/mdevadm-vm)
#   KERNEL_JOBS       make -j (default: nproc)
#   MDEVADM_VM_KEEP_BUILD=1  keep the object tree after a successful build
#
# The result is cached under $MDEVADM_VM_CACHE/kernel-<key>/ where <key> is a
# hash of the config fragment, the kernel source package version and the
# recipe version below, so a second run only checks and prints the path.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KSRC_PKG=linux-source-6.12
KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
FRAGMENT=$VM_DIR/kernel.config-fragment
RECIPE_VERSION=1     # bump when the build steps below change the result

print_only=0
case "${1:-}" in
    --print-only) print_only=1 ;;
    "") ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1" ;;
esac

[ -r "$FRAGMENT" ] || die "missing $FRAGMENT"

# The source package is needed even for a cache hit: its version is part of
# the cache key.
ensure_pkgs "$KSRC_PKG"
ksrc_version=$(dpkg-query -W -f='${Version}' "$KSRC_PKG")
[ -r "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing although $KSRC_PKG is installed"

key=$( { printf 'recipe=%s\npkg=%s %s\narch=x86_64\n' "$RECIPE_VERSION" "$KSRC_PKG" "$ksrc_version"; cat "$FRAGMENT"; } \
       | sha256sum | cut -c1-16)
kdir=$MDEVADM_VM_CACHE/kernel-$key
bzimage=$kdir/bzImage

if [ "$print_only" = 1 ]; then
    echo "$bzimage"
    exit 0
fi

if [ -s "$bzimage" ] && [ -f "$kdir/ok" ]; then
    log "cached kernel $bzimage ($KSRC_PKG $ksrc_version)"
    echo "$bzimage"
    exit 0
fi

mkdir -p "$MDEVADM_VM_CACHE"
exec 8>"$MDEVADM_VM_CACHE/build.lock"
if ! flock -n 8; then
    log "another build is running; waiting for $MDEVADM_VM_CACHE/build.lock"
    flock -w 3600 8 || die "timed out waiting for $MDEVADM_VM_CACHE/build.lock"
fi
# Another run may have built it while we waited.
if [ -s "$bzimage" ] && [ -f "$kdir/ok" ]; then
    log "cached kernel $bzimage (built by a concurrent run)"
    echo "$bzimage"
    exit 0
fi

start=$(date +%s)
ensure_pkgs build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils kmod

# Unpack the source once per package version (a stamp marks a complete unpack).
srcroot=$MDEVADM_VM_CACHE/src/$KSRC_PKG-$ksrc_version
if [ ! -f "$srcroot/.unpacked" ]; then
    log "unpacking $KSRC_TARBALL to $srcroot"
    rm -rf "$srcroot"
    mkdir -p "$srcroot"
    tar -xJf "$KSRC_TARBALL" -C "$srcroot"
    touch "$srcroot/.unpacked"
fi
ksrc=$(find "$srcroot" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n1)
[ -n "$ksrc" ] && [ -f "$ksrc/Makefile" ] || die "no kernel tree found in $srcroot"

# Out-of-tree build: the unpacked source stays pristine and shareable.
obj=$MDEVADM_VM_CACHE/build-$key
rm -rf "$obj"
mkdir -p "$obj"
jobs=${KERNEL_JOBS:-$(nproc)}
kmake() { make -s -C "$ksrc" O="$obj" ARCH=x86_64 "$@"; }

log "configuring (tinyconfig + $(basename "$FRAGMENT"))"
kmake tinyconfig >&2
want_y=() want_n=()
while IFS= read -r line; do
    case "$line" in
        CONFIG_*=y)             opt=${line%%=*}; want_y+=("${opt#CONFIG_}") ;;
        "# CONFIG_"*" is not set") opt=${line#\# CONFIG_}; want_n+=("${opt%% is not set}") ;;
        ""|"#"*) ;;
        *) die "unsupported line in $FRAGMENT: $line (only CONFIG_X=y and '# CONFIG_X is not set')" ;;
    esac
done <"$FRAGMENT"
args=()
for o in "${want_y[@]}"; do args+=(--enable "$o"); done
for o in "${want_n[@]}"; do args+=(--disable "$o"); done
"$ksrc/scripts/config" --file "$obj/.config" "${args[@]}"
kmake olddefconfig >&2

# Fail loudly if Kconfig dropped anything (unmet dependency, renamed option).
bad=()
for o in "${want_y[@]}"; do
    grep -qx "CONFIG_$o=y" "$obj/.config" || bad+=("CONFIG_$o (wanted =y, got: $(grep -E "^(# )?CONFIG_${o}[= ]" "$obj/.config" || echo absent))")
done
for o in "${want_n[@]}"; do
    if grep -qE "^CONFIG_$o=" "$obj/.config"; then bad+=("CONFIG_$o (wanted unset, got: $(grep -E "^CONFIG_$o=" "$obj/.config"))"); fi
done
if [ ${#bad[@]} -gt 0 ]; then
    printf '[vm] ERROR: kernel config does not contain what %s asks for:\n' "$FRAGMENT" >&2
    printf '[vm]   %s\n' "${bad[@]}" >&2
    exit 1
fi
log "config verified: ${#want_y[@]} options =y, ${#want_n[@]} unset"

log "building bzImage with -j$jobs (a few minutes on 2 cores; log: $obj/build.log)"
if ! kmake -j"$jobs" bzImage >"$obj/build.log" 2>&1; then
    tail -n 40 "$obj/build.log" >&2
    die "kernel build failed (full log: $obj/build.log)"
fi

tmpk=$MDEVADM_VM_CACHE/.kernel-$key.tmp
rm -rf "$tmpk"
mkdir -p "$tmpk"
cp "$obj/arch/x86/boot/bzImage" "$tmpk/bzImage"
cp "$obj/.config" "$tmpk/config"
printf 'source=%s %s\nfragment_sha256=%s\nbuilt=%s\nseconds=%s\n' \
    "$KSRC_PKG" "$ksrc_version" "$(sha256sum <"$FRAGMENT" | cut -d' ' -f1)" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(( $(date +%s) - start ))" >"$tmpk/ok"
rm -rf "$kdir"
mv "$tmpk" "$kdir"
[ "${MDEVADM_VM_KEEP_BUILD:-0}" = 1 ] || rm -rf "$obj"
log "built $bzimage in $(( $(date +%s) - start ))s ($(stat -c %s "$bzimage") bytes)"
echo "$bzimage"
