// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading IOMMU groups and VFIO's view of them; changing their type and no-IOMMU mode. */
#include "libmdev/iommu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/util.h"

/* What emulated and no-IOMMU groups are named: see vfio_noiommu_group_alloc(). */
#define VFIO_NOIOMMU_NAME "vfio-noiommu"

const char *iommu_kind_name(enum iommu_kind kind)
{
	switch (kind) {
	case IOMMU_KIND_IOMMU:
		return "iommu";
	case IOMMU_KIND_EMULATED:
		return "emulated";
	case IOMMU_KIND_NOIOMMU:
		return "noiommu";
	}
	return "unknown";
}

/* The last component of the symlink DIR/NAME, or NULL when there is no such link. */
static char *link_base(const struct rootfs *rfs, const char *dir, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;

	if (rfs_path(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    rfs_readlink(rfs, path, link, sizeof(link)) < 0)
		return NULL;
	base = rfs_basename(link);
	return rfs_valid_name(base) ? xstrdup(base) : NULL;
}

/* An attribute's content, or NULL when it is absent or empty. */
static char *read_attr(const struct rootfs *rfs, const char *dir, const char *name)
{
	char path[PATH_MAX], buf[256];

	if (rfs_path(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    rfs_read(rfs, path, buf, sizeof(buf)) <= 0)
		return NULL;
	return xstrdup(buf);
}

/*
 * The device's VFIO cdev.  Kernels without CONFIG_VFIO_DEVICE_CDEV (Debian's
 * 6.12) and no-IOMMU devices still get a vfio-dev/vfioN directory, but no
 * `dev` attribute and no /dev/vfio/devices node: only `dev` means a cdev.
 */
static char *find_vfio_device(const struct rootfs *rfs, const char *dev)
{
	struct strv names = { 0 };
	char path[PATH_MAX];
	char *found = NULL;

	if (rfs_path(path, sizeof(path), "%s/vfio-dev", dev) < 0 ||
	    rfs_scandir(rfs, path, SCAN_DIRS | SCAN_FOLLOW, &names, NULL) < 0)
		goto done;
	strv_sort(&names);
	for (size_t i = 0; i < names.n && !found; i++)
		if (strncmp(names.v[i], "vfio", 4) == 0 &&
		    rfs_existsf(rfs, O_NOFOLLOW, "%s/%s/dev", path, names.v[i]))
			found = xasprintf("/dev/vfio/devices/%s", names.v[i]);
done:
	strv_free(&names);
	return found;
}

static void load_member(const struct rootfs *rfs, unsigned long id, const char *name,
			struct iommu_member *m)
{
	char dev[PATH_MAX];

	m->name = xstrdup(name);
	if (rfs_path(dev, sizeof(dev), SYS_IOMMU_GROUPS "/%lu/devices/%s", id, name) < 0)
		return;
	m->bus = link_base(rfs, dev, "subsystem");
	m->driver = link_base(rfs, dev, "driver");
	m->vfio_device = find_vfio_device(rfs, dev);
}

static void member_clear(struct iommu_member *m)
{
	free(m->name);
	free(m->bus);
	free(m->driver);
	free(m->parent);
	free(m->mdev_type);
	free(m->vfio_device);
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct iommu_member *)a)->name,
		      ((const struct iommu_member *)b)->name);
}

void iommu_parse_regions(char *text, struct iommu_group *g)
{
	char *line, *save = NULL;
	size_t cap = g->nregions;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char start[32], end[32], type[64];

		if (sscanf(line, "%31s %31s %63s", start, end, type) != 3) {
			warnf("IOMMU group %lu: ignoring reserved region '%s'", g->id, line);
			continue;
		}
		if (g->nregions == cap) {
			cap = cap ? cap * 2 : 4;
			g->regions = xrealloc(g->regions, cap * sizeof(*g->regions));
		}
		g->regions[g->nregions++] =
			(struct iommu_region){ xstrdup(start), xstrdup(end), xstrdup(type) };
	}
}

static void load_regions(const struct rootfs *rfs, const char *dir, struct iommu_group *g)
{
	char path[PATH_MAX], *text;
	size_t len;
	int r;

	if (rfs_path(path, sizeof(path), "%s/reserved_regions", dir) < 0)
		return;
	/* a sysfs attribute is at most a page; a fake tree gets some slack */
	r = rfs_read_all(rfs, path, 1u << 20, &text, &len);
	if (r == -EBADFD)
		warnf("IOMMU group %lu: ignoring /%s: %s", g->id, path, file_strerror(-r));
	if (r < 0)
		return;
	iommu_parse_regions(text, g);
	free(text);
}

