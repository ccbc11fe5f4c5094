/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's source for device families that no event announces (device_family.has_events
 * false): a vGPU is made by writing a VF's current_vgpu_type, and the interface sends no
 * uevent for that; its definitions live outside etc/mdevctl.d.  Such families are compared
 * with what was seen last, every MDEVADM_POLL_MS (default 1000) milliseconds.
 */
#ifndef MDEVADM_MONITOR_POLL_H
#define MDEVADM_MONITOR_POLL_H

#include "libmdev/monitor_queue.h"

/* Takes what is there now as the starting state and arms the timer. */
int poll_attach(struct monitor *m, struct mdev_error *err);
/* When the timer fired, compares each polled family with what was seen and queues the changes. */
void poll_read(struct monitor *m);
void poll_free(struct monitor *m);

#endif
