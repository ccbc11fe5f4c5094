// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel uevents through libudev: the monitor's device and parent events, and wake-ups. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/lazylib.h"
#include "libmdev/model.h"
#include "libmdev/uevent.h"

/* libudev, loaded by the first udev_open */
static const struct udev_api *ud;

/* Drops what udev_open made: nothing when libudev did not load. */
static void udev_close(struct udev *udev, struct udev_monitor *mon)
{
	if (!ud)
		return;
	ud->udev_monitor_unref(mon);
	ud->udev_unref(udev);
}

static char *active_type_read(struct monitor *m, const char *uuid)
{
	char link[PATH_MAX], path[PATH_MAX];

	if (rfs_path(path, sizeof(path), SYS_DEVICES "/%s/mdev_type", uuid) < 0)
		return NULL;
	/*
	 * The mdev core makes the mdev_type link after the add uevent is sent
	 * and the driver probed.  udevd's copy of the event usually comes late
	 * enough; the kernel's own (no udevd) often does not: while the device
	 * is there, give the link up to a second.
	 */
	for (int tries = 0; rfs_readlink(m->rfs, path, link, sizeof(link)) < 0; tries++) {
		if (tries == 100)
			return NULL;
		if (!rfs_existsf(m->rfs, O_DIRECTORY, SYS_DEVICES "/%s", uuid))
			return NULL;
		usleep(10000);
	}
	return xstrdup(rfs_basename(link));
}

static struct active_type *act_find(struct monitor *m, const char *uuid)
{
	for (size_t i = 0; i < m->nact; i++)
		if (strcmp(m->act[i].uuid, uuid) == 0)
			return &m->act[i];
	return NULL;
}

static void act_set(struct monitor *m, const char *uuid, char *type)
{
	struct active_type *a = act_find(m, uuid);

	if (!a) {
		if (m->nact % 16 == 0)
			m->act = xrealloc(m->act, (m->nact + 16) * sizeof(*m->act));
		a = &m->act[m->nact++];
		snprintf(a->uuid, sizeof(a->uuid), "%s", uuid);
		a->type = NULL;
	}
	free(a->type);
	a->type = type;
}

/* The parent is the directory above the device: /devices/.../PARENT/UUID. */
static char *devpath_parent(const char *devpath)
{
	const char *end = devpath ? strrchr(devpath, '/') : NULL, *start;

	if (!end || end == devpath)
		return NULL;
	for (start = end - 1; start > devpath && *start != '/'; start--)
		;
	if (*start == '/')
		start++;
	return end > start ? strndup(start, (size_t)(end - start)) : NULL;
}

int uevent_classify(const struct uevent_fields *f, char uuid[UUID_STR_LEN], char **parent)
{
	*parent = NULL;
	if (!f->action)
		return -1;
	if (f->subsystem && strcmp(f->subsystem, "mdev") == 0) {
		bool add = strcmp(f->action, "add") == 0;

		if (!f->sysname || !uuid_normalize(f->sysname, uuid) ||
		    (!add && strcmp(f->action, "remove") != 0))
			return -1;
		*parent = devpath_parent(f->devpath);
		return add ? MON_ADDED : MON_REMOVED;
	}
	if (!f->state || strcmp(f->action, "change") != 0 || !f->sysname)
		return -1;
	if (strcmp(f->state, "registered") == 0)
		return MON_REGISTERED;
	if (strcmp(f->state, "unregistered") == 0)
		return MON_UNREGISTERED;
	return -1;
}

static void handle_uevent(struct monitor *m, struct udev_device *d)
{
	const struct uevent_fields f = {
		.action = ud->udev_device_get_action(d),
		.subsystem = ud->udev_device_get_subsystem(d),
		.sysname = ud->udev_device_get_sysname(d),
		.devpath = ud->udev_device_get_devpath(d),
		.state = ud->udev_device_get_property_value(d, "MDEV_STATE"),
	};
	char uuid[UUID_STR_LEN], *parent, *type;
	struct active_type *a;
	int kind = uevent_classify(&f, uuid, &parent);

	switch (kind) {
	case MON_ADDED:
		type = active_type_read(m, uuid);
		mon_emit(m, MON_ADDED, uuid, parent, type);
		act_set(m, uuid, type);
		break;
	case MON_REMOVED:
		a = act_find(m, uuid);
		mon_emit(m, MON_REMOVED, uuid, parent, a ? a->type : NULL);
		if (a) {
			free(a->type);
			*a = m->act[--m->nact];
		}
		break;
	case MON_REGISTERED:
	case MON_UNREGISTERED:
		mon_emit(m, (enum mon_kind)kind, NULL, f.sysname, NULL);
		break;
	default:
		break;
	}
	free(parent);
}

