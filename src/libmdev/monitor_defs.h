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

struct inotify_event;
/*
 * The record at *OFF of the N bytes BUF read from an inotify descriptor (BUF
 * aligned as a struct inotify_event), *OFF then moved past it; NULL at the
 * end, or at a record that does not fit or whose name is not terminated.
 */
const struct inotify_event *inotify_next(const char *buf, size_t n, size_t *off);

#endif
