// SPDX-License-Identifier: LGPL-2.1-or-later
/* The event sources behind `monitor` and `start --wait`: libudev and inotify. */
#include "monitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lazylib.h"
#include "model.h"
#include "store.h"

/*
 * The config dir gives parent subdirectories; a parent subdirectory gives
 * config files.  Writers replace configs by rename (IN_MOVED_TO) or write them
 * in place (IN_CLOSE_WRITE); IN_CREATE of a file is ignored because the file
 * is still empty then.
 */
#define ROOT_MASK                                                                                  \
	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |     \
	 IN_ONLYDIR)
#define PARENT_MASK                                                                                \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF |               \
	 IN_MOVE_SELF | IN_ONLYDIR)
#define ANCESTOR_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

enum { TAG_INOTIFY = 1, TAG_UDEV = 2 };

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

	struct mon_event *q;
	size_t qhead, qlen, qcap;
};

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

static void emit(struct monitor *m, enum mon_kind kind, const char *uuid, const char *parent,
		 const char *type)
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
	snprintf(ev->uuid, sizeof(ev->uuid), "%s", uuid ? uuid : "");
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

/* -- definitions (inotify) ------------------------------------------------------------------ */

/*
 * Watches PATH as the rooted layer resolves it: inotify only takes a path, so
 * it is given the opened directory through /proc, which cannot leave the root.
 */
static int watch_rooted(struct monitor *m, const char *path, uint32_t mask)
{
	char proc[64];
	int fd = rfs_open(m->rfs, path, O_PATH | O_DIRECTORY, 0), wd;

	if (fd < 0)
		return fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(m->infd, proc, mask);
	if (wd < 0 && errno == ENOENT) {
		/* no /proc: the lexical path is the next best thing */
		char *abs = xasprintf("%s/%s", m->rfs->path, path);

		wd = inotify_add_watch(m->infd, abs, mask);
		free(abs);
	}
	if (wd < 0)
		wd = -errno;
	close(fd);
	return wd;
}

static void unwatch(struct monitor *m, int wd)
{
	/* EINVAL when the kernel dropped it already (directory deleted): nothing to undo */
	if (wd >= 0)
		inotify_rm_watch(m->infd, wd);
}

static struct parent_watch *pw_by_wd(struct monitor *m, int wd)
{
	for (size_t i = 0; i < m->npw; i++)
		if (m->pw[i].wd == wd)
			return &m->pw[i];
	return NULL;
}

static struct parent_watch *pw_by_name(struct monitor *m, const char *name)
{
	for (size_t i = 0; i < m->npw; i++)
		if (strcmp(m->pw[i].name, name) == 0)
			return &m->pw[i];
	return NULL;
}

static struct def_entry *ent_find(struct monitor *m, const char *parent, const char *uuid)
{
	for (size_t i = 0; i < m->nent; i++)
		if (strcmp(m->ent[i].uuid, uuid) == 0 && strcmp(m->ent[i].parent, parent) == 0)
			return &m->ent[i];
	return NULL;
}

static void ent_drop(struct monitor *m, struct def_entry *e)
{
	size_t i = (size_t)(e - m->ent);

	free(e->parent);
	free(e->type);
	memmove(&m->ent[i], &m->ent[i + 1], (m->nent - i - 1) * sizeof(*m->ent));
	m->nent--;
}

static int file_id_get(struct monitor *m, const char *parent, const char *uuid, struct file_id *id)
{
	int fd = rfs_openf(m->rfs, O_PATH | O_NOFOLLOW, CONFIG_DIR "/%s/%s", parent, uuid);
	struct stat st;
	int r = 0;

	if (fd == -ENOTDIR)
		return -ENOENT;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -ENOENT; /* not a config, as store_load sees it */
	close(fd);
	if (r == 0)
		*id = (struct file_id){ st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim };
	return r;
}

static bool file_id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static char *load_type(struct monitor *m, const char *parent, const char *uuid)
{
	struct mdev_config cfg;
	struct mdev_error err;
	char *type = NULL;

	/* a config that does not parse is still an event, of unknown type */
	if (store_load(m->rfs, parent, uuid, &cfg, &err) == 0) {
		type = cfg.type ? xstrdup(cfg.type) : NULL;
		config_clear(&cfg);
	}
	return type;
}

/*
 * Brings what is known of PARENT/UUID in line with the file.  State, not
 * events, decides: a rename that lands after a scan already saw the file
 * compares equal and is not reported twice.  FORCE reports a rewrite in place
 * even when the timestamps could not tell it apart.
 */
