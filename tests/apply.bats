#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# apply: a layout file planned, carried out, verified and, on failure, undone; --check, --diff,
# --dumpjson, --export; bad layouts and held devices refused before anything changes.

load test_helper
load callout_helper

U8=88888888-8888-4888-8888-888888888888
U9=99999999-9999-4999-8999-999999999999

setup() {
	common_setup
	LAYOUT="$BATS_TEST_TMPDIR/layout.json"
	mk_mtty
	mk_parent 0000:3b:00.0
	mk_type 0000:3b:00.0 nvidia-256 4 vfio-pci "GRID T4-2Q"
	mk_type 0000:3b:00.0 nvidia-257 2 vfio-pci "GRID T4-4Q"
	mk_parent 0000:af:00.0
	mk_type 0000:af:00.0 nvidia-256 4 vfio-pci "GRID T4-2Q"
	# the store lock, which every run takes, is there already: snapshots compare the rest
	mkdir -p "$ROOT/run/lock"
	: >"$ROOT/run/lock/mdevadm.lock"
}

# layout JSON: the layout file
layout() { printf '%s\n' "$1" >"$LAYOUT"; }

# the fake kernel answers create and remove; devices appear in a moment, or, on a machine busy
# with other work, in a few seconds: more than the 2 s a real kernel never needs
with_kernel() {
	export MDEVADM_APPEAR_TIMEOUT_MS=10000
	fakekernel_start
}

# the devices, running and defined, as one sorted text
state() {
	mdevadm list
	echo --
	mdevadm list -d -v
}

@test "apply: the first run creates, the second plans nothing and says so" {
	with_kernel
	layout '{"version": 1, "devices": [
		{"parent": "0000:3b:00.0", "type": "nvidia-256", "count": 2, "start": "auto"},
		{"parent": "mtty", "type": "mtty-1", "uuid": "'"$U1"'", "attrs": [{"k": "v"}]}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[[ $output == "Plan for config \"(unnamed)\" of $LAYOUT: 5 changes"$'\n'* ]]
	[[ $output == *"  define   $U1 on mtty: mtty-1, manual [devices[1]]"$'\n'* ]]
	[[ $output == *$'\nApplied 5 changes.\n' ]]
	[ "$stderr" = "" ]
	[ "$(grep -c '^new device .* on 0000:3b:00.0 (nvidia-256)$' <<<"$output")" -eq 2 ]
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual k v
	[ "$(ls "$ROOT/etc/mdevctl.d/0000:3b:00.0" | wc -l)" -eq 2 ]
	[ "$(mdevadm list -p 0000:3b:00.0 | grep -c ' auto (defined)$')" -eq 2 ]
	# manual without "active": defined, not started
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	before=$(state)
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[ "$output" = "Nothing to do: the devices match config \"(unnamed)\" of $LAYOUT."$'\n' ]
	run_exact -0 mdevadm apply -f "$LAYOUT" --dumpjson
	[ "$(jq -c . <<<"$output")" = '{"changed":false,"check":false,"config":"","actions":[]}' ]
	[ "$(state)" = "$before" ]
}

@test "apply: only the difference changes; kept devices keep their UUIDs; other parents are not touched" {
	with_kernel
	mk_config 0000:3b:00.0 "$U3" '{"mdev_type": "nvidia-256", "start": "auto"}'
	mk_config 0000:3b:00.0 "$U2" '{"mdev_type": "nvidia-256", "start": "auto"}'
	mk_config 0000:3b:00.0 "$U4" '{"mdev_type": "nvidia-256", "start": "auto"}'
	mk_active 0000:3b:00.0 nvidia-256 "$U2"
	mk_active 0000:3b:00.0 nvidia-256 "$U3"
	mk_config 0000:af:00.0 "$U5" '{"mdev_type": "nvidia-256", "start": "auto"}'
	mk_active mtty mtty-2 "$U6"
	layout '{"version": 1, "devices": [
		{"parent": "0000:3b:00.0", "type": "nvidia-256", "count": 2, "start": "auto"}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT" --dumpjson
	# by UUID order: U2 and U3 stay (running), U4 goes
	[ "$(jq -c '[.changed, [.actions[] | [.action, .uuid, .reason]]]' <<<"$output")" = \
		'[true,[["undefine","'"$U4"'","not in the layout"]]]' ]
	[ -f "$(cfg 0000:3b:00.0 "$U2")" ] && [ -f "$(cfg 0000:3b:00.0 "$U3")" ]
	[ ! -e "$(cfg 0000:3b:00.0 "$U4")" ]
	# parents the layout does not name stay as they were
	[ -f "$(cfg 0000:af:00.0 "$U5")" ]
	[ -e "$ROOT/sys/bus/mdev/devices/$U6" ]
	assert_no_write "$(tdir mtty mtty-2)/../../$U6/remove"
}

