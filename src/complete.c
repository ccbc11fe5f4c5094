// SPDX-License-Identifier: LGPL-2.1-or-later
/* PLACEHOLDER: replaced by the completion engine (issue 5). */
#include "cli.h"

int cmd_complete(struct ctx *ctx, struct cmd_args *args)
{
	return fail(ctx, "__complete: not implemented yet");
}