static void sync_one(struct monitor *m, const char *parent, const char *uuid, bool force)
{
	struct def_entry *e = ent_find(m, parent, uuid);
	struct file_id id;
	int r = file_id_get(m, parent, uuid, &id);

	if (r < 0) {
		if (e && r == -ENOENT) {
			emit(m, MON_UNDEFINED, e->uuid, e->parent, e->type);
			ent_drop(m, e);
		}
		return;
	}
	if (!e) {
		if (m->nent % 16 == 0)
			m->ent = xrealloc(m->ent, (m->nent + 16) * sizeof(*m->ent));
		e = &m->ent[m->nent++];
		e->parent = xstrdup(parent);
		snprintf(e->uuid, sizeof(e->uuid), "%s", uuid);
		e->type = load_type(m, parent, uuid);
		e->id = id;
		emit(m, MON_DEFINED, e->uuid, e->parent, e->type);
		return;
	}
	if (!force && file_id_eq(&e->id, &id))
		return;
	free(e->type);
	e->type = load_type(m, parent, uuid);
	e->id = id;
	emit(m, MON_MODIFIED, e->uuid, e->parent, e->type);
}

/* Reconciles every config of PARENT: the directory listing plus what is known. */
static void sync_parent(struct monitor *m, const char *parent)
{
	struct strv names = { 0 };
	struct dirent *de;
	DIR *d;
	int fd = rfs_openf(m->rfs, O_RDONLY | O_DIRECTORY, CONFIG_DIR "/%s", parent);

	if (fd >= 0) {
		d = fdopendir(fd);
		if (!d) {
			close(fd);
		} else {
			while ((de = readdir(d)))
				if (uuid_is_canonical(de->d_name))
					strv_push(&names, de->d_name);
			closedir(d);
		}
	}
	for (size_t i = 0; i < m->nent; i++)
		if (strcmp(m->ent[i].parent, parent) == 0)
			strv_push(&names, m->ent[i].uuid);
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++)
		if (i == 0 || strcmp(names.v[i], names.v[i - 1]) != 0)
			sync_one(m, parent, names.v[i], false);
	strv_free(&names);
}

static bool is_parent_name(const char *name)
{
	return rfs_valid_name(name) && name[0] != '.' && strcmp(name, "scripts.d") != 0;
}

static void attach_parent(struct monitor *m, const char *name)
{
	char path[PATH_MAX];
	int wd;

	if (!is_parent_name(name) || rfs_path(path, sizeof(path), CONFIG_DIR "/%s", name) < 0)
		return;
	wd = watch_rooted(m, path, PARENT_MASK);
	if (wd < 0)
		return; /* gone again, or not a directory: nothing to watch */
	if (!pw_by_wd(m, wd) && !pw_by_name(m, name)) {
		if (m->npw % 16 == 0)
			m->pw = xrealloc(m->pw, (m->npw + 16) * sizeof(*m->pw));
		m->pw[m->npw++] = (struct parent_watch){ wd, xstrdup(name) };
	}
	sync_parent(m, name);
}

/* PARENT's directory is gone: whatever it held is undefined now. */
static void detach_parent(struct monitor *m, struct parent_watch *pw)
{
	char *name = pw->name;

	for (size_t i = 0; i < m->nent;) {
		struct def_entry *e = &m->ent[i];

		if (strcmp(e->parent, name) != 0) {
			i++;
			continue;
		}
		emit(m, MON_UNDEFINED, e->uuid, e->parent, e->type);
		ent_drop(m, e);
	}
	unwatch(m, pw->wd);
	*pw = m->pw[--m->npw];
	free(name);
}

static void detach_all(struct monitor *m)
{
	while (m->npw)
		detach_parent(m, &m->pw[m->npw - 1]);
	unwatch(m, m->root_wd);
	m->root_wd = -1;
}

