// SPDX-License-Identifier: LGPL-2.1-or-later
/* shell and __complete: the front ends that are commands of the table themselves. */
#include "cli/frontends.h"

#include <stdio.h>
#include <string.h>

#include "cli/complete.h"
#include "cli/dispatch.h"
#include "cli/shell.h"

int cmd_shell(struct ctx *ctx, struct cmd_args *args)
{
	return shell_run(ctx, cli_dispatch, has_opt(args, OPT_KEEP_GOING));
}

int cmd_complete(struct ctx *ctx, struct cmd_args *args)
{
	struct completion c;

	if (args->npos != 1)
		return usage_error(ctx, "expects one argument: the command line up to the cursor");
	complete_line(&ctx->rfs, ctx->table, args->pos[0], COMPLETE_CLI, &c);
	if (c.kind == COMPLETE_FILES)
		puts("@files");
	else if (c.kind == COMPLETE_DIRS)
		puts("@dirs");
	/* one candidate per line: completion_add left out words with a tab or newline */
	for (size_t i = 0; c.kind == COMPLETE_WORDS && i < c.words.n; i++)
		printf("%s%s%s\n", c.words.v[i], c.descs.v[i][0] ? "\t" : "", c.descs.v[i]);
	completion_free(&c);
	return 0;
}
