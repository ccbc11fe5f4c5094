// SPDX-License-Identifier: LGPL-2.1-or-later
/* PLACEHOLDER: replaced by the shell implementation (issue 5). */
#include "shell.h"

#include "cli.h"

int shell_run(struct ctx *ctx, dispatch_fn dispatch, bool keep_going)
{
	return fail(ctx, "shell: not implemented yet");
}
