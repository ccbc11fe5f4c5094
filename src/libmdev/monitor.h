/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event sources: kernel uevents through libudev, definition changes through inotify. */
#ifndef MDEVADM_MONITOR_H
#define MDEVADM_MONITOR_H

#include <stdbool.h>
#include <time.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "basic/util.h"

/*
 * libudev is kept behind this header: it only ever sees the host, so every
 * caller checks rfs->host first and reads sysfs through the rooted layer,
 * which stays the ground truth.
 */

enum mon_kind {
	MON_ADDED,	/* kernel: an mdev appeared (uevent add, subsystem mdev); a vGPU was seen */
	MON_REMOVED,	/* kernel: an mdev went away; a vGPU is no more */
	MON_REGISTERED, /* kernel: a parent registered with mdev (MDEV_STATE) */
	MON_UNREGISTERED, /* kernel: a parent unregistered */
	MON_DEFINED,	  /* a config file appeared under etc/mdevctl.d/PARENT (or of a vGPU) */
	MON_MODIFIED,	  /* a config file was rewritten or replaced */
	MON_UNDEFINED,	  /* a config file went away */
};

struct mon_event {
	enum mon_kind kind;
	const char *key_name;	/* what names the device: "uuid" (an mdev), "vf" (a vGPU) */
	char key[UUID_STR_LEN]; /* its UUID or VF; "" for parent events */
	char *parent;		/* NULL when unknown */
	char *type;		/* NULL when unknown */
	struct timespec when;	/* CLOCK_REALTIME, when the event was read */
};

const char *mon_kind_name(enum mon_kind kind);
void mon_event_clear(struct mon_event *ev);

enum {
	MON_SRC_KERNEL = 1, /* needs the host root */
	MON_SRC_DEFS = 2,
	MON_SRC_POLL = 4, /* the device families without events, re-read every second */
};

struct monitor;

/*
 * Sets up the SOURCES.  Definitions present now are taken as the starting
 * state: only later changes become events.
 */
int monitor_open(const struct rootfs *rfs, unsigned sources, struct monitor **out,
		 struct mdev_error *err);
/* One descriptor that polls readable whenever monitor_read has something to do. */
int monitor_fd(const struct monitor *m);
/* Reads every pending notification and queues the resulting events. */
int monitor_read(struct monitor *m, struct mdev_error *err);
/* Pops the oldest queued event into EV (cleared with mon_event_clear); false when none. */
bool monitor_next(struct monitor *m, struct mon_event *ev);
void monitor_close(struct monitor *m);

#endif
