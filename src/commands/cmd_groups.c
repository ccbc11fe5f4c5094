// SPDX-License-Identifier: LGPL-2.1-or-later
/* groups, set-group-type, noiommu: IOMMU groups shown and changed with care. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/family.h"
#include "libmdev/iommu_set.h"
#include "basic/output.h"

static const char *status_word(enum iommu_status s)
{
	switch (s) {
	case IOMMU_STATUS_READY:
		return "ready";
	case IOMMU_STATUS_UNBOUND:
		return "unbound";
	case IOMMU_STATUS_HOST:
		return "host";
	case IOMMU_STATUS_UNSAFE:
		return "unsafe";
	}
	return "unknown";
}

#define DASH(s) ((s) ? (s) : "-")

/* One phrase a person can act on: whether a VM may have the group, and why (not). */
static char *status_reason(const struct iommu_group *g)
{
	const struct iommu_member *m = NULL;
	size_t busy = 0;
	const char *parent = g->nmembers && g->members[0].parent ? g->members[0].parent : NULL;

	switch (iommu_group_status(g, &m)) {
	case IOMMU_STATUS_READY:
		if (g->kind == IOMMU_KIND_EMULATED)
			return parent ? xasprintf("ready: mdev, its parent %s mediates all DMA",
						  parent)
				      : xstrdup("ready: mdev, its parent driver mediates all DMA");
		return xstrdup("ready: isolated by the IOMMU, bound to VFIO");
	case IOMMU_STATUS_UNBOUND:
		if (m)
			return xasprintf("not yet: %s, a slot of %s, has no type set", m->name,
					 DASH(m->parent));
		if (g->kind == IOMMU_KIND_EMULATED)
			return xstrdup("not yet: mdev without a VFIO driver bound");
		return xstrdup("not yet: isolated by the IOMMU, but not bound to vfio-pci");
	case IOMMU_STATUS_HOST:
		for (size_t i = 0; i < g->nmembers; i++)
			if (g->members[i].driver && !iommu_driver_is_dma_free(g->members[i].driver))
				busy++;
		return xasprintf("busy: isolated by the IOMMU, but %s is used by host driver %s%s",
				 m->name, m->driver, busy > 1 ? " (and more)" : "");
	case IOMMU_STATUS_UNSAFE:
		return xstrdup("UNSAFE: no IOMMU isolation, unmediated DMA to all host memory");
	}
	return xstrdup("unknown");
}

static json_t *str_or_null(const char *s)
{
	return s ? json_str(s) : json_null();
}

static json_t *member_json(const struct iommu_member *m)
{
	json_t *d = json_object();

	json_object_set_new(d, "name", json_str(m->name));
	json_object_set_new(d, "bus", str_or_null(m->bus));
	json_object_set_new(d, "driver", str_or_null(m->driver));
	/* the device family it belongs to knows its parent and type */
	if (m->type_key) {
		json_object_set_new(d, "parent", str_or_null(m->parent));
		json_object_set_new(d, m->type_key, str_or_null(m->mdev_type));
	}
	json_object_set_new(d, "vfio_device", str_or_null(m->vfio_device));
	return d;
}

static json_t *group_json(const struct iommu_group *g)
{
	json_t *j = json_object(), *devs = json_array(), *cdevs = json_array();
	json_t *regions = json_array();
	char *reason = status_reason(g);

	json_object_set_new(j, "group", json_integer((json_int_t)g->id));
	json_object_set_new(j, "kind", json_str(iommu_kind_name(g->kind)));
	json_object_set_new(j, "type", str_or_null(g->type));
	json_object_set_new(j, "vfio", str_or_null(g->vfio));
	json_object_set_new(j, "safe", json_boolean(g->kind != IOMMU_KIND_NOIOMMU));
	json_object_set_new(j, "status", json_str(status_word(iommu_group_status(g, NULL))));
	json_object_set_new(j, "reason", json_str(reason));
	free(reason);
	for (size_t i = 0; i < g->nmembers; i++) {
		json_array_append_new(devs, member_json(&g->members[i]));
		if (g->members[i].vfio_device)
			json_array_append_new(cdevs, json_str(g->members[i].vfio_device));
	}
	for (size_t i = 0; i < g->nregions; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "start", json_str(g->regions[i].start));
		json_object_set_new(r, "end", json_str(g->regions[i].end));
		json_object_set_new(r, "type", json_str(g->regions[i].type));
		json_array_append_new(regions, r);
	}
	json_object_set_new(j, "devices", devs);
	json_object_set_new(j, "vfio_devices", cdevs);
	json_object_set_new(j, "reserved_regions", regions);
	return j;
}

