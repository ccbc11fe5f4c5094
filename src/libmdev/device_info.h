/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a device is, from sysfs, the store and /proc, without opening it. */
#ifndef MDEVADM_DEVICE_INFO_H
#define MDEVADM_DEVICE_INFO_H

#include <limits.h>
#include <stdbool.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"
#include "libmdev/holders.h"
#include "libmdev/iommu.h"

/*
 * The VFIO side of any device, found from its sysfs path alone: what an mdev and a PCI
 * function (a vGPU on an SR-IOV VF) have in common.
 */
struct vfio_facts {
	bool has_group;
	unsigned long group;
	enum iommu_kind kind;
	char *group_node;  /* /dev/vfio/N or /dev/vfio/noiommu-N; NULL when absent */
	char *device_node; /* /dev/vfio/devices/vfioN; NULL without a VFIO cdev */
	char *driver;	   /* NULL when unbound */
	struct holder_list holders;
};

/* Reads the facts of the device at DEV (a root-relative sysfs path). */
int vfio_facts_load(const struct rootfs *rfs, const char *dev, struct vfio_facts *f,
		    struct mdev_error *err);
void vfio_facts_clear(struct vfio_facts *f);

/* A device of any family, as `info` shows it. */
struct dev_info {
	const char *key_name; /* what KEY is: "uuid" (an mdev) or "vf" (a VF's PCI address) */
	char key[UUID_STR_LEN];
	char *parent;
	char *type;
	char *type_name; /* the type's name; NULL when unknown */
	bool defined;
	bool autostart; /* defined ones only */
	bool active;
	char dev[PATH_MAX];	/* its sysfs path, when active */
	struct vfio_facts vfio; /* when active */
};

/*
 * The mdev UUID, active or defined (on PARENT when not NULL): -ENOENT when it is neither,
 * -EINVAL when it is defined on several parents and none is named.
 */
int mdev_info_load(const struct rootfs *rfs, const char *uuid, const char *parent,
		   struct dev_info *out, struct mdev_error *err);
void dev_info_clear(struct dev_info *i);

#endif
