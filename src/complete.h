/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The completion engine shared by `mdevadm __complete` and the shell's TAB key. */
#ifndef MDEVADM_COMPLETE_H
#define MDEVADM_COMPLETE_H

#include "rootfs.h"
#include "util.h"

enum complete_mode {
	COMPLETE_CLI,	/* the line starts with the program name and may hold global options */
	COMPLETE_SHELL, /* the line starts with the command, as typed in `mdevadm shell` */
};

enum complete_kind {
	COMPLETE_WORDS, /* the candidates below */
	COMPLETE_FILES, /* let the caller complete file names */
	COMPLETE_DIRS,	/* let the caller complete directory names */
};

struct completion {
	enum complete_kind kind;
	struct strv words; /* whole replacements for the current word, prefix-matched */
	struct strv descs; /* descs.v[i] describes words.v[i]; "" when there is nothing to say */
	char *cur;	   /* the current word with its quoting removed */
	int index;	   /* position of the current word after the program: 0 is the command */
};

/*
 * Completes the last word of LINE, the text up to the cursor.  Candidates are read from the
 * tree RFS, or from the one a `--root DIR` on a CLI line names.  Never prints; OUT is always
 * set and must be released with completion_free.
 */
void complete_line(const struct rootfs *rfs, const char *line, enum complete_mode mode,
		   struct completion *out);
void completion_free(struct completion *c);

/* Adds WORD (after PREFIX) with DESC when it extends the current word and is new. */
void completion_add(struct completion *c, const char *prefix, const char *word, const char *desc);

#endif