/* Column widths shared by every group, so the table lines up. */
struct widths {
	int group, kind, type, vfio;
	int name, bus, driver;
};

static int imax(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static void measure(const struct iommu_group *v, size_t n, struct widths *w)
{
	*w = (struct widths){ 5, 4, 4, 4, 0, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		const struct iommu_group *g = &v[i];

		w->group = imax(w->group, (size_t)snprintf(NULL, 0, "%lu", g->id));
		w->kind = imax(w->kind, strlen(iommu_kind_name(g->kind)));
		w->type = imax(w->type, strlen(DASH(g->type)));
		w->vfio = imax(w->vfio, strlen(DASH(g->vfio)));
		for (size_t k = 0; k < g->nmembers; k++) {
			const struct iommu_member *m = &g->members[k];

			w->name = imax(w->name, strlen(m->name));
			w->bus = imax(w->bus, strlen(DASH(m->bus)));
			w->driver = imax(w->driver, strlen(DASH(m->driver)));
		}
	}
}

/* Prints LINE without the trailing blanks that padding the last column leaves. */
static void put_line(char *line)
{
	size_t len = strlen(line);

	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	puts(line);
}

static void print_group(const struct iommu_group *g, const struct widths *w)
{
	size_t children = g->nmembers + g->nregions, c = 0;
	char *reason = status_reason(g), *line;

	line = xasprintf("%-*lu  %-*s  %-*s  %-*s  %s", w->group, g->id, w->kind,
			 iommu_kind_name(g->kind), w->type, DASH(g->type), w->vfio, DASH(g->vfio),
			 reason);
	put_line(line);
	free(line);
	free(reason);
	for (size_t i = 0; i < g->nmembers; i++, c++) {
		const struct iommu_member *m = &g->members[i];
		char *mdev = m->type_key ? xasprintf("  parent %s, type %s", DASH(m->parent),
						     DASH(m->mdev_type))
					 : xstrdup("");

		line = xasprintf("%*s%s %-*s  %-*s  %-*s%s  %s", w->group + 2, "",
				 c + 1 < children ? "|-" : "`-", w->name, m->name, w->bus,
				 DASH(m->bus), w->driver, DASH(m->driver), mdev,
				 m->vfio_device ? m->vfio_device : "");
		put_line(line);
		free(line);
		free(mdev);
	}
	for (size_t i = 0; i < g->nregions; i++, c++)
		printf("%*s%s reserved %s-%s %s\n", w->group + 2, "",
		       c + 1 < children ? "|-" : "`-", g->regions[i].start, g->regions[i].end,
		       g->regions[i].type);
}

/* Names as the table shows them: escaped, so that the columns are measured on what is printed. */
static void escape_group(struct iommu_group *g)
{
	text_escape_in_place(&g->type);
	text_escape_in_place(&g->vfio);
	for (size_t i = 0; i < g->nmembers; i++) {
		struct iommu_member *m = &g->members[i];

		text_escape_in_place(&m->name);
		text_escape_in_place(&m->bus);
		text_escape_in_place(&m->driver);
		text_escape_in_place(&m->parent);
		text_escape_in_place(&m->mdev_type);
		text_escape_in_place(&m->vfio_device);
	}
	for (size_t i = 0; i < g->nregions; i++) {
		text_escape_in_place(&g->regions[i].start);
		text_escape_in_place(&g->regions[i].end);
		text_escape_in_place(&g->regions[i].type);
	}
}

static void print_text(struct iommu_group *v, size_t n)
{
	struct widths w;

	for (size_t i = 0; i < n; i++)
		escape_group(&v[i]);
	if (!n) {
		puts("No IOMMU groups: no IOMMU is active and no mdev or no-IOMMU device exists.");
		return;
	}
	measure(v, n, &w);
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", w.group, "GROUP", w.kind, "KIND", w.type, "TYPE",
	       w.vfio, "VFIO", "FOR A VM");
	for (size_t i = 0; i < n; i++)
		print_group(&v[i], &w);
}

static void print_json(const struct iommu_group *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, group_json(&v[i]));
	json_emit(stdout, arr, 0);
	putchar('\n');
	json_decref(arr);
}

int cmd_groups(struct ctx *ctx, struct cmd_args *args)
{
	struct iommu_group_list list = { 0 };
	struct iommu_group one;
	struct mdev_error err;

	if (has_opt(args, OPT_GROUP)) {
		if (family_group_load(&ctx->rfs, args->group, &one, &err) < 0)
			return fail(ctx, "%s", err.msg);
		list.v = &one;
		list.n = 1;
	} else if (family_groups_load(&ctx->rfs, &list, &err) < 0) {
		return fail(ctx, "%s", err.msg);
	}
	if (has_opt(args, OPT_DUMPJSON))
		print_json(list.v, list.n);
	else
		print_text(list.v, list.n);
	if (list.v == &one)
		iommu_group_clear(&one);
	else
		iommu_group_list_free(&list);
	return 0;
}

