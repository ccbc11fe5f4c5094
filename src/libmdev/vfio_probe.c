// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening a VFIO device the way a VMM does, asking what it supports, and letting go. */
#include "libmdev/vfio_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "basic/util.h"
#include "libmdev/holders.h"
#include "libmdev/iommu.h"
#include "libmdev/vfio_uapi.h"

#define DEV_IOMMU "/dev/iommu"
#define DEV_VFIO_CONTAINER "/dev/vfio/vfio"

/* Regions and IRQs past this index are not asked about: no real device has that many. */
#define PROBE_MAX_INDEX 64

/* The descriptors of one probe; the device is closed first, before what it is bound to. */
struct session {
	int dev, group, container, iommufd;
};

static void session_close(struct session *s)
{
	int *fds[] = { &s->dev, &s->group, &s->container, &s->iommufd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Opens the /dev node NODE inside the root, saying what is missing or not allowed. */
static int open_node(const struct rootfs *rfs, const char *node, struct mdev_error *err)
{
	int fd = rfs_open(rfs, node, O_RDWR | O_CLOEXEC, 0);

	if (fd >= 0)
		return fd;
	if (fd == -EACCES || fd == -EPERM)
		return mdev_errorf(err, -fd,
				   "cannot open %s: %s (probing opens the device: run as root)",
				   node, strerror(-fd));
	if (fd == -EBUSY)
		return mdev_errorf(err, EBUSY, "cannot open %s: %s (another process has it open)",
				   node, strerror(EBUSY));
	if (fd == -ENOENT)
		return mdev_errorf(
			err, ENOENT,
			"cannot open %s: no such node, though sysfs announces it (is /dev "
			"a devtmpfs?)",
			node);
	return mdev_errorf(err, -fd, "cannot open %s: %s", node, strerror(-fd));
}

static int ioctl_fail(struct mdev_error *err, const char *what, const char *node)
{
	int e = errno;

	return mdev_errorf(err, e, "%s on %s failed: %s", what, node, strerror(e));
}

static int open_cdev(const struct rootfs *rfs, const char *node, struct session *s,
		     struct mdev_error *err)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };

	s->dev = open_node(rfs, node, err);
	if (s->dev < 0)
		return s->dev;
	s->iommufd = open_node(rfs, DEV_IOMMU, err);
	if (s->iommufd < 0)
		return s->iommufd;
	/* binding opens the device; an IOAS is only needed for DMA, which a probe does not do */
	bind.iommufd = s->iommufd;
	if (ioctl(s->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) == 0)
		return 0;
	/*
	 * The kernel's answer when another process already has the device (EINVAL: through
	 * its cdev, EBUSY: through its group) that the holders check could not see, e.g. from
	 * another PID namespace.
	 */
	if (errno == EINVAL || errno == EBUSY)
		return mdev_errorf(err, EBUSY,
				   "the kernel refuses to bind %s (%s): another process has the "
				   "device open, one that /proc does not show",
				   node, strerror(errno));
	return ioctl_fail(err, "VFIO_DEVICE_BIND_IOMMUFD", node);
}

