#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The example event scripts in contrib/: the vfio-ap callout (refuses an adapter/domain pair
# that another definition already assigns) run directly and through mdevadm, and the syslog
# notifier with a stand-in logger.

load test_helper
load callout_helper

AP=vfio_ap-passthrough

setup() {
	callout_setup
	CONTRIB="$BATS_TEST_DIRNAME/../contrib"
	APCHECK="$CONTRIB/callouts/vfio-ap-check"
	NOTIFY="$CONTRIB/notifiers/syslog-notify"
}

# ap_tree: the vfio_ap matrix parent, its type, and mtty
ap_tree() {
	mk_parent matrix
	mk_type matrix "$AP" 65535 vfio-ap "VFIO AP Passthrough Device"
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
}

# ap_json [ATTR=VALUE...]: a vfio_ap-passthrough config with those attributes
ap_json() {
	local a sep='' attrs=''
	for a in "$@"; do
		attrs+="$sep{\"${a%%=*}\":\"${a#*=}\"}"
		sep=,
	done
	printf '{"mdev_type":"%s","start":"manual","attrs":[%s]}' "$AP" "$attrs"
}

# ap_def UUID ATTR=VALUE...: a definition on matrix
ap_def() {
	local u=$1
	shift
	mk_config matrix "$u" "$(ap_json "$@")"
}

# ap_taken [ATTR=VALUE...]: ap_tree with $U2 defined on matrix, holding adapter 5 and domain 4
# (APQN 05.0004) and ATTRs. The callout reads definitions with jq: skips without it.
ap_taken() {
	need_jq
	ap_tree
	ap_def "$U2" assign_adapter=5 assign_domain=4 "$@"
}

# install_apcheck: the callout, as an admin would install it, in ROOT
install_apcheck() {
	mk_scriptdir "$CALLOUTS"
	cp "$APCHECK" "$ROOT/$CALLOUTS/vfio-ap-check"
	chmod 755 "$ROOT/$CALLOUTS/vfio-ap-check"
}

# apcheck EVENT ACTION UUID [JSON]: run the callout directly on ROOT (run_exact), JSON on stdin
apcheck() {
	printf '%s' "${4-}" >"$BATS_TEST_TMPDIR/stdin"
	MDEVCTL_ENV_ROOT="$ROOT" run_exact "$APCHECK" -t "$AP" -e "$1" -a "$2" -s none -u "$3" \
		-p matrix <"$BATS_TEST_TMPDIR/stdin"
}

# -- the scripts as files ---------------------------------------------------------------------

@test "contrib scripts: executable POSIX sh that passes sh -n (and shellcheck when present)" {
	for f in "$APCHECK" "$NOTIFY"; do
		[ -x "$f" ] || _fail "$f is not executable"
		[ "$(head -n 1 "$f")" = "#!/bin/sh" ] || _fail "$f does not start with #!/bin/sh"
		sh -n "$f"
		if command -v shellcheck >/dev/null; then
			shellcheck -s sh "$f"
		fi
		if command -v checkbashisms >/dev/null; then
			checkbashisms "$f"
		fi
	done
}

# -- vfio-ap-check, run directly --------------------------------------------------------------

@test "vfio-ap-check: another type is not its business (exit 2), whatever the event" {
	ap_tree
	for ev in "pre define" "pre start" "post define" "get capabilities" "get attributes" \
		"live modify" "pre undefine"; do
		run_exact "$APCHECK" -t mtty-1 -e "${ev% *}" -a "${ev#* }" -s none -u "$U1" -p mtty \
			<<<'{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
		[ "$status" -eq 2 ] || _fail "$ev: status $status"
		[ "$output$stderr" = "" ] || _fail "$ev: said '$output$stderr'"
	done
}

@test "vfio-ap-check: capabilities is a supports answer listing pre of every action" {
	need_jq
	ap_tree
	apcheck get capabilities "$U1" "$PROVIDES"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	printf '%s' "$output" | jq -e '.supports.version == 2' >/dev/null
	[ "$(printf '%s' "$output" | jq -c '.supports.events')" = '["pre"]' ]
	[ "$(printf '%s' "$output" | jq -c '.supports.actions | sort')" = '["define","modify","start","stop","undefine"]' ]
}

