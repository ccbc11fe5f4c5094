// SPDX-License-Identifier: LGPL-2.1-or-later
/* define, undefine, modify, start: the family a command line names, and its handler. */
#include <string.h>

#include "commands/commands.h"
#include "libmdev/family.h"

typedef int (*handler)(struct ctx *ctx, struct cmd_args *args);

static const struct family_handlers {
	const struct device_family *family;
	handler define, undefine, modify, start;
} handlers[] = {
	{ &family_mdev, mdev_define, mdev_undefine, mdev_modify, mdev_start },
	{ &family_vf, vf_define, vf_undefine, vf_modify, vf_start },
};

/* A family's key option is the option named like its key: -u/--uuid, --vf. */
static const char *key_of(const struct cmd_args *args, const struct device_family *fam)
{
	for (int id = 0; id < OPT_COUNT; id++) {
		if (strcmp(opt_defs[id].name, fam->key_name) != 0 || !has_opt(args, id))
			continue;
		return id == OPT_UUID ? args->uuid : id == OPT_VF ? args->vf : NULL;
	}
	return NULL;
}

const struct device_family *cmd_key_family(const struct cmd_args *args, const char **key)
{
	for (const struct device_family *const *f = families; *f; f++) {
		*key = key_of(args, *f);
		if (*key)
			return *f;
	}
	return NULL;
}

const struct device_family *cmd_family(const struct ctx *ctx, const struct cmd_args *args)
{
	const struct device_family *fam;
	const char *key;

	fam = cmd_key_family(args, &key);
	if (!fam && args->parent)
		fam = family_of_parent(&ctx->rfs, args->parent);
	/* a parent nobody knows is reported as mdevctl reports it */
	return fam ? fam : &family_mdev;
}

static const struct family_handlers *handlers_of(const struct ctx *ctx, const struct cmd_args *args)
{
	const struct device_family *fam = cmd_family(ctx, args);
	size_t i = 0;

	while (i + 1 < sizeof(handlers) / sizeof(*handlers) && handlers[i].family != fam)
		i++;
	return &handlers[i];
}

int cmd_define(struct ctx *ctx, struct cmd_args *args)
{
	return handlers_of(ctx, args)->define(ctx, args);
}

int cmd_undefine(struct ctx *ctx, struct cmd_args *args)
{
	return handlers_of(ctx, args)->undefine(ctx, args);
}

int cmd_modify(struct ctx *ctx, struct cmd_args *args)
{
	return handlers_of(ctx, args)->modify(ctx, args);
}

int cmd_start(struct ctx *ctx, struct cmd_args *args)
{
	return handlers_of(ctx, args)->start(ctx, args);
}