static int open_group(const struct rootfs *rfs, const char *node, const char *name,
		      struct session *s, struct mdev_error *err)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int r, type;

	s->group = open_node(rfs, node, err);
	if (s->group < 0)
		return s->group;
	if (ioctl(s->group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return ioctl_fail(err, "VFIO_GROUP_GET_STATUS", node);
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return mdev_errorf(err, EBUSY,
				   "group %s is not viable: one of its devices is bound to a host "
				   "driver",
				   node);
	s->container = open_node(rfs, DEV_VFIO_CONTAINER, err);
	if (s->container < 0)
		return s->container;
	r = ioctl(s->container, VFIO_GET_API_VERSION);
	if (r != VFIO_API_VERSION)
		return mdev_errorf(err, EPROTO, "%s speaks VFIO API version %d, not %d",
				   DEV_VFIO_CONTAINER, r, VFIO_API_VERSION);
	type = ioctl(s->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0
		       ? VFIO_TYPE1v2_IOMMU
		       : VFIO_TYPE1_IOMMU;
	if (ioctl(s->group, VFIO_GROUP_SET_CONTAINER, &s->container) < 0)
		return ioctl_fail(err, "VFIO_GROUP_SET_CONTAINER", node);
	if (ioctl(s->container, VFIO_SET_IOMMU, type) < 0)
		return ioctl_fail(err, "VFIO_SET_IOMMU", DEV_VFIO_CONTAINER);
	s->dev = ioctl(s->group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (s->dev < 0)
		return ioctl_fail(err, "VFIO_GROUP_GET_DEVICE_FD", node);
	return 0;
}

static void ask_regions(int dev, struct vfio_probe *p)
{
	uint32_t n = p->num_regions < PROBE_MAX_INDEX ? p->num_regions : PROBE_MAX_INDEX;

	p->regions = xcalloc(n ? n : 1, sizeof(*p->regions));
	for (uint32_t i = 0; i < n; i++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = i };

		/* an index the driver does not answer for is left out */
		if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri) == 0)
			p->regions[p->nregions++] =
				(struct vfio_probe_region){ i, ri.flags, ri.size };
	}
}

static void ask_irqs(int dev, struct vfio_probe *p)
{
	uint32_t n = p->num_irqs < PROBE_MAX_INDEX ? p->num_irqs : PROBE_MAX_INDEX;

	p->irqs = xcalloc(n ? n : 1, sizeof(*p->irqs));
	for (uint32_t i = 0; i < n; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0)
			p->irqs[p->nirqs++] = (struct vfio_probe_irq){ i, ii.flags, ii.count };
	}
}

/*
 * VFIO_DEVICE_FEATURE with FLAGS and a zeroed payload, left in *DATA.  1 when the device
 * has the feature, 0 when it does not (ENOTTY: the core's answer for a driver without it).
 */
static int feature(int dev, uint32_t flags, void *data, size_t size, const char *what,
		   const char *node, struct mdev_error *err)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) +
		      sizeof(struct vfio_device_feature_dma_logging_control) + 7) /
		     8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;

	f->argsz = sizeof(buf);
	f->flags = flags;
	if (ioctl(dev, VFIO_DEVICE_FEATURE, f) < 0)
		return errno == ENOTTY ? 0 : ioctl_fail(err, what, node);
	if (data)
		memcpy(data, f->data, size);
	return 1;
}

static int ask(int dev, struct vfio_probe *p, struct mdev_error *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_device_feature_migration mig = { 0 };
	int r;

	if (ioctl(dev, VFIO_DEVICE_GET_INFO, &info) < 0)
		return ioctl_fail(err, "VFIO_DEVICE_GET_INFO", p->node);
	p->flags = info.flags;
	p->num_regions = info.num_regions;
	p->num_irqs = info.num_irqs;
	ask_regions(dev, p);
	ask_irqs(dev, p);
	r = feature(dev, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig),
		    "VFIO_DEVICE_FEATURE_MIGRATION", p->node, err);
	if (r < 0)
		return r;
	p->migration = r;
	p->migration_flags = mig.flags;
	/* PROBE asks whether logging could start, without starting it */
	r = feature(dev,
		    VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE |
			    VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		    NULL, 0, "VFIO_DEVICE_FEATURE_DMA_LOGGING_START", p->node, err);
	if (r < 0)
		return r;
	p->dirty_logging = r;
	return 0;
}

/* Says why neither way in is open: which node or which kernel part is missing. */
static int no_way_in(const char *cdev, const char *group, struct mdev_error *err)
{
	return mdev_errorf(err, ENODEV, "cannot open it: %s%s%s, and %s%s%s",
			   cdev ? "no " DEV_IOMMU " to bind its cdev " : "",
			   cdev ? cdev : "it has no VFIO cdev (CONFIG_VFIO_DEVICE_CDEV)",
			   cdev ? " to (CONFIG_IOMMUFD)" : "",
			   group ? "no " DEV_VFIO_CONTAINER " for its group " : "",
			   group ? group : "it has no VFIO group node",
			   group ? " (CONFIG_VFIO_CONTAINER)" : "");
}

