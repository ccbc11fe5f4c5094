// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Command lines: NUL-separated words, the first a command, parsed against
 * the command table as the dispatcher does (UUIDs, numbers, names, values,
 * attribute options), without running anything.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli/dispatch.h"
#include "cli/table.h"
#include "fuzz.h"
#include "shared/command.h"

FUZZ_TARGET(cli)
{
	char *copy = malloc(size + 1), *argv[64];
	const struct command *c;
	struct cmd_args args;
	int argc = 0;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; p <= copy + size && argc < 63; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	c = command_find(commands, argv[0]);
	if (c) {
		struct ctx ctx = { .table = commands, .prog = "mdevadm", .cmd = argv[0] };

		cli_parse_args(&ctx, c, argc, argv, &args);
		cli_args_free(&args);
	}
	free(copy);
	return 0;
}
