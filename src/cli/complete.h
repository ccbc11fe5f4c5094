/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The completion engine shared by `mdevadm __complete` and the shell's TAB key. */
#ifndef MDEVADM_COMPLETE_H
#define MDEVADM_COMPLETE_H

#include "basic/rootfs.h"
#include "cli/completion.h"
#include "shared/command.h"

enum complete_mode {
	COMPLETE_CLI,	/* the line starts with the program name and may hold global options */
	COMPLETE_SHELL, /* the line starts with the command, as typed in `mdevadm shell` */
};

/*
 * Completes the last word of LINE, the text up to the cursor, for the commands of TABLE.
 * Candidates are read from the tree RFS, or from the one a `--root DIR` on a CLI line names.
 * Never prints; OUT is always set and must be released with completion_free.
 */
void complete_line(const struct rootfs *rfs, const struct command *table, const char *line,
		   enum complete_mode mode, struct completion *out);

#endif
