#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# define: every option, the UUID forms, definitions taken from active devices, conflicts.
# Each test builds its own fake tree; configs are compared byte for byte.

load test_helper

U1=6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d
U2=0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01

# no_configs: no definition was written anywhere.
no_configs() {
	local left
	left=$(find "$ROOT/etc" -type f 2>/dev/null || true)
	[ -z "$left" ] || _fail "unexpected config files:" "$left"
}

@test "define -u -p -t writes a manual config with empty attrs and prints nothing" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_defined mtty "$U1" mtty-1 manual
	[ "$(stat -c %a "$(cfg mtty "$U1")")" = 644 ]
	# exactly one file, no temp left behind
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
}

@test "define -a and --auto write start auto" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-2 -a
	assert_defined mtty "$U1" mtty-2 auto
	run_exact -0 mdevadm define -u "$U2" -p mdpy -t mdpy-vga --auto
	assert_defined mdpy "$U2" mdpy-vga auto
}

@test "define accepts --opt=value, --opt value and attached short values alike" {
	mk_samples
	run_exact -0 mdevadm define --uuid="$U1" --parent=mtty --type=mtty-2
	assert_defined mtty "$U1" mtty-2 manual
	run_exact -0 mdevadm define --uuid "$U2" --parent mdpy --type mdpy-hd
	assert_defined mdpy "$U2" mdpy-hd manual
	run_exact -0 mdevadm define -u"$U2" -pmbochs -tmbochs-small
	assert_defined mbochs "$U2" mbochs-small manual
}

@test "define -f/--force is accepted and changes nothing about the config" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1 -f
	assert_defined mtty "$U1" mtty-1 manual
	run_exact -0 mdevadm define -u "$U2" -p mtty -t mtty-1 --force -a
	assert_defined mtty "$U2" mtty-1 auto
}

@test "define without -u generates a UUID, prints it with one newline and stores it under it" {
	mk_samples
	run_exact -0 mdevadm define -p mtty -t mtty-1
	[ -z "$stderr" ]
	[[ $output == *$'\n' ]]
	u=${output%$'\n'}
	[[ $u =~ $UUID_RE ]] || _fail "not a canonical UUID: '$output'"
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$u" ]
	assert_cfg "$(cfg mtty "$u")" mtty-1 manual
}

@test "two generated UUIDs differ" {
	mk_samples
	run_exact -0 mdevadm define -p mtty -t mtty-1 -a
	a=${output%$'\n'}
	run_exact -0 mdevadm define -p mtty -t mtty-1 -a
	b=${output%$'\n'}
	[ "$a" != "$b" ]
	assert_cfg "$(cfg mtty "$a")" mtty-1 auto
	assert_cfg "$(cfg mtty "$b")" mtty-1 auto
}

@test "define takes a UUID as 32 upper-case hex digits and stores it lowercase, hyphenated" {
	mk_samples
	run_exact -0 mdevadm define -u 6F9AB6C21D3E4A5B8C7D0E1F2A3B4C5D -p mtty -t mtty-1
	assert_quiet
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
}

@test "define takes a braced upper-case UUID and stores it lowercase, unbraced" {
	mk_samples
	run_exact -0 mdevadm define -u "{${U1^^}}" -p mtty -t mtty-1
	assert_quiet
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
}

@test "define takes a hyphenated mixed-case UUID and stores it lowercase" {
	mk_samples
	run_exact -0 mdevadm define -u 6f9AB6C2-1d3e-4A5B-8c7d-0E1F2A3B4C5D -p mtty -t mtty-1
	assert_quiet
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
}

@test "define rejects malformed UUIDs as usage errors and writes nothing" {
	mk_samples
	for bad in '' zz 6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5 6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5dd \
		6f9ab6c21-d3e-4a5b-8c7d-0e1f2a3b4c5d 6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5g \
		'{6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d' '{6f9ab6c21d3e4a5b8c7d0e1f2a3b4c5d}' \
		' 6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d' ../../../../etc/passwd; do
		run_exact -2 mdevadm define -u "$bad" -p mtty -t mtty-1
		[ -z "$output" ]
		assert_stderr_line "*invalid UUID*"
	done
	no_configs
}

