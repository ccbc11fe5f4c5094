/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a VFIO device says about itself when opened: kind, reset, regions, IRQs, migration. */
#ifndef MDEVADM_VFIO_PROBE_H
#define MDEVADM_VFIO_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/error.h"
#include "basic/rootfs.h"

/* How the device was opened. */
enum vfio_access {
	VFIO_ACCESS_CDEV,  /* its cdev, bound to an iommufd (Linux 6.6 and later) */
	VFIO_ACCESS_GROUP, /* through its group and a type1 container */
};

struct vfio_probe_region {
	uint32_t index;
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
};

struct vfio_probe_irq {
	uint32_t index;
	uint32_t flags; /* VFIO_IRQ_INFO_* */
	uint32_t count;
};

struct vfio_probe {
	enum vfio_access access;
	char *node;	      /* the node opened: /dev/vfio/devices/vfioN or /dev/vfio/N */
	uint32_t flags;	      /* VFIO_DEVICE_FLAGS_* */
	uint32_t num_regions; /* as the device reports them ... */
	uint32_t num_irqs;
	struct vfio_probe_region *regions; /* ... and those that answered, by index */
	size_t nregions;
	struct vfio_probe_irq *irqs;
	size_t nirqs;
	bool migration;		  /* VFIO_DEVICE_FEATURE_MIGRATION is implemented */
	uint64_t migration_flags; /* VFIO_MIGRATION_*: STOP_COPY, P2P, PRE_COPY */
	bool dirty_logging;	  /* the device tracks the pages it dirties (DMA logging) */
};

/*
 * Opens the VFIO device at DEV (a root-relative sysfs path whose last component is the
 * device's name), asks it, and closes it.  Through its cdev and /dev/iommu where both exist,
 * else through its group and /dev/vfio/vfio.  Refused with -EBUSY, naming the processes,
 * while anybody holds one of its nodes: a VM's device is not opened behind its back.
 * A missing node or a lacking permission is an error that says what is missing.
 */
int vfio_probe_device(const struct rootfs *rfs, const char *dev, struct vfio_probe *out,
		      struct mdev_error *err);
void vfio_probe_clear(struct vfio_probe *p);

/* The device API its flags name ("vfio-pci", "vfio-ccw", ...), or NULL when none does. */
const char *vfio_probe_api(const struct vfio_probe *p);
/* The vfio-pci name of a region ("BAR0", "CONFIG") or IRQ ("MSI-X"); NULL elsewhere. */
const char *vfio_probe_region_name(const struct vfio_probe *p, uint32_t index);
const char *vfio_probe_irq_name(const struct vfio_probe *p, uint32_t index);

#endif
