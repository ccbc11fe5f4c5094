// SPDX-License-Identifier: LGPL-2.1-or-later
/* A VFIO probe's answers for people (text) and programs (JSON, keys kept stable). */
#include "commands/probe_format.h"

#include <inttypes.h>
#include <stdio.h>

#include "basic/output.h"
#include "libmdev/vfio_uapi.h"

/* Kernel names of the VFIO_MIGRATION_* bits, by bit number. */
static const char *const migration_names[] = { "STOP_COPY", "P2P", "PRE_COPY" };
#define N_MIGRATION_NAMES (sizeof(migration_names) / sizeof(migration_names[0]))

/* The name of migration flag bit BIT, or NULL for one this build does not know. */
static const char *migration_name(unsigned bit)
{
	return bit < N_MIGRATION_NAMES ? migration_names[bit] : NULL;
}

void probe_migration_text(struct sbuf *b, const char *indent, const struct vfio_probe *p)
{
	sb_addf(b, "%sMigration: ", indent);
	if (!p->migration)
		sb_adds(b, "no");
	for (unsigned bit = 0, n = 0; p->migration && bit < 64; bit++) {
		if (!(p->migration_flags & ((uint64_t)1 << bit)))
			continue;
		sb_adds(b, n++ ? ", " : "");
		if (migration_name(bit))
			sb_adds(b, migration_name(bit));
		else
			sb_addf(b, "0x%" PRIx64, (uint64_t)1 << bit);
	}
	sb_addf(b, "\n%sDirty page logging: %s\n", indent, p->dirty_logging ? "yes" : "no");
}

/* 8 B, 4 KiB, 16 MiB: exact sizes in the largest unit that divides them. */
static void add_size(struct sbuf *b, uint64_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	sb_addf(b, "%" PRIu64 " %s", size, units[u]);
}

static void add_flag(struct sbuf *b, bool on, const char *name, bool *first)
{
	if (!on)
		return;
	sb_adds(b, *first ? ", " : "/");
	sb_adds(b, name);
	*first = false;
}

void probe_text(struct sbuf *b, const char *indent, const struct vfio_probe *p)
{
	const char *api = vfio_probe_api(p);

	sb_addf(b, "%sOpened: %s (%s)\n", indent, p->node,
		p->access == VFIO_ACCESS_CDEV ? "device cdev bound to iommufd"
					      : "group and container");
	sb_addf(b, "%sDevice API: %s\n", indent, api ? api : "unknown");
	sb_addf(b, "%sReset: %s\n", indent, p->flags & VFIO_DEVICE_FLAGS_RESET ? "yes" : "no");
	sb_addf(b, "%sRegions: %" PRIu32 "\n", indent, p->num_regions);
	for (size_t i = 0; i < p->nregions; i++) {
		const struct vfio_probe_region *r = &p->regions[i];
		const char *name = vfio_probe_region_name(p, r->index);
		bool first = true;

		if (!r->size)
			continue;
		if (name)
			sb_addf(b, "%s  %s: ", indent, name);
		else
			sb_addf(b, "%s  region %" PRIu32 ": ", indent, r->index);
		add_size(b, r->size);
		add_flag(b, r->flags & VFIO_REGION_INFO_FLAG_READ, "read", &first);
		add_flag(b, r->flags & VFIO_REGION_INFO_FLAG_WRITE, "write", &first);
		add_flag(b, r->flags & VFIO_REGION_INFO_FLAG_MMAP, "mmap", &first);
		sb_addc(b, '\n');
	}
	sb_addf(b, "%sIRQs: %" PRIu32 "\n", indent, p->num_irqs);
	for (size_t i = 0; i < p->nirqs; i++) {
		const struct vfio_probe_irq *q = &p->irqs[i];
		const char *name = vfio_probe_irq_name(p, q->index);

		if (!q->count)
			continue;
		if (name)
			sb_addf(b, "%s  %s: %" PRIu32 "\n", indent, name, q->count);
		else
			sb_addf(b, "%s  IRQ %" PRIu32 ": %" PRIu32 "\n", indent, q->index,
				q->count);
	}
	probe_migration_text(b, indent, p);
}

static json_t *regions_json(const struct vfio_probe *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->nregions; i++) {
		const struct vfio_probe_region *r = &p->regions[i];
		json_t *o = json_object();

		json_object_set_new(o, "index", json_integer(r->index));
		json_object_set_new(o, "name", json_str_opt(vfio_probe_region_name(p, r->index)));
		json_object_set_new(o, "size", json_integer((json_int_t)r->size));
		json_object_set_new(o, "read", json_boolean(r->flags & VFIO_REGION_INFO_FLAG_READ));
		json_object_set_new(o, "write",
				    json_boolean(r->flags & VFIO_REGION_INFO_FLAG_WRITE));
		json_object_set_new(o, "mmap", json_boolean(r->flags & VFIO_REGION_INFO_FLAG_MMAP));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *irqs_json(const struct vfio_probe *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->nirqs; i++) {
		const struct vfio_probe_irq *q = &p->irqs[i];
		json_t *o = json_object();

		json_object_set_new(o, "index", json_integer(q->index));
		json_object_set_new(o, "name", json_str_opt(vfio_probe_irq_name(p, q->index)));
		json_object_set_new(o, "count", json_integer(q->count));
		json_object_set_new(o, "eventfd", json_boolean(q->flags & VFIO_IRQ_INFO_EVENTFD));
		json_object_set_new(o, "maskable", json_boolean(q->flags & VFIO_IRQ_INFO_MASKABLE));
		json_object_set_new(o, "automasked",
				    json_boolean(q->flags & VFIO_IRQ_INFO_AUTOMASKED));
		json_object_set_new(o, "noresize", json_boolean(q->flags & VFIO_IRQ_INFO_NORESIZE));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *migration_json(const struct vfio_probe *p)
{
	json_t *a = json_array();
	char hex[24];

	for (unsigned bit = 0; p->migration && bit < 64; bit++) {
		if (!(p->migration_flags & ((uint64_t)1 << bit)))
			continue;
		snprintf(hex, sizeof(hex), "0x%" PRIx64, (uint64_t)1 << bit);
		json_array_append_new(a, json_str(migration_name(bit) ? migration_name(bit) : hex));
	}
	return a;
}

json_t *probe_json(const struct vfio_probe *p)
{
	json_t *j = json_object();

	json_object_set_new(j, "access",
			    json_str(p->access == VFIO_ACCESS_CDEV ? "cdev" : "group"));
	json_object_set_new(j, "node", json_str(p->node));
	json_object_set_new(j, "device_api", json_str_opt(vfio_probe_api(p)));
	json_object_set_new(j, "flags", json_integer(p->flags));
	json_object_set_new(j, "reset", json_boolean(p->flags & VFIO_DEVICE_FLAGS_RESET));
	json_object_set_new(j, "num_regions", json_integer(p->num_regions));
	json_object_set_new(j, "regions", regions_json(p));
	json_object_set_new(j, "num_irqs", json_integer(p->num_irqs));
	json_object_set_new(j, "irqs", irqs_json(p));
	json_object_set_new(j, "migration", migration_json(p));
	json_object_set_new(j, "migration_flags", json_integer((json_int_t)p->migration_flags));
	json_object_set_new(j, "dirty_logging", json_boolean(p->dirty_logging));
	return j;
}