int vfio_probe_device(const struct rootfs *rfs, const char *dev, struct vfio_probe *out,
		      struct mdev_error *err)
{
	char *group = vfio_group_node_of(rfs, dev), *cdev = vfio_device_node_of(rfs, dev);
	struct session s = { -1, -1, -1, -1 };
	int r;

	memset(out, 0, sizeof(*out));
	r = holders_check(rfs, dev, err);
	if (r < 0)
		goto out;
	if (!group && !cdev) {
		r = mdev_errorf(err, ENODEV,
				"it has no VFIO node: no VFIO driver is bound to it, or the kernel "
				"has no VFIO");
	} else if (cdev && rfs_existsf(rfs, 0, DEV_IOMMU)) {
		out->access = VFIO_ACCESS_CDEV;
		out->node = xstrdup(cdev);
		r = open_cdev(rfs, cdev, &s, err);
	} else if (group && rfs_existsf(rfs, 0, DEV_VFIO_CONTAINER)) {
		out->access = VFIO_ACCESS_GROUP;
		out->node = xstrdup(group);
		r = open_group(rfs, group, rfs_basename(dev), &s, err);
	} else {
		r = no_way_in(cdev, group, err);
	}
	if (r == 0)
		r = ask(s.dev, out, err);
	session_close(&s);
out:
	if (r < 0)
		vfio_probe_clear(out);
	free(group);
	free(cdev);
	return r;
}

void vfio_probe_clear(struct vfio_probe *p)
{
	free(p->node);
	free(p->regions);
	free(p->irqs);
	memset(p, 0, sizeof(*p));
}

const char *vfio_probe_api(const struct vfio_probe *p)
{
	static const struct {
		uint32_t flag;
		const char *api;
	} apis[] = {
		{ VFIO_DEVICE_FLAGS_PCI, "vfio-pci" },
		{ VFIO_DEVICE_FLAGS_PLATFORM, "vfio-platform" },
		{ VFIO_DEVICE_FLAGS_AMBA, "vfio-amba" },
		{ VFIO_DEVICE_FLAGS_CCW, "vfio-ccw" },
		{ VFIO_DEVICE_FLAGS_AP, "vfio-ap" },
		{ VFIO_DEVICE_FLAGS_FSL_MC, "vfio-fsl-mc" },
		{ VFIO_DEVICE_FLAGS_CDX, "vfio-cdx" },
	};

	for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++)
		if (p->flags & apis[i].flag)
			return apis[i].api;
	return NULL;
}

const char *vfio_probe_region_name(const struct vfio_probe *p, uint32_t index)
{
	static const char *const names[VFIO_PCI_NUM_REGIONS] = {
		[VFIO_PCI_BAR0_REGION_INDEX] = "BAR0", [VFIO_PCI_BAR1_REGION_INDEX] = "BAR1",
		[VFIO_PCI_BAR2_REGION_INDEX] = "BAR2", [VFIO_PCI_BAR3_REGION_INDEX] = "BAR3",
		[VFIO_PCI_BAR4_REGION_INDEX] = "BAR4", [VFIO_PCI_BAR5_REGION_INDEX] = "BAR5",
		[VFIO_PCI_ROM_REGION_INDEX] = "ROM",   [VFIO_PCI_CONFIG_REGION_INDEX] = "CONFIG",
		[VFIO_PCI_VGA_REGION_INDEX] = "VGA",
	};

	return (p->flags & VFIO_DEVICE_FLAGS_PCI) && index < VFIO_PCI_NUM_REGIONS ? names[index]
										  : NULL;
}

const char *vfio_probe_irq_name(const struct vfio_probe *p, uint32_t index)
{
	static const char *const names[VFIO_PCI_NUM_IRQS] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",  [VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
		[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X", [VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
		[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
	};

	return (p->flags & VFIO_DEVICE_FLAGS_PCI) && index < VFIO_PCI_NUM_IRQS ? names[index]
									       : NULL;
}