/*
 * The group's `name` only says "not a real IOMMU"; the VFIO node tells the
 * rest (noiommu-N for no-IOMMU, N for emulated).  When the node is missing,
 * an mdev member means emulated; anything else is treated as unsafe.
 */
static enum iommu_kind detect_kind(const struct rootfs *rfs, const struct iommu_group *g)
{
	if (!g->name || strcmp(g->name, VFIO_NOIOMMU_NAME) != 0)
		return IOMMU_KIND_IOMMU;
	if (rfs_existsf(rfs, O_NOFOLLOW, SYS_CLASS_VFIO "/noiommu-%lu", g->id))
		return IOMMU_KIND_NOIOMMU;
	if (rfs_existsf(rfs, O_NOFOLLOW, SYS_CLASS_VFIO "/%lu", g->id))
		return IOMMU_KIND_EMULATED;
	for (size_t i = 0; i < g->nmembers; i++)
		if (g->members[i].bus && strcmp(g->members[i].bus, "mdev") == 0)
			return IOMMU_KIND_EMULATED;
	return IOMMU_KIND_NOIOMMU;
}

static char *vfio_node(const struct rootfs *rfs, unsigned long id)
{
	if (rfs_existsf(rfs, O_NOFOLLOW, SYS_CLASS_VFIO "/noiommu-%lu", id))
		return xasprintf("/dev/vfio/noiommu-%lu", id);
	if (rfs_existsf(rfs, O_NOFOLLOW, SYS_CLASS_VFIO "/%lu", id))
		return xasprintf("/dev/vfio/%lu", id);
	return NULL;
}

/* Loads group ID; a bare negative errno when its directory cannot be read. */
static int load_group(const struct rootfs *rfs, unsigned long id, struct iommu_group *g)
{
	struct strv names = { 0 };
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	memset(g, 0, sizeof(*g));
	g->id = id;
	if (rfs_path(dir, sizeof(dir), SYS_IOMMU_GROUPS "/%lu", id) < 0 ||
	    rfs_path(path, sizeof(path), "%s/devices", dir) < 0)
		return -ENAMETOOLONG;
	r = rfs_scandir(rfs, path, SCAN_DIRS | SCAN_FOLLOW, &names, NULL);
	if (r < 0) {
		strv_free(&names);
		return r;
	}
	g->members = xcalloc(names.n, sizeof(*g->members));
	for (size_t i = 0; i < names.n; i++)
		load_member(rfs, id, names.v[i], &g->members[g->nmembers++]);
	strv_free(&names);
	if (g->nmembers > 1)
		qsort(g->members, g->nmembers, sizeof(*g->members), cmp_member);
	g->name = read_attr(rfs, dir, "name");
	g->type = read_attr(rfs, dir, "type");
	g->vfio = vfio_node(rfs, id);
	load_regions(rfs, dir, g);
	g->kind = detect_kind(rfs, g);
	return 0;
}

void iommu_group_clear(struct iommu_group *g)
{
	for (size_t i = 0; i < g->nmembers; i++)
		member_clear(&g->members[i]);
	free(g->members);
	for (size_t i = 0; i < g->nregions; i++) {
		free(g->regions[i].start);
		free(g->regions[i].end);
		free(g->regions[i].type);
	}
	free(g->regions);
	free(g->name);
	free(g->type);
	free(g->vfio);
	memset(g, 0, sizeof(*g));
}

int iommu_group_load(const struct rootfs *rfs, unsigned long id, struct iommu_group *g,
		     struct mdev_error *err)
{
	int r = load_group(rfs, id, g);

	if (r == 0)
		return 0;
	iommu_group_clear(g);
	if (r == -ENOENT || r == -ENOTDIR)
		return mdev_errorf(err, ENOENT, "no IOMMU group %lu (see 'groups' for the list)",
				   id);
	return mdev_errorf(err, -r, "cannot read IOMMU group %lu: %s", id, file_strerror(-r));
}

static int cmp_group(const void *a, const void *b)
{
	unsigned long x = ((const struct iommu_group *)a)->id;
	unsigned long y = ((const struct iommu_group *)b)->id;

	return x < y ? -1 : x > y;
}

