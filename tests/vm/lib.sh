# shellcheck shell=bash
# Helpers shared by the mdevadm VM test rig scripts (sourced, not executed).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export VM_DIR

# Where kernels, unpacked sources and logs are cached.
: "${MDEVADM_VM_CACHE:=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/mdevadm-vm}"
export MDEVADM_VM_CACHE

# usage: print the calling script's leading comment block (its help text).
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

log() { printf '[vm] %s\n' "$*" >&2; }
die() { printf '[vm] ERROR: %s\n' "$*" >&2; exit 1; }

# ensure_pkgs PKG...: apt-get install the Debian packages that are not
# installed yet (idempotent; does nothing, and needs no network, when all are
# present).  Works without a terminal or stdin (CI).
ensure_pkgs() {
    local missing=() p st
    for p in "$@"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them: apt-get install ${missing[*]}"
    command -v apt-get >/dev/null || die "apt-get not found; install: ${missing[*]}"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Serialise with other runs of the rig (apt has its own lock too, but
    # would fail instead of waiting).
    mkdir -p "$MDEVADM_VM_CACHE"
    (
        flock -w 900 9 || die "timed out waiting for $MDEVADM_VM_CACHE/apt.lock"
        aptlog=$MDEVADM_VM_CACHE/apt.log
        : >"$aptlog"
        if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >>"$aptlog" 2>&1; then
            log "install failed; running apt-get update and retrying"
            if ! { apt-get update -q </dev/null && \
                   apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; } >>"$aptlog" 2>&1; then
                tail -n 30 "$aptlog" >&2
                die "apt-get install ${missing[*]} failed (log: $aptlog)"
            fi
        fi
    ) 9>"$MDEVADM_VM_CACHE/apt.lock"
    log "installed: ${missing[*]}"
}
