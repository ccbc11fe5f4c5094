/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's state and its queue of events, which its sources fill: the definitions watch
 * (monitor_defs.c) and the kernel's events (uevent.c).
 */
#ifndef MDEVADM_MONITOR_QUEUE_H
#define MDEVADM_MONITOR_QUEUE_H

#include <sys/types.h>

#include "libmdev/family.h"
#include "libmdev/monitor.h"

/* What tells one version of a config file from the next. */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct def_entry {
	char *parent;
	char uuid[UUID_STR_LEN];
	char *type;
	struct file_id id;
};

struct parent_watch {
	int wd;
	char *name;
};

struct active_type {
	char uuid[UUID_STR_LEN];
	char *type;
};

struct monitor {
	const struct rootfs *rfs;
	int epfd;

	struct udev *udev;
	struct udev_monitor *umon;
	/* A removed device's sysfs is gone by the time its event arrives: remember types. */
	struct active_type *act;
	size_t nact;

	int infd;
	int root_wd;	       /* CONFIG_DIR, -1 while it does not exist */
	int anc_wd;	       /* its nearest existing ancestor while it does not exist, else -1 */
	const char *anc_child; /* the name in the ancestor that matters */
	struct parent_watch *pw;
	size_t npw;
	struct def_entry *ent;
	size_t nent;
	bool quiet; /* taking the starting state: no events */

	int tfd;		  /* the polling timer, -1 when not polling */
	struct fam_items *polled; /* per family (indexed as `families`): what was seen last */

	struct mon_event *q;
	size_t qhead, qlen, qcap;
};

/* Queues an event of an mdev, unless the monitor is taking its starting state. */
void mon_emit(struct monitor *m, enum mon_kind kind, const char *uuid, const char *parent,
	      const char *type);
/* The same for a device named by KEY_NAME (a device family's key_name). */
void mon_emit_keyed(struct monitor *m, enum mon_kind kind, const char *key_name, const char *key,
		    const char *parent, const char *type);
/* Polls FD as part of the monitor's one descriptor. */
int mon_poll_add(struct monitor *m, int fd, struct mdev_error *err);

#endif