@test "apply: a parent the layout names is fully managed: what it does not ask for is stopped and undefined" {
	with_kernel
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_active mtty mtty-2 "$U2"
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "auto"}'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U2"'", "active": true}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT" --dumpjson
	[ "$(jq -c '[.actions[] | [.action, .uuid]]' <<<"$output")" = \
		'[["stop","'"$U1"'"],["undefine","'"$U1"'"],["undefine","'"$U3"'"],["define","'"$U2"'"]]' ]
	fakekernel_settle
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	[ -e "$ROOT/sys/bus/mdev/devices/$U2" ]
	assert_cfg "$(cfg mtty "$U2")" mtty-2 manual
	[ "$(ls "$ROOT/etc/mdevctl.d/mtty")" = "$U2" ]
}

@test "apply: a running device whose type changes is stopped and started again with the new one" {
	with_kernel
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U1"'", "start": "auto"}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT" --dumpjson
	[ "$(jq -c '[.actions[] | [.action, .type, .reason]]' <<<"$output")" = \
		'[["stop","mtty-1","its type changes"],["modify","mtty-2",null],["start","mtty-2",null]]' ]
	[ "$(mdevadm list)" = "$U1 mtty mtty-2 auto (defined)" ]
}

@test "apply: parent \"*\" is every present parent that supports the type; transient devices run undefined" {
	with_kernel
	layout '{"version": 1, "devices": [
		{"parent": "*", "type": "nvidia-256", "count": 1, "defined": false}]}'
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[ "$(mdevadm list | awk '{print $2, $3, $4, $5}')" = "0000:3b:00.0 nvidia-256 manual 
0000:af:00.0 nvidia-256 manual " ]
	[ ! -e "$ROOT/etc/mdevctl.d/0000:3b:00.0" ] || [ -z "$(ls "$ROOT/etc/mdevctl.d/0000:3b:00.0")" ]
	run_exact -0 mdevadm apply -f "$LAYOUT" --dumpjson
	[ "$(jq .changed <<<"$output")" = false ]
	# mtty does not support nvidia-256: not managed, nothing there
	[ -z "$(mdevadm list -p mtty)" ]
}

