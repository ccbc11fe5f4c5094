#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The parser of nvidia/creatable_vgpu_types, through `types`: the shipping driver's layout
# (verbatim from a real L40S VF), five-digit ids, the spacing other tools tolerate, the empty
# file of a VF in use and the header alone both meaning "nothing".  The fuzz target
# (tests/fuzz/fuzz-vgpu.c) and its corpus are replayed by tests/fuzz.bats.

load vgpu_helper

PF=0000:41:00.0

# creatable TEXT: what the only VF's list reads, then `types -p PF`.
creatable() {
	printf '%s' "$1" >"$ROOT/$(_vf_file 0000:41:00.4 creatable_vgpu_types)"
	run_exact -0 mdevadm types -p $PF
}

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 1
	mk_vgpu_vfs $PF
}

@test "vgpu parse: the shipping driver's text, verbatim from an L40S VF" {
	creatable $'ID    : vGPU Name\n1145  : NVIDIA L40S-1B\n'
	[ "$output" = "$PF
  nvidia-1145
    Available instances: 1
    Device API: vfio-pci
    Name: NVIDIA L40S-1B
" ]
}

@test "vgpu parse: five-digit ids, spaces around the colon, CRLF; other lines skipped" {
	creatable $'ID    : vGPU Name\n10001 : NVIDIA A-1Q\n1145:NVIDIA L40S-1B\n  1146 :  NVIDIA L40S-2B \r\nnot a line\n0 : zero\n1145 : again\n1147 :\n99999999999 : too big\n'
	[ "$(grep -E '^  nvidia|Name' <<<"$output")" = "  nvidia-1145
    Name: NVIDIA L40S-1B
  nvidia-1146
    Name: NVIDIA L40S-2B
  nvidia-10001
    Name: NVIDIA A-1Q" ]
}

@test "vgpu parse: an empty file and a header alone both offer nothing; control bytes are masked" {
	creatable ''
	[ "$output" = "$PF"$'\n' ]
	creatable $'ID    : vGPU Name\n'
	[ "$output" = "$PF"$'\n' ]
	creatable $'1145 : NVIDIA \e[31mL40S\n'
	[[ $output == *"Name: NVIDIA ?[31mL40S"* ]]
	printf '1145 : \0\0L40S\n' >"$ROOT/$(_vf_file 0000:41:00.4 creatable_vgpu_types)"
	run_exact -0 mdevadm types -p $PF
	[[ $output == *"Name: ??L40S"* ]]
}
