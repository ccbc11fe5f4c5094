#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's callout tests (src/tests/callouts.rs). Upstream calls its callout layer
# directly, with a test-only action; here each case runs the command whose events it is about:
# define for the plain pre/post cases, start where upstream uses the start action, list for get
# attributes. Every script is ours (tests/upstream_helper.bash), written to behave like upstream's.

load test_helper
load callout_helper
load upstream_helper

TP=test_parent
TT=test_type

setup() {
	callout_setup
	up_type "$TP" "$TT" 4 vfio-pci
}

# define_is RC [OPTIONS]: define UUID on TP as TT, expecting exit RC; the definition exists
# exactly when RC is 0.
define_is() {
	local rc=$1
	shift
	run_exact "-$rc" mdevadm define -u "$UUID" -p "$TP" -t "$TT" "$@"
	if [ "$rc" = 0 ]; then
		[ -f "$(cfg "$TP" "$UUID")" ]
		rm "$(cfg "$TP" "$UUID")"
	else
		[ ! -e "$(cfg "$TP" "$UUID")" ]
	fi
}

# start_is RC UUID [OPTIONS]: start UUID on TP as TT, expecting exit RC; UUID was written to
# `create` exactly when RC is 0 (the file is emptied again for the next run).
start_is() {
	local rc=$1 uuid=$2 create
	shift 2
	create=$(cfile "$TP" "$TT")
	run_exact "-$rc" mdevadm start -u "$uuid" -p "$TP" -t "$TT" "$@"
	if [ "$rc" = 0 ]; then assert_written "$create" "$uuid"; else assert_no_write "$create"; fi
	: >"$create"
}

# -- legacy scripts --------------------------------------------------------------------------

@test "callouts.rs/test_invoke_callout_without_mdevtype, test_get_callout_without_mdevtype" {
	# without a type there is nothing to ask a script about: define stops before any runs
	up_script rc1 rc1.sh
	up_script not-json bad-json.sh
	run_exact -2 mdevadm define -u "$UUID" -p "$TP"
	assert_log ""
}

@test "callouts.rs/test_callout_all_success: a script answering 0 gets pre and post" {
	up_script rc0 rc0.sh
	define_is 0
	assert_log_np "$(line rc0.sh "$TT" pre define none "$UUID" "$TP" "$(cj "$TT")"
		line rc0.sh "$TT" post define success "$UUID" "$TP" "$(cj "$TT")")"$'\n'
}

@test "callouts.rs/test_callout_all_fail: pre 1 refuses; forced, the command goes on" {
	up_script rc1 rc1.sh
	define_is 1
	[[ $stderr == *"rc1.sh refused (status 1"* ]]
	define_is 0 -f
}

@test "callouts.rs/test_callout_wrong_type: a script answering 2 is passed over" {
	up_script rc2 rc2.sh
	define_is 0
	[ "$(count_calls ' -e post ')" -eq 0 ]
}

@test "callouts.rs/test_callout_type_c: the script for the type decides, after the others pass" {
	up_type parent_c type_c 1
	up_script type-a type-a.sh
	up_script type-b type-b.sh
	up_script type-c type-c.sh
	run_exact -1 mdevadm define -u "$UUID" -p parent_c -t type_c
	[[ $stderr == *"type-c.sh refused"* ]]
	# type-a.sh and type-b.sh said 2 to the capabilities probe: they are not asked again
	[ "$(calls_np)" = "$(line type-c.sh type_c pre define none "$UUID" parent_c "$(cj type_c)")" ]
	run_exact -0 mdevadm define -u "$UUID" -p parent_c -t type_c -f
}

@test "callouts.rs/test_callout_no_script: no script takes the type: the command goes on" {
	up_type parent_d type_d 1
	up_script type-a type-a.sh
	up_script type-b type-b.sh
	up_script type-c type-c.sh
	run_exact -0 mdevadm define -u "$UUID" -p parent_d -t type_d
	[ -f "$(cfg parent_d "$UUID")" ]
	[ "$(count_calls ' -e post ')" -eq 0 ]
}