@test "apply --check: prints the plan, changes nothing, exits 3 on drift and 0 without" {
	mk_active mtty mtty-1 "$U1"
	layout '{"version": 1, "configs": {"default": {"devices": []},
		"gpu": {"devices": [{"parent": "0000:3b:00.0", "type": "nvidia-256", "count": 1, "start": "auto"}]}}}'
	before=$(tree_snapshot "$ROOT")
	run_exact -3 mdevadm apply -f "$LAYOUT" --config gpu --check
	[ "$output" = "Plan for config \"gpu\" of $LAYOUT: 2 changes
  define   (new UUID)                           on 0000:3b:00.0: nvidia-256, auto [configs.gpu.devices[0]]
  start    (new UUID)                           on 0000:3b:00.0: nvidia-256 [configs.gpu.devices[0]]
--check: nothing was changed.
" ]
	[ "$stderr" = "" ]
	run_exact -3 mdevadm apply -f "$LAYOUT" --config gpu --check --dumpjson
	[ "$(jq -c '[.changed, .check, .config, [.actions[] | [.action, .uuid, .entry]]]' <<<"$output")" = \
		'[true,true,"gpu",[["define",null,0],["start",null,0]]]' ]
	# "default" names no parent: nothing is managed, nothing to do
	run_exact -0 mdevadm apply -f "$LAYOUT" --check
	[ "$output" = "Nothing to do: the devices match config \"default\" of $LAYOUT."$'\n' ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "apply --diff: each definition before and after, in text and in JSON" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "1"}]}'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "uuid": "'"$U1"'", "start": "manual", "attrs": [{"a": "2"}]}]}'
	run_exact -3 mdevadm apply -f "$LAYOUT" --check --diff
	[ "$output" = "Plan for config \"(unnamed)\" of $LAYOUT: 1 change
  modify   $U1 on mtty: mtty-1, manual [devices[0]]
      --- before
      +++ after
       {
         \"mdev_type\": \"mtty-1\",
      -  \"start\": \"auto\",
      +  \"start\": \"manual\",
         \"attrs\": [
           {
      -      \"a\": \"1\"
      +      \"a\": \"2\"
           }
         ]
       }
--check: nothing was changed.
" ]
	run_exact -3 mdevadm apply -f "$LAYOUT" --check --diff --dumpjson
	[ "$(jq -c '.actions[0] | [.before.start, .after.start, .after.attrs]' <<<"$output")" = \
		'["auto","manual",[{"a":"2"}]]' ]
}

@test "apply: a layout on standard input" {
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "uuid": "'"$U1"'"}]}'
	run_exact -0 mdevadm apply -f - <"$LAYOUT"
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
	run_exact -0 mdevadm apply <"$LAYOUT"
	[[ $output == "Nothing to do: the devices match config \"(unnamed)\" of standard input."* ]]
}

# bad_layout JSON MESSAGE: apply fails with exit 1 and exactly that one line, changing nothing
bad_layout() {
	local before
	layout "$1"
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT" ${3-}
	[ "$output" = "" ] || _fail "stdout: $output" || return
	[ "$stderr" = "mdevadm: $LAYOUT: $2"$'\n' ] || _fail "stderr: $stderr" "wanted: mdevadm: $LAYOUT: $2" || return
	[ "$(tree_snapshot "$ROOT")" = "$before" ] || _fail "the tree changed"
}

