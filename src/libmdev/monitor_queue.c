// SPDX-License-Identifier: LGPL-2.1-or-later
/* The monitor's queue of events, filled by its sources and emptied by monitor_next. */
#include "libmdev/monitor_queue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

static const char *const kind_names[] = {
	[MON_ADDED] = "added",		 [MON_REMOVED] = "removed",
	[MON_REGISTERED] = "registered", [MON_UNREGISTERED] = "unregistered",
	[MON_DEFINED] = "defined",	 [MON_MODIFIED] = "modified",
	[MON_UNDEFINED] = "undefined",
};

const char *mon_kind_name(enum mon_kind kind)
{
	return kind_names[kind];
}

void mon_event_clear(struct mon_event *ev)
{
	free(ev->parent);
	free(ev->type);
	ev->parent = ev->type = NULL;
}

void mon_emit(struct monitor *m, enum mon_kind kind, const char *uuid, const char *parent,
	      const char *type)
{
	mon_emit_keyed(m, kind, "uuid", uuid, parent, type);
}

void mon_emit_keyed(struct monitor *m, enum mon_kind kind, const char *key_name, const char *key,
		    const char *parent, const char *type)
{
	struct mon_event *ev;

	if (m->quiet)
		return;
	if (m->qhead == m->qlen)
		m->qhead = m->qlen = 0;
	if (m->qlen == m->qcap) {
		m->qcap = m->qcap ? 2 * m->qcap : 16;
		m->q = xrealloc(m->q, m->qcap * sizeof(*m->q));
	}
	ev = &m->q[m->qlen++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->key_name = key_name;
	snprintf(ev->key, sizeof(ev->key), "%s", key ? key : "");
	ev->parent = parent ? xstrdup(parent) : NULL;
	ev->type = type ? xstrdup(type) : NULL;
	clock_gettime(CLOCK_REALTIME, &ev->when);
}

bool monitor_next(struct monitor *m, struct mon_event *ev)
{
	if (m->qhead == m->qlen)
		return false;
	*ev = m->q[m->qhead++];
	return true;
}

int mon_poll_add(struct monitor *m, int fd, struct mdev_error *err)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return mdev_errorf(err, errno, "cannot poll for events: %s", strerror(errno));
	return 0;
}
