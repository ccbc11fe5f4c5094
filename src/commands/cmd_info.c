// SPDX-License-Identifier: LGPL-2.1-or-later
/* info: what one device is, who holds it, and (--probe) what it supports. */
#include <stdio.h>
#include <stdlib.h>

#include "basic/escape.h"
#include "basic/output.h"
#include "commands/commands.h"
#include "commands/probe_format.h"
#include "libmdev/device_info.h"
#include "libmdev/family.h"

#define DASH(s) ((s) ? (s) : "-")

static void holders_text(struct sbuf *b, const struct holder_list *h)
{
	sb_adds(b, h->n ? "  Holders:\n" : "  Holders: none\n");
	for (size_t k = 0; k < h->n; k++)
		sb_addf(b, "    %ld on %s: %s\n", (long)h->v[k].pid, h->v[k].node, h->v[k].cmdline);
	if (h->unreadable)
		sb_addf(b, "    (%zu processes could not be looked at: only root sees them all)\n",
			h->unreadable);
}

/* Names from sysfs and command lines from /proc reach a terminal without control bytes. */
static void escape_for_text(struct dev_info *i, struct vfio_probe *p)
{
	struct vfio_facts *f = &i->vfio;
	char **names[] = { &i->parent,	    &i->type,	&i->type_name, &f->group_node,
			   &f->device_node, &f->driver, &p->node };

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		text_escape_in_place(names[k]);
	for (size_t k = 0; k < f->holders.n; k++) {
		text_escape_in_place(&f->holders.v[k].cmdline);
		text_escape_in_place(&f->holders.v[k].node);
	}
}

static void info_text(struct sbuf *b, const struct dev_info *i, const struct vfio_probe *p)
{
	const struct vfio_facts *f = &i->vfio;

	sb_addf(b, "%s\n  Parent: %s\n  Type: %s", i->key, i->parent, i->type);
	if (i->type_name)
		sb_addf(b, " (%s)", i->type_name);
	sb_addf(b, "\n  Defined: %s\n  Active: %s\n",
		!i->defined    ? "no"
		: i->autostart ? "yes, started automatically"
			       : "yes, started manually",
		i->active ? "yes" : "no");
	if (!i->active)
		return;
	if (f->has_group)
		sb_addf(b, "  IOMMU group: %lu (%s)\n", f->group, iommu_kind_name(f->kind));
	else
		sb_adds(b, "  IOMMU group: none\n");
	sb_addf(b, "  VFIO group node: %s\n  VFIO device node: %s\n  Driver: %s\n",
		DASH(f->group_node), DASH(f->device_node), DASH(f->driver));
	holders_text(b, &f->holders);
	if (p) {
		sb_adds(b, "  Probe:\n");
		probe_text(b, "    ", p);
	}
}

static json_t *holders_json(const struct holder_list *h)
{
	json_t *a = json_array();

	for (size_t k = 0; k < h->n; k++) {
		json_t *o = json_object();

		json_object_set_new(o, "pid", json_integer(h->v[k].pid));
		json_object_set_new(o, "node", json_str(h->v[k].node));
		json_object_set_new(o, "cmdline", json_str(h->v[k].cmdline));
		json_array_append_new(a, o);
	}
	return a;
}

/* Every key is always there, null when it does not apply: see man/mdevadm.8. */
static json_t *info_json(const struct dev_info *i, const struct vfio_probe *p)
{
	const struct vfio_facts *f = &i->vfio;
	json_t *j = json_object();

	json_object_set_new(j, i->key_name, json_str(i->key));
	json_object_set_new(j, "parent", json_str(i->parent));
	json_object_set_new(j, "type", json_str(i->type));
	json_object_set_new(j, "type_name", json_str_opt(i->type_name));
	json_object_set_new(j, "defined", json_boolean(i->defined));
	json_object_set_new(j, "auto", i->defined ? json_boolean(i->autostart) : json_null());
	json_object_set_new(j, "active", json_boolean(i->active));
	json_object_set_new(j, "iommu_group",
			    f->has_group ? json_integer((json_int_t)f->group) : json_null());
	json_object_set_new(j, "iommu_group_kind",
			    f->has_group ? json_str(iommu_kind_name(f->kind)) : json_null());
	json_object_set_new(j, "vfio_group", json_str_opt(f->group_node));
	json_object_set_new(j, "vfio_device", json_str_opt(f->device_node));
	json_object_set_new(j, "driver", json_str_opt(f->driver));
	json_object_set_new(j, "holders", holders_json(&f->holders));
	json_object_set_new(j, "holders_unchecked",
			    json_integer((json_int_t)f->holders.unreadable));
	json_object_set_new(j, "probe", p ? probe_json(p) : json_null());
	return j;
}

int cmd_info(struct ctx *ctx, struct cmd_args *args)
{
	bool probe = has_opt(args, OPT_PROBE);
	struct vfio_probe p = { 0 };
	struct mdev_error err;
	struct dev_info i;
	const char *key;
	int r = 0;

	const struct device_family *fam = cmd_key_family(args, &key);

	if (!fam)
		return usage_error(ctx, "info needs --uuid or --vf");
	if (fam->info(&ctx->rfs, key, args->parent, &i, &err) < 0)
		return fail(ctx, "%s", err.msg);
	if (probe && !i.active)
		r = fail(ctx, "cannot probe %s: it is not active", i.key);
	else if (probe && vfio_probe_device(&ctx->rfs, i.dev, &p, &err) < 0)
		r = fail(ctx, "cannot probe %s: %s", i.key, err.msg);
	if (r == 0 && has_opt(args, OPT_DUMPJSON)) {
		json_t *j = info_json(&i, probe ? &p : NULL);

		json_emit(stdout, j, 0);
		putchar('\n');
		json_decref(j);
	} else if (r == 0) {
		struct sbuf b = { 0 };

		escape_for_text(&i, &p);
		info_text(&b, &i, probe ? &p : NULL);
		fwrite(b.p, 1, b.len, stdout);
		sb_free(&b);
	}
	vfio_probe_clear(&p);
	dev_info_clear(&i);
	return r;
}