@test "apply: bad layouts get one line naming the entry and the field, and change nothing" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	local m='"parent": "mtty", "type": "mtty-1"'
	bad_layout '{"devices": []}' 'version: must be 1'
	bad_layout '{"version": 2, "devices": []}' 'version: must be 1'
	bad_layout '{"version": 1}' 'give either "configs" (named layouts) or "devices" (one layout)'
	bad_layout '{"version": 1, "devices": [], "extra": 1}' 'top level: unknown key "extra"'
	bad_layout '{"version": 1, "devices": [], "two\nlines": 1}' 'top level: unknown key "two?lines"'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "colour": "red"}]}' 'devices[0].colour: unknown key'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": -1}]}' 'devices[0].count: must be an integer >= 0'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": "2"}]}' 'devices[0].count: must be an integer >= 0'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 99999999999}]}' 'devices[0].count: must be at most 65536'
	bad_layout '{"version": 1, "devices": [{'"$m"'}]}' 'devices[0]: give exactly one of "uuid", "count" and "vf"'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "uuid": "'"$U2"'"}]}' 'devices[0]: give exactly one of "uuid", "count" and "vf"'
	bad_layout '{"version": 1, "devices": [{'"$m"', "uuid": "nope"}]}' 'devices[0].uuid: not a UUID'
	bad_layout '{"version": 1, "devices": [{"type": "mtty-1", "count": 1}]}' 'devices[0].parent: missing'
	bad_layout '{"version": 1, "devices": [{"parent": 3, "type": "mtty-1", "count": 1}]}' 'devices[0].parent: must be a string'
	bad_layout '{"version": 1, "devices": [{"parent": "../x", "type": "mtty-1", "count": 1}]}' "devices[0].parent: invalid name '../x'"
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "start": "always"}]}' 'devices[0].start: must be "auto" or "manual"'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "active": "yes"}]}' 'devices[0].active: must be true or false'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "attrs": [{"a": 1}]}]}' 'devices[0].attrs: attrs[0] "a" is not a string'
	bad_layout '{"version": 1, "devices": [{'"$m"', "count": 1, "defined": false, "start": "auto"}]}' 'devices[0].defined: a device without a definition (transient) has no "start" and must be active'
	bad_layout '{"version": 1, "devices": [{"parent": "*", "type": "mtty-1", "uuid": "'"$U2"'"}]}' 'devices[0].parent: "*" needs "count": one device cannot be on every parent'
	bad_layout '{"version": 1, "devices": [{'"$m"', "uuid": "'"$U2"'"}, {"parent": "0000:3b:00.0", "type": "nvidia-256", "uuid": "'"${U2^^}"'"}]}' "devices[1].uuid: $U2 is also claimed by devices[0]"
	bad_layout '{"version": 1, "devices": [{"parent": "nope", "type": "mtty-1", "count": 1}]}' 'devices[0].parent: parent nope not found'
	bad_layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-9", "count": 1}]}' 'devices[0].type: parent mtty does not support type mtty-9'
	bad_layout '{"version": 1, "devices": [{"parent": "*", "type": "mtty-9", "count": 1}]}' 'devices[0].type: no present parent supports type mtty-9'
	bad_layout '{"version": 1, "devices": [{'"$m"', "vf": 1}]}' 'devices[0].vf: mtty is an mdev parent: name its devices with "uuid" or "count"'
	bad_layout '{"version": 1, "configs": {"a": {"devices": []}}}' 'configs: no config named "default"'
	bad_layout '{"version": 1, "configs": {"a": {"devices": [{'"$m"', "count": "x"}]}}}' 'configs.a.devices[0].count: must be an integer >= 0' '--config a'
	bad_layout '{"version": 1, "devices": []}' 'has no named configs, so --config a does not apply' '--config a'
	bad_layout '{"version": 1, "devices": [}' 'invalid JSON at line 1: unexpected token near '"'}'"
	# found when the plan is known, before the first step: the plan is shown
	layout '{"version": 1, "devices": [{'"$m"', "count": 30, "start": "auto"}]}'
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$stderr" = "mdevadm: $LAYOUT: devices[0]: parent mtty has 24 free instances of mtty-1, and 30 more are needed; nothing was changed"$'\n' ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "apply: usage errors exit 2" {
	run_exact -2 mdevadm apply -p mtty -f /dev/null
	[ "$stderr" = "mdevadm apply: -p is for --export: a layout names its parents itself (try 'mdevadm apply --help')"$'\n' ]
	run_exact -2 mdevadm apply --export --check
	[ "$stderr" = "mdevadm apply: --export takes only -p and --config (try 'mdevadm apply --help')"$'\n' ]
	run_exact -1 mdevadm apply -f "$BATS_TEST_TMPDIR/missing.json"
	[ "$stderr" = "mdevadm: cannot open $BATS_TEST_TMPDIR/missing.json: No such file or directory"$'\n' ]
}

@test "apply: a device a process holds is not stopped: refused before any change, naming the process" {
	mk_active mtty mtty-1 "$U1" 7
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_holder 4242 /dev/vfio/7 qemu-system-x86_64 -name guest=vm1
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "count": 1}]}'
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$stderr" = "mdevadm: cannot stop $U1 on mtty (not in the layout): in use by 4242 (qemu-system-x86_64 -name guest=vm1) (--force stops it anyway); nothing was changed"$'\n' ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
	with_kernel
	run_exact -0 mdevadm apply -f "$LAYOUT" --force
	fakekernel_settle
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	[ "$(mdevadm list -d | awk '{print $2, $3}')" = "mtty mtty-2" ]
}

