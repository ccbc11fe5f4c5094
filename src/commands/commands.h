/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The handlers of the commands, one file each (or one for a few related ones). */
#ifndef MDEVADM_COMMANDS_H
#define MDEVADM_COMMANDS_H

#include "shared/command.h"

int cmd_list(struct ctx *ctx, struct cmd_args *args);
int cmd_types(struct ctx *ctx, struct cmd_args *args);
int cmd_define(struct ctx *ctx, struct cmd_args *args);
int cmd_undefine(struct ctx *ctx, struct cmd_args *args);
int cmd_modify(struct ctx *ctx, struct cmd_args *args);
int cmd_start(struct ctx *ctx, struct cmd_args *args);
int cmd_stop(struct ctx *ctx, struct cmd_args *args);
int cmd_start_parent_mdevs(struct ctx *ctx, struct cmd_args *args);
int cmd_groups(struct ctx *ctx, struct cmd_args *args);
int cmd_set_group_type(struct ctx *ctx, struct cmd_args *args);
int cmd_noiommu(struct ctx *ctx, struct cmd_args *args);
int cmd_monitor(struct ctx *ctx, struct cmd_args *args);
int cmd_apply(struct ctx *ctx, struct cmd_args *args);
int cmd_info(struct ctx *ctx, struct cmd_args *args);

#endif
