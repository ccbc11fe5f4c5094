/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor's source of definition events: etc/mdevctl.d watched with inotify. */
#ifndef MDEVADM_MONITOR_DEFS_H
#define MDEVADM_MONITOR_DEFS_H

#include "libmdev/monitor_queue.h"

/* Definitions: watches CONFIG_DIR and takes what it holds now as the starting state. */
int defs_attach(struct monitor *m, struct mdev_error *err);
/* Reads the pending inotify records and queues what changed. */
int defs_read(struct monitor *m, struct mdev_error *err);
void defs_free(struct monitor *m);

#endif