@test "apply: a step that fails undoes every step before it; tree and configs are exactly as before" {
	with_kernel
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U4" '{"start": "manual", "mdev_type": "mtty-2"}'
	# made by the fake kernel, as the one it makes again when the stop is undone
	mdevadm start -u "$U1"
	fakekernel_settle
	# the last device's create cannot be written: every other step has been made by then
	rm "$(cfile mtty mtty-2)"
	mkdir "$(cfile mtty mtty-2)"
	layout '{"version": 1, "devices": [
		{"parent": "0000:3b:00.0", "type": "nvidia-256", "uuid": "'"$U3"'", "start": "auto"},
		{"parent": "0000:af:00.0", "type": "nvidia-256", "uuid": "'"$U5"'", "start": "auto"},
		{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U4"'", "start": "auto"}]}'
	run_exact -3 mdevadm apply -f "$LAYOUT" --check --dumpjson
	[ "$(jq -c '[.actions[] | .action]' <<<"$output")" = \
		'["stop","undefine","define","define","modify","start","start","start"]' ]
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$stderr" = "mdevadm: step 8 of 8 (start $U4 on mtty (mtty-2)) failed: cannot create $U4 (mtty-2 on mtty): Is a directory; 7 steps undone"$'\n' ]
	[ "$(grep '^undone: ' <<<"$output")" = "undone: start $U5 on 0000:af:00.0 (nvidia-256)
undone: start $U3 on 0000:3b:00.0 (nvidia-256)
undone: modify $U4 on mtty (mtty-2)
undone: define $U5 on 0000:af:00.0 (nvidia-256)
undone: define $U3 on 0000:3b:00.0 (nvidia-256)
undone: undefine $U1 on mtty (mtty-1)
undone: stop $U1 on mtty (mtty-1)" ]
	fakekernel_settle
	# byte for byte, the definition written by hand included
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "apply: a definition that cannot be written is undone with the rest" {
	with_kernel
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	# where the second parent's definitions would go is a file
	mkdir -p "$ROOT/etc/mdevctl.d"
	printf 'x' >"$ROOT/etc/mdevctl.d/0000:3b:00.0"
	layout '{"version": 1, "devices": [
		{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U2"'", "start": "auto"},
		{"parent": "0000:3b:00.0", "type": "nvidia-256", "uuid": "'"$U3"'"}]}'
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT" --dumpjson
	[ "$(jq -c '[.changed, .failed, .undone]' <<<"$output")" = \
		'[false,true,["undefine '"$U1"' on mtty (mtty-1)"]]' ]
	[ "$stderr" = "mdevadm: step 2 of 4 (define $U3 on 0000:3b:00.0 (nvidia-256)) failed: cannot open /etc/mdevctl.d/0000:3b:00.0: Not a directory; 1 step undone"$'\n' ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "apply: a device that does not appear fails the run, and it is undone" {
	# no fake kernel: the write to create lands, no device ever appears
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U2"'", "start": "auto"}]}'
	MDEVADM_APPEAR_TIMEOUT_MS=0 run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$stderr" = "mdevadm: step 3 of 3 (start $U2 on mtty (mtty-2)) failed: created $U2 (mtty-2 on mtty) but it did not appear in /sys/bus/mdev/devices; 2 steps undone"$'\n' ]
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type": "mtty-1", "start": "manual"}'
	[ ! -e "$(cfg mtty "$U2")" ]
}

@test "apply: parallel applies serialise on the store lock: the count is met once, not twice" {
	with_kernel
	layout '{"version": 1, "devices": [{"parent": "0000:3b:00.0", "type": "nvidia-256", "count": 3, "start": "auto"}]}'
	local i pids=()
	for i in 1 2 3 4; do
		"$MDEVADM" --root "$ROOT" apply -f "$LAYOUT" >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	[ "$(ls "$ROOT/etc/mdevctl.d/0000:3b:00.0" | wc -l)" -eq 3 ]
	[ "$(mdevadm list | wc -l)" -eq 3 ]
	[ "$(grep -l '^Applied 6 changes.$' "$BATS_TEST_TMPDIR"/out.* | wc -l)" -eq 1 ]
	[ "$(grep -l '^Nothing to do' "$BATS_TEST_TMPDIR"/out.* | wc -l)" -eq 3 ]
}

