#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's define tests (src/tests/define.rs: test_define and the define callout cases)
# and its config parsing test (test_load_json in src/tests/mod.rs, run through define --jsonfile).

load test_helper
load callout_helper
load upstream_helper

T4=i915-GVTg_V5_4

# no_configs: nothing was written under etc/mdevctl.d.
no_configs() {
	local left
	left=$(find "$ROOT/etc/mdevctl.d" -type f 2>/dev/null || true)
	[ -z "$left" ] || _fail "unexpected config files:" "$left"
}

# -- test_define ---------------------------------------------------------------------------------

@test "define.rs/no-uuid-no-type: -p without -t is refused, nothing written" {
	run_exact -2 mdevadm define -a -p "$P3"
	assert_stderr_line "*no type given*"
	[ -z "$output" ]
	no_configs
}

@test "define.rs/no-uuid: without -u a UUID is generated, printed and used" {
	run_exact -0 mdevadm define -a -p "$P3" -t "$T4"
	[[ $output =~ ^[0-9a-f-]{36}$'\n'$ ]]
	[ -z "$stderr" ]
	assert_cfg "$(cfg "$P3" "${output%$'\n'}")" "$T4" auto
}

@test "define.rs/uuid-auto, uuid-manual: -a stores auto, its absence manual" {
	run_exact -0 mdevadm define -u "$UUID" -a -p "$P3" -t "$T4"
	assert_defined "$P3" "$UUID" "$T4" auto
	run_exact -0 mdevadm define -u "$UUID" -p "$P2" -t "$T4"
	assert_defined "$P2" "$UUID" "$T4" manual
}

@test "define.rs/jsonfile-type: --jsonfile with -t is refused, nothing written" {
	run_exact -2 mdevadm define -u "$UUID" -p "$P3" -t "$T4" --jsonfile "$UP/defs/ap-manual.json"
	[ -z "$output" ]
	no_configs
}

@test "define.rs/jsonfile: --jsonfile stores the file's definition" {
	run_exact -0 mdevadm define -u "$UUID" -p "$P3" --jsonfile "$UP/defs/ap-manual.json"
	assert_defined "$P3" "$UUID" vfio_ap-passthrough manual "${AP_ATTRS[@]}"
}

@test "define.rs/uuid-running-no-parent: -t without -p is refused even for an active device" {
	up_active "$UUID" "$P3" "$T4"
	run_exact -2 mdevadm define -u "$UUID" -t "$T4"
	assert_stderr_line "*--type needs --parent*"
	[ -z "$output" ]
	no_configs
}

@test "define.rs/uuid-running-no-type: -u -p of an active device takes its type" {
	up_active "$UUID" "$P3" "$T4"
	run_exact -0 mdevadm define -u "$UUID" -p "$P3"
	assert_defined "$P3" "$UUID" "$T4" manual
}

@test "define.rs/uuid-running-diff-parent: a UUID active on another parent can be defined" {
	up_active "$UUID" "$P2" "$T4"
	run_exact -0 mdevadm define -u "$UUID" -p "$P3" -t "$T4"
	assert_defined "$P3" "$UUID" "$T4" manual
	# (issue 14) without -t the type is the running device's, as with mdevctl
	rm "$(cfg "$P3" "$UUID")"
	run_exact -0 mdevadm define -u "$UUID" -p "$P3"
	assert_defined "$P3" "$UUID" "$T4" manual
}

@test "define.rs/uuid-running-diff-type: a UUID active with another type can be defined" {
	up_active "$UUID" "$P3" different_type
	run_exact -0 mdevadm define -u "$UUID" -p "$P3" -t "$T4"
	[ -z "$output" ]
	# the parent is present and does not list the type: stored, with a warning
	assert_stderr_line "*warning: $P3 does not support type $T4*"
	assert_cfg "$(cfg "$P3" "$UUID")" "$T4" manual
}

@test "define.rs/uuid-already-defined: an existing definition is never overwritten" {
	up_defined "$UUID" "$P3" ap-manual
	run_exact -1 mdevadm define -u "$UUID" -p "$P3" -t "$T4"
	assert_stderr_line "*refusing to overwrite existing config for $P3/$UUID"
	cmp "$UP/defs/ap-manual.json" "$(cfg "$P3" "$UUID")"
}

# -- the define callout cases --------------------------------------------------------------------

# define_with RC UUID [OPTIONS]: define UUID as T4 on P3, expecting exit RC.
define_with() {
	local rc=$1 uuid=$2
	shift 2
	run_exact "-$rc" mdevadm define -u "$uuid" -p "$P3" -t "$T4" "$@"
}

@test "define.rs/define-with-callout-all-pass: a callout answering 0 lets define through" {
	up_script rc0 rc0.sh
	define_with 0 "$UUID"
	assert_cfg "$(cfg "$P3" "$UUID")" "$T4" manual
	[ "$(count_calls ' -e pre -a define ')" -eq 1 ]
}

