/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VFIO uAPI, from the system's <linux/vfio.h>.  What older headers lack is defined here
 * with the kernel's values (ABI: they never change): Debian 12's linux-libc-dev 6.1 has
 * migration v2 and DMA logging, but not PRE_COPY (6.2), the cdev bind ioctl (6.6) or the
 * CDX device flag (6.6).
 */
#ifndef MDEVADM_VFIO_UAPI_H
#define MDEVADM_VFIO_UAPI_H

#include <linux/types.h>
#include <linux/vfio.h>

#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY (1 << 2)
#endif

#ifndef VFIO_DEVICE_FLAGS_CDX
#define VFIO_DEVICE_FLAGS_CDX (1 << 8)
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#endif

#endif