@test "apply: a broken definition on a managed parent stops the run before any change" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "count": 1}]}'
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$output" = "" ]
	[[ $stderr == "mdevadm: invalid config /etc/mdevctl.d/mtty/$U1: invalid JSON at line 1: "*$'\n' ]]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
}

@test "apply: a UUID running on a parent the layout does not manage is refused" {
	mk_active mtty mtty-1 "$U1"
	bad_layout '{"version": 1, "devices": [{"parent": "0000:3b:00.0", "type": "nvidia-256", "uuid": "'"$U1"'", "start": "auto"}]}' \
		"devices[0].uuid: $U1 is running on mtty, a parent this layout does not manage: stop it there first"
}

@test "apply --export: the machine as a layout; applied back it plans nothing" {
	with_kernel
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"k": "v"}]}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_active 0000:3b:00.0 nvidia-256 "$U3"
	fakekernel_settle
	run_exact -0 mdevadm apply --export
	[ "$output" = '{
  "version": 1,
  "devices": [
    {
      "parent": "0000:3b:00.0",
      "type": "nvidia-256",
      "uuid": "'"$U3"'",
      "defined": false,
      "active": true
    },
    {
      "parent": "mtty",
      "type": "mtty-1",
      "uuid": "'"$U1"'",
      "start": "auto",
      "active": true,
      "attrs": [
        {
          "k": "v"
        }
      ]
    },
    {
      "parent": "mtty",
      "type": "mtty-2",
      "uuid": "'"$U2"'",
      "start": "manual",
      "active": false
    }
  ]
}
' ]
	printf '%s' "$output" >"$LAYOUT"
	before=$(tree_snapshot "$ROOT")
	run_exact -0 mdevadm apply -f "$LAYOUT"
	[ "$output" = "Nothing to do: the devices match config \"(unnamed)\" of $LAYOUT."$'\n' ]
	[ "$(tree_snapshot "$ROOT")" = "$before" ]
	run_exact -0 mdevadm apply --export -p mtty -p 0000:af:00.0 --config host1
	[ "$(jq -c '[(.configs | keys), (.configs.host1.devices | map(.uuid))]' <<<"$output")" = \
		'[["host1"],["'"$U1"'","'"$U2"'"]]' ]
	printf '%s' "$output" >"$LAYOUT"
	run_exact -0 mdevadm apply -f "$LAYOUT" --config host1 --check
	run_exact -1 mdevadm apply --export -p nope
	[ "$stderr" = "mdevadm: cannot export: parent device nope not found"$'\n' ]
	# definitions of a parent that is not there cannot be applied back: said, not dropped silently
	mk_config 0000:99:00.0 "$U7" '{"mdev_type": "nvidia-256", "start": "auto"}'
	run_exact -0 mdevadm apply --export
	[ "$stderr" = "mdevadm: warning: not exported: the definitions of 0000:99:00.0, a parent that is not present"$'\n' ]
}

@test "apply: the shell knows it, and --help shows its options" {
	run_exact -0 mdevadm apply --help
	[[ $output == *"--check "*"--diff "*"--export "*"--force "* ]]
	run_exact -0 mdevadm __complete 'mdevadm app'
	[[ $output == apply* ]]
	run_exact -0 mdevadm __complete 'mdevadm apply --ch'
	[[ $output == --check* ]]
	run_exact -0 mdevadm __complete 'mdevadm apply -f '
	[ "$output" = "@files"$'\n' ]
	# --config offers the layouts of the file given with -f
	layout '{"version": 1, "configs": {"t4": {"devices": []}, "a100": {"devices": []}}}'
	run_exact -0 mdevadm __complete "mdevadm apply -f $LAYOUT --config "
	[ "$(printf "%s" "$output" | cut -f1 | sort | tr "\n" " ")" = "a100 t4 " ]
	run_exact -0 mdevadm __complete 'mdevadm apply --export -p mt'
	[ "$(cut -f1 <<<"$output")" = mtty ]
}

