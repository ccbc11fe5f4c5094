/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel uevents through libudev: the monitor's device and parent events, and bare wake-ups. */
#ifndef MDEVADM_UEVENT_H
#define MDEVADM_UEVENT_H

#include "libmdev/monitor_queue.h"

/* What the monitor reads of a uevent; NULL for what it lacks. */
struct uevent_fields {
	const char *action, *subsystem, *sysname, *devpath;
	const char *state; /* MDEV_STATE of a parent's change event */
};

/*
 * What a uevent means to the monitor, from its fields alone: MON_ADDED or
 * MON_REMOVED of the mdev UUID under the malloc'd *PARENT (NULL when the
 * path has none), MON_REGISTERED or MON_UNREGISTERED of the parent named
 * by sysname, or -1 for an event of no interest.
 */
int uevent_classify(const struct uevent_fields *f, char uuid[UUID_STR_LEN], char **parent);

/* Kernel events through libudev; remembers the types of the devices active now. */
int kernel_attach(struct monitor *m, struct mdev_error *err);
void kernel_read(struct monitor *m);
void kernel_free(struct monitor *m);

/*
 * A libudev monitor reduced to "something happened" on the given subsystems
 * (NULL-terminated), for loops that re-read sysfs whenever woken.
 */
struct uevent_wake;
int uevent_wake_open(const char *const *subsystems, struct uevent_wake **out,
		     struct mdev_error *err);
int uevent_wake_fd(const struct uevent_wake *w);
void uevent_wake_drain(struct uevent_wake *w);
void uevent_wake_close(struct uevent_wake *w);

#endif
