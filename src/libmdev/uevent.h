/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel uevents through libudev: the monitor's device and parent events, and bare wake-ups. */
#ifndef MDEVADM_UEVENT_H
#define MDEVADM_UEVENT_H

#include "libmdev/monitor_queue.h"

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