@test "vfio-ap-check: events it does not check succeed quietly" {
	ap_tree
	ap_def "$U2" assign_adapter=5 assign_domain=4
	for ev in "post define" "pre undefine" "pre stop" "get attributes"; do
		apcheck "${ev% *}" "${ev#* }" "$U1" "$(ap_json assign_adapter=5 assign_domain=4)"
		[ "$status" -eq 0 ] || _fail "$ev: status $status"
		[ "$stderr" = "" ]
	done
}

@test "vfio-ap-check: refuses an adapter/domain pair another definition assigns" {
	ap_taken assign_control_domain=4
	apcheck pre define "$U1" "$(ap_json assign_adapter=5 assign_domain=4)"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "cannot define $U1 on matrix: APQN 05.0004 (adapter 5, domain 4) is already assigned to $U2 on matrix"$'\n' ]
}

@test "vfio-ap-check: accepts a distinct pair, same adapter or same domain alone is fine" {
	ap_taken
	for attrs in "assign_adapter=6 assign_domain=4" "assign_adapter=5 assign_domain=7" \
		"assign_adapter=5" "assign_domain=4" ""; do
		# shellcheck disable=SC2086 # split on purpose
		apcheck pre define "$U1" "$(ap_json $attrs)"
		[ "$status" -eq 0 ] || _fail "$attrs: refused: $stderr"
		[ "$stderr" = "" ]
	done
}

@test "vfio-ap-check: numbers compare by value: 0x05, 5 and 05 are one adapter" {
	need_jq
	ap_tree
	ap_def "$U2" assign_adapter=0x05 assign_domain=0x0004
	for a in 5 0x5 0X05 05; do
		apcheck pre start "$U1" "$(ap_json assign_adapter="$a" assign_domain=4)"
		[ "$status" -eq 1 ] || _fail "adapter $a was not seen as 0x05"
	done
	apcheck pre start "$U1" "$(ap_json assign_adapter=0x15 assign_domain=4)"
	[ "$status" -eq 0 ]
}

@test "vfio-ap-check: every adapter with every domain is a pair" {
	need_jq
	ap_tree
	ap_def "$U2" assign_adapter=5 assign_adapter=6 assign_domain=4
	apcheck pre define "$U1" "$(ap_json assign_adapter=6 assign_domain=7 assign_domain=4)"
	[ "$status" -eq 1 ]
	[[ $stderr == *"APQN 06.0004"* ]]
	apcheck pre define "$U1" "$(ap_json assign_adapter=7 assign_adapter=8 assign_domain=4)"
	[ "$status" -eq 0 ]
}

@test "vfio-ap-check: the device's own definition and other types never conflict" {
	need_jq
	ap_tree
	ap_def "$U1" assign_adapter=5 assign_domain=4
	mk_config mtty "$U2" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_domain":"4"}]}'
	mk_config matrix "$U3" 'not JSON at all'
	mkdir -p "$ROOT/etc/mdevctl.d/matrix/not-a-uuid"
	printf '%s' "$(ap_json assign_adapter=5 assign_domain=4)" >"$ROOT/etc/mdevctl.d/matrix/notes"
	apcheck pre modify "$U1" "$(ap_json assign_adapter=5 assign_domain=4 assign_domain=9)"
	[ "$status" -eq 0 ] || _fail "refused: $stderr"
	apcheck pre start "${U1^^}" "$(ap_json assign_adapter=5 assign_domain=4)"
	[ "$status" -eq 0 ] || _fail "refused the upper-case UUID: $stderr"
}

@test "vfio-ap-check: control domains may be shared, but must be numbers" {
	ap_taken assign_control_domain=4
	apcheck pre define "$U1" "$(ap_json assign_adapter=6 assign_domain=5 assign_control_domain=4)"
	[ "$status" -eq 0 ]
	apcheck pre define "$U1" "$(ap_json assign_adapter=6 assign_domain=5 assign_control_domain=x4)"
	[ "$status" -eq 1 ]
	[[ $stderr == *"assign_control_domain"*"x4"* ]]
}

