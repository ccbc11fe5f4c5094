// SPDX-License-Identifier: LGPL-2.1-or-later
/* The event sources behind `monitor`, behind one descriptor. */
#include "libmdev/monitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "libmdev/monitor_defs.h"
#include "libmdev/monitor_poll.h"
#include "libmdev/uevent.h"

int monitor_open(const struct rootfs *rfs, unsigned sources, struct monitor **out,
		 struct mdev_error *err)
{
	struct monitor *m = xcalloc(1, sizeof(*m));
	int r = 0;

	m->rfs = rfs;
	m->infd = m->root_wd = m->anc_wd = m->tfd = -1;
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->epfd < 0) {
		r = mdev_errorf(err, errno, "cannot poll for events: %s", strerror(errno));
		goto done;
	}
	if (sources & MON_SRC_KERNEL) {
		r = kernel_attach(m, err);
		if (r < 0)
			goto done;
	}
	m->quiet = true;
	if (sources & MON_SRC_DEFS)
		r = defs_attach(m, err);
	if (r == 0 && (sources & MON_SRC_POLL))
		r = poll_attach(m, err);
	m->quiet = false;
done:
	if (r < 0) {
		monitor_close(m);
		return r;
	}
	*out = m;
	return 0;
}

int monitor_fd(const struct monitor *m)
{
	return m->epfd;
}

int monitor_read(struct monitor *m, struct mdev_error *err)
{
	kernel_read(m);
	poll_read(m);
	return defs_read(m, err);
}

void monitor_close(struct monitor *m)
{
	if (!m)
		return;
	while (m->qhead < m->qlen)
		mon_event_clear(&m->q[m->qhead++]);
	free(m->q);
	defs_free(m);
	poll_free(m);
	kernel_free(m);
	if (m->epfd >= 0)
		close(m->epfd);
	free(m);
}
