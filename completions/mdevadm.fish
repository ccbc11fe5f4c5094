# SPDX-License-Identifier: LGPL-2.1-or-later
# fish completion for mdevadm: the binary answers `mdevadm __complete LINE`, so nothing here
# knows a command or an option and nothing can drift from the command table.

function __mdevadm_complete
    set -l prog (commandline -opc)[1]
    # the command word as typed: ~/bin/mdevadm is a program too
    set prog (string replace -r -- '^~/' "$HOME/" $prog)
    # lsmdev is `mdevadm list`: ask mdevadm, which reads lsmdev off the line
    set prog (string replace -r -- '(^|/)lsmdev$' '$1mdevadm' $prog)
    set -l out (command $prog __complete (commandline -cp) 2>/dev/null); or return
    switch "$out[1]"
        case @files @dirs
            # the value may be glued to its option: --jsonfile=FILE
            set -l tok (commandline -ct)
            set -l pre (string match -r -- '^--[^=]*=' $tok)
            set -l val (string replace -r -- '^--[^=]*=' '' $tok)
            set -l found
            if test "$out[1]" = @dirs
                set found (__fish_complete_directories $val)
            else
                set found (__fish_complete_path $val)
            end
            for f in $found
                echo "$pre$f"
            end
        case '*'
            printf '%s\n' $out
    end
end

complete -c mdevadm -f -a '(__mdevadm_complete)'
