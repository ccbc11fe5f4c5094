#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Completion: the engine behind `mdevadm __complete LINE` case by case, its agreement with the
# command table, and the bash, zsh and fish scripts asked for candidates as those shells would.

load test_helper

GPU=0000:00:02.0

COMPLETIONS="$BATS_TEST_DIRNAME/../completions"

# The tree is built once (the helpers fork a lot) and copied for each test.
setup_file() {
	ROOT="$BATS_FILE_TMPDIR/root"
	mkdir -p "$ROOT"
	mk_samples
	mk_parent "$GPU"
	mk_type "$GPU" i915-GVTg_V5_4 2 vfio-pci "GVTg_V5_4"
	# U1 active and defined, U2 active only, U3 defined only, U4 defined on a parent not present
	mk_active mtty mtty-1 "$U1" 7
	mk_active mdpy mdpy-vga "$U2" 12
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_config gone "$U4" '{"mdev_type": "x-1", "start": "auto"}'
}

setup() {
	common_setup
	rmdir "$ROOT"
	cp -a "$BATS_FILE_TMPDIR/root" "$ROOT"
}

teardown() {
	[ -z "${TMUX_SOCK-}" ] || tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	common_teardown
}

# comp LINE: the candidate words (descriptions cut off), in the order given.
comp() {
	local out
	out=$(mdevadm __complete "$1") || return
	[ -z "$out" ] || printf '%s\n' "$out" | cut -f1
}