# params ACTION: the log holds exactly ACTION's pre (state none) and post (state success) for
# UUID as test_type_ACTION on test_parent_ACTION, each with the compact config on stdin.
params() {
	local t=test_type_$1 p=test_parent_$1
	assert_log_np "$(line rc0.sh "$t" pre "$1" none "$UUID" "$p" "$(cj "$t")"
		line rc0.sh "$t" post "$1" success "$UUID" "$p" "$(cj "$t")")"$'\n'
}

@test "callouts.rs/test_callout_params_define, _modify, _undefine: type, parent, state, UUID" {
	up_script rc0 rc0.sh
	run_exact -0 mdevadm define -u "$UUID" -p test_parent_define -t test_type_define
	params define
	: >"$LOG"
	mk_config test_parent_modify "$UUID" '{"mdev_type":"test_type_modify","start":"manual"}'
	run_exact -0 mdevadm modify -u "$UUID" -p test_parent_modify -m
	params modify
	: >"$LOG"
	mk_config test_parent_undefine "$UUID" '{"mdev_type":"test_type_undefine","start":"manual"}'
	run_exact -0 mdevadm undefine -u "$UUID" -p test_parent_undefine
	params undefine
}

@test "callouts.rs/test_callout_params_start, _stop: type, parent, state, UUID" {
	up_type test_parent_start test_type_start 1
	up_script rc0 rc0.sh
	run_exact -0 mdevadm start -u "$UUID" -p test_parent_start -t test_type_start
	params start
	: >"$LOG"
	up_active "$UUID" test_parent_stop test_type_stop
	run_exact -0 mdevadm stop -u "$UUID"
	params stop
}

# -- get attributes --------------------------------------------------------------------------

# attrs_listed: list -v shows UUID (active on TP as TT) with the script's attribute0.
attrs_listed() {
	run_exact -0 mdevadm list -v
	[ "$output" = "$UUID $TP $TT manual"$'\n  Attrs:\n    @{0}: {"attribute0":"VALUE"}\n' ]
}

@test "callouts.rs/test_callout_good_json, test_callout_good_json_null: attributes are read" {
	up_active "$UUID" "$TP" "$TT"
	up_script attrs good-json.sh
	attrs_listed
	[ -z "$stderr" ]
	rm "$ROOT/$CALLOUTS/good-json.sh"
	up_script attrs-nul good-json-null-terminated.sh
	attrs_listed
	[ -z "$stderr" ]
}

@test "callouts.rs/test_callout_bad_json: junk attributes are an error list reports" {
	up_active "$UUID" "$TP" "$TT"
	up_script not-json bad-json.sh
	run_exact -0 mdevadm list -v
	[ "$output" = "$UUID $TP $TT manual"$'\n' ]
	assert_stderr_line "*bad-json.sh returned invalid attributes for $UUID: not JSON"
}

# -- order and location ----------------------------------------------------------------------

