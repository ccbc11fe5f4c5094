/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* start --wait: until a created device is bound and its VFIO nodes exist. */
#ifndef MDEVADM_WAIT_H
#define MDEVADM_WAIT_H

#include "basic/error.h"
#include "basic/rootfs.h"

/*
 * Waits up to TIMEOUT_S seconds for UUID to be usable by a VM: listed in
 * /sys/bus/mdev/devices, bound to a driver, and every VFIO node the kernel
 * announced for it (/dev/vfio/GROUP for its IOMMU group, /dev/vfio/devices/vfioN
 * for its vfio-dev cdev) present.  Woken by udev on the host, polling the
 * rooted tree elsewhere.  Returns 0, or -ETIMEDOUT with ERR naming what was
 * still missing, or -ENODEV when the device went away meanwhile.
 */
int wait_device_ready(const struct rootfs *rfs, const char *uuid, unsigned long timeout_s,
		      struct mdev_error *err);

#endif
