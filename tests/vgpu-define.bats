#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# define, undefine, modify of vGPUs: etc/mdevadm.d/vf/<PF>/<index>, JSON written atomically
# under the store lock, out of mdevctl's way; list -d shows them. Fake tree only.

load vgpu_helper

PF=0000:41:00.0

@test "vgpu define: records VF index N of PF, with the type's name, before any VF exists" {
	mk_vgpu_pf $PF l40s 4
	run_exact -0 mdevadm define -p $PF --vf 2 -t nvidia-1148 -a
	assert_quiet
	# nothing lists the type before the VFs are enabled: no name, and no warning either
	assert_vgpu_def $PF 2 nvidia-1148 auto
	[ ! -e "$ROOT/etc/mdevctl.d" ]
	mk_vgpu_vfs $PF
	run_exact -0 mdevadm define -p $PF --vf 3 -t nvidia-1148
	assert_vgpu_def $PF 3 nvidia-1148 manual "NVIDIA L40S-4Q"
	# no temporary file is left behind
	[ "$(ls -A "$ROOT/etc/mdevadm.d/vf/$PF")" = $'2\n3' ]
}

@test "vgpu define: --vf ADDRESS of a running vGPU records what it runs" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.5 1149
	run_exact -0 mdevadm define --vf 0000:41:00.5 -a
	assert_quiet
	assert_vgpu_def $PF 1 nvidia-1149 auto "NVIDIA L40S-8Q"
	run_exact -1 mdevadm define --vf 0000:41:00.5 -t nvidia-1145
	assert_stderr_line "mdevadm: refusing to overwrite the existing definition of VF 1 of $PF"
	run_exact -2 mdevadm define --vf 0000:41:00.6
	assert_stderr_line "mdevadm define: no type given for VF 2 of $PF, and it runs none: use --type (try 'mdevadm define --help')"
	[ ! -e "$(vgpu_def $PF 2)" ]
}

@test "vgpu define: a type no VF offers or runs is recorded with a warning; usage errors" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mk_vgpu 0000:41:00.4 1153
	run_exact -0 mdevadm define -p $PF --vf 1 -t nvidia-1145
	assert_stderr_line "mdevadm: warning: no VF of $PF offers or runs nvidia-1145 now: the definition may not start"
	assert_vgpu_def $PF 1 nvidia-1145 manual
	run_exact -2 mdevadm define -p $PF -t nvidia-1145
	assert_stderr_line "mdevadm define: a vGPU definition needs --vf N: the index of the VF on $PF that VMs will know it by (try 'mdevadm define --help')"
	run_exact -2 mdevadm define -p $PF --vf 0 -t mtty-1
	assert_stderr_line "mdevadm define: invalid vGPU type 'mtty-1': expected nvidia-<id>, as 'types' lists them (try 'mdevadm define --help')"
	run_exact -2 mdevadm define -p $PF --vf 0 --jsonfile /dev/null
	assert_stderr_line "mdevadm define: --jsonfile is for mdevs: a vGPU has a type and nothing else (try 'mdevadm define --help')"
	run_exact -1 mdevadm define -p $PF --vf 7 -t nvidia-1145
	assert_stderr_line "mdevadm: cannot define VF 7: $PF has 2 VFs: there is no VF 7"
}

@test "vgpu modify: type (and its name), auto and manual; nothing else" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	mdevadm define -p $PF --vf 0 -t nvidia-1145
	run_exact -0 mdevadm modify -p $PF --vf 0 -t nvidia-1146 -a
	assert_quiet
	assert_vgpu_def $PF 0 nvidia-1146 auto "NVIDIA L40S-2B"
	run_exact -0 mdevadm modify --vf 0000:41:00.4 -m
	assert_vgpu_def $PF 0 nvidia-1146 manual "NVIDIA L40S-2B"
	run_exact -2 mdevadm modify --vf 0000:41:00.4
	assert_stderr_line "mdevadm modify: nothing to modify: give --type, --auto or --manual (try 'mdevadm modify --help')"
	run_exact -2 mdevadm modify --vf 0000:41:00.4 --addattr a --value b
	assert_stderr_line "mdevadm modify: --addattr is for mdevs: a vGPU has a type and nothing else (try 'mdevadm modify --help')"
	run_exact -1 mdevadm modify -p $PF --vf 1 -a
	assert_stderr_line "mdevadm: cannot modify VF 1 of $PF: not defined"
}

@test "vgpu undefine: removes the definition; a broken one too; an absent one is an error" {
	mk_vgpu_pf $PF l40s 2
	mdevadm define -p $PF --vf 0 -t nvidia-1145
	run_exact -0 mdevadm undefine -p $PF --vf 0
	assert_quiet
	[ ! -e "$(vgpu_def $PF 0)" ]
	run_exact -1 mdevadm undefine -p $PF --vf 0
	assert_stderr_line "mdevadm: cannot undefine VF 0 of $PF: not defined"
	mk_vgpu_def $PF 1 '{"type": "nvidia-1145", "start": "sometimes"}'
	run_exact -0 mdevadm undefine -p $PF --vf 1
	[ "$output" = "" ]
	[ ! -e "$(vgpu_def $PF 1)" ]
}

