// SPDX-License-Identifier: LGPL-2.1-or-later
/* PLACEHOLDER: replaced by the event monitor (issue 6). */
#include "cli.h"

int cmd_monitor(struct ctx *ctx, struct cmd_args *args)
{
	return fail(ctx, "monitor: not implemented yet");
}
