// SPDX-License-Identifier: LGPL-2.1-or-later
/* Polled device families for `monitor`: snapshots compared, the differences queued as events. */
#include "libmdev/monitor_poll.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

static long poll_ms(void)
{
	const char *env = getenv("MDEVADM_POLL_MS");
	char *end;
	long ms = env ? strtol(env, &end, 10) : -1;

	return env && !*end && ms >= 10 && ms <= 3600000 ? ms : 1000;
}

static const struct fam_item *find(const struct fam_items *l, const struct fam_item *it)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].defined == it->defined && strcmp(l->v[i].key, it->key) == 0 &&
		    strcmp(l->v[i].parent, it->parent) == 0)
			return &l->v[i];
	return NULL;
}

static void emit(struct monitor *m, const struct device_family *fam, const struct fam_item *it,
		 bool gone)
{
	enum mon_kind kind = it->defined ? (gone ? MON_UNDEFINED : MON_DEFINED)
					 : (gone ? MON_REMOVED : MON_ADDED);

	mon_emit_keyed(m, kind, fam->key_name, it->key, it->parent, it->type);
}

/* Queues what differs between OLD and NEW; a device whose type changed went and came back. */
static void compare(struct monitor *m, const struct device_family *fam, const struct fam_items *old,
		    const struct fam_items *new)
{
	for (size_t i = 0; i < old->n; i++) {
		const struct fam_item *now = find(new, &old->v[i]);

		if (!now || (!now->defined && strcmp(now->stamp, old->v[i].stamp) != 0))
			emit(m, fam, &old->v[i], true);
	}
	for (size_t i = 0; i < new->n; i++) {
		const struct fam_item *was = find(old, &new->v[i]);

		if (!was || (!was->defined && strcmp(was->stamp, new->v[i].stamp) != 0))
			emit(m, fam, &new->v[i], false);
		else if (strcmp(was->stamp, new->v[i].stamp) != 0)
			mon_emit_keyed(m, MON_MODIFIED, fam->key_name, new->v[i].key,
				       new->v[i].parent, new->v[i].type);
	}
}

static void poll_all(struct monitor *m)
{
	for (size_t f = 0; families[f]; f++) {
		struct fam_items now;

		if (families[f]->has_events || families[f]->snapshot(m->rfs, &now) < 0)
			continue;
		compare(m, families[f], &m->polled[f], &now);
		fam_items_free(&m->polled[f]);
		m->polled[f] = now;
	}
}

int poll_attach(struct monitor *m, struct mdev_error *err)
{
	long ms = poll_ms();
	struct itimerspec every = { { ms / 1000, (ms % 1000) * 1000000 },
				    { ms / 1000, (ms % 1000) * 1000000 } };
	size_t n = 0;

	while (families[n])
		n++;
	m->polled = xcalloc(n, sizeof(*m->polled));
	poll_all(m);
	m->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (m->tfd < 0 || timerfd_settime(m->tfd, 0, &every, NULL) < 0)
		return mdev_errorf(err, errno, "cannot set a polling timer: %s", strerror(errno));
	return mon_poll_add(m, m->tfd, err);
}

void poll_read(struct monitor *m)
{
	uint64_t expired;

	if (m->tfd >= 0 && read(m->tfd, &expired, sizeof(expired)) == sizeof(expired))
		poll_all(m);
}

void poll_free(struct monitor *m)
{
	for (size_t f = 0; m->polled && families[f]; f++)
		fam_items_free(&m->polled[f]);
	free(m->polled);
	if (m->tfd >= 0)
		close(m->tfd);
}
