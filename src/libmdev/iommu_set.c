// SPDX-License-Identifier: LGPL-2.1-or-later
/* Changing IOMMU groups: the default domain type, safely, and VFIO's no-IOMMU mode. */
#include "libmdev/iommu_set.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const iommu_group_types[] = { "DMA", "DMA-FQ", "identity", "auto", NULL };

bool iommu_type_valid(const char *type)
{
	for (const char *const *t = iommu_group_types; *t; t++)
		if (strcmp(type, *t) == 0)
			return true;
	return false;
}

/* The unbind hint: the bus's path when the bus is known, the group's link otherwise. */
static void unbind_hint(char *buf, size_t size, unsigned long id, const struct iommu_member *m)
{
	if (m->bus)
		snprintf(buf, size, "echo %s > /sys/bus/%s/devices/%s/driver/unbind", m->name,
			 m->bus, m->name);
	else
		snprintf(buf, size, "echo %s > /" SYS_IOMMU_GROUPS "/%lu/devices/%s/driver/unbind",
			 m->name, id, m->name);
}

static int refuse_host_drivers(const struct iommu_group *g, const char *type, bool force,
			       struct mdev_error *err)
{
	const struct iommu_member *first = NULL;
	char who[512] = "", hint[PATH_MAX];
	size_t len = 0, count = 0;

	for (size_t i = 0; i < g->nmembers; i++) {
		const struct iommu_member *m = &g->members[i];

		if (!m->driver || iommu_driver_is_dma_free(m->driver))
			continue;
		if (force) {
			warnf("IOMMU group %lu: %s is bound to host driver %s; writing %s anyway (--force)",
			      g->id, m->name, m->driver, type);
			continue;
		}
		if (!first)
			first = m;
		if (len < sizeof(who))
			len += (size_t)snprintf(who + len, sizeof(who) - len, "%s%s is bound to %s",
						count ? ", " : "", m->name, m->driver);
		count++;
	}
	if (!first)
		return 0;
	unbind_hint(hint, sizeof(hint), g->id, first);
	return mdev_errorf(
		err, EBUSY,
		"cannot set the type of IOMMU group %lu: %s; changing the DMA domain under a host driver breaks its DMA; unbind %s first (%s%s) or use --force",
		g->id, who, count > 1 ? "them" : "it", hint,
		count > 1 ? ", likewise for the others" : "");
}

/*
 * Why the kernel refused a type, named as the kernel answered it: what 6.12
 * and 6.1 said in the same situations.  NULL for answers with nothing to add.
 */
static const char *type_write_reason(int code)
{
	switch (code) {
	case EPERM:
		return "EPERM: a driver that uses the DMA API is bound to a member, or the group is open (in use by a VM); unbind the driver or stop the VM first";
	case EBUSY:
		return "EBUSY: the group is busy; older kernels (6.1) refuse while any driver, vfio-pci included, is bound to a member: unbind every member and retry";
	case EINVAL:
		return "EINVAL: the kernel does not accept this type for this group (no real IOMMU domain, or the IOMMU driver cannot provide this type)";
	case EACCES:
		return "EACCES: permission denied; changing the domain type needs root (CAP_SYS_ADMIN)";
	case ENODEV:
	case ENOENT:
		return "the group or its type attribute went away";
	default:
		return NULL;
	}
}