static int defs_attach(struct monitor *m, struct mdev_error *err)
{
	static const struct {
		const char *dir, *child;
	} ancestors[] = { { "etc", "mdevctl.d" }, { "/", "etc" } };

	for (int tries = 0; tries < 8; tries++) {
		struct strv parents = { 0 };
		int wd = watch_rooted(m, CONFIG_DIR, ROOT_MASK);

		if (wd >= 0) {
			unwatch(m, m->anc_wd);
			m->anc_wd = -1;
			m->root_wd = wd;
			if (store_parents(m->rfs, &parents, err) < 0)
				return -err->code;
			for (size_t i = 0; i < parents.n; i++)
				attach_parent(m, parents.v[i]);
			strv_free(&parents);
			return 0;
		}
		if (wd != -ENOENT && wd != -ENOTDIR)
			return mdev_errorf(err, -wd, "cannot watch /" CONFIG_DIR ": %s",
					   strerror(-wd));
		/* not there yet: watch for it to be created */
		unwatch(m, m->anc_wd);
		m->anc_wd = -1;
		for (size_t i = 0; i < sizeof(ancestors) / sizeof(ancestors[0]); i++) {
			wd = watch_rooted(m, ancestors[i].dir, ANCESTOR_MASK);
			if (wd >= 0) {
				m->anc_wd = wd;
				m->anc_child = ancestors[i].child;
				break;
			}
		}
		if (m->anc_wd < 0)
			return mdev_errorf(err, -wd, "cannot watch for /" CONFIG_DIR ": %s",
					   strerror(-wd));
		/* it may have appeared before the watch was set */
		wd = rfs_open(m->rfs, CONFIG_DIR, O_PATH | O_DIRECTORY, 0);
		if (wd < 0)
			return 0;
		close(wd);
	}
	return mdev_errorf(err, EAGAIN, "cannot watch /" CONFIG_DIR ": it keeps changing");
}

/* After a queue overflow nothing is known for sure: compare everything again. */
static int defs_resync(struct monitor *m, struct mdev_error *err)
{
	struct strv parents = { 0 };
	int r;

	if (m->root_wd < 0)
		return defs_attach(m, err);
	r = store_parents(m->rfs, &parents, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->npw;) {
		bool present = false;

		for (size_t j = 0; j < parents.n && !present; j++)
			present = strcmp(parents.v[j], m->pw[i].name) == 0;
		if (present)
			i++;
		else
			detach_parent(m, &m->pw[i]);
	}
	for (size_t j = 0; j < parents.n; j++)
		attach_parent(m, parents.v[j]);
	strv_free(&parents);
	return 0;
}

static int handle_inotify(struct monitor *m, const struct inotify_event *ev, struct mdev_error *err)
{
	struct parent_watch *pw;
	const char *name = ev->len ? ev->name : "";

	if (ev->mask & IN_Q_OVERFLOW)
		return defs_resync(m, err);
	if (ev->wd == m->anc_wd) {
		if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) ||
		    strcmp(name, m->anc_child) == 0) {
			if (ev->mask & IN_IGNORED)
				m->anc_wd = -1;
			return defs_attach(m, err);
		}
		return 0;
	}
	if (ev->wd == m->root_wd) {
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
			if (ev->mask & IN_IGNORED)
				m->root_wd = -1;
			detach_all(m);
			return defs_attach(m, err);
		}
		if (!(ev->mask & IN_ISDIR))
			return 0;
		if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			attach_parent(m, name);
		} else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
			pw = pw_by_name(m, name);
			if (pw)
				detach_parent(m, pw);
		}
		return 0;
	}
	pw = pw_by_wd(m, ev->wd);
	if (!pw)
		return 0; /* a watch dropped already */
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
		if (ev->mask & IN_IGNORED)
			pw->wd = -1;
		detach_parent(m, pw);
		return 0;
	}
	/* canonical UUIDs only: this skips the writers' dot-named temp files */
	if (uuid_is_canonical(name))
		sync_one(m, pw->name, name, ev->mask & IN_CLOSE_WRITE);
	return 0;
}

