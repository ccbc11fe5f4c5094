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

/*
 * define, undefine, modify and start take a different key and options in each device family
 * (UUIDs, attributes, JSON files and event scripts for mdevs; VF indexes for vGPUs): the
 * cmd_ handlers above pick the family (family_cmds.c) and run its handler below.
 */
struct device_family;
const struct device_family *cmd_family(const struct ctx *ctx, const struct cmd_args *args);
/* The family whose key option (-u, --vf) was given, and the key; NULL when none was. */
const struct device_family *cmd_key_family(const struct cmd_args *args, const char **key);
int mdev_define(struct ctx *ctx, struct cmd_args *args);
int mdev_undefine(struct ctx *ctx, struct cmd_args *args);
int mdev_modify(struct ctx *ctx, struct cmd_args *args);
int mdev_start(struct ctx *ctx, struct cmd_args *args);
int vf_define(struct ctx *ctx, struct cmd_args *args);
int vf_undefine(struct ctx *ctx, struct cmd_args *args);
int vf_modify(struct ctx *ctx, struct cmd_args *args);
int vf_start(struct ctx *ctx, struct cmd_args *args);

#endif
