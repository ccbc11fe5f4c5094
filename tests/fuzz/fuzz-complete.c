// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Completion lines (`mdevadm __complete LINE` and the shell's TAB) on the
 * demo tree; the first byte picks the mode, the rest is the line.
 */
#include "basic/rootfs.h"
#include "cli/complete.h"
#include "cli/completion.h"
#include "cli/table.h"
#include "fuzz.h"

FUZZ_TARGET(complete)
{
	static struct rootfs rfs = { .fd = -1 };
	struct completion c;
	char *line;

	fuzz_quiet();
	if (rfs.fd < 0 && rootfs_open(&rfs, FUZZ_TREE) < 0)
		abort();
	if (!size)
		return 0;
	line = fuzz_string(data + 1, size - 1);
	complete_line(&rfs, commands, line, data[0] & 1 ? COMPLETE_SHELL : COMPLETE_CLI, &c);
	FUZZ_ASSERT(c.words.n == c.descs.n);
	completion_free(&c);
	free(line);
	return 0;
}
