/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A list of completion candidates for one word, as the engine and the shell build it. */
#ifndef MDEVADM_COMPLETION_H
#define MDEVADM_COMPLETION_H

#include "basic/util.h"

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

/* Adds WORD (after PREFIX) with DESC when it extends the current word and is new. */
void completion_add(struct completion *c, const char *prefix, const char *word, const char *desc);
void completion_free(struct completion *c);

#endif