@test "define over an existing config fails, names it, and leaves it untouched" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "1"}]}'
	ino=$(stat -c %i "$(cfg mtty "$U1")")
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-2
	[ -z "$output" ]
	assert_stderr_line "*refusing to overwrite existing config for mtty/$U1"
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "1"}]}'
	[ "$(stat -c %i "$(cfg mtty "$U1")")" = "$ino" ]
}

@test "define -f does not overwrite an existing config either" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-2 -a -f
	assert_stderr_line "*refusing to overwrite existing config for mtty/$U1"
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
}

@test "define of the same UUID on a second parent is allowed and keeps the first" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm define -u "$U1" -p mdpy -t mdpy-vga -a
	assert_defined mtty "$U1" mtty-1 manual
	assert_cfg "$(cfg mdpy "$U1")" mdpy-vga auto
}

@test "define for a parent that is not in sysfs still writes the definition" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p 0000:65:00.0 -t nvidia-63
	assert_defined 0000:65:00.0 "$U1" nvidia-63 manual
}

@test "define --jsonfile FILE stores the config pretty-printed, attributes in order" {
	mk_samples
	printf '%s' '{"mdev_type":"mtty-2","start":"auto","attrs":[{"zeta":"1"},{"alpha":"2"},{"zeta":"3"}]}' \
		>"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/in.json"
	assert_defined mtty "$U1" mtty-2 auto zeta 1 alpha 2 zeta 3
}

@test "define --jsonfile=FILE: a missing start reads as manual, missing attrs as none" {
	mk_samples
	printf '%s\n' '{"mdev_type": "mdpy-xga"}' >"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" --parent=mdpy --jsonfile="$BATS_TEST_TMPDIR/in.json"
	assert_defined mdpy "$U1" mdpy-xga manual
}

@test "define --jsonfile: any start other than auto is stored as manual" {
	mk_samples
	printf '%s\n' '{"mdev_type": "mdpy-xga", "start": "Auto"}' >"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" -p mdpy --jsonfile "$BATS_TEST_TMPDIR/in.json"
	assert_cfg "$(cfg mdpy "$U1")" mdpy-xga manual
}

@test "define --jsonfile /dev/stdin reads a pipe (exactly once)" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty --jsonfile /dev/stdin \
		< <(printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[{"k":"v"}]}')
	assert_defined mtty "$U1" mtty-1 auto k v
}

@test "define --jsonfile - reads standard input" {
	mk_samples
	printf '%s' '{"mdev_type":"mbochs-large","attrs":[{"x":"y z"}]}' >"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" -p mbochs --jsonfile - <"$BATS_TEST_TMPDIR/in.json"
	assert_defined mbochs "$U1" mbochs-large manual x "y z"
}

@test "define --jsonfile without -u generates and prints the UUID" {
	mk_samples
	run_exact -0 mdevadm define -p mtty --jsonfile - <<<'{"mdev_type":"mtty-1","start":"auto"}'
	[ -z "$stderr" ]
	u=${output%$'\n'}
	[ "$output" = "$u"$'\n' ]
	[[ $u =~ $UUID_RE ]]
	assert_cfg "$(cfg mtty "$u")" mtty-1 auto
}

@test "define --jsonfile of a missing file fails and creates nothing" {
	mk_samples
	run_exact -1 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/nope.json"
	[ -z "$output" ]
	assert_stderr_line "*cannot open $BATS_TEST_TMPDIR/nope.json*"
	[ ! -e "$ROOT/etc/mdevctl.d/mtty" ]
}

@test "define --jsonfile with invalid JSON fails naming the file, writes nothing" {
	mk_samples
	printf '%s' '{"mdev_type": "mtty-1", ' >"$BATS_TEST_TMPDIR/bad.json"
	run_exact -1 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/bad.json"
	[ -z "$output" ]
	assert_stderr_line "*invalid config in $BATS_TEST_TMPDIR/bad.json*"
	no_configs
}

@test "define --jsonfile with a non-string mdev_type fails, writes nothing" {
	mk_samples
	run_exact -1 mdevadm define -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type": 5}'
	[ -z "$output" ]
	assert_stderr_line '*"mdev_type" is not a string*'
	no_configs
}

