# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for NVIDIA vGPUs on SR-IOV virtual functions (the vf family) in a fake tree.
#
# Load with `load vgpu_helper` (it loads test_helper). The layout follows the published
# interface (see tests/fakekernel_vgpu.c); no NVIDIA hardware was involved. Writes to a PF's
# sriov_numvfs and a VF's nvidia/current_vgpu_type are answered by the fake kernel's vGPU
# driver (`fakekernel --run`), synchronously and with its errnos, so `mdevadm` here runs under
# it, and so do the helpers that enable VFs or create vGPUs.

# shellcheck source=tests/test_helper.bash
. "${BASH_SOURCE[0]%/*}/test_helper.bash"

# vgpu_setup: common_setup, and a skip where the fake driver cannot run (it needs seccomp user
# notification, Linux 5.5). The default setup of a file that loads this helper.
vgpu_setup() {
	common_setup
	"$FAKEKERNEL" --run "$ROOT" -- true ||
		skip "fakekernel --run cannot supervise a command here (seccomp user notification)"
}
setup() { vgpu_setup; }

# The program under test, with the fake vGPU driver answering its sysfs writes; the driver's
# log (a line per write it answered or refused) goes to $FAKEKERNEL_LOG.
mdevadm() { "$FAKEKERNEL" --run "$ROOT" -- "$MDEVADM" --root "$ROOT" "$@"; }
: "${FAKEKERNEL_LOG:=${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/fakekernel-vgpu.log}"
export FAKEKERNEL_LOG

# fk_write FILE VALUE: echo VALUE into ROOT/FILE under the fake vGPU driver (VFs bind at once);
# fails with the driver's refusal. Opened without O_TRUNC (1<>), as mdevadm writes: sysfs
# ignores a truncation, a fake tree's file would lose what the driver wrote in it.
fk_write() {
	FAKEKERNEL_VF_BIND_MS=0 "$FAKEKERNEL" --run "$ROOT" -- sh -c 'echo "$1" 1<>"$2"' sh "$2" "$ROOT/$1"
}

# The types the fake driver knows, per model: "ID GB NAME". 1145 "NVIDIA L40S-1B" is the
# verbatim line of a real L40S VF; the other ids and all H100 ids are made up.
_vgpu_catalogue() {
	case "$1" in
	l40s)
		printf 'fb 48\n'
		printf 'type %s\n' '1145 1 NVIDIA L40S-1B' '1146 2 NVIDIA L40S-2B' '1147 2 NVIDIA L40S-2Q' \
			'1148 4 NVIDIA L40S-4Q' '1149 8 NVIDIA L40S-8Q' '1150 12 NVIDIA L40S-12Q' \
			'1151 16 NVIDIA L40S-16Q' '1152 24 NVIDIA L40S-24Q' '1153 48 NVIDIA L40S-48Q'
		;;
	h100)
		printf 'fb 80\n'
		printf 'type %s\n' '1021 10 NVIDIA H100XM-10C' '1022 20 NVIDIA H100XM-20C' \
			'1023 40 NVIDIA H100XM-40C' '1024 80 NVIDIA H100XM-80C' '1031 10 NVIDIA H100XM-1-10C'
		;;
	*) _fail "unknown vGPU model $1" ;;
	esac
}

# _next_group: the lowest IOMMU group number not in use.
_next_group() {
	local n=0
	while [ -e "$ROOT/sys/kernel/iommu_groups/$n" ]; do n=$((n + 1)); done
	printf '%s' "$n"
}

# mk_vgpu_pf BDF MODEL [TOTALVFS [EXTRA...]]: an NVIDIA GPU (vendor 0x10de, model l40s or
# h100) at BDF, bound to nvidia, with SR-IOV (TOTALVFS, default 16; VFs at offset 4, stride 1)
# but no VF enabled yet, in an IOMMU group of its own. EXTRA lines go to the fake driver's
# catalogue (e.g. "mode rfc", "numvfs_errno 1", "bind_ms 200").
mk_vgpu_pf() {
	local bdf=$1 model=$2 total=${3:-16} dev devid
	shift $(($# < 3 ? $# : 3))
	case "$model" in l40s) devid=0x26b9 ;; h100) devid=0x2330 ;; *) devid=0x0000 ;; esac
	mk_pci "$bdf" nvidia
	dev=$(_pci_path "$bdf")
	_put "$dev/vendor" $'0x10de\n'
	_put "$dev/device" "$devid"$'\n'
	_put "$dev/class" $'0x030200\n'
	_put "$dev/sriov_totalvfs" "$total"$'\n'
	_put "$dev/sriov_numvfs" $'0\n'
	_put "$dev/sriov_offset" $'4\n'
	_put "$dev/sriov_stride" $'1\n'
	mk_iommu_group "$(_next_group)" "$bdf"
	{
		_vgpu_catalogue "$model"
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$ROOT/$dev/.fake-vgpu"
}

# mk_vgpu_vfs BDF [N]: enable N (default all) VFs of the GPU at BDF, bound to nvidia at once.
mk_vgpu_vfs() {
	local n=${2:-$(cat "$ROOT/$(_pci_path "$1")/sriov_totalvfs")}
	fk_write "$(_pci_path "$1")/sriov_numvfs" "$n"
}

# vf_addr BDF K: the PCI address of VF K of the GPU at BDF (it must exist).
vf_addr() {
	local l
	l=$(readlink "$ROOT/$(_pci_path "$1")/virtfn$2") || _fail "no VF $2 of $1" || return
	printf '%s' "${l##*/}"
}

# _vf_file VF NAME: the root-relative path of the VF's nvidia/NAME.
_vf_file() { printf 'sys/bus/pci/devices/%s/nvidia/%s' "$1" "$2"; }

# mk_vgpu VF ID: create a vGPU of type ID on the VF at address VF, as the driver would.
mk_vgpu() { fk_write "$(_vf_file "$1" current_vgpu_type)" "$2"; }

# vf_type VF: what the VF's current_vgpu_type reads; vf_creatable VF: its creatable list.
vf_type() { cat "$ROOT/$(_vf_file "$1" current_vgpu_type)"; }
vf_creatable() { cat "$ROOT/$(_vf_file "$1" creatable_vgpu_types)"; }

# vgpu_def PF N: the path of the definition of VF N of PF.
vgpu_def() { printf '%s' "$ROOT/etc/mdevadm.d/vf/$1/$2"; }

# mk_vgpu_def PF N JSON: write a vGPU definition verbatim.
mk_vgpu_def() { _put "etc/mdevadm.d/vf/$1/$2" "$3"; }

# assert_vgpu_def PF N TYPE START [NAME]: the definition is exactly what mdevadm writes.
assert_vgpu_def() {
	local want=$'{\n  "type": "'"$3"$'",\n'
	[ -z "${5-}" ] || want+='  "name": "'"$5"$'",\n'
	want+='  "start": "'"$4"$'"\n}\n'
	assert_file_content "$(vgpu_def "$1" "$2")" "$want"
}

# vfio_group VF: the IOMMU group number of the VF.
vfio_group() {
	local l
	l=$(readlink "$ROOT/sys/bus/pci/devices/$1/iommu_group") || return
	printf '%s' "${l##*/}"
}
