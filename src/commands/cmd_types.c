// SPDX-License-Identifier: LGPL-2.1-or-later
/* types: the types each parent of each family supports and how many instances are left. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/family.h"
#include "basic/output.h"

static inline void add_line(struct sbuf *b, const char *label, const char *value)
{
	sb_adds(b, label);
	sb_adds_escaped(b, value);
	sb_addc(b, '\n');
}

static void add_text(struct outbuf *o, const char *parent, const struct mdev_type_info *t, size_t n)
{
	add_line(&o->b, "", parent);
	for (size_t i = 0; i < n; i++) {
		char num[24];

		add_line(&o->b, "  ", t[i].id);
		add_line(&o->b, "    Available instances: ",
			 ulong_to_str(num, (unsigned long)t[i].available));
		add_line(&o->b, "    Device API: ", t[i].device_api);
		if (t[i].name)
			add_line(&o->b, "    Name: ", t[i].name);
		if (t[i].description)
			add_line(&o->b, "    Description: ", t[i].description);
	}
	outbuf_item_done(o);
}

static json_t *type_json(const struct mdev_type_info *t)
{
	json_t *j = json_object();

	json_object_set_new(j, "available_instances", json_integer(t->available));
	json_object_set_new(j, "device_api", json_str(t->device_api));
	if (t->name)
		json_object_set_new(j, "name", json_str(t->name));
	if (t->description)
		json_object_set_new(j, "description", json_str(t->description));
	return j;
}

/* The types of FAM's parents (only args->parent when given) into OUT, or into GW as JSON. */
static int add_family(struct ctx *ctx, const struct cmd_args *args, const struct device_family *fam,
		      struct outbuf *out, struct group_writer *gw)
{
	struct strv parents = { 0 };
	struct mdev_error err;

	if (fam->parents(&ctx->rfs, &parents, &err) < 0)
		return fail(ctx, "%s", err.msg);
	for (size_t p = 0; p < parents.n; p++) {
		struct mdev_type_info *types;
		size_t n;

		if (args->parent && strcmp(parents.v[p], args->parent) != 0)
			continue;
		if (fam->types(&ctx->rfs, parents.v[p], &types, &n, &err) < 0) {
			warnf("skipping parent %s: %s", parents.v[p], err.msg);
			continue;
		}
		if (!gw)
			add_text(out, parents.v[p], types, n);
		if (gw && !n)
			gw_empty_group(gw, parents.v[p]);
		for (size_t i = 0; gw && i < n; i++) {
			json_t *j = type_json(&types[i]);

			gw_item(gw, parents.v[p], types[i].id, j);
			json_decref(j);
		}
		model_types_free(types, n);
	}
	strv_free(&parents);
	return 0;
}

int cmd_types(struct ctx *ctx, struct cmd_args *args)
{
	struct outbuf out;
	struct group_writer gw = { .out = &out };
	bool json = has_opt(args, OPT_DUMPJSON);
	int r = 0;

	outbuf_init(&out, stdout);
	for (const struct device_family *const *f = families_listed(ctx->as_mdevctl); r == 0 && *f;
	     f++)
		r = add_family(ctx, args, *f, &out, json ? &gw : NULL);
	if (r == 0 && json)
		gw_finish(&gw);
	outbuf_finish(&out);
	return r;
}
