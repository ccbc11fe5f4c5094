/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Changing IOMMU groups: the default domain type, and VFIO's no-IOMMU mode. */
#ifndef MDEVADM_IOMMU_SET_H
#define MDEVADM_IOMMU_SET_H

#include <stdbool.h>

#include "libmdev/iommu.h"

/* What the type attribute accepts: DMA, DMA-FQ, identity, auto; NULL-terminated. */
extern const char *const iommu_group_types[];

/* TYPE is one of iommu_group_types. */
bool iommu_type_valid(const char *type);

/*
 * Writes TYPE to G's type attribute.  Refuses without writing for emulated
 * and no-IOMMU groups, and (unless FORCE) while a host driver holds a member;
 * kernel errors come back explained.
 */
int iommu_group_set_type(const struct rootfs *rfs, const struct iommu_group *g, const char *type,
			 bool force, struct mdev_error *err);

/* Reads the type attribute again, e.g. after a write ("auto" resolves to a real type). */
int iommu_group_read_type(const struct rootfs *rfs, unsigned long id, char *buf, size_t size);

/*
 * VFIO's enable_unsafe_noiommu_mode: -ENOENT with an explanation when VFIO is
 * not loaded or the kernel was built without CONFIG_VFIO_NOIOMMU.
 */
int noiommu_get(const struct rootfs *rfs, bool *on, struct mdev_error *err);
/* Enabling needs FORCE: it allows unmediated DMA and taints the kernel. */
int noiommu_set(const struct rootfs *rfs, bool on, bool force, struct mdev_error *err);

#endif
