// SPDX-License-Identifier: LGPL-2.1-or-later
/* Definition events for `monitor`: etc/mdevctl.d watched with inotify, through the rooted layer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmdev/monitor_defs.h"
#include "libmdev/store.h"

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
			mon_emit(m, MON_UNDEFINED, e->uuid, e->parent, e->type);
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
		mon_emit(m, MON_DEFINED, e->uuid, e->parent, e->type);
		return;
	}
	if (!force && file_id_eq(&e->id, &id))
		return;
	free(e->type);
	e->type = load_type(m, parent, uuid);
	e->id = id;
	mon_emit(m, MON_MODIFIED, e->uuid, e->parent, e->type);
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
		mon_emit(m, MON_UNDEFINED, e->uuid, e->parent, e->type);
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

static int defs_watch(struct monitor *m, struct mdev_error *err)
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
		return defs_watch(m, err);
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

const struct inotify_event *inotify_next(const char *buf, size_t n, size_t *off)
{
	const struct inotify_event *ev = (const struct inotify_event *)(buf + *off);

	/* records come whole and aligned from the kernel: anything else ends the buffer */
	if (n - *off < sizeof(*ev) || ev->len > n - *off - sizeof(*ev) ||
	    ev->len % __alignof__(*ev) || (ev->len && !memchr(ev->name, '\0', ev->len)))
		return NULL;
	*off += sizeof(*ev) + ev->len;
	return ev;
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
			return defs_watch(m, err);
		}
		return 0;
	}
	if (ev->wd == m->root_wd) {
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
			if (ev->mask & IN_IGNORED)
				m->root_wd = -1;
			detach_all(m);
			return defs_watch(m, err);
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

int defs_read(struct monitor *m, struct mdev_error *err)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (m->infd >= 0) {
		ssize_t n = read(m->infd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return mdev_errorf(err, errno, "cannot read inotify events: %s",
					   strerror(errno));
		}
		for (size_t off = 0;;) {
			const struct inotify_event *ev = inotify_next(buf, (size_t)n, &off);
			int r = ev ? handle_inotify(m, ev, err) : 0;

			if (!ev)
				break;
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int defs_attach(struct monitor *m, struct mdev_error *err)
{
	int r;

	m->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->infd < 0)
		return mdev_errorf(err, errno, "cannot watch /" CONFIG_DIR ": %s", strerror(errno));
	r = mon_poll_add(m, m->infd, err);
	return r < 0 ? r : defs_watch(m, err);
}

void defs_free(struct monitor *m)
{
	for (size_t i = 0; i < m->nent; i++) {
		free(m->ent[i].parent);
		free(m->ent[i].type);
	}
	free(m->ent);
	for (size_t i = 0; i < m->npw; i++)
		free(m->pw[i].name);
	free(m->pw);
	if (m->infd >= 0)
		close(m->infd);
}