void kernel_read(struct monitor *m)
{
	struct udev_device *d;

	/* the socket is non-blocking: NULL once the queue is empty */
	while (m->umon && (d = ud->udev_monitor_receive_device(m->umon))) {
		handle_uevent(m, d);
		ud->udev_device_unref(d);
	}
}

/* libudev subscribes to nothing without a running udevd, and says nothing about it. */
static bool udev_is_active(struct udev *udev)
{
	struct udev_queue *q = ud->udev_queue_new(udev);
	bool active = q && ud->udev_queue_get_udev_is_active(q);

	ud->udev_queue_unref(q);
	return active;
}

static int udev_open(struct udev **udev, struct udev_monitor **mon, const char *const *subsystems,
		     struct mdev_error *err)
{
	char why[256];
	int r;

	ud = udev_api(why, sizeof(why));
	if (!ud)
		return mdev_errorf(err, ENOSYS, "no kernel events: %s", why);
	*udev = ud->udev_new();
	if (!*udev)
		return mdev_errorf(err, ENOMEM, "cannot initialise libudev");
	/*
	 * "udev" when udevd runs: events after udev's rules ran, so /dev nodes
	 * have their owners.  Without a running udevd that source stays silent,
	 * so listen to the kernel's uevents directly ("kernel").
	 */
	*mon = ud->udev_monitor_new_from_netlink(*udev, udev_is_active(*udev) ? "udev" : "kernel");
	if (!*mon)
		return mdev_errorf(err, errno ? errno : EIO, "cannot open a udev monitor: %s",
				   strerror(errno ? errno : EIO));
	for (; subsystems && *subsystems; subsystems++) {
		r = ud->udev_monitor_filter_add_match_subsystem_devtype(*mon, *subsystems, NULL);
		if (r < 0)
			return mdev_errorf(err, -r, "cannot filter udev events: %s", strerror(-r));
	}
	r = ud->udev_monitor_enable_receiving(*mon);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot receive udev events: %s", strerror(-r));
	return 0;
}

int kernel_attach(struct monitor *m, struct mdev_error *err)
{
	struct active_list act = { 0 };
	struct mdev_error ignored;
	int r = udev_open(&m->udev, &m->umon, NULL, err);

	if (r == 0)
		r = mon_poll_add(m, ud->udev_monitor_get_fd(m->umon), err);
	if (r < 0)
		return r;
	/* types of devices active now, for their remove events */
	if (model_active_all(m->rfs, &act, &ignored) == 0)
		for (size_t i = 0; i < act.n; i++)
			act_set(m, act.v[i].uuid, act.v[i].type ? xstrdup(act.v[i].type) : NULL);
	active_list_free(&act);
	return 0;
}

void kernel_free(struct monitor *m)
{
	for (size_t i = 0; i < m->nact; i++)
		free(m->act[i].type);
	free(m->act);
	udev_close(m->udev, m->umon);
}

struct uevent_wake {
	struct udev *udev;
	struct udev_monitor *mon;
};

int uevent_wake_open(const char *const *subsystems, struct uevent_wake **out,
		     struct mdev_error *err)
{
	struct uevent_wake *w = xcalloc(1, sizeof(*w));
	int r = udev_open(&w->udev, &w->mon, subsystems, err);

	if (r < 0) {
		uevent_wake_close(w);
		return r;
	}
	*out = w;
	return 0;
}

int uevent_wake_fd(const struct uevent_wake *w)
{
	return ud->udev_monitor_get_fd(w->mon);
}

void uevent_wake_drain(struct uevent_wake *w)
{
	struct udev_device *d;

	while ((d = ud->udev_monitor_receive_device(w->mon)))
		ud->udev_device_unref(d);
}

void uevent_wake_close(struct uevent_wake *w)
{
	if (!w)
		return;
	udev_close(w->udev, w->mon);
	free(w);
}