int iommu_group_set_type(const struct rootfs *rfs, const struct iommu_group *g, const char *type,
			 bool force, struct mdev_error *err)
{
	const struct iommu_member *m = g->nmembers ? &g->members[0] : NULL;
	char path[PATH_MAX];
	int r;

	if (!iommu_type_valid(type))
		return mdev_errorf(
			err, EINVAL,
			"invalid IOMMU group type '%s': expected DMA, DMA-FQ, identity or auto",
			type);
	if (g->kind == IOMMU_KIND_EMULATED)
		return mdev_errorf(
			err, EINVAL,
			"cannot set the type of IOMMU group %lu: it is the emulated group of mdev %s, whose parent driver %s mediates its DMA; there is no IOMMU domain to change (the kernel answers EINVAL)",
			g->id, m ? m->name : "(none)", m && m->parent ? m->parent : "(unknown)");
	if (g->kind == IOMMU_KIND_NOIOMMU)
		return mdev_errorf(
			err, EINVAL,
			"cannot set the type of IOMMU group %lu: it is a no-IOMMU group (%s), with no IOMMU translating its DMA; there is no domain type to change (the kernel answers EINVAL)",
			g->id, m ? m->name : "no device");
	r = refuse_host_drivers(g, type, force, err);
	if (r < 0)
		return r;
	if (rfs_path(path, sizeof(path), SYS_IOMMU_GROUPS "/%lu/type", g->id) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "IOMMU group %lu: path too long", g->id);
	r = rfs_write_replace(rfs, path, type);
	if (r < 0)
		return mdev_errorf(
			err, -r, "cannot set the type of IOMMU group %lu to %s: %s", g->id, type,
			type_write_reason(-r) ? type_write_reason(-r) : file_strerror(-r));
	return 0;
}

int iommu_group_read_type(const struct rootfs *rfs, unsigned long id, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (rfs_path(path, sizeof(path), SYS_IOMMU_GROUPS "/%lu/type", id) < 0)
		return -ENAMETOOLONG;
	return rfs_read(rfs, path, buf, size);
}

int noiommu_get(const struct rootfs *rfs, bool *on, struct mdev_error *err)
{
	char buf[16];
	int r = rfs_read(rfs, SYS_NOIOMMU_PARAM, buf, sizeof(buf));

	if (r == -ENOENT) {
		if (!rfs_existsf(rfs, O_NOFOLLOW, "sys/module/vfio"))
			return mdev_errorf(
				err, ENOENT,
				"VFIO is not loaded (no /sys/module/vfio): load it with 'modprobe vfio'; no-IOMMU mode also needs a kernel built with CONFIG_VFIO_NOIOMMU");
		return mdev_errorf(
			err, ENOENT,
			"this kernel has no VFIO no-IOMMU support: /%s is absent (the kernel was built without CONFIG_VFIO_NOIOMMU)",
			SYS_NOIOMMU_PARAM);
	}
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read /%s: %s", SYS_NOIOMMU_PARAM,
				   file_strerror(-r));
	if (strcmp(buf, "Y") == 0 || strcmp(buf, "y") == 0 || strcmp(buf, "1") == 0) {
		*on = true;
		return 0;
	}
	if (strcmp(buf, "N") == 0 || strcmp(buf, "n") == 0 || strcmp(buf, "0") == 0) {
		*on = false;
		return 0;
	}
	return mdev_errorf(err, EINVAL, "unexpected value '%s' in /%s (expected Y or N)", buf,
			   SYS_NOIOMMU_PARAM);
}

int noiommu_set(const struct rootfs *rfs, bool on, bool force, struct mdev_error *err)
{
	bool cur;
	int r = noiommu_get(rfs, &cur, err);

	if (r < 0)
		return r;
	if (on && !force)
		return mdev_errorf(
			err, EPERM,
			"refusing to enable VFIO no-IOMMU mode without --force: vfio-pci would accept devices that no IOMMU isolates, giving whoever opens them unmediated DMA to all host memory, and using one taints the kernel");
	r = rfs_write_replace(rfs, SYS_NOIOMMU_PARAM, on ? "Y" : "N");
	if (r == -EACCES || r == -EPERM)
		return mdev_errorf(err, -r,
				   "cannot %s VFIO no-IOMMU mode: permission denied (needs root)",
				   on ? "enable" : "disable");
	if (r < 0)
		return mdev_errorf(err, -r, "cannot %s VFIO no-IOMMU mode: writing /%s: %s",
				   on ? "enable" : "disable", SYS_NOIOMMU_PARAM, file_strerror(-r));
	return 0;
}
