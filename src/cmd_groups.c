// SPDX-License-Identifier: LGPL-2.1-or-later
/* PLACEHOLDER: replaced by the IOMMU group commands (issue 4). */
#include "cli.h"

int cmd_groups(struct ctx *ctx, struct cmd_args *args)
{
	return fail(ctx, "groups: not implemented yet");
}

int cmd_set_group_type(struct ctx *ctx, struct cmd_args *args)
{
	return fail(ctx, "set-group-type: not implemented yet");
}

int cmd_noiommu(struct ctx *ctx, struct cmd_args *args)
{
	return fail(ctx, "noiommu: not implemented yet");
}