@test "vfio-ap-check: invalid values and invalid JSON are refused with one clear line" {
	need_jq
	ap_tree
	for v in abc 08 0x 256 -1 '*' '5 6'; do
		apcheck pre define "$U1" "$(ap_json assign_adapter="$v" assign_domain=4)"
		[ "$status" -eq 1 ] || _fail "accepted adapter '$v'"
		[ "$stderr" = "cannot define $U1: invalid assign_adapter value '$v'"$'\n' ] ||
			_fail "adapter '$v': $stderr"
	done
	apcheck pre define "$U1" '{"mdev_type": '
	[ "$status" -eq 1 ]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == *"$U1"* ]]
}

@test "vfio-ap-check: reads the definitions under MDEVCTL_ENV_ROOT" {
	ap_taken
	apcheck pre define "$U1" "$(ap_json assign_adapter=5 assign_domain=4)"
	[ "$status" -eq 1 ]
	# another root without that definition: no conflict
	mkdir -p "$BATS_TEST_TMPDIR/other/etc/mdevctl.d/matrix"
	MDEVCTL_ENV_ROOT="$BATS_TEST_TMPDIR/other" run_exact "$APCHECK" -t "$AP" -e pre \
		-a define -s none -u "$U1" -p matrix <<<"$(ap_json assign_adapter=5 assign_domain=4)"
	[ "$status" -eq 0 ]
}

# -- vfio-ap-check, through mdevadm -----------------------------------------------------------

