#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# list: active devices, --defined, --verbose attributes, --parent/--uuid filters, --dumpjson
# shapes, sorting, and robustness against a tree that changes or holds bad configs.

load test_helper

# two parents, one type each, two active devices: U1 transient on mtty, U2 defined on mdpy
two_parents() {
	mk_mtty
	mk_parent mdpy
	mk_type mdpy mdpy-vga 4 vfio-pci mdpy-vga "virtual display"
	mk_active mtty mtty-1 "$U1" 1
	mk_active mdpy mdpy-vga "$U2" 2
	mk_config mdpy "$U2" '{"mdev_type": "mdpy-vga", "start": "auto", "attrs": [{"x": "1"}, {"y": "two"}]}'
}

# what plain `list` prints for two_parents
TWO_PARENTS_LIST="$U2 mdpy mdpy-vga auto (defined)
$U1 mtty mtty-1 manual
"

@test "list: an empty root prints nothing and exits 0" {
	run_exact -0 mdevadm list
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "list: no devices prints nothing in every text mode" {
	mk_bare_mtty
	mkdir -p "$ROOT/sys/bus/mdev/devices" "$ROOT/etc/mdevctl.d"
	for args in "" "-v" "-d" "-d -v" "-p mtty" "-d -p mtty"; do
		# shellcheck disable=SC2086
		run_exact -0 mdevadm list $args
		[ "$output" = "" ] || _fail "list $args printed: $output"
		[ "$stderr" = "" ] || _fail "list $args warned: $stderr"
	done
}

@test "list --dumpjson: nothing gives [] (active and defined)" {
	run_exact -0 mdevadm list --dumpjson
	[ "$output" = $'[]\n' ]
	run_exact -0 mdevadm list -d --dumpjson
	[ "$output" = $'[]\n' ]
	mk_bare_mtty
	run_exact -0 mdevadm list --dumpjson -p mtty
	[ "$output" = $'[]\n' ]
}

@test "list: active devices, one line each, defined ones marked" {
	two_parents
	run_exact -0 mdevadm list
	[ "$output" = "$TWO_PARENTS_LIST" ]
	[ "$stderr" = "" ]
}

@test "list: active output matches mdevctl 1.2.0 (list -v but for its IOMMU group lines)" {
	need_oracle
	two_parents
	assert_same_as_oracle list
	assert_same_as_oracle list --dumpjson
	run_exact -0 mdevadm list -v
	[ "$(grep -v '^  IOMMU group: ' <<<"$output")" = "$(oracle_norm list -v)" ]
}

@test "list -v: attributes of an active defined device as Attrs lines" {
	two_parents
	run_exact -0 mdevadm list -v
	[ "$output" = "$U2 mdpy mdpy-vga auto (defined)
  IOMMU group: 2
  Attrs:
    @{0}: {\"x\":\"1\"}
    @{1}: {\"y\":\"two\"}
$U1 mtty mtty-1 manual
  IOMMU group: 1
" ]
}

@test "list -v: each active device's IOMMU group, before its attributes; only with -v" {
	mk_samples
	mk_active mtty mtty-1 "$U1" 12
	mk_active mtty mtty-2 "$U2"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "1"}]}'
	run_exact -0 mdevadm list -v
	[ "$stderr" = "" ]
	# U2 has no group (no VFIO driver bound): no line
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
  IOMMU group: 12
  Attrs:
    @{0}: {\"a\":\"1\"}
$U2 mtty mtty-2 manual
" ]
	run_exact -0 mdevadm list -v -u "$U1"
	[ "$(sed -n 2p <<<"$output")" = "  IOMMU group: 12" ]
	# list stays mdevctl's, and definitions have no group of their own
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
$U2 mtty mtty-2 manual
" ]
	run_exact -0 mdevadm list -d -v
	[[ $output != *"IOMMU group"* ]]
	# libvirt reads --dumpjson only: it is unchanged by -v
	run_exact -0 mdevadm list -v --dumpjson
	[[ $output != *"IOMMU"* && $output != *'"12"'* ]]
}

@test "list: an active device whose definition has another type is not (defined)" {
	mk_bare_mtty
	mk_type mtty mtty-2 12
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "auto", "attrs": [{"a": "1"}]}'
	run_exact -0 mdevadm list -v
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
	run_exact -0 mdevadm list --dumpjson
	[ "$(jq -c . <<<"$output")" = "[{\"mtty\":[{\"$U1\":{\"mdev_type\":\"mtty-1\",\"start\":\"manual\",\"attrs\":[]}}]}]" ]
	# and the definition is not (active) either: what runs is another type
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-2 auto
" ]
}

@test "list: a definition of the same UUID under another parent is not (defined)" {
	mk_bare_mtty
	mk_parent mdpy
	mk_type mdpy mtty-1 4
	mk_active mtty mtty-1 "$U1"
	mk_config mdpy "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mdpy mtty-1 auto
" ]
}

@test "list -d: definitions, (active) only for the one running as defined" {
	two_parents
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_config mtty "$U4" '{"mdev_type": "mtty-1", "start": "auto", "attrs": []}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U2 mdpy mdpy-vga auto (active)
$U3 mtty mtty-2 manual
$U4 mtty mtty-1 auto
" ]
	[ "$stderr" = "" ]
}

@test "list -d -v: Attrs lines numbered from 0, none for a device without attributes" {
	mk_config mtty "$U1" - <<'JSON'
{
  "mdev_type": "mtty-1",
  "start": "auto",
  "attrs": [
    { "baud": "115200" },
    { "mode": "raw" },
    { "baud": "9600" }
  ]
}
JSON
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual", "attrs": []}'
	run_exact -0 mdevadm list -d -v
	[ "$output" = "$U1 mtty mtty-1 auto
  Attrs:
    @{0}: {\"baud\":\"115200\"}
    @{1}: {\"mode\":\"raw\"}
    @{2}: {\"baud\":\"9600\"}
$U2 mtty mtty-2 manual
" ]
}

@test "list -v, list -d -v: a quote, a backslash or a newline in a value is JSON-escaped" {
	# deliberately unlike mdevctl 1.2.0, which prints values raw: no value can break the one
	# line per attribute (a documented difference, see the man page)
	mk_bare_mtty
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual",
		"attrs": [{"q": "say \"hi\""}, {"path": "C:\\dir"}, {"text": "one\ntwo"}]}'
	local attrs='  Attrs:
    @{0}: {"q":"say \"hi\""}
    @{1}: {"path":"C:\\dir"}
    @{2}: {"text":"one\ntwo"}
'
	run_exact -0 mdevadm list -v
	[ "$output" = "$U1 mtty mtty-1 manual (defined)
$attrs" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm list -d -v
	[ "$output" = "$U1 mtty mtty-1 manual (active)
$attrs" ]
	[ "$stderr" = "" ]
}

@test "list -d: output matches mdevctl 1.2.0 (text, verbose, JSON)" {
	need_oracle
	two_parents
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_config mtty "$U4" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"k": "v"}]}'
	assert_same_as_oracle list -d
	assert_same_as_oracle list -d -v
	assert_same_as_oracle list -d --dumpjson
	assert_same_as_oracle list -d -p mtty
}

@test "list -p: only that parent's devices, active and defined" {
	two_parents
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "manual"}'
	run_exact -0 mdevadm list -p mtty
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
	run_exact -0 mdevadm list --parent mdpy
	[ "$output" = "$U2 mdpy mdpy-vga auto (defined)
" ]
	run_exact -0 mdevadm list -d -p mtty
	[ "$output" = "$U3 mtty mtty-2 manual
" ]
	run_exact -0 mdevadm list -p nosuch
	[ "$output" = "" ]
	run_exact -0 mdevadm list -d -p nosuch --dumpjson
	[ "$output" = $'[]\n' ]
}

@test "list -p: a hostile parent name is a usage error" {
	two_parents
	run_exact -2 mdevadm list -p ../mtty
	[ "$output" = "" ]
	[[ $stderr == *"invalid parent name '../mtty'"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
}

@test "list -u: looks up one active device" {
	two_parents
	run_exact -0 mdevadm list -u "$U1"
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
	run_exact -0 mdevadm list -u "$U2" -v
	[ "$output" = "$U2 mdpy mdpy-vga auto (defined)
  IOMMU group: 2
  Attrs:
    @{0}: {\"x\":\"1\"}
    @{1}: {\"y\":\"two\"}
" ]
}

@test "list -u: a UUID that is not present prints nothing (text) or [] (JSON)" {
	two_parents
	run_exact -0 mdevadm list -u "$U4"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm list -u "$U4" --dumpjson
	[ "$output" = $'[]\n' ]
	run_exact -0 mdevadm list -d -u "$U4"
	[ "$output" = "" ]
	run_exact -0 mdevadm list -d -u "$U4" --dumpjson
	[ "$output" = $'[]\n' ]
	[ "$stderr" = "" ]
}

@test "list -u: a defined but inactive device is not listed without -d" {
	mk_bare_mtty
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "auto"}'
	run_exact -0 mdevadm list -u "$U3"
	[ "$output" = "" ]
	run_exact -0 mdevadm list -d -u "$U3"
	[ "$output" = "$U3 mtty mtty-1 auto
" ]
}

@test "list -u -p: a device on another parent is not shown" {
	two_parents
	run_exact -0 mdevadm list -u "$U1" -p mdpy
	[ "$output" = "" ]
	run_exact -0 mdevadm list -u "$U1" -p mdpy --dumpjson
	[ "$output" = $'[]\n' ]
	run_exact -0 mdevadm list -u "$U1" -p mtty
	[ "$output" = "$U1 mtty mtty-1 manual
" ]
}

@test "list -u --dumpjson: exactly one active match prints the bare config object" {
	two_parents
	run_exact -0 mdevadm list -u "$U2" --dumpjson
	[ "$output" = '{
  "mdev_type": "mdpy-vga",
  "start": "auto",
  "attrs": [
    {
      "x": "1"
    },
    {
      "y": "two"
    }
  ]
}
' ]
	run_exact -0 mdevadm list -u "$U1" --dumpjson
	[ "$output" = '{
  "mdev_type": "mtty-1",
  "start": "manual",
  "attrs": []
}
' ]
}

@test "list -d -u --dumpjson: bare object for one definition, grouped for several" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mdpy "$U1" '{"mdev_type": "mdpy-vga", "start": "manual", "attrs": [{"a": "b"}]}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	run_exact -0 mdevadm list -d -u "$U2" --dumpjson
	[ "$output" = '{
  "mdev_type": "mtty-2",
  "start": "manual",
  "attrs": []
}
' ]
	# defined under two parents: the usual list, parents sorted (the layout, byte for byte, is the
	# one jq prints too, and the one "list --dumpjson: grouped by parent" spells out)
	run_exact -0 mdevadm list -d -u "$U1" --dumpjson
	[ "$output" = "$(jq -n --arg u "$U1" '[{mdpy: [{($u): {mdev_type: "mdpy-vga", start: "manual",
		attrs: [{a: "b"}]}}], mtty: [{($u): {mdev_type: "mtty-1", start: "auto", attrs: []}}]}]')"$'\n' ]
	# narrowed to one parent: bare again
	run_exact -0 mdevadm list -d -u "$U1" -p mtty --dumpjson
	[ "$(jq -c . <<<"$output")" = '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' ]
}

@test "list -u --dumpjson: output matches mdevctl 1.2.0 for one and for no match" {
	need_oracle
	two_parents
	assert_same_as_oracle list -u "$U2" --dumpjson
	assert_same_as_oracle list -u "$U4" --dumpjson
	assert_same_as_oracle list -d -u "$U2" --dumpjson
	assert_same_as_oracle list -d -u "$U4" --dumpjson
}

@test "list --dumpjson: grouped by parent, attrs always present, 2-space indent" {
	two_parents
	mk_active mtty mtty-2 "$U3" 3
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "auto"}'
	run_exact -0 mdevadm list --dumpjson
	[ "$output" = "[
  {
    \"mdpy\": [
      {
        \"$U2\": {
          \"mdev_type\": \"mdpy-vga\",
          \"start\": \"auto\",
          \"attrs\": [
            {
              \"x\": \"1\"
            },
            {
              \"y\": \"two\"
            }
          ]
        }
      }
    ],
    \"mtty\": [
      {
        \"$U1\": {
          \"mdev_type\": \"mtty-1\",
          \"start\": \"manual\",
          \"attrs\": []
        }
      },
      {
        \"$U3\": {
          \"mdev_type\": \"mtty-2\",
          \"start\": \"auto\",
          \"attrs\": []
        }
      }
    ]
  }
]
" ]
}