# schema_check FILE: FILE is valid by data/mdevadm-layout.schema.json
schema_check() {
	/usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])),
                    cls=jsonschema.Draft202012Validator)' \
		"$BATS_TEST_DIRNAME/../data/mdevadm-layout.schema.json" "$1" 2>/dev/null
}

@test "apply: the JSON Schema accepts the examples and an export, and rejects what apply rejects" {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	local f
	for f in "$BATS_TEST_DIRNAME"/../contrib/ansible/examples/layouts.json "$BATS_TEST_DIRNAME"/fuzz/corpus/layout/*.json; do
		[ -e "$f" ] || continue
		schema_check "$f" || _fail "the schema rejects $f"
	done
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto", "attrs": [{"a": "b"}]}'
	mdevadm apply --export >"$LAYOUT"
	schema_check "$LAYOUT"
	mdevadm apply --export --config host >"$LAYOUT"
	schema_check "$LAYOUT"
	for f in '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": -1}]}' \
		'{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 1, "uuid": "'"$U1"'"}]}' \
		'{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 1, "start": "always"}]}' \
		'{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 1, "x": 1}]}' \
		'{"version": 1, "devices": [{"parent": "../mtty", "type": "mtty-1", "count": 1}]}' \
		'{"version": 1, "devices": [], "configs": {}}' \
		'{"version": 2, "devices": []}'; do
		layout "$f"
		! schema_check "$LAYOUT" || _fail "the schema accepts $f"
		run_exact -1 mdevadm apply -f "$LAYOUT" --check
	done
}

@test "apply: the fuzz corpus of the layout parser and planner replays clean" {
	local fuzz="${FAKEKERNEL%/*}/fuzz/fuzz-layout"
	[ -x "$fuzz" ] || _fail "not built: $fuzz (make tests/fuzz/fuzz-layout)"
	run_exact -0 "$fuzz" "$BATS_TEST_DIRNAME"/fuzz/corpus/layout/*
	[ "$stderr" = "" ]
}

@test "apply: the steps run the event scripts; a device gone before the check fails the run, which is undone" {
	with_kernel
	LOG="$BATS_TEST_TMPDIR/calls.log"
	: >"$LOG"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	# a callout that removes U2 as soon as it was made: what the check after the steps is for
	mk_script "$CALLOUTS" vanish '[ "$event $action $uuid" = "post start '"$U2"'" ] || exit 0
dev="'"$ROOT"'/sys/bus/mdev/devices/'"$U2"'"
# again until it is gone: the fake kernel may not watch the new device'"'"'s remove yet
for i in $(seq 200); do [ -e "$dev" ] || exit 0; printf 1 2>/dev/null >"$dev/remove"; sleep 0.05; done'
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-2", "uuid": "'"$U2"'", "start": "auto"}]}'
	before=$(tree_snapshot "$ROOT")
	run_exact -1 mdevadm apply -f "$LAYOUT"
	[ "$stderr" = "mdevadm: the machine does not match the layout after the steps: 1 still to do, the first: start $U2 on mtty (mtty-2); 3 steps undone"$'\n' ]
	[ "$(grep '^undone: ' <<<"$output")" = "undone: start $U2 on mtty (mtty-2)
undone: define $U2 on mtty (mtty-2)
undone: undefine $U1 on mtty (mtty-1)" ]
	# each step and each undo went through the scripts, pre and post
	grep -q "^vanish .*-e pre -a define .*-u $U2" "$LOG"
	grep -q "^vanish .*-e post -a undefine .*-u $U1" "$LOG"
	fakekernel_settle
	[ "$(tree_snapshot "$ROOT" | grep -v usr/lib/mdevctl)" = "$(grep -v usr/lib/mdevctl <<<"$before")" ]
}
