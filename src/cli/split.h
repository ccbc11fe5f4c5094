/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Splitting a command line into words, as sh does. */
#ifndef MDEVADM_SPLIT_H
#define MDEVADM_SPLIT_H

#include <stdbool.h>

#include "basic/util.h"

/* How a split text ended; completion needs to know what the cursor is in. */
struct split_end {
	bool in_word; /* the last word of WORDS runs to the end of the text */
	bool comment; /* the text ends in a comment */
	char quote;   /* the quote left open, or 0 */
	bool escape;  /* the text ends with an unescaped backslash */
};

/*
 * Splits LINE into WORDS (appended) as sh does: blanks separate words, '...' is literal,
 * "..." honours \" \\ \$ \`, a backslash escapes the next character and removes a newline, an
 * unquoted # at the start of a word comments out the rest.  Returns 0, or -1 when the text ends
 * inside quotes or after a lone backslash; WORDS then still holds the words up to that point.
 */
int shell_split(const char *line, struct strv *words, struct split_end *end);

#endif