int iommu_groups_load(const struct rootfs *rfs, struct iommu_group_list *out,
		      struct mdev_error *err)
{
	struct strv names = { 0 };
	int r;

	out->v = NULL;
	out->n = 0;
	r = rfs_scandir(rfs, SYS_IOMMU_GROUPS, SCAN_DIRS | SCAN_FOLLOW, &names, NULL);
	if (r == -ENOENT) {
		strv_free(&names);
		return 0; /* no IOMMU and no VFIO device: the kernel made no group */
	}
	if (r < 0) {
		strv_free(&names);
		return mdev_errorf(err, -r, "cannot list IOMMU groups in /%s: %s", SYS_IOMMU_GROUPS,
				   strerror(-r));
	}
	out->v = xcalloc(names.n, sizeof(*out->v));
	for (size_t i = 0; i < names.n; i++) {
		unsigned long id;

		if (!parse_ulong(names.v[i], &id))
			continue;
		r = load_group(rfs, id, &out->v[out->n]);
		if (r == 0) {
			out->n++;
			continue;
		}
		iommu_group_clear(&out->v[out->n]);
		if (r != -ENOENT) /* a group that went away while we looked is no news */
			warnf("skipping IOMMU group %lu: %s", id, file_strerror(-r));
	}
	strv_free(&names);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_group);
	return 0;
}

void iommu_group_list_free(struct iommu_group_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		iommu_group_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool iommu_driver_is_dma_free(const char *driver)
{
	/* vfio-pci, its variants (mlx5_vfio_pci, ...), vfio-platform, vfio-fsl-mc */
	if (strstr(driver, "vfio"))
		return true;
	return strcmp(driver, "pci-stub") == 0 || strcmp(driver, "pcieport") == 0;
}

enum iommu_status iommu_group_status(const struct iommu_group *g,
				     const struct iommu_member **culprit)
{
	if (culprit)
		*culprit = NULL;
	if (g->kind == IOMMU_KIND_NOIOMMU)
		return IOMMU_STATUS_UNSAFE;
	/* an mdev's driver is its parent's VFIO driver, never a host user of the device */
	for (size_t i = 0; g->kind == IOMMU_KIND_IOMMU && i < g->nmembers; i++) {
		const struct iommu_member *m = &g->members[i];

		if (m->driver && !m->vfio_provider && !iommu_driver_is_dma_free(m->driver)) {
			if (culprit)
				*culprit = m;
			return IOMMU_STATUS_HOST;
		}
	}
	for (size_t i = 0; i < g->nmembers; i++) {
		if (g->members[i].vfio_provider && !g->members[i].mdev_type) {
			if (culprit)
				*culprit = &g->members[i];
			return IOMMU_STATUS_UNBOUND;
		}
	}
	return g->vfio ? IOMMU_STATUS_READY : IOMMU_STATUS_UNBOUND;
}

int iommu_group_of(const struct rootfs *rfs, const char *dev, unsigned long *id)
{
	char *base = link_base(rfs, dev, "iommu_group");
	bool ok = base && parse_ulong(base, id);

	free(base);
	return ok ? 0 : -ENOENT;
}

int iommu_group_of_at(const struct rootfs *rfs, int dirfd, const char *dirpath, const char *name,
		      unsigned long *id)
{
	char rel[NAME_MAX + sizeof("/iommu_group")], link[PATH_MAX];

	if ((size_t)snprintf(rel, sizeof(rel), "%s/iommu_group", name) >= sizeof(rel) ||
	    rfs_readlink_at(rfs, dirfd, dirpath, rel, link, sizeof(link)) < 0)
		return -ENOENT;
	return parse_ulong(rfs_basename(link), id) ? 0 : -ENOENT;
}

char *vfio_group_node_of(const struct rootfs *rfs, const char *dev)
{
	unsigned long id;

	return iommu_group_of(rfs, dev, &id) == 0 ? vfio_node(rfs, id) : NULL;
}

char *vfio_device_node_of(const struct rootfs *rfs, const char *dev)
{
	return find_vfio_device(rfs, dev);
}

void vfio_nodes_of(const struct rootfs *rfs, const char *dev, struct strv *nodes)
{
	char *node = vfio_group_node_of(rfs, dev);

	if (node) {
		strv_push(nodes, node);
		free(node);
	}
	node = find_vfio_device(rfs, dev);
	if (node) {
		strv_push(nodes, node);
		free(node);
	}
}
