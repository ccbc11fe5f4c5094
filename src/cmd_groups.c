// SPDX-License-Identifier: LGPL-2.1-or-later
/* groups, set-group-type, noiommu: IOMMU groups shown and changed with care. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "iommu.h"
#include "output.h"

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

/* One phrase a person can act on: whether a VM may have the group, and why (not). */
static char *status_reason(const struct iommu_group *g)
{
	const struct iommu_member *m = NULL;
	const char *parent = g->nmembers && g->members[0].parent ? g->members[0].parent : NULL;

	switch (iommu_group_status(g, &m)) {
	case IOMMU_STATUS_READY:
		if (g->kind == IOMMU_KIND_EMULATED)
			return parent ? xasprintf("ready: mdev, its parent %s mediates all DMA", parent)
				      : xstrdup("ready: mdev, its parent driver mediates all DMA");
		return xstrdup("ready: isolated by the IOMMU, bound to VFIO");
	case IOMMU_STATUS_UNBOUND:
		if (g->kind == IOMMU_KIND_EMULATED)
			return xstrdup("not yet: mdev without a VFIO driver bound");
		return xstrdup("not yet: isolated by the IOMMU, but not bound to vfio-pci");
	case IOMMU_STATUS_HOST:
		return xasprintf("busy: isolated by the IOMMU, but %s is used by host driver %s",
				 m->name, m->driver);
	case IOMMU_STATUS_UNSAFE:
		return xstrdup("UNSAFE: no IOMMU isolation, unmediated DMA to all host memory");
	}
	return xstrdup("unknown");
}

static json_t *str_or_null(const char *s)
{
	return s ? json_str(s) : json_null();
}

static json_t *group_json(const struct iommu_group *g)
{
	json_t *j = json_object(), *devs = json_array(), *cdevs = json_array(),
	       *regions = json_array();

	json_object_set_new(j, "group", json_integer((json_int_t)g->id));
	json_object_set_new(j, "kind", json_str(iommu_kind_name(g->kind)));
	json_object_set_new(j, "type", str_or_null(g->type));
	json_object_set_new(j, "vfio", str_or_null(g->vfio));
	json_object_set_new(j, "safe", json_boolean(g->kind != IOMMU_KIND_NOIOMMU));
	json_object_set_new(j, "status", json_str(status_word(iommu_group_status(g, NULL))));
	json_object_set_new(j, "reason", json_string_nocheck(""));
	json_object_set_new(j, "reason", json_str(status_reason_keep(g)));
	for (size_t i = 0; i < g->nmembers; i++) {
		const struct iommu_member *m = &g->members[i];
		json_t *d = json_object();

		json_object_set_new(d, "name", json_str(m->name));
		json_object_set_new(d, "bus", str_or_null(m->bus));
		json_object_set_new(d, "driver", str_or_null(m->driver));
		if (m->bus && strcmp(m->bus, "mdev") == 0) {
			json_object_set_new(d, "parent", str_or_null(m->parent));
			json_object_set_new(d, "mdev_type", str_or_null(m->mdev_type));
		}
		json_object_set_new(d, "vfio_device", str_or_null(m->vfio_device));
		json_array_append_new(devs, d);
		if (m->vfio_device)
			json_array_append_new(cdevs, json_str(m->vfio_device));
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