@test "list: parents byte-sorted, UUIDs sorted within a parent" {
	local a1=0aaaaaaa-0000-4000-8000-000000000000 a2=ffffffff-0000-4000-8000-000000000000
	local b1=bbbbbbbb-0000-4000-8000-000000000000 c1=cccccccc-0000-4000-8000-000000000000
	local d1=1ddddddd-0000-4000-8000-000000000000 d2=dddddddd-0000-4000-8000-000000000000
	for p in apar Bpar 0par _par; do
		mk_parent "$p"
		mk_type "$p" t 8
	done
	mk_active apar t "$a2"
	mk_active apar t "$a1"
	mk_active Bpar t "$b1"
	mk_active _par t "$c1"
	mk_active 0par t "$d2"
	mk_active 0par t "$d1"
	# byte order: digits < upper case < '_' < lower case
	local want="$d1 0par t manual
$d2 0par t manual
$b1 Bpar t manual
$c1 _par t manual
$a1 apar t manual
$a2 apar t manual
"
	run_exact -0 mdevadm list
	[ "$output" = "$want" ]
	# the same order for definitions
	mk_config apar "$a2" '{"mdev_type": "t", "start": "manual"}'
	mk_config apar "$a1" '{"mdev_type": "t", "start": "manual"}'
	mk_config Bpar "$b1" '{"mdev_type": "t", "start": "manual"}'
	mk_config _par "$c1" '{"mdev_type": "t", "start": "manual"}'
	mk_config 0par "$d2" '{"mdev_type": "t", "start": "manual"}'
	mk_config 0par "$d1" '{"mdev_type": "t", "start": "manual"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "${want//manual/manual (active)}" ]
	run_exact -0 mdevadm list --dumpjson
	[ "$(jq -r '.[] | keys_unsorted[]' <<<"$output" | tr '\n' ' ')" = "0par Bpar _par apar " ]
	[ "$(jq -r '.[].apar[] | keys[]' <<<"$output" | tr '\n' ' ')" = "$a1 $a2 " ]
}