@test "callouts.rs/test_callout_order_fail, test_callout_order_pass: the first name decides" {
	up_script rc1 00.sh
	up_script rc0 99.sh
	define_is 1
	rm "$ROOT/$CALLOUTS"/*
	up_script rc0 00.sh
	up_script rc1 99.sh
	define_is 0
	[ "$(calls_np | grep -c '^99.sh ')" -eq 0 ]
}

@test "callouts.rs/test_callout_location_priority_pass, _fail: the documented directory first" {
	up_script rc0 rc0.sh
	up_script rc1 rc1.sh OLD
	start_is 0 "$UUID"
	rm "$ROOT/$CALLOUTS/rc0.sh" "$ROOT/$OLD_CALLOUTS/rc1.sh"
	up_script rc1 rc1.sh
	up_script rc0 rc0.sh OLD
	start_is 1 "$UUID"
}

@test "callouts.rs/test_callout_location_priority_skip_fail, _skip_pass: 2 passes it on" {
	up_script rc2 rc2.sh
	up_script rc1 rc1.sh OLD
	start_is 1 "$UUID"
	rm "$ROOT/$OLD_CALLOUTS/rc1.sh"
	up_script rc0 rc0.sh OLD
	start_is 0 "$UUID"
}

# -- versioned scripts (upstream: the start action) ------------------------------------------

@test "callouts.rs/test_callout_with_version_pass, _fail: the versioned script's pre decides" {
	up_script ver-rc0 ver-rc0.sh
	start_is 0 "$UV"
	rm "$ROOT/$CALLOUTS/ver-rc0.sh"
	up_script ver-rc1 ver-rc1.sh
	start_is 1 "$UV"
	start_is 0 "$UV" -f
}

@test "callouts.rs/test_callout_with_version_mix_pass, _mix_fail: it wins over a legacy one" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 0 "$UV"
	rm "$ROOT/$CALLOUTS"/*
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	start_is 1 "$UV"
}

@test "callouts.rs/test_callout_with_version_good_json, _bad_json: get attributes, versioned" {
	up_active "$UV" "$TP" "$TT"
	up_script ver-rc0 ver-rc0.sh
	run_exact -0 mdevadm list -v
	[ "$output" = "$UV $TP $TT manual"$'\n  Attrs:\n    @{0}: {"attribute0":"VALUE"}\n' ]
	rm "$ROOT/$CALLOUTS/ver-rc0.sh"
	up_script ver-bad-attrs ver-rc0-get-attr-bad-json.sh
	run_exact -0 mdevadm list -v
	[ "$output" = "$UV $TP $TT manual"$'\n' ]
	assert_stderr_line "*ver-rc0-get-attr-bad-json.sh returned invalid attributes for $UV: not JSON"
}

@test "callouts.rs/test_callout_get_capabilities_rc1_run_with_version_pass: exit 1, still versioned" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 0 11111111-1111-0000-0000-111111111111
	[ "$(calls_np | grep -c '^rc1.sh ')" -eq 0 ]
}

@test "callouts.rs/test_callout_get_capabilities_rc2_run_without_version_fail: exit 2: not versioned" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 1 11111111-1111-0000-0000-222222222222
	[[ $stderr == *"rc1.sh refused"* ]]
}

@test "callouts.rs/test_callout_with_get_capabilities_bad_run_without_version_fail: text: legacy" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 1 11111111-1111-0000-0000-aaaaaaaaaaaa
	[[ $stderr == *"rc1.sh refused"* ]]
}

@test "callouts.rs/test_callout_with_unknown_action_with_version_pass, _unknown_event_with_verion_pass" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 0 11111111-1111-0000-0000-bbbbbbbbbbbb
	start_is 0 11111111-1111-0000-0000-cccccccccccc
	[ "$(calls_np | grep -c '^rc1.sh ')" -eq 0 ]
}

@test "callouts.rs/test_callout_with_version_missing_modify_run_start_pass, _run_modify_fail" {
	local u=11111111-1111-0000-0000-dddddddddddd
	up_script ver-rc0 ver-rc0.sh
	start_is 0 "$u"
	# a versioned script owns its type for every action: one it does not list is refused
	mk_config "$TP" "$u" '{"mdev_type":"test_type","start":"manual"}'
	run_exact -1 mdevadm modify -u "$u" -m
	assert_stderr_line "*cannot modify $u: callout script ver-rc0.sh does not support pre modify*"
	[ "$(count_calls ' -e pre -a modify ')" -eq 0 ]
	run_exact -0 mdevadm modify -u "$u" -a -f
	assert_cfg "$(cfg "$TP" "$u")" "$TT" auto
}

@test "callouts.rs/test_callout_with_version_json_provides_with_version_pass: provides is ignored" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 0 11111111-1111-0000-0000-eeeeeeeeeeee
}

@test "callouts.rs/test_callout_with_version_json_invalid_with_version_without_version_fail" {
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	start_is 1 11111111-1111-0000-0000-ffffffffffff
	[[ $stderr == *"rc1.sh refused"* ]]
}