@test "define.rs/define-with-callout-all-fail, -fail-force: pre 1 refuses; -f overrides" {
	up_script rc1 rc1.sh
	define_with 1 "$UUID"
	no_configs
	define_with 0 "$UUID" -f
	assert_cfg "$(cfg "$P3" "$UUID")" "$T4" manual
}

@test "define.rs/define-with-callout-all-good-json: an active device's attributes are stored" {
	up_active "$UUID" "$P3" "$T4"
	up_script attrs good-json.sh
	define_with 0 "$UUID"
	assert_cfg "$(cfg "$P3" "$UUID")" "$T4" manual attribute0 VALUE
}

@test "define.rs/define-with-callout-all-bad-json: junk attributes fail the define" {
	up_active "$UUID" "$P3" "$T4"
	up_script not-json bad-json.sh
	define_with 1 "$UUID"
	no_configs
}

@test "define.rs/define-with-version-callout-all-pass, -all-fail: a versioned script decides" {
	up_script ver-rc0 ver-rc0.sh
	define_with 0 "$UV"
	assert_cfg "$(cfg "$P3" "$UV")" "$T4" manual
	rm "$ROOT/$CALLOUTS/ver-rc0.sh"
	up_script ver-rc1 ver-rc1.sh
	rm "$(cfg "$P3" "$UV")"
	define_with 1 "$UV"
	no_configs
}

@test "define.rs/define-with-version-callout-multiple-with-version-pass, -pass2: it wins" {
	up_script rc0 rc0.sh
	up_script ver-rc0 ver-rc0.sh
	define_with 0 "$UV"
	# rc0.sh is asked for its capabilities, and then left out
	! calls_np | grep -q '^rc0.sh '
	rm "$ROOT/$CALLOUTS/rc0.sh" "$(cfg "$P3" "$UV")"
	up_script rc1 rc1.sh
	define_with 0 "$UV"
	assert_cfg "$(cfg "$P3" "$UV")" "$T4" manual
}

@test "define.rs/define-with-version-callout-multiple-with-version-fail: over a legacy 0" {
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	define_with 1 "$UV"
	no_configs
}

# -- test_load_json: definitions as files may lay out their JSON in any way ----------------------

@test "mod.rs/test_load_json: odd indentation, missing attrs, attributes kept in order" {
	printf '%s\n' '{' '    "mdev_type": "i915-GVTg_V5_8",' '        "start": "manual",' \
		'        "attrs": [' '        {' '            "example-attribute": "attribute-value"' \
		'        },' '        {"foo": "bar"}, {"foo2": "bar2"},' \
		'        {"example-attribute-2": "attribute-value-2"},' \
		'        {"another-example-attribute": "zzz"}' '        ]' '}' >"$BATS_TEST_TMPDIR/c0.json"
	run_exact -0 mdevadm define -u c07ab7b2-8aa2-427a-91c6-ffc949bb77f9 -p "$P2" \
		--jsonfile "$BATS_TEST_TMPDIR/c0.json"
	assert_defined "$P2" c07ab7b2-8aa2-427a-91c6-ffc949bb77f9 i915-GVTg_V5_8 manual \
		example-attribute attribute-value foo bar foo2 bar2 \
		example-attribute-2 attribute-value-2 another-example-attribute zzz
	run_exact -0 mdevadm define -u 783e6dbb-ea0e-411f-94e2-717eaad438bf -p 0001:00:03.1 \
		--jsonfile "$UP/defs/ap-manual.json"
	assert_defined 0001:00:03.1 783e6dbb-ea0e-411f-94e2-717eaad438bf vfio_ap-passthrough manual \
		"${AP_ATTRS[@]}"
	printf '%s\n' '{"mdev_type": "i915-GVTg_V5_8", "start": "auto"}' >"$BATS_TEST_TMPDIR/52.json"
	run_exact -0 mdevadm define -u 5269fe7a-18d1-48ad-88e1-3fda4176f536 -p "$P3" \
		--jsonfile "$BATS_TEST_TMPDIR/52.json"
	assert_defined "$P3" 5269fe7a-18d1-48ad-88e1-3fda4176f536 i915-GVTg_V5_8 auto
}

@test "mod.rs/test_load_json: malformed attrs (two keys, strings, no array) are refused" {
	local bad
	for bad in '[{"a": "1", "b": "2"}]' '["a", "b"]' '{"a": "1"}'; do
		printf '{"mdev_type": "t", "start": "auto", "attrs": %s}\n' "$bad" >"$BATS_TEST_TMPDIR/bad.json"
		run_exact -1 mdevadm define -u "$UUID" -p "$P3" --jsonfile "$BATS_TEST_TMPDIR/bad.json"
		assert_stderr_line "*invalid config in $BATS_TEST_TMPDIR/bad.json*"
		no_configs
	done
}