# expect LINE WORD...: the candidates for LINE are exactly WORD..., in any order.
expect() {
	local line=$1 got want
	shift
	got=$(comp "$line" | LC_ALL=C sort) || _fail "__complete failed for: $line" || return
	want=$(if (($#)); then printf '%s\n' "$@" | LC_ALL=C sort; fi)
	[ "$got" = "$want" ] && return
	diff -u --label expected --label got <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
	_fail "candidates for '$line' differ"
}

# table_commands: the visible commands, as `mdevadm --help` lists them.
table_commands() {
	mdevadm --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'
}

# help_options CMD: the long options `mdevadm CMD --help` lists.
help_options() {
	mdevadm "$1" --help | sed -n '/^Options:/,$p' | grep -o -- '--[a-z-]*' | sort -u
}

# -- the engine -------------------------------------------------------------------------------

@test "__complete: the commands of the table at the first position, hidden ones left out" {
	local got want
	got=$(comp 'mdevadm ' | sort)
	want=$(table_commands | sort)
	[ -n "$want" ]
	[ "$got" = "$want" ]
	[[ $got != *__complete* && $got != *start-parent-mdevs* ]]
	expect 'mdevadm st' start stop
	expect 'mdevadm sta' start
	expect 'mdevadm nosuch'
}

@test "__complete: global options before the command" {
	expect 'mdevadm --' --root --help --version
	expect 'mdevadm -' --root --help --version -h -V
	expect 'mdevadm --root /x --' --root --help --version
}

@test "__complete: every command's options are those its --help lists" {
	local c got want
	for c in $(table_commands); do
		got=$(comp "mdevadm $c --" | sort)
		want=$(help_options "$c")
		[ "$got" = "$want" ] || _fail "options of $c: got [$got], --help lists [$want]"
	done
}

@test "__complete: short options after a lone dash; options already given are not offered" {
	expect 'mdevadm stop -' --uuid -u --vf --force -f --help -h
	expect "mdevadm stop -u $U1 -" --force -f --help -h
	expect 'mdevadm list -d --dump' --dumpjson
	expect 'mdevadm list --defined -' --uuid -u --vf --parent -p --dumpjson --verbose -v --help -h
	expect 'mdevadm list -dv -' --uuid -u --vf --parent -p --dumpjson --help -h
}

@test "__complete: an empty word after a command offers its long options" {
	expect 'mdevadm stop ' --uuid --vf --force --help
}

@test "__complete: -p offers the parents present, and for definitions those with configs" {
	expect 'mdevadm types -p ' "$GPU" mbochs mdpy mtty
	expect 'mdevadm types --parent ' "$GPU" mbochs mdpy mtty
	expect 'mdevadm list -p ' "$GPU" gone mbochs mdpy mtty
	expect 'mdevadm define -p ' "$GPU" gone mbochs mdpy mtty
	expect 'mdevadm start -p m' mbochs mdpy mtty
	expect 'mdevadm start -p mt' mtty
	expect 'mdevadm start -p 0000:' "$GPU"
}

@test "__complete: a value glued to its option keeps the option in the candidates" {
	expect 'mdevadm start --parent=md' --parent=mdpy
	expect 'mdevadm start --par=md' --par=mdpy
	expect 'mdevadm start -pmd' -pmdpy
	expect "mdevadm start --parent=$GPU -t=i" # -t=... is no long option
	expect "mdevadm start --parent=$GPU --type=i" --type=i915-GVTg_V5_4
	expect "mdevadm start -p$GPU -ti" -ti915-GVTg_V5_4
}

@test "__complete: undefine and modify with -u offer only the parents holding it" {
	expect "mdevadm undefine -u $U3 -p " mtty
	expect "mdevadm modify -u $U4 --parent " gone
	# a UUID with no definition: every parent, as without -u
	expect "mdevadm undefine -u $U2 -p " "$GPU" gone mbochs mdpy mtty
}

@test "__complete: -t offers the types of the chosen parent, or of all parents" {
	expect 'mdevadm define -p mtty -t ' mtty-1 mtty-2
	expect 'mdevadm start -t ' i915-GVTg_V5_4 mbochs-large mbochs-medium mbochs-small \
		mdpy-hd mdpy-vga mdpy-xga mtty-1 mtty-2
	expect 'mdevadm define -t mdpy-' mdpy-hd mdpy-vga mdpy-xga
	expect 'mdevadm define -p nosuch -t '
	# the available count is told once the parent is known
	run mdevadm __complete 'mdevadm define -p mtty -t mtty-1'
	[ "$output" = $'mtty-1\tSingle port serial, 23 available' ]
}

@test "__complete: -u offers active UUIDs to stop, defined ones to start, modify, undefine" {
	expect 'mdevadm stop -u ' "$U1" "$U2"
	# start: defined and not active yet
	expect 'mdevadm start -u ' "$U3" "$U4"
	expect 'mdevadm modify -u ' "$U1" "$U3" "$U4"
	expect 'mdevadm undefine --uuid ' "$U1" "$U3" "$U4"
	expect 'mdevadm list -u ' "$U1" "$U2" "$U3" "$U4"
	# define copies an active device: those without a definition
	expect 'mdevadm define -u ' "$U2"
	expect 'mdevadm stop -u 1' "$U1"
	expect 'mdevadm stop --uuid=2' "--uuid=$U2"
}

@test "__complete: -u after -p offers only that parent's devices" {
	expect 'mdevadm list -p mtty -u ' "$U1" "$U3"
	expect 'mdevadm modify -p gone -u ' "$U4"
	expect 'mdevadm define -p mdpy -u ' "$U2"
	expect 'mdevadm define -p mtty -u '
}

@test "__complete: UUIDs are described by parent and type" {
	run mdevadm __complete 'mdevadm stop -u 1'
	[ "$output" = "$U1"$'\t'"active on mtty, mtty-1" ]
	run mdevadm __complete 'mdevadm start -u 3'
	[ "$output" = "$U3"$'\t'"defined on mtty, mtty-2" ]
}

@test "__complete: -g offers the IOMMU groups in numeric order, described by their members" {
	mkdir -p "$ROOT/sys/kernel/iommu_groups/2/devices"
	run comp 'mdevadm groups -g '
	[ "$output" = $'2\n7\n12' ]
	expect 'mdevadm set-group-type -g 1' 12
	run mdevadm __complete 'mdevadm groups -g 7'
	[ "$output" = "7"$'\t'"$U1" ]
}

@test "__complete: --jsonfile asks the shell for file names, --root for directories" {
	run mdevadm __complete 'mdevadm define -p mtty --jsonfile '
	[ "$output" = @files ]
	run mdevadm __complete 'mdevadm start --jsonfile=/tm'
	[ "$output" = @files ]
	run mdevadm __complete 'mdevadm --root '
	[ "$output" = @dirs ]
	run mdevadm __complete 'mdevadm --root=/'
	[ "$output" = @dirs ]
}

@test "__complete: set-group-type's type and start-parent-mdevs's parent" {
	expect 'mdevadm set-group-type -g 7 ' DMA DMA-FQ identity auto --force --help
	expect 'mdevadm set-group-type -g 7 D' DMA DMA-FQ
	expect 'mdevadm set-group-type DMA ' --force --group --help
	expect 'mdevadm start-parent-mdevs m' mtty
	expect 'mdevadm start-parent-mdevs -- ' gone mtty
}

@test "__complete: a --root on the line is honoured, ~ included" {
	run "$MDEVADM" __complete "mdevadm --root $ROOT start -p md"
	[ "$output" = mdpy ]
	run "$MDEVADM" __complete "mdevadm --root=$ROOT stop -u 2"
	[ "${output%%$'\t'*}" = "$U2" ]
	run env HOME="$ROOT/.." "$MDEVADM" __complete "mdevadm --root ~/root start -p md"
	[ "$output" = mdpy ]
	run "$MDEVADM" __complete "mdevadm --root $ROOT/nosuch start -p md"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "__complete: MDEVCTL_ENV_ROOT is honoured" {
	run env MDEVCTL_ENV_ROOT="$ROOT" "$MDEVADM" __complete "mdevadm start -p md"
	[ "$output" = mdpy ]
}

@test "__complete: lsmdev completes as list" {
	expect 'lsmdev --d' --defined --dumpjson
	expect '/usr/sbin/lsmdev -p mt' mtty
}

@test "__complete: quotes and backslashes are removed from the current word" {
	expect 'mdevadm types -p "md' mdpy
	expect "mdevadm types -p 'md" mdpy
	expect 'mdevadm types -p m\d' mdpy
	expect 'mdevadm types -p md\' mdpy
	expect "mdevadm 'st" start stop
}

@test "__complete: nothing in a comment, nothing after --help or an unknown command" {
	expect 'mdevadm list # '
	expect 'mdevadm --help l'
	expect 'mdevadm nosuch -'
	expect 'mdevadm'
	expect ''
}

@test "__complete: positionals only after --; never a word with a newline" {
	expect 'mdevadm start-parent-mdevs -- -'
	mkdir -p "$ROOT/etc/mdevctl.d/"$'new\nline'
	run mdevadm __complete 'mdevadm start-parent-mdevs '
	[[ $output != *new* ]]
}

@test "__complete: the protocol is one argument, the line up to the cursor" {
	run mdevadm __complete
	[ "$status" -eq 2 ]
	run mdevadm __complete a b
	[ "$status" -eq 2 ]
	# words that look like options are the line's, never __complete's own
	run mdevadm __complete 'mdevadm list --help -'
	[ "$status" -eq 0 ]
}

@test "__complete: a broken config neither fails the completion nor prints a warning" {
	mk_config mtty 55555555-5555-4555-8555-555555555555 '{"mdev_type":'
	mk_config mtty not-a-uuid '{}'
	run --separate-stderr mdevadm __complete 'mdevadm modify -u '
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ $output == *"$U3"* ]]
}

@test "__complete: a value glued to a flag (--help=x, --h=x, --=1) is not kept (was a crash)" {
	local line
	# the value used to be stored one past the end of the per-option array, and the next word
	# far outside it: SIGSEGV
	for line in 'mdevadm list --help=x y ' 'mdevadm list --h=x y ' 'mdevadm list --he=x ' \
		'mdevadm shell --=1 y ' 'mdevadm list --dumpjson=1 -u ' 'mdevadm stop --force=1 -'; do
		run mdevadm __complete "$line"
		[ "$status" -eq 0 ] || _fail "__complete '$line' exited $status"
	done
	expect 'mdevadm shell --=1 ' --keep-going --help
	expect 'mdevadm stop --force=1 --u' --uuid
}

@test "__complete: a trailing backslash starts no word (a lone one was a crash)" {
	run mdevadm __complete '\'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the cursor is after `list`, not in it: list's arguments, not the command's name
	expect 'mdevadm list \' --defined --dumpjson --help --parent --uuid --vf --verbose
	expect 'mdevadm stop -u \' "$U1" "$U2"
	expect 'mdevadm \' $(table_commands)
}

# -- bash -------------------------------------------------------------------------------------

BASH_COMPLETION_SCRIPT=/usr/share/bash-completion/bash_completion

# bash_complete LINE: the COMPREPLY of the bash completion for LINE, cursor at the end, sorted.
# COMP_WORDS is split as readline does, at blanks and at the = and : of COMP_WORDBREAKS, and $2
# is what readline completes: the text after the last of those.
bash_complete() {
	[ -r "$BASH_COMPLETION_SCRIPT" ] || skip "bash-completion is not installed"
	local name
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/compl"
	# installed as bash-completion's loader finds it: a file named after the command
	for name in mdevadm mdevctl lsmdev; do
		ln -sf "$MDEVADM" "$BATS_TEST_TMPDIR/bin/$name"
		ln -sf "$COMPLETIONS/mdevadm" "$BATS_TEST_TMPDIR/compl/$name"
	done
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" MDEVCTL_ENV_ROOT="$ROOT" bash --norc --noprofile -c '
		line=$3
		. "$1" && . "$2/${line%% *}" || exit 9
		COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=()
		read -ra toks <<<"$line"
		for tok in "${toks[@]}"; do
			while [[ $tok =~ ^([^=:]*)([=:])(.*)$ ]]; do
				[ -z "${BASH_REMATCH[1]}" ] || COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				tok=${BASH_REMATCH[3]}
			done
			[ -z "$tok" ] || COMP_WORDS+=("$tok")
		done
		[[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		cur=${COMP_WORDS[COMP_CWORD]}
		[[ $cur == [=:] ]] && cur=
		func=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$func" ] || exit 8
		"$func" "${COMP_WORDS[0]}" "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$BASH_COMPLETION_SCRIPT" "$BATS_TEST_TMPDIR/compl" "$1" | LC_ALL=C sort
}

# bash_expect LINE WORD...: bash offers exactly WORD... for LINE.
bash_expect() {
	local line=$1 got want
	shift
	got=$(bash_complete "$line")
	want=$(if (($#)); then printf '%s\n' "$@" | LC_ALL=C sort; fi)
	[ "$got" = "$want" ] && return
	diff -u --label expected --label got <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
	_fail "bash candidates for '$line' differ"
}

@test "bash: commands, options and values from the binary" {
	bash_expect 'mdevadm st' start stop
	bash_expect 'mdevadm stop --' --uuid --vf --force --help
	bash_expect 'mdevadm stop -u ' "$U1" "$U2"
	bash_expect 'mdevadm define -p mtty -t ' mtty-1 mtty-2
	bash_expect 'mdevadm start -p m' mbochs mdpy mtty
}

@test "bash: values after = and : replace only what readline completes" {
	bash_expect 'mdevadm start --parent=md' mdpy
	bash_expect 'mdevadm start --parent=' "$GPU" gone mbochs mdpy mtty
	# readline completes after the last colon: the candidates start there too
	bash_expect 'mdevadm start -p 0000:00:0' 02.0
	bash_expect 'mdevadm start --parent=0000:' 00:02.0
}

@test "bash: --jsonfile completes file names, --root directories" {
	mkdir -p "$BATS_TEST_TMPDIR/files/dir"
	: >"$BATS_TEST_TMPDIR/files/conf.json"
	bash_expect "mdevadm define -p mtty --jsonfile $BATS_TEST_TMPDIR/files/c" \
		"$BATS_TEST_TMPDIR/files/conf.json"
	bash_expect "mdevadm define -p mtty --jsonfile=$BATS_TEST_TMPDIR/files/c" \
		"$BATS_TEST_TMPDIR/files/conf.json"
	bash_expect "mdevadm --root $BATS_TEST_TMPDIR/files/" "$BATS_TEST_TMPDIR/files/dir"
}

@test "bash: lsmdev and mdevctl register under their own names" {
	bash_expect 'lsmdev --d' --defined --dumpjson
	bash_expect 'mdevctl sto' stop
	# installed as completions/lsmdev (a link), the file registers lsmdev and nothing else
	run bash --norc --noprofile -c '. "$1"; complete -p' _ "$BATS_TEST_TMPDIR/compl/lsmdev"
	[ "$output" = "complete -F _mdevadm lsmdev" ]
	run bash --norc --noprofile -c '. "$1"; complete -p' _ "$COMPLETIONS/mdevadm"
	[ "$output" = "complete -F _mdevadm mdevadm" ]
}

@test "bash: a real interactive bash completes through readline (tmux)" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	[ -r "$BASH_COMPLETION_SCRIPT" ] || skip "bash-completion is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$MDEVADM" "$BATS_TEST_TMPDIR/bin/mdevadm"
	cat >"$BATS_TEST_TMPDIR/bashrc" <<-EOF
		PS1='$ '
		. "$BASH_COMPLETION_SCRIPT"
		. "$COMPLETIONS/mdevadm"
		export PATH="$BATS_TEST_TMPDIR/bin:\$PATH" MDEVCTL_ENV_ROOT="$ROOT"
	EOF
	tmux_start INPUTRC=/dev/null bash --noprofile --rcfile "$BATS_TEST_TMPDIR/bashrc" -i
	tmux_wait '^\$$'
	tmux_tab 'mdevadm start --parent=0000:00:0' '^\$ mdevadm start --parent=0000:00:02\.0$'
	# bash added a blank after the completed word
	tmux_tab '-t ' '^\$ mdevadm start --parent=0000:00:02\.0 -t i915-GVTg_V5_4$'
}

# tmux_start [NAME=VALUE]... CMD...: CMD in a new tmux session (150x30), with no environment but
# TERM, PATH and the NAME=VALUEs, so the user's shell setup cannot change what it completes.
tmux_start() {
	TMUX_SOCK="$BATS_TEST_TMPDIR/tmux.sock"
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 150 -y 30 \
		env -i TERM=screen PATH="$PATH" "$@" 3>&-
}

# tmux_tab TEXT ERE: type TEXT, press Tab, then tmux_wait ERE.
tmux_tab() {
	tmux -S "$TMUX_SOCK" send-keys -l -- "$1"
	tmux -S "$TMUX_SOCK" send-keys Tab
	tmux_wait "$2"
}

# tmux_wait ERE: until a line of the tmux screen matches (tmux drops trailing blanks).
tmux_wait() {
	local i
	for ((i = 0; i < 200; i++)); do
		tmux -S "$TMUX_SOCK" capture-pane -p | grep -Eq -- "$1" && return 0
		sleep 0.025
	done
	tmux -S "$TMUX_SOCK" capture-pane -p >&2
	_fail "the screen never showed /$1/"
}

# -- zsh and fish -----------------------------------------------------------------------------

@test "fish: candidates with descriptions, files after --jsonfile" {
	command -v fish >/dev/null || skip "fish is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/files"
	ln -sf "$MDEVADM" "$BATS_TEST_TMPDIR/bin/mdevadm"
	: >"$BATS_TEST_TMPDIR/files/conf.json"
	fish_complete() {
		PATH="$BATS_TEST_TMPDIR/bin:$PATH" MDEVCTL_ENV_ROOT="$ROOT" HOME="$BATS_TEST_TMPDIR" \
			XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" fish --no-config -c \
			'source $argv[1]; complete -C $argv[2]' "$COMPLETIONS/mdevadm.fish" "$1"
	}
	run fish_complete 'mdevadm st'
	[ "$output" = $'start\tstart a defined or transient device\nstop\tstop an active device' ]
	run fish_complete 'mdevadm stop -u '
	[ "$output" = "$U1"$'\t'"active on mtty, mtty-1"$'\n'"$U2"$'\t'"active on mdpy, mdpy-vga" ]
	run fish_complete 'mdevadm start --parent=md'
	[ "$output" = --parent=mdpy ]
	run fish_complete "mdevadm define --jsonfile=$BATS_TEST_TMPDIR/files/c"
	[[ ${lines[0]} == "--jsonfile=$BATS_TEST_TMPDIR/files/conf.json"* ]]
}

@test "zsh: a real interactive zsh completes through compsys (tmux)" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	command -v tmux >/dev/null || skip "tmux is not installed"
	local zdir="$BATS_TEST_TMPDIR/zsh"
	mkdir -p "$zdir/functions" "$BATS_TEST_TMPDIR/bin"
	ln -sf "$MDEVADM" "$BATS_TEST_TMPDIR/bin/mdevadm"
	cp "$COMPLETIONS/_mdevadm" "$zdir/functions/"
	cat >"$zdir/.zshrc" <<-EOF
		PS1='%% '
		fpath=("$zdir/functions" \$fpath)
		autoload -Uz compinit && compinit -u -d "$zdir/.zcompdump"
		export PATH="$BATS_TEST_TMPDIR/bin:\$PATH" MDEVCTL_ENV_ROOT="$ROOT"
	EOF
	tmux_start ZDOTDIR="$zdir" zsh -i
	tmux_wait '^%$'
	tmux_tab 'mdevadm stop -u 1' "^% mdevadm stop -u $U1\$"
	tmux_tab ' --f' "^% mdevadm stop -u $U1 --force\$"
	tmux -S "$TMUX_SOCK" send-keys C-u
	tmux_tab 'mdevadm start --parent=0000:00:0' '^% mdevadm start --parent=0000:00:02\.0$'
}