@test "vfio-ap-check via mdevadm: define of a taken pair is refused, nothing written" {
	ap_taken
	install_apcheck
	ap_json assign_adapter=0x5 assign_domain=0x4 >"$BATS_TEST_TMPDIR/new.json"
	run_exact -1 mdevadm define -u "$U1" -p matrix --jsonfile "$BATS_TEST_TMPDIR/new.json"
	[ ! -e "$(cfgfile matrix "$U1")" ]
	[[ $stderr == "vfio-ap-check: cannot define $U1 on matrix: APQN 05.0004 (adapter 5, domain 4) is already assigned to $U2 on matrix"$'\n'* ]]
	# then mdevadm's own line naming the script
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 2 ]
	[[ ${stderr#*$'\n'} == *vfio-ap-check* ]]
}

@test "vfio-ap-check via mdevadm: a distinct pair is defined" {
	ap_taken
	install_apcheck
	ap_json assign_adapter=6 assign_domain=4 >"$BATS_TEST_TMPDIR/new.json"
	run_exact -0 mdevadm define -u "$U1" -p matrix --jsonfile "$BATS_TEST_TMPDIR/new.json"
	[ "$stderr" = "" ]
	[ -f "$(cfgfile matrix "$U1")" ]
}

@test "vfio-ap-check via mdevadm: modify --addattr that takes a pair is refused" {
	ap_taken
	install_apcheck
	ap_def "$U1" assign_adapter=5 assign_domain=6
	run_exact -0 mdevadm modify -u "$U1" --addattr assign_domain --value 7
	[ "$stderr" = "" ]
	before=$(cat "$(cfgfile matrix "$U1")")
	[[ $before == *'"assign_domain": "7"'* ]]
	run_exact -1 mdevadm modify -u "$U1" --addattr assign_domain --value 4
	[[ $stderr == "vfio-ap-check: "*"APQN 05.0004"* ]]
	[ "$(cat "$(cfgfile matrix "$U1")")" = "$before" ]
}

@test "vfio-ap-check via mdevadm: start of a device with a taken pair writes no create" {
	ap_taken
	install_apcheck
	ap_json assign_adapter=5 assign_domain=4 >"$BATS_TEST_TMPDIR/t.json"
	run_exact -1 mdevadm start -u "$U1" -p matrix --jsonfile "$BATS_TEST_TMPDIR/t.json"
	assert_no_write "$(createfile matrix "$AP")"
	# a second definition holding the same pair (written behind mdevadm's back) cannot start
	ap_def "$U3" assign_adapter=5 assign_domain=4
	run_exact -1 mdevadm start -u "$U3"
	assert_no_write "$(createfile matrix "$AP")"
	[[ $stderr == *"$U2"* ]]
}

@test "vfio-ap-check via mdevadm: other types and other actions are left alone" {
	ap_taken
	install_apcheck
	ap_def "$U3" assign_adapter=5 assign_domain=4
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$stderr" = "" ]
	run_exact -0 mdevadm undefine -u "$U3"
	[ "$stderr" = "" ]
	[ ! -e "$(cfgfile matrix "$U3")" ]
	# stop too: the script lists it, so it is not refused
	mk_active matrix "$AP" "$U3"
	run_exact -0 mdevadm stop -u "$U3"
	[ "$stderr" = "" ]
	assert_written "$(removefile matrix "$U3")" 1
}

# -- syslog-notify ----------------------------------------------------------------------------

# fake_logger DIR: DIR/logger records its arguments, one call per line, in $BATS_TEST_TMPDIR/syslog
fake_logger() {
	mkdir -p "$1"
	printf '#!/bin/sh\nprintf "%%s|" "$@" >>"%s/syslog"\necho >>"%s/syslog"\n' \
		"$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >"$1/logger"
	chmod 755 "$1/logger"
}

@test "syslog-notify: one logger line with tag mdevadm-notify per event" {
	fake_logger "$BATS_TEST_TMPDIR/bin"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_exact -0 "$NOTIFY" \
		-t mtty-1 -e notify -a define -s success -u "$U1" -p mtty <<<"$(cj mtty-1)"
	[ "$output$stderr" = "" ]
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_exact -0 "$NOTIFY" \
		-t "$AP" -e notify -a start -s none -u "$U2" -p matrix </dev/null
	[ "$output$stderr" = "" ]
	assert_file_content "$BATS_TEST_TMPDIR/syslog" \
		"-t|mdevadm-notify|--|event=notify action=define state=success uuid=$U1 parent=mtty type=mtty-1|
-t|mdevadm-notify|--|event=notify action=start state=none uuid=$U2 parent=matrix type=$AP|
"
}

@test "syslog-notify: reads all of a big config on stdin" {
	fake_logger "$BATS_TEST_TMPDIR/bin"
	head -c 300000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run_exact -0 "$NOTIFY" -t t -e notify -a stop -s failure \
		-u "$U1" -p p <"$BATS_TEST_TMPDIR/big"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/syslog")" -eq 1 ]
}

@test "syslog-notify via mdevadm: every event of every command is logged" {
	need_root "a mount namespace to put a stand-in over logger"
	unshare -m true 2>/dev/null || skip "cannot unshare a mount namespace here"
	# mdevadm gives scripts a fixed PATH: bind a stand-in over the logger it finds
	real=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v logger) ||
		skip "logger is not installed"
	fake_logger "$BATS_TEST_TMPDIR/bin"
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_scriptdir "$NOTIFIERS"
	cp "$NOTIFY" "$ROOT/$NOTIFIERS/syslog-notify"
	chmod 755 "$ROOT/$NOTIFIERS/syslog-notify"
	mk_script "$CALLOUTS" guard '[ "$event $action" != "pre undefine" ] || exit 1'
	cat >"$BATS_TEST_TMPDIR/cmds" <<-EOF
		"$MDEVADM" --root "$ROOT" define -u $U1 -p mtty -t mtty-1
		"$MDEVADM" --root "$ROOT" start -u $U1
		"$MDEVADM" --root "$ROOT" undefine -u $U1 || true
	EOF
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_exact -0 unshare -m sh -c 'mount --bind "$1" "$2" && . "$3"' sh \
		"$BATS_TEST_TMPDIR/bin/logger" "$real" "$BATS_TEST_TMPDIR/cmds"
	assert_file_content "$BATS_TEST_TMPDIR/syslog" \
		"-t|mdevadm-notify|--|event=notify action=define state=success uuid=$U1 parent=mtty type=mtty-1|
-t|mdevadm-notify|--|event=notify action=start state=success uuid=$U1 parent=mtty type=mtty-1|
-t|mdevadm-notify|--|event=notify action=undefine state=none uuid=$U1 parent=mtty type=mtty-1|
"
}
