// SPDX-License-Identifier: LGPL-2.1-or-later
/* start --wait: re-reads sysfs and /dev through the rooted layer until the device is usable. */
#include "libmdev/wait.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmdev/model.h"
#include "libmdev/uevent.h"

/* With udev waking us, polling only covers what udev does not announce. */
#define TICK_UDEV_MS 250
#define TICK_POLL_MS 20

enum readiness { READY, NOT_YET, ABSENT };

/* snprintf for messages and paths whose truncation is harmless (a longer name is not there). */
__attribute__((format(printf, 3, 4))) static void put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/*
 * The /dev node of the class device at CLASSDIR: its uevent's DEVNAME names
 * it, as devtmpfs and udev use it; FALLBACK when there is no uevent to read.
 */
static void node_path(const struct rootfs *rfs, const char *classdir, const char *fallback,
		      char *out, size_t size)
{
	char path[PATH_MAX], buf[1024];
	const char *p;

	if (rfs_path(path, sizeof(path), "%s/uevent", classdir) == 0 &&
	    rfs_read(rfs, path, buf, sizeof(buf)) >= 0) {
		for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			if (strncmp(p, "DEVNAME=", 8) == 0) {
				size_t len = strcspn(p + 8, "\n");

				put(out, size, "dev/%.*s", (int)len, p + 8);
				return;
			}
		}
	}
	put(out, size, "%s", fallback);
}

/* Says in MISSING what the device still lacks, "" when it lacks nothing. */
static enum readiness check(const struct rootfs *rfs, const char *uuid, char *missing, size_t size)
{
	char dev[PATH_MAX], path[PATH_MAX], link[PATH_MAX], drv[NAME_MAX + 1], node[PATH_MAX];
	char cls[PATH_MAX], fallback[PATH_MAX];
	unsigned nodes = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	rfs_path(dev, sizeof(dev), SYS_DEVICES "/%s", uuid);
	if (!rfs_existsf(rfs, 0, "%s", dev)) {
		put(missing, size, "it is not in /" SYS_DEVICES);
		return ABSENT;
	}
	if (rfs_path(path, sizeof(path), "%s/driver", dev) < 0 ||
	    rfs_readlink(rfs, path, link, sizeof(link)) < 0) {
		put(missing, size, "it is not bound to a driver (no /%s)", path);
		return NOT_YET;
	}
	put(drv, sizeof(drv), "%s", rfs_basename(link));

	if (rfs_path(path, sizeof(path), "%s/iommu_group", dev) == 0 &&
	    rfs_readlink(rfs, path, link, sizeof(link)) >= 0) {
		const char *group = rfs_basename(link);

		/* a no-IOMMU group's node and class device are named noiommu-N */
		put(cls, sizeof(cls), "sys/class/vfio/noiommu-%s", group);
		if (rfs_existsf(rfs, 0, "%s", cls)) {
			put(fallback, sizeof(fallback), "dev/vfio/noiommu-%s", group);
		} else {
			put(cls, sizeof(cls), "sys/class/vfio/%s", group);
			put(fallback, sizeof(fallback), "dev/vfio/%s", group);
		}
		node_path(rfs, cls, fallback, node, sizeof(node));
		if (!rfs_existsf(rfs, 0, "%s", node)) {
			put(missing, size,
			    "it is bound to %s, but its VFIO group node /%s does not exist", drv,
			    node);
			return NOT_YET;
		}
		nodes++;
	}

	fd = rfs_openf(rfs, O_RDONLY | O_DIRECTORY, "%s/vfio-dev", dev);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (fd >= 0 && !d)
		close(fd);
	missing[0] = '\0';
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) != 0)
			continue;
		put(cls, sizeof(cls), "%s/vfio-dev/%s", dev, de->d_name);
		put(fallback, sizeof(fallback), "dev/vfio/devices/%s", de->d_name);
		node_path(rfs, cls, fallback, node, sizeof(node));
		if (!rfs_existsf(rfs, 0, "%s", node)) {
			put(missing, size,
			    "it is bound to %s, but its VFIO device node /%s does not exist", drv,
			    node);
			break;
		}
		nodes++;
	}
	if (d)
		closedir(d);
	if (missing[0])
		return NOT_YET;
	if (nodes == 0) {
		put(missing, size,
		    "it is bound to %s, but VFIO has not registered it (no iommu_group, no "
		    "vfio-dev)",
		    drv);
		return NOT_YET;
	}
	return READY;
}

int wait_device_ready(const struct rootfs *rfs, const char *uuid, unsigned long timeout_s,
		      struct mdev_error *err)
{
	static const char *const subsystems[] = { "mdev", "vfio", "vfio-dev", NULL };
	struct uevent_wake *wake = NULL;
	struct mdev_error ignored;
	long long deadline, left;
	char missing[512];
	bool seen = false;
	int r;

	deadline = monotonic_ms() + (timeout_s > INT32_MAX ? (long long)INT32_MAX * 1000
							   : (long long)timeout_s * 1000);
	/*
	 * Subscribed before the first look, so nothing that happens after it
	 * goes unnoticed; a tree other than the host's can only be polled.
	 */
	if (rfs->host && uevent_wake_open(subsystems, &wake, &ignored) < 0)
		wake = NULL;
	for (;;) {
		enum readiness st = check(rfs, uuid, missing, sizeof(missing));
		struct pollfd pfd = { .fd = wake ? uevent_wake_fd(wake) : -1, .events = POLLIN };

		if (st == READY) {
			r = 0;
			break;
		}
		if (st == ABSENT && seen) {
			r = mdev_errorf(err, ENODEV,
					"%s went away while waiting for it to be ready", uuid);
			break;
		}
		seen |= st != ABSENT;
		left = deadline - monotonic_ms();
		if (left <= 0) {
			r = mdev_errorf(err, ETIMEDOUT, "%s is not ready after %lu s: %s", uuid,
					timeout_s, missing);
			break;
		}
		if (left > (wake ? TICK_UDEV_MS : TICK_POLL_MS))
			left = wake ? TICK_UDEV_MS : TICK_POLL_MS;
		if (poll(&pfd, 1, (int)left) > 0 && wake)
			uevent_wake_drain(wake);
	}
	uevent_wake_close(wake);
	return r;
}