static int read_inotify(struct monitor *m, struct mdev_error *err)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(m->infd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return mdev_errorf(err, errno, "cannot read inotify events: %s",
					   strerror(errno));
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			int r = handle_inotify(m, ev, err);

			if (r < 0)
				return r;
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* -- kernel uevents (libudev) --------------------------------------------------------------- */

/* libudev, loaded by the first udev_open */
static const struct udev_api *ud;

/* Drops what udev_open made: nothing when libudev did not load. */
static void udev_close(struct udev *udev, struct udev_monitor *mon)
{
	if (!ud)
		return;
	ud->udev_monitor_unref(mon);
	ud->udev_unref(udev);
}

static char *active_type_read(struct monitor *m, const char *uuid)
{
	char link[PATH_MAX], path[PATH_MAX];

	if (rfs_path(path, sizeof(path), SYS_DEVICES "/%s/mdev_type", uuid) < 0)
		return NULL;
	/*
	 * The mdev core makes the mdev_type link after the add uevent is sent
	 * and the driver probed.  udevd's copy of the event usually comes late
	 * enough; the kernel's own (no udevd) often does not: while the device
	 * is there, give the link up to a second.
	 */
	for (int tries = 0; rfs_readlink(m->rfs, path, link, sizeof(link)) < 0; tries++) {
		if (tries == 100)
			return NULL;
		if (!rfs_existsf(m->rfs, O_DIRECTORY, SYS_DEVICES "/%s", uuid))
			return NULL;
		usleep(10000);
	}
	return xstrdup(rfs_basename(link));
}

static struct active_type *act_find(struct monitor *m, const char *uuid)
{
	for (size_t i = 0; i < m->nact; i++)
		if (strcmp(m->act[i].uuid, uuid) == 0)
			return &m->act[i];
	return NULL;
}

static void act_set(struct monitor *m, const char *uuid, char *type)
{
	struct active_type *a = act_find(m, uuid);

	if (!a) {
		if (m->nact % 16 == 0)
			m->act = xrealloc(m->act, (m->nact + 16) * sizeof(*m->act));
		a = &m->act[m->nact++];
		snprintf(a->uuid, sizeof(a->uuid), "%s", uuid);
		a->type = NULL;
	}
	free(a->type);
	a->type = type;
}

/* The parent is the directory above the device: /devices/.../PARENT/UUID. */
static char *devpath_parent(const char *devpath)
{
	const char *end = devpath ? strrchr(devpath, '/') : NULL, *start;

	if (!end || end == devpath)
		return NULL;
	for (start = end - 1; start > devpath && *start != '/'; start--)
		;
	if (*start == '/')
		start++;
	return end > start ? strndup(start, (size_t)(end - start)) : NULL;
}

static void handle_uevent(struct monitor *m, struct udev_device *d)
{
	const char *action = ud->udev_device_get_action(d), *subsystem, *state, *sysname;
	char uuid[UUID_STR_LEN];

	if (!action)
		return;
	subsystem = ud->udev_device_get_subsystem(d);
	sysname = ud->udev_device_get_sysname(d);
	if (subsystem && strcmp(subsystem, "mdev") == 0) {
		char *parent, *type;
		struct active_type *a;

		if (!sysname || !uuid_normalize(sysname, uuid))
			return;
		if (strcmp(action, "add") == 0) {
			parent = devpath_parent(ud->udev_device_get_devpath(d));
			type = active_type_read(m, uuid);
			emit(m, MON_ADDED, uuid, parent, type);
			act_set(m, uuid, type);
			free(parent);
		} else if (strcmp(action, "remove") == 0) {
			parent = devpath_parent(ud->udev_device_get_devpath(d));
			a = act_find(m, uuid);
			emit(m, MON_REMOVED, uuid, parent, a ? a->type : NULL);
			if (a) {
				free(a->type);
				*a = m->act[--m->nact];
			}
			free(parent);
		}
		return;
	}
	state = ud->udev_device_get_property_value(d, "MDEV_STATE");
	if (!state || strcmp(action, "change") != 0 || !sysname)
		return;
	if (strcmp(state, "registered") == 0)
		emit(m, MON_REGISTERED, NULL, sysname, NULL);
	else if (strcmp(state, "unregistered") == 0)
		emit(m, MON_UNREGISTERED, NULL, sysname, NULL);
}

static void read_udev(struct monitor *m)
{
	struct udev_device *d;

	/* the socket is non-blocking: NULL once the queue is empty */
	while ((d = ud->udev_monitor_receive_device(m->umon))) {
		handle_uevent(m, d);
		ud->udev_device_unref(d);
	}
}

/* libudev subscribes to nothing without a running udevd, and says nothing about it. */
static bool udev_is_active(struct udev *udev)
{
	struct udev_queue *q = ud->udev_queue_new(udev);
	bool active = q && ud->udev_queue_get_udev_is_active(q);

	ud->udev_queue_unref(q);
	return active;
}

static int udev_open(struct udev **udev, struct udev_monitor **mon, const char *const *subsystems,
		     struct mdev_error *err)
{
	char why[256];
	int r;

	ud = udev_api(why, sizeof(why));
	if (!ud)
		return mdev_errorf(err, ENOSYS, "no kernel events: %s", why);
	*udev = ud->udev_new();
	if (!*udev)
		return mdev_errorf(err, ENOMEM, "cannot initialise libudev");
	/*
	 * "udev" when udevd runs: events after udev's rules ran, so /dev nodes
	 * have their owners.  Without a running udevd that source stays silent,
	 * so listen to the kernel's uevents directly ("kernel").
	 */
	*mon = ud->udev_monitor_new_from_netlink(*udev, udev_is_active(*udev) ? "udev" : "kernel");
	if (!*mon)
		return mdev_errorf(err, errno ? errno : EIO, "cannot open a udev monitor: %s",
				   strerror(errno ? errno : EIO));
	for (; subsystems && *subsystems; subsystems++) {
		r = ud->udev_monitor_filter_add_match_subsystem_devtype(*mon, *subsystems, NULL);
		if (r < 0)
			return mdev_errorf(err, -r, "cannot filter udev events: %s", strerror(-r));
	}
	r = ud->udev_monitor_enable_receiving(*mon);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot receive udev events: %s", strerror(-r));
	return 0;
}

/* -- the monitor ---------------------------------------------------------------------------- */

static int ep_add(struct monitor *m, int fd, uint32_t tag, struct mdev_error *err)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return mdev_errorf(err, errno, "cannot poll for events: %s", strerror(errno));
	return 0;
}