int cmd_set_group_type(struct ctx *ctx, struct cmd_args *args)
{
	const char *type = args->pos[0];
	struct iommu_group g;
	struct mdev_error err;
	char now[64];
	int r;

	if (!has_opt(args, OPT_GROUP))
		return usage_error(ctx, "which group? give -g N");
	if (!iommu_type_valid(type))
		return usage_error(ctx, "invalid type '%s': expected DMA, DMA-FQ, identity or auto",
				   type);
	if (family_group_load(&ctx->rfs, args->group, &g, &err) < 0)
		return fail(ctx, "%s", err.msg);
	r = iommu_group_set_type(&ctx->rfs, &g, type, has_opt(args, OPT_FORCE), &err);
	if (r < 0) {
		iommu_group_clear(&g);
		return fail(ctx, "%s", err.msg);
	}
	/* "auto" resolves to a real type, and the kernel is the one to say which */
	if (iommu_group_read_type(&ctx->rfs, g.id, now, sizeof(now)) > 0)
		fprintln_escaped(stdout, "IOMMU group %lu: type %s -> %s%s", g.id, DASH(g.type),
				 now, strcmp(type, "auto") == 0 ? " (auto)" : "");
	else
		printf("IOMMU group %lu: type set to %s\n", g.id, type);
	iommu_group_clear(&g);
	return 0;
}

/* The devices in no-IOMMU groups now, as "0000:00:03.0 (group 7), ..."; NULL when none. */
static char *noiommu_groups(const struct ctx *ctx)
{
	struct iommu_group_list list;
	struct mdev_error err;
	char *out = NULL;

	if (family_groups_load(&ctx->rfs, &list, &err) < 0)
		return NULL;
	for (size_t i = 0; i < list.n; i++) {
		const struct iommu_group *g = &list.v[i];
		char *next;

		if (g->kind != IOMMU_KIND_NOIOMMU)
			continue;
		next = xasprintf("%s%s%s (group %lu)", out ? out : "", out ? ", " : "",
				 g->nmembers ? g->members[0].name : "no device", g->id);
		free(out);
		out = next;
	}
	iommu_group_list_free(&list);
	return out;
}

static void print_noiommu_state(const struct ctx *ctx, bool on)
{
	char *groups = noiommu_groups(ctx);

	if (on)
		printf("VFIO no-IOMMU mode: on (enable_unsafe_noiommu_mode=Y)\n"
		       "UNSAFE: vfio-pci accepts devices that no IOMMU isolates; whoever opens one\n"
		       "gets unmediated DMA to all host memory, and the kernel is tainted.\n"
		       "Turn it off with '%s noiommu --disable'.\n",
		       ctx->prog);
	else
		printf("VFIO no-IOMMU mode: off (enable_unsafe_noiommu_mode=N)\n"
		       "vfio-pci only accepts devices that an IOMMU isolates (mdevs are unaffected).\n");
	if (groups)
		fprintln_escaped(stdout, "Devices without IOMMU isolation now: %s", groups);
	free(groups);
}

int cmd_noiommu(struct ctx *ctx, struct cmd_args *args)
{
	bool enable = has_opt(args, OPT_ENABLE), disable = has_opt(args, OPT_DISABLE), on;
	struct mdev_error err;
	char *groups;

	if (enable && disable)
		return usage_error(ctx, "--enable and --disable exclude each other");
	if (!enable && !disable) {
		if (noiommu_get(&ctx->rfs, &on, &err) < 0)
			return fail(ctx, "%s", err.msg);
		print_noiommu_state(ctx, on);
		return 0;
	}
	if (noiommu_set(&ctx->rfs, enable, has_opt(args, OPT_FORCE), &err) < 0)
		return fail(ctx, "%s", err.msg);
	if (enable) {
		printf("VFIO no-IOMMU mode enabled (enable_unsafe_noiommu_mode=Y).\n"
		       "Devices bound to vfio-pci without an IOMMU now get /dev/vfio/noiommu-N groups:\n"
		       "they are NOT isolated, and using one taints the kernel.\n");
		return 0;
	}
	printf("VFIO no-IOMMU mode disabled (enable_unsafe_noiommu_mode=N).\n");
	groups = noiommu_groups(ctx);
	if (groups)
		fprintln_escaped(stdout,
				 "Devices already in no-IOMMU groups stay there until unbound from "
				 "vfio-pci: %s",
				 groups);
	free(groups);
	return 0;
}