@test "vgpu list -d: text, -v and JSON; (active) when it runs as defined; bad files skipped" {
	mk_vgpu_pf $PF l40s 4
	mk_vgpu_vfs $PF
	mdevadm define -p $PF --vf 0 -t nvidia-1148 -a
	mdevadm define -p $PF --vf 1 -t nvidia-1148
	mk_vgpu 0000:41:00.4 1148
	mk_vgpu_def $PF 3 '{"type": "nvidia-1148", "start": "auto", "color": "red"}'
	mk_vgpu_def $PF x 'not a VF index'
	run_exact -0 mdevadm list -d
	[ "$output" = "0000:41:00.4 $PF nvidia-1148 auto (active)
0000:41:00.5 $PF nvidia-1148 manual
" ]
	[ "$stderr" = "mdevadm: warning: ignoring /etc/mdevadm.d/vf/$PF/x: file name is not a VF index
mdevadm: warning: skipping invalid definition /etc/mdevadm.d/vf/$PF/3: unknown key \"color\"
" ]
	rm "$(vgpu_def $PF 3)" "$(vgpu_def $PF x)"
	run_exact -0 mdevadm list -d -v -p $PF
	[ "$output" = "0000:41:00.4 $PF nvidia-1148 auto (active)
  VF: 0
  Name: NVIDIA L40S-4Q
0000:41:00.5 $PF nvidia-1148 manual
  VF: 1
  Name: NVIDIA L40S-4Q
" ]
	run_exact -0 mdevadm list -d --dumpjson --vf 1 -p $PF
	[ "$output" = '{
  "mdev_type": "nvidia-1148",
  "start": "manual",
  "attrs": [],
  "vf": 1,
  "name": "NVIDIA L40S-4Q"
}
' ]
}

@test "vgpu list -d: before the VFs exist their addresses follow from sriov_offset and stride" {
	mk_vgpu_pf $PF l40s 16
	mdevadm define -p $PF --vf 12 -t nvidia-1145 -a
	run_exact -0 mdevadm list -d
	[ "$output" = "0000:41:02.0 $PF nvidia-1145 auto"$'\n' ]
	mk_vgpu_vfs $PF
	[ "$(vf_addr $PF 12)" = 0000:41:02.0 ]
}

@test "vgpu definitions: both families side by side; mdevctl's directory holds only UUIDs" {
	mk_bare_mtty
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mk_vgpu_pf $PF l40s 2
	mdevadm define -p $PF --vf 1 -t nvidia-1145 -a
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 auto
0000:41:00.5 $PF nvidia-1145 auto
" ]
	[ "$stderr" = "" ]
	[ "$(ls "$ROOT/etc/mdevctl.d")" = mtty ]
	run_exact -0 mdevadm list -d -u "$U1"
	[ "$output" = "$U1 mtty mtty-1 auto"$'\n' ]
}

@test "vgpu definitions: written like mdev ones; a PF's directory that is a symbolic link is never followed" {
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
	# what a killed writer left, staged in /etc or in the PF's directory, goes at the next write
	mkdir -p "$ROOT/etc/mdevadm.d/vf/$PF"
	: >"$ROOT/etc/.0.tmp.1f2e"
	: >"$ROOT/etc/mdevadm.d/vf/$PF/.1.tmp.abc"
	run_exact -0 mdevadm define -p $PF --vf 0 -t nvidia-1145
	assert_vgpu_def $PF 0 nvidia-1145 manual "NVIDIA L40S-1B"
	[ ! -e "$ROOT/etc/.0.tmp.1f2e" ] && [ "$(ls -A "$ROOT/etc/mdevadm.d/vf/$PF")" = 0 ]
	# a symlinked directory: define refuses, list -d and boot warn and skip, nothing is written
	rm -rf "$ROOT/etc/mdevadm.d/vf/$PF"
	mkdir -p "$ROOT/elsewhere"
	printf '{"type": "nvidia-1145", "start": "auto"}\n' >"$ROOT/elsewhere/1"
	ln -s ../../../elsewhere "$ROOT/etc/mdevadm.d/vf/$PF"
	local skip="mdevadm: warning: ignoring /etc/mdevadm.d/vf/$PF: not a directory of definitions (a symbolic link is never followed)"
	run_exact -1 mdevadm define -p $PF --vf 0 -t nvidia-1145
	assert_stderr_line "mdevadm: cannot open /etc/mdevadm.d/vf/$PF: a symbolic link, never followed"
	[ "$(ls "$ROOT/elsewhere")" = 1 ]
	run_exact -0 mdevadm list -d
	assert_stderr_line "$skip"
	[ "$output" = "" ]
	run_exact -0 mdevadm list -d -p $PF
	assert_stderr_line "$skip"
	[ "$output" = "" ]
	run_exact -0 mdevadm start-parent-mdevs $PF
	assert_stderr_line "$skip"
	[ "$(cat "$ROOT/$(_vf_file 0000:41:00.5 current_vgpu_type)")" = 0 ]
}