@test "define --jsonfile conflicts with -t and -a, and needs -p: usage errors" {
	mk_samples
	printf '%s' '{"mdev_type":"mtty-1"}' >"$BATS_TEST_TMPDIR/in.json"
	run_exact -2 mdevadm define -u "$U1" -p mtty -t mtty-1 --jsonfile "$BATS_TEST_TMPDIR/in.json"
	[ -z "$output" ]
	assert_stderr_line "*--jsonfile cannot be combined with --type or --auto*"
	run_exact -2 mdevadm define -u "$U1" -p mtty -a --jsonfile "$BATS_TEST_TMPDIR/in.json"
	assert_stderr_line "*--jsonfile cannot be combined with --type or --auto*"
	run_exact -2 mdevadm define -u "$U1" --jsonfile "$BATS_TEST_TMPDIR/in.json"
	[ -z "$output" ]
	assert_stderr_line "*--jsonfile needs --parent*"
	no_configs
}

@test "define -u of an active device takes its parent and type from sysfs" {
	mk_samples
	mk_active mbochs mbochs-medium "$U1"
	before=$(tree_snapshot "$ROOT/sys")
	run_exact -0 mdevadm define -u "$U1"
	assert_defined mbochs "$U1" mbochs-medium manual
	[ "$(ls -A "$ROOT/etc/mdevctl.d")" = mbochs ]
	# the device itself is untouched
	[ "$(tree_snapshot "$ROOT/sys")" = "$before" ]
}

@test "define -u -a of an active device stores start auto" {
	mk_samples
	mk_active mdpy mdpy-hd "$U1" 3
	run_exact -0 mdevadm define -u "$U1" -a
	assert_defined mdpy "$U1" mdpy-hd auto
}

@test "define -u -p of an active device on that parent takes the type from sysfs" {
	mk_samples
	mk_active mdpy mdpy-hd "$U1"
	run_exact -0 mdevadm define -u "${U1^^}" -p mdpy
	assert_defined mdpy "$U1" mdpy-hd manual
}

@test "define -u -t of an active device: an explicit type wins" {
	mk_samples
	mk_active mdpy mdpy-hd "$U1"
	run_exact -0 mdevadm define -u "$U1" -p mdpy -t mdpy-vga
	assert_defined mdpy "$U1" mdpy-vga manual
}

@test "define -u -p of a device active on another parent takes its type, like mdevctl" {
	mk_samples
	mk_active mdpy mdpy-hd "$U1"
	mk_active mdpy mdpy-vga "$U2"
	# mtty is present and does not support mdpy-hd: stored, with a warning
	run_exact -0 mdevadm define -u "$U1" -p mtty
	[ -z "$output" ]
	assert_stderr_line "mdevadm: warning: mtty does not support type mdpy-hd: the definition cannot start there"
	assert_cfg "$(cfg mtty "$U1")" mdpy-hd manual
	# a parent that is not present (yet) gets no warning
	run_exact -0 mdevadm define -u "$U2" -p 0000:00:02.0 -a
	assert_defined 0000:00:02.0 "$U2" mdpy-vga auto
}

@test "define -u -t without -p is a usage error, even for an active device (as mdevctl)" {
	mk_samples
	mk_active mdpy mdpy-hd "$U1"
	run_exact -2 mdevadm define -u "$U1" -t mdpy-hd
	[ -z "$output" ]
	assert_stderr_line "*--type needs --parent*"
	no_configs
}

@test "define -u of an active device that is already defined is refused" {
	mk_samples
	mk_active mbochs mbochs-medium "$U1"
	mk_config mbochs "$U1" '{"mdev_type":"mbochs-small","start":"auto","attrs":[]}'
	run_exact -1 mdevadm define -u "$U1"
	assert_stderr_line "*refusing to overwrite existing config for mbochs/$U1"
	assert_file_content "$(cfg mbochs "$U1")" '{"mdev_type":"mbochs-small","start":"auto","attrs":[]}'
}

@test "define -u of a device that is neither active nor given -p fails" {
	mk_samples
	run_exact -1 mdevadm define -u "$U1"
	[ -z "$output" ]
	assert_stderr_line "*$U1*not active*--parent*"
	no_configs
}