int monitor_open(const struct rootfs *rfs, unsigned sources, struct monitor **out,
		 struct mdev_error *err)
{
	struct monitor *m = xcalloc(1, sizeof(*m));
	int r = 0;

	m->rfs = rfs;
	m->infd = m->root_wd = m->anc_wd = -1;
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->epfd < 0) {
		r = mdev_errorf(err, errno, "cannot poll for events: %s", strerror(errno));
		goto done;
	}
	if (sources & MON_SRC_KERNEL) {
		struct active_list act = { 0 };
		struct mdev_error ignored;

		r = udev_open(&m->udev, &m->umon, NULL, err);
		if (r == 0)
			r = ep_add(m, ud->udev_monitor_get_fd(m->umon), TAG_UDEV, err);
		if (r < 0)
			goto done;
		/* types of devices active now, for their remove events */
		if (model_active_all(rfs, &act, &ignored) == 0)
			for (size_t i = 0; i < act.n; i++)
				act_set(m, act.v[i].uuid,
					act.v[i].type ? xstrdup(act.v[i].type) : NULL);
		active_list_free(&act);
	}
	if (sources & MON_SRC_DEFS) {
		m->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (m->infd < 0) {
			r = mdev_errorf(err, errno, "cannot watch /" CONFIG_DIR ": %s",
					strerror(errno));
			goto done;
		}
		r = ep_add(m, m->infd, TAG_INOTIFY, err);
		if (r < 0)
			goto done;
		m->quiet = true;
		r = defs_attach(m, err);
		m->quiet = false;
	}
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
	if (m->umon)
		read_udev(m);
	if (m->infd >= 0)
		return read_inotify(m, err);
	return 0;
}

void monitor_close(struct monitor *m)
{
	if (!m)
		return;
	while (m->qhead < m->qlen)
		mon_event_clear(&m->q[m->qhead++]);
	free(m->q);
	for (size_t i = 0; i < m->nent; i++) {
		free(m->ent[i].parent);
		free(m->ent[i].type);
	}
	free(m->ent);
	for (size_t i = 0; i < m->npw; i++)
		free(m->pw[i].name);
	free(m->pw);
	for (size_t i = 0; i < m->nact; i++)
		free(m->act[i].type);
	free(m->act);
	if (m->infd >= 0)
		close(m->infd);
	udev_close(m->udev, m->umon);
	if (m->epfd >= 0)
		close(m->epfd);
	free(m);
}

/* -- uevent wake-ups ------------------------------------------------------------------------ */

struct uevent_wake {
	struct udev *udev;
	struct udev_monitor *mon;
};

int uevent_wake_open(const char *const *subsystems, struct uevent_wake **out,
		     struct mdev_error *err)
{
	struct uevent_wake *w = xcalloc(1, sizeof(*w));
	int r = udev_open(&w->udev, &w->mon, subsystems, err);

	if (r < 0) {
		uevent_wake_close(w);
		return r;
	}
	*out = w;
	return 0;
}

int uevent_wake_fd(const struct uevent_wake *w)
{
	return ud->udev_monitor_get_fd(w->mon);
}

void uevent_wake_drain(struct uevent_wake *w)
{
	struct udev_device *d;

	while ((d = ud->udev_monitor_receive_device(w->mon)))
		ud->udev_device_unref(d);
}

void uevent_wake_close(struct uevent_wake *w)
{
	if (!w)
		return;
	udev_close(w->udev, w->mon);
	free(w);
}
