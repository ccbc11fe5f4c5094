// SPDX-License-Identifier: LGPL-2.1-or-later
/* Shell lines: the splitter behind `mdevadm shell` and completion. */
#include "basic/util.h"
#include "cli/split.h"
#include "fuzz.h"

FUZZ_TARGET(split)
{
	char *line = fuzz_string(data, size);
	struct strv words = { 0 };
	struct split_end end;
	int r = shell_split(line, &words, &end);

	/* -1 exactly when the text ends inside quotes or after a lone backslash */
	FUZZ_ASSERT((r == 0) == (!end.quote && !end.escape));
	/* a line that ends in a word has that word (issue 20: a word -1 was indexed) */
	FUZZ_ASSERT(!end.in_word || words.n > 0);
	strv_free(&words);
	free(line);
	return 0;
}