@test "define -u -p without -t of an inactive device is a usage error" {
	mk_samples
	run_exact -2 mdevadm define -u "$U1" -p mtty
	[ -z "$output" ]
	assert_stderr_line "*no type given for $U1 on mtty*"
	no_configs
}

@test "define needs -u or -p; -p alone needs -t and prints no UUID" {
	mk_samples
	run_exact -2 mdevadm define -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*define needs --uuid or --parent*"
	run_exact -2 mdevadm define -p mtty
	[ -z "$output" ]
	assert_stderr_line "*no type given*--type*"
	no_configs
}

@test "define: unknown options, modify-only options, repeats, stray arguments are usage errors" {
	mk_samples
	for args in "-m" "--manual" "--addattr x --value y" "-i 0" "--bogus" "--auto=yes" "-u $U1 -u $U2" \
		"-p mtty -p mdpy" "extra" "--dumpjson" "-l"; do
		# shellcheck disable=SC2086
		run_exact -2 mdevadm define -u "$U1" -p mtty -t mtty-1 $args
		[ -z "$output" ]
		assert_stderr_line "mdevadm define: * (try 'mdevadm define --help')"
	done
	run_exact -2 mdevadm define -u "$U1" -p mtty -t
	assert_stderr_line "*option '-t' needs a value*"
	no_configs
}

@test "define --help prints the usage on stdout and exits 0 whatever else is given" {
	mk_samples
	run_exact -0 mdevadm define --help
	[ -z "$stderr" ]
	[[ $output == "Usage: mdevadm define "* ]]
	[[ $output == *"--jsonfile FILE"* ]]
	[[ $output == *$'\n' ]]
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1 -h
	[[ $output == "Usage: mdevadm define "* ]]
	no_configs
}

@test "oracle: define -u -p -t -a writes what mdevctl writes (plus the final newline)" {
	need_oracle
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-2 -a
	mine=$(cat "$(cfg mtty "$U1")"; printf x)
	rm -rf "$ROOT/etc/mdevctl.d"
	mkdir -p "$ROOT/etc/mdevctl.d"
	run_exact -0 mdevctl_oracle define -u "$U1" -p mtty -t mtty-2 -a
	theirs=$(cat "$(cfg mtty "$U1")"; printf x)
	[ "$mine" = "${theirs%x}"$'\n'x ]
}

@test "oracle: define -u of an active device writes what mdevctl writes" {
	need_oracle
	mk_samples
	mk_active mbochs mbochs-medium "$U1"
	run_exact -0 mdevadm define -u "$U1"
	mine=$(cat "$(cfg mbochs "$U1")"; printf x)
	rm -rf "$ROOT/etc/mdevctl.d"
	mkdir -p "$ROOT/etc/mdevctl.d"
	run_exact -0 mdevctl_oracle define -u "$U1"
	theirs=$(cat "$(cfg mbochs "$U1")"; printf x)
	[ "$mine" = "${theirs%x}"$'\n'x ]
}

@test "oracle: define --jsonfile normalises like mdevctl" {
	need_oracle
	mk_samples
	j='{"mdev_type":"mtty-1","start":"auto","attrs":[{"b":"2"},{"a":"x\"y\\z"}]}'
	printf '%s' "$j" >"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/in.json"
	mine=$(cat "$(cfg mtty "$U1")"; printf x)
	rm -rf "$ROOT/etc/mdevctl.d"
	mkdir -p "$ROOT/etc/mdevctl.d"
	run_exact -0 mdevctl_oracle define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/in.json"
	theirs=$(cat "$(cfg mtty "$U1")"; printf x)
	[ "$mine" = "${theirs%x}"$'\n'x ]
}

@test "a new definition shows in list -d at once" {
	mk_samples
	run_exact -0 mdevadm define -u "$U2" -p mtty -t mtty-1 -a
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-2
	run_exact -0 mdevadm list -d
	[ "$output" = "$U2 mtty mtty-1 auto"$'\n'"$U1 mtty mtty-2 manual"$'\n' ]
	[ -z "$stderr" ]
}