@test "list: sorting matches mdevctl 1.2.0" {
	need_oracle
	for p in apar Bpar 0par; do
		mk_parent "$p"
		mk_type "$p" t 8
	done
	mk_active apar t ffffffff-0000-4000-8000-000000000000
	mk_active apar t 0aaaaaaa-0000-4000-8000-000000000000
	mk_active Bpar t bbbbbbbb-0000-4000-8000-000000000000
	mk_active 0par t ffffffff-0000-4000-8000-000000000000
	mk_config 0par aaaaaaaa-0000-4000-8000-000000000000 '{"mdev_type": "t", "start": "auto"}'
	mk_config apar 0aaaaaaa-0000-4000-8000-000000000000 '{"mdev_type": "t", "start": "auto"}'
	assert_same_as_oracle list
	assert_same_as_oracle list -d
	assert_same_as_oracle list --dumpjson
	assert_same_as_oracle list -d --dumpjson
}

@test "list: a device removed while listing (dangling links) is no error" {
	two_parents
	# the device directory is gone but its bus link is still there
	ln -s ../../../devices/virtual/mtty/mtty/"$U3" "$ROOT/sys/bus/mdev/devices/$U3"
	# the device directory lost its mdev_type link already
	mk_active mtty mtty-2 "$U4"
	rm "$ROOT/$(parent_path mtty)/$U4/mdev_type"
	run_exact -0 mdevadm list
	[ "$output" = "$TWO_PARENTS_LIST" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm list -u "$U3"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm list --dumpjson
	[ "$(jq -c '[.[][][] | keys[]]' <<<"$output")" = "[\"$U2\",\"$U1\"]" ]
}

@test "list: devices vanishing during a listing never make it fail" {
	mk_parent mtty
	mk_type mtty mtty-1 1000
	local i
	for i in $(seq 1 15); do
		mk_active mtty mtty-1 "$(printf '%08x-0000-4000-8000-000000000000' "$i")"
	done
	# remove the devices (bus link first, like the kernel) while listing in a loop
	(
		for i in $(seq 1 15); do
			u=$(printf '%08x-0000-4000-8000-000000000000' "$i")
			rm -f "$ROOT/sys/bus/mdev/devices/$u"
			rm -rf "${ROOT:?}/$(parent_path mtty)/$u"
		done
	) 3>&- &
	local bg=$!
	for i in $(seq 1 30); do
		run_exact -0 mdevadm list
		[ "$stderr" = "" ] || _fail "warned: $stderr"
	done
	wait "$bg"
	run_exact -0 mdevadm list
	[ "$output" = "" ]
}

@test "list: no sys/bus/mdev/devices at all is an empty list" {
	mk_bare_mtty
	rm -rf "$ROOT/sys/bus"
	run_exact -0 mdevadm list
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm list --dumpjson
	[ "$output" = $'[]\n' ]
}

@test "list -d: a broken config is skipped with a warning naming it, the rest is listed" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-1", "sta'
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "manual"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 auto
$U3 mtty mtty-2 manual
" ]
	[[ $stderr == *"etc/mdevctl.d/mtty/$U2"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
}

@test "list -d: non-UUID files are ignored with a warning, scripts.d is not a parent" {
	mk_scriptdirs
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty notes.txt 'hello'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 auto
" ]
	[[ $stderr == *"notes.txt"* ]]
	[[ $stderr != *scripts.d* ]]
	run_exact -0 mdevadm list -d --dumpjson
	[ "$(jq -r '.[] | keys[]' <<<"$output")" = mtty ]
}

@test "list -u: accepts the UUID in any form and prints it lower case" {
	two_parents
	local up=${U2^^}
	for form in "$up" "${U2//-/}" "{$U2}" "{$up}"; do
		run_exact -0 mdevadm list -u "$form"
		[ "$output" = "$U2 mdpy mdpy-vga auto (defined)
" ] || _fail "form $form: $output"
	done
}

@test "list: start values other than auto read as manual" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "AUTO"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-1", "start": "whenever"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-1"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 manual
$U2 mtty mtty-1 manual
$U3 mtty mtty-1 manual
" ]
}

@test "list: renames elsewhere on the system never hide a device" {
	two_parents
	local want=$TWO_PARENTS_LIST
	renamer_start
	repeat_same 60 mdevadm list
	want="$U2 mdpy mdpy-vga auto (active)
"
	repeat_same 60 mdevadm list -d
}

@test "list: an active device with a broken definition is still listed, with a warning" {
	two_parents
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "sta'
	run_exact -0 mdevadm list
	[ "$output" = "$TWO_PARENTS_LIST" ]
	[[ $stderr == *"etc/mdevctl.d/mtty/$U1"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	run_exact -0 mdevadm list --dumpjson
	[ "$(jq -c '[.[][][] | to_entries[] | [.key, .value.mdev_type, .value.start]]' <<<"$output")" = \
		"[[\"$U2\",\"mdpy-vga\",\"auto\"],[\"$U1\",\"mtty-1\",\"manual\"]]" ]
}

@test "list --dumpjson: --verbose changes nothing" {
	two_parents
	run_exact -0 mdevadm list --dumpjson
	local want=$output
	run_exact -0 mdevadm list --dumpjson -v
	[ "$output" = "$want" ]
	run_exact -0 mdevadm list -d --dumpjson
	want=$output
	run_exact -0 mdevadm list -d --dumpjson --verbose
	[ "$output" = "$want" ]
}

@test "list: entries of sys/bus/mdev/devices that are not UUIDs are ignored" {
	two_parents
	mkdir -p "$ROOT/sys/bus/mdev/devices/not-a-uuid"
	ln -s "../../../devices/virtual/mtty/mtty/$U1" "$ROOT/sys/bus/mdev/devices/ABCDEF01-2345-4678-89AB-CDEF01234567"
	run_exact -0 mdevadm list
	[ "$output" = "$TWO_PARENTS_LIST" ]
	[ "$stderr" = "" ]
}

@test "list -d -u --dumpjson: a UUID whose only definition is broken gives [] and a warning" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "sta'
	run_exact -0 mdevadm list -d -u "$U1" --dumpjson
	[ "$output" = $'[]\n' ]
	[[ $stderr == *"etc/mdevctl.d/mtty/$U1"* ]]
	# text: nothing at all, and the same warning
	run_exact -0 mdevadm list -d -u "$U1"
	[ "$output" = "" ]
	[[ $stderr == *"etc/mdevctl.d/mtty/$U1"* ]]
	# a directory where the file should be is no definition either
	mkdir -p "$ROOT/etc/mdevctl.d/mdpy/$U2"
	run_exact -0 mdevadm list -d -u "$U2" --dumpjson
	[ "$output" = $'[]\n' ]
}

# on_host_root ARGS...: mdevadm without --root, in a private mount namespace where the fake tree
# is mounted on /sys and /etc/mdevctl.d: the real root takes shortcuts a fake one may not.
on_host_root() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind "$0/sys" /sys && mount --bind "$0/etc/mdevctl.d" /etc/mdevctl.d &&
		exec "$@"' "$ROOT" "$MDEVADM" "$@"
}

@test "list: on the host root (the tree mounted on /sys) every listing matches --root's" {
	need_root "mount namespaces"
	[ -d /etc/mdevctl.d ] || skip "no /etc/mdevctl.d to mount the tree's definitions on"
	two_parents
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "manual"}'
	local args
	for args in "list" "list -v" "list -d" "list --dumpjson" "list -d --dumpjson" "types"; do
		# shellcheck disable=SC2086 # ARGS are words
		run_exact -0 mdevadm $args
		local want=$output
		[ -n "$want" ]
		# shellcheck disable=SC2086
		run_exact -0 on_host_root $args
		[ "$output" = "$want" ] || _fail "$args differs on the host root:" "$output" "want:" "$want"
		[ "$stderr" = "" ]
	done
}
