// SPDX-License-Identifier: LGPL-2.1-or-later
/* Completion candidates: prefix-matched, unique, each with a one-line description. */
#include "cli/completion.h"

#include "basic/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void completion_add(struct completion *c, const char *prefix, const char *word, const char *desc)
{
	char *full = xasprintf("%s%s", prefix, word);
	struct sbuf d = { 0 };

	/* a word with control characters cannot be typed, nor be shown as it is */
	if (strncmp(full, c->cur, strlen(c->cur)) != 0 || text_needs_escape(full))
		goto done;
	for (size_t i = 0; i < c->words.n; i++)
		if (strcmp(c->words.v[i], full) == 0)
			goto done;
	/* escaped: the protocol is one candidate per line, a tab before the description */
	sb_adds_escaped(&d, desc ? desc : "");
	sb_addc(&d, '\0');
	strv_push(&c->words, full);
	strv_push(&c->descs, d.p);
	sb_free(&d);
done:
	free(full);
}

void completion_free(struct completion *c)
{
	strv_free(&c->words);
	strv_free(&c->descs);
	free(c->cur);
	c->cur = NULL;
}
