// SPDX-License-Identifier: LGPL-2.1-or-later
/* Command lines split into words as sh does: for the shell, and for completion. */
#include "cli/split.h"

#include <stdlib.h>
#include <string.h>

int shell_split(const char *line, struct strv *words, struct split_end *end)
{
	char *buf = xmalloc(strlen(line) + 1), *o = buf;
	bool in_word = false;
	char quote = 0;

	memset(end, 0, sizeof(*end));
	for (const char *p = line; *p; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				*o++ = c;
		} else if (quote == '"') {
			if (c == '"') {
				quote = 0;
			} else if (c == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
				if (*++p != '\n')
					*o++ = *p;
			} else {
				*o++ = c;
			}
		} else if (c == '\\') {
			if (!p[1]) {
				end->escape = true;
				break;
			}
			/* a backslash-newline joins lines; it is not a word of its own */
			if (*++p == '\n')
				continue;
			*o++ = *p;
			in_word = true;
		} else if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				*o = '\0';
				strv_push(words, buf);
				o = buf;
				in_word = false;
			}
		} else if (c == '#' && !in_word) {
			end->comment = true;
			break;
		} else {
			if (c == '\'' || c == '"')
				quote = c;
			else
				*o++ = c;
			in_word = true;
		}
	}
	if (in_word) {
		*o = '\0';
		strv_push(words, buf);
	}
	free(buf);
	/* a lone trailing backslash escapes what is not typed yet: it starts no word */
	end->in_word = in_word;
	end->quote = quote;
	return quote || end->escape ? -1 : 0;
}
