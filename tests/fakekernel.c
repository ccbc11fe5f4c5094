// SPDX-License-Identifier: LGPL-2.1-or-later
// fakekernel: plays the kernel's part for mdev `create` and `remove` writes in a fake sysfs tree.
//
// Usage: fakekernel ROOT [CTLDIR]
//
// Watches (inotify) every ROOT/sys/class/mdev_bus/*/mdev_supported_types/*/create and every
// active device's `remove`, picking up parents, types and devices as they appear. A valid UUID
// (any case, optional trailing newline) written to `create` becomes a device laid out exactly
// as tests/test_helper.bash's mk_active lays it out (lowercase name, its own emulated IOMMU group
// with the lowest free number, a vfio-dev cdev), and available_instances drops by one. A
// duplicate or malformed UUID, or 0 available instances, is refused: logged, nothing created.
// `create` is truncated back to empty either way. A non-zero number written to a device's
// `remove` deletes the device, its links and its group, and gives the instance back.
// Each new device of type T also gets a copy of the files in CTLDIR/attrs/T/ (attribute files
// a test wants the device to have, e.g. vfio-ap's assign_adapter).
//
// Unlike the kernel, it reacts after the write has completed (within a millisecond or so): a
// second write to the same file before then reaches it as the last content only, and a program
// that needs the device must wait for sys/bus/mdev/devices/UUID, which appears last.
//
// `fakekernel --run ROOT -- CMD...` plays the NVIDIA vGPU driver instead, for CMD's writes
// (see fakekernel_run.c and fakekernel_vgpu.c).
//
// Prints "ready" on stdout once its watches are set. With CTLDIR, a line written to
// CTLDIR/ping is copied to CTLDIR/pong once every earlier event has been handled (inotify
// keeps events in order), which lets a test wait for the fake kernel to settle. Logs one line
// per action on stderr. Exits 0 on SIGTERM or SIGINT.

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakekernel.h"

enum kind { K_BUS, K_PARENT, K_TYPES, K_TYPE, K_DEVICE, K_CTL };

struct watch {
	int wd;
	enum kind kind;
	char *path; /* relative to the root, or absolute for K_CTL */
};

const char *root; /* real path of ROOT */
int rootfd = -1;
static int infd = -1;
static const char *ctldir; /* may be NULL */
static struct watch *watches;
static size_t nwatches;

void logmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("fakekernel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Formats into buf; returns buf, or NULL (and logs) when it does not fit. */
char *fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		logmsg("path too long: %s", f);
		return NULL;
	}
	return buf;
}

const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Copies the directory part of p into buf. */
char *dir_name(char *buf, size_t size, const char *p)
{
	const char *s = strrchr(p, '/');
	size_t n = s ? (size_t)(s - p) : 0;

	if (n >= size)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Relative path from directory `from` to `to`, both normalised and relative to the root. Like
 * the kernel (kernfs_get_target_path), it climbs to the nearest ancestor of `to`'s directory,
 * so a link to an ancestor reads ../../../UUID rather than ../..
 */
char *rel_path(char *buf, size_t size, const char *from, const char *to)
{
	const char *slash = strrchr(to, '/');
	size_t i = 0, common = 0, len = 0, tdir = slash ? (size_t)(slash - to) : 0;

	/* longest common prefix of `from` and dirname(to), ending on a component boundary */
	for (;; i++) {
		bool fe = from[i] == '\0' || from[i] == '/';
		bool te = i == tdir || to[i] == '/';

		if (fe && te)
			common = i;
		if (i >= tdir || from[i] != to[i] || from[i] == '\0')
			break;
	}
	if (from[common] == '/')
		common++;
	buf[0] = '\0';
	for (const char *p = from + common; *p;) {
		if (len + 3 >= size)
			return NULL;
		memcpy(buf + len, "../", 4);
		len += 3;
		p = strchr(p, '/');
		if (!p)
			break;
		p++;
	}
	const char *rest = to + common;
	if (*rest == '/')
		rest++;
	if (len + strlen(rest) + 1 > size)
		return NULL;
	strcpy(buf + len, rest);
	len += strlen(rest);
	if (len > 0 && buf[len - 1] == '/')
		buf[--len] = '\0';
	if (len == 0)
		strcpy(buf, ".");
	return buf;
}

bool exists(const char *rel)
{
	struct stat st;

	return fstatat(rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int mkdir_p(const char *rel)
{
	char buf[PATH_MAX];
	size_t n = strlen(rel);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, rel, n + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdirat(rootfd, buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int write_file(const char *rel, const char *content)
{
	int fd = openat(rootfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t n = strlen(content);

	if (fd < 0)
		return -errno;
	if (write(fd, content, n) != (ssize_t)n) {
		int e = errno ? errno : EIO;

		close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* Replaces rel atomically (temp file in the same directory, then rename). */
int replace_file(const char *rel, const char *content)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	int r;

	if (!dir_name(dir, sizeof(dir), rel) ||
	    !fmt(tmp, sizeof(tmp), "%s/.fakekernel-%s", dir, base_name(rel)))
		return -ENAMETOOLONG;
	r = write_file(tmp, content);
	if (r < 0)
		return r;
	return renameat(rootfd, tmp, rootfd, rel) < 0 ? -errno : 0;
}

/* Reads at most size-1 bytes of rel into buf; returns the length or -errno. */
ssize_t read_file(const char *rel, char *buf, size_t size)
{
	int fd = openat(rootfd, rel, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Empties rel without a close-write event of our own (truncate(2) only reports IN_MODIFY). */
static int truncate_at_root(const char *rel)
{
	char abs[PATH_MAX];

	if (!fmt(abs, sizeof(abs), "%s/%s", root, rel))
		return -1;
	return truncate(abs, 0);
}

/* Symlink at link_rel pointing (relatively) to target_rel. */
int link_to(const char *target_rel, const char *link_rel)
{
	char dir[PATH_MAX], rel[PATH_MAX];

	if (!dir_name(dir, sizeof(dir), link_rel) || !rel_path(rel, sizeof(rel), dir, target_rel))
		return -ENAMETOOLONG;
	return symlinkat(rel, rootfd, link_rel) < 0 ? -errno : 0;
}

int rm_rf_at(int dirfd, const char *name)
{
	struct stat st;
	int fd, r = 0;
	DIR *d;
	struct dirent *de;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_rf_at(fd, de->d_name) < 0)
			r = -errno;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

static bool is_uuid(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* -- watches ------------------------------------------------------------------------------- */

static struct watch *find_watch(int wd)
{
	for (size_t i = 0; i < nwatches; i++)
		if (watches[i].wd == wd)
			return &watches[i];
	return NULL;
}

static void drop_watch(int wd)
{
	for (size_t i = 0; i < nwatches; i++) {
		if (watches[i].wd == wd) {
			free(watches[i].path);
			watches[i] = watches[--nwatches];
			return;
		}
	}
}

static void add_watch(const char *path, enum kind kind, uint32_t mask)
{
	char abs[PATH_MAX];
	struct watch *w, *nw;
	int wd;

	if (kind == K_CTL) {
		if (!fmt(abs, sizeof(abs), "%s", path))
			return;
	} else if (!fmt(abs, sizeof(abs), "%s/%s", root, path)) {
		return;
	}
	wd = inotify_add_watch(infd, abs, mask);
	if (wd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			logmsg("cannot watch %s: %s", abs, strerror(errno));
		return;
	}
	w = find_watch(wd);
	if (!w) {
		nw = realloc(watches, (nwatches + 1) * sizeof(*watches));
		if (!nw) {
			logmsg("out of memory");
			exit(1);
		}
		watches = nw;
		w = &watches[nwatches++];
		w->wd = wd;
		w->path = NULL;
	}
	free(w->path);
	w->path = strdup(path);
	w->kind = kind;
	if (!w->path) {
		logmsg("out of memory");
		exit(1);
	}
}

/* The device directory of parent `name`, relative to the root. */
static char *parent_dir(char *buf, size_t size, const char *name)
{
	char link[PATH_MAX], *real;
	size_t n = strlen(root);

	if (!fmt(link, sizeof(link), "%s/sys/class/mdev_bus/%s", root, name))
		return NULL;
	real = realpath(link, NULL);
	if (!real)
		return NULL;
	if (strncmp(real, root, n) != 0 || real[n] != '/' || strlen(real + n + 1) >= size) {
		free(real);
		return NULL;
	}
	strcpy(buf, real + n + 1);
	free(real);
	return buf;
}

static void scan_parent(const char *pdir)
{
	char types[PATH_MAX], p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd;

	add_watch(pdir, K_PARENT, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
	if (!fmt(types, sizeof(types), "%s/mdev_supported_types", pdir))
		return;
	add_watch(types, K_TYPES, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);

	fd = openat(rootfd, types, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (fmt(p, sizeof(p), "%s/%s", types, de->d_name))
				add_watch(p, K_TYPE, IN_CLOSE_WRITE | IN_ONLYDIR);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}

	fd = openat(rootfd, pdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((de = readdir(d))) {
			if (is_uuid(de->d_name, strlen(de->d_name)) &&
			    fmt(p, sizeof(p), "%s/%s", pdir, de->d_name))
				add_watch(p, K_DEVICE, IN_CLOSE_WRITE | IN_ONLYDIR);
		}
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
}

static void rescan(void)
{
	char pdir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd;

	add_watch("sys/class/mdev_bus", K_BUS, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
	fd = openat(rootfd, "sys/class/mdev_bus", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (parent_dir(pdir, sizeof(pdir), de->d_name))
			scan_parent(pdir);
	}
	closedir(d);
}

/* -- the kernel's part --------------------------------------------------------------------- */

int read_int(const char *rel, long *v)
{
	char buf[64], *end;
	ssize_t n = read_file(rel, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*v = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static int add_avail(const char *type, long delta)
{
	char p[PATH_MAX], val[32];
	long v;
	int r;

	if (!fmt(p, sizeof(p), "%s/available_instances", type))
		return -ENAMETOOLONG;
	r = read_int(p, &v);
	if (r < 0)
		return r;
	snprintf(val, sizeof(val), "%ld\n", v + delta < 0 ? 0 : v + delta);
	return replace_file(p, val);
}

static const char *driver_of(const char *pdir)
{
	return strncmp(pdir, "sys/devices/virtual/", 20) == 0 ? base_name(pdir) : "vfio_mdev";
}

/* Copies the regular files of CTLDIR/attrs/TYPE/ (the test's attribute files) into `at`. */
static int copy_attr_template(const char *tname, const char *at)
{
	char dir[PATH_MAX], a[PATH_MAX], buf[4096];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (!ctldir || !fmt(dir, sizeof(dir), "%s/attrs/%s", ctldir, tname))
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char src[PATH_MAX];
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.' || !fmt(src, sizeof(src), "%s/%s", dir, de->d_name) ||
		    !fmt(a, sizeof(a), "%s/%s", at, de->d_name))
			continue;
		fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0)
			continue;
		buf[n] = '\0';
		if ((r = write_file(a, buf)) < 0)
			break;
	}
	closedir(d);
	return r;
}

/* Lays out device `uuid` in directory `at` (final path `dev`), with IOMMU group `group`. */
static int build_device(const char *type, const char *dev, const char *at, const char *uuid,
			const char *drv, int group, int vfio)
{
	char a[PATH_MAX], b[PATH_MAX], g[PATH_MAX], c[128];
	int r = 0;

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if ((r = (x)) < 0)                                                                 \
			return r;                                                                  \
	} while (0)
#define P(buf, ...)                                                                                \
	do {                                                                                       \
		if (!fmt(buf, sizeof(buf), __VA_ARGS__))                                           \
			return -ENAMETOOLONG;                                                      \
	} while (0)
	TRY(mkdirat(rootfd, at, 0755) < 0 ? -errno : 0);
	P(a, "%s/vendor", at);
	TRY(mkdir_p(a));
	TRY(copy_attr_template(base_name(type), at));
	/* links are computed from the final path: same depth, same result */
	P(a, "%s/mdev_type", at);
	P(b, "%s/mdev_type", dev);
	if (!dir_name(g, sizeof(g), b) || !rel_path(c, sizeof(c), g, type))
		return -ENAMETOOLONG;
	TRY(symlinkat(c, rootfd, a) < 0 ? -errno : 0);
	P(a, "%s/remove", at);
	TRY(write_file(a, ""));
	P(b, "sys/bus/mdev/drivers/%s", drv);
	TRY(mkdir_p(b));
	P(a, "%s/driver", at);
	TRY(link_to(b, a));
	P(a, "%s/subsystem", at);
	TRY(link_to("sys/bus/mdev", a));
	P(a, "%s/uevent", at);
	P(b, "DRIVER=%s\n", drv);
	TRY(write_file(a, b));

	P(g, "sys/kernel/iommu_groups/%d", group);
	P(a, "%s/devices", g);
	TRY(mkdir_p(a));
	P(a, "%s/devices/%s", g, uuid);
	TRY(link_to(dev, a));
	P(a, "%s/name", g);
	TRY(write_file(a, "vfio-noiommu\n"));
	P(a, "%s/reserved_regions", g);
	TRY(write_file(a, ""));
	P(a, "%s/type", g);
	TRY(write_file(a, "unknown\n"));
	P(a, "%s/iommu_group", at);
	TRY(link_to(g, a));
	P(a, "sys/devices/virtual/vfio/%d", group);
	TRY(mkdir_p(a));
	P(a, "sys/devices/virtual/vfio/%d/dev", group);
	P(b, "253:%d\n", group);
	TRY(write_file(a, b));
	P(a, "sys/devices/virtual/vfio/%d/uevent", group);
	P(b, "MAJOR=253\nMINOR=%d\nDEVNAME=vfio/%d\n", group, group);
	TRY(write_file(a, b));
	TRY(mkdir_p("sys/class/vfio"));
	P(a, "sys/class/vfio/%d", group);
	P(b, "sys/devices/virtual/vfio/%d", group);
	TRY(link_to(b, a));

	P(a, "%s/vfio-dev/vfio%d", at, vfio);
	TRY(mkdir_p(a));
	P(a, "%s/vfio-dev/vfio%d/dev", at, vfio);
	P(b, "252:%d\n", vfio);
	TRY(write_file(a, b));
	P(a, "%s/vfio-dev/vfio%d/device", at, vfio);
	P(b, "%s/vfio-dev/vfio%d/device", dev, vfio);
	if (!dir_name(g, sizeof(g), b) || !rel_path(c, sizeof(c), g, dev))
		return -ENAMETOOLONG;
	TRY(symlinkat(c, rootfd, a) < 0 ? -errno : 0);
	P(a, "%s/vfio-dev/vfio%d/subsystem", at, vfio);
	P(b, "%s/vfio-dev/vfio%d/subsystem", dev, vfio);
	if (!dir_name(g, sizeof(g), b) || !rel_path(c, sizeof(c), g, "sys/class/vfio-dev"))
		return -ENAMETOOLONG;
	TRY(symlinkat(c, rootfd, a) < 0 ? -errno : 0);
	TRY(mkdir_p("sys/class/vfio-dev"));
	P(a, "sys/class/vfio-dev/vfio%d", vfio);
	P(b, "%s/vfio-dev/vfio%d", dev, vfio);
	TRY(link_to(b, a));
#undef P
#undef TRY
	return 0;
}

static void remove_group(int group, const char *uuid)
{
	char a[PATH_MAX], g[PATH_MAX];
	DIR *d;
	int fd, left = 0;
	struct dirent *de;

	if (!fmt(g, sizeof(g), "sys/kernel/iommu_groups/%d", group) ||
	    !fmt(a, sizeof(a), "%s/devices/%s", g, uuid))
		return;
	unlinkat(rootfd, a, 0);
	if (!fmt(a, sizeof(a), "%s/devices", g))
		return;
	fd = openat(rootfd, a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				left++;
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	if (left)
		return;
	rm_rf_at(rootfd, g);
	if (fmt(a, sizeof(a), "sys/class/vfio/%d", group))
		unlinkat(rootfd, a, 0);
	if (fmt(a, sizeof(a), "sys/devices/virtual/vfio/%d", group))
		rm_rf_at(rootfd, a);
}

static void do_create(const char *type)
{
	char file[PATH_MAX], buf[256], uuid[37], pdir[PATH_MAX], dev[PATH_MAX], tmp[PATH_MAX];
	char a[PATH_MAX];
	const char *tname = base_name(type), *pname;
	ssize_t n;
	long avail;
	int group = 0, vfio = 0, r;

	if (!fmt(file, sizeof(file), "%s/create", type) || !dir_name(a, sizeof(a), type) ||
	    !dir_name(pdir, sizeof(pdir), a))
		return;
	pname = base_name(pdir);
	n = read_file(file, buf, sizeof(buf));
	if (n <= 0)
		return; /* nothing written (or our own truncation) */
	if (truncate_at_root(file) < 0)
		logmsg("cannot truncate %s: %s", file, strerror(errno));
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (!is_uuid(buf, (size_t)n) || memchr(buf, '\0', (size_t)n)) {
		logmsg("create %s/%s \"%s\": refused: Invalid argument (EINVAL)", pname, tname,
		       buf);
		return;
	}
	for (int i = 0; i < 36; i++)
		uuid[i] = (char)tolower((unsigned char)buf[i]);
	uuid[36] = '\0';
	if (!fmt(a, sizeof(a), "sys/bus/mdev/devices/%s", uuid))
		return;
	if (exists(a)) {
		logmsg("create %s/%s %s: refused: File exists (EEXIST)", pname, tname, uuid);
		return;
	}
	if (!fmt(a, sizeof(a), "%s/available_instances", type))
		return;
	r = read_int(a, &avail);
	if (r < 0 || avail <= 0) {
		logmsg("create %s/%s %s: refused: %s", pname, tname, uuid,
		       r < 0 ? "cannot read available_instances"
			     : "No space left on device (ENOSPC): 0 available instances");
		return;
	}
	for (;; group++) {
		if (!fmt(a, sizeof(a), "sys/kernel/iommu_groups/%d", group))
			return;
		if (!exists(a))
			break;
	}
	for (;; vfio++) {
		if (!fmt(a, sizeof(a), "sys/class/vfio-dev/vfio%d", vfio))
			return;
		if (!exists(a))
			break;
	}
	if (!fmt(dev, sizeof(dev), "%s/%s", pdir, uuid) ||
	    !fmt(tmp, sizeof(tmp), "%s/.fakekernel-%s", pdir, uuid))
		return;
	rm_rf_at(rootfd, tmp);
	r = build_device(type, dev, tmp, uuid, driver_of(pdir), group, vfio);
	if (r == 0)
		r = add_avail(type, -1);
	if (r == 0 && renameat(rootfd, tmp, rootfd, dev) < 0)
		r = -errno;
	if (r < 0) {
		logmsg("create %s/%s %s: failed: %s", pname, tname, uuid, strerror(-r));
		rm_rf_at(rootfd, tmp);
		return;
	}
	add_watch(dev, K_DEVICE, IN_CLOSE_WRITE | IN_ONLYDIR);
	if (fmt(a, sizeof(a), "%s/devices/%s", type, uuid))
		link_to(dev, a);
	/* the bus link last: once it resolves, the device is complete */
	if (fmt(a, sizeof(a), "sys/bus/mdev/devices/%s", uuid)) {
		mkdir_p("sys/bus/mdev/devices");
		link_to(dev, a);
	}
	logmsg("create %s/%s %s: ok (iommu group %d, vfio%d)", pname, tname, uuid, group, vfio);
}

static void do_remove(const char *dev)
{
	char file[PATH_MAX], buf[64], pdir[PATH_MAX], type[PATH_MAX], a[PATH_MAX], tmp[PATH_MAX];
	const char *uuid = base_name(dev), *g;
	unsigned long v;
	char *end;
	ssize_t n;
	int group = -1;
	DIR *d;
	struct dirent *de;
	int fd;

	if (!fmt(file, sizeof(file), "%s/remove", dev) || !dir_name(pdir, sizeof(pdir), dev))
		return;
	n = read_file(file, buf, sizeof(buf));
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (errno || end == buf || *end || buf[0] == '-') {
		truncate_at_root(file);
		logmsg("remove %s \"%s\": refused: Invalid argument (EINVAL)", uuid, buf);
		return;
	}
	if (v == 0) {
		truncate_at_root(file);
		return;
	}

	/* what the device points at, before it goes */
	type[0] = '\0';
	if (fmt(a, sizeof(a), "%s/mdev_type", dev)) {
		char t[PATH_MAX];
		ssize_t k = readlinkat(rootfd, a, t, sizeof(t) - 1);

		if (k > 0) {
			t[k] = '\0';
			fmt(type, sizeof(type), "%s/mdev_supported_types/%s", pdir, base_name(t));
		}
	}
	if (fmt(a, sizeof(a), "%s/iommu_group", dev)) {
		char t[PATH_MAX];
		ssize_t k = readlinkat(rootfd, a, t, sizeof(t) - 1);

		if (k > 0) {
			t[k] = '\0';
			g = base_name(t);
			if (*g && strspn(g, "0123456789") == strlen(g))
				group = atoi(g);
		}
	}

	/* the bus link first: from then on the device is gone */
	if (fmt(a, sizeof(a), "sys/bus/mdev/devices/%s", uuid))
		unlinkat(rootfd, a, 0);
	if (type[0] && fmt(a, sizeof(a), "%s/devices/%s", type, uuid))
		unlinkat(rootfd, a, 0);
	if (fmt(a, sizeof(a), "%s/vfio-dev", dev)) {
		fd = openat(rootfd, a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && (d = fdopendir(fd))) {
			while ((de = readdir(d)))
				if (de->d_name[0] != '.' &&
				    fmt(a, sizeof(a), "sys/class/vfio-dev/%s", de->d_name))
					unlinkat(rootfd, a, 0);
			closedir(d);
		} else if (fd >= 0) {
			close(fd);
		}
	}
	if (!fmt(tmp, sizeof(tmp), "%s/.fakekernel-rm-%s", pdir, uuid))
		return;
	if (renameat(rootfd, dev, rootfd, tmp) == 0)
		rm_rf_at(rootfd, tmp);
	else
		rm_rf_at(rootfd, dev);
	if (group >= 0)
		remove_group(group, uuid);
	if (type[0] && add_avail(type, +1) < 0)
		logmsg("remove %s: cannot update %s/available_instances", uuid, type);
	logmsg("remove %s: ok", uuid);
}

static void do_ping(void)
{
	char in[PATH_MAX], tmp[PATH_MAX], out[PATH_MAX], buf[256];
	int fd;
	ssize_t n;

	if (!fmt(in, sizeof(in), "%s/ping", ctldir) ||
	    !fmt(tmp, sizeof(tmp), "%s/pong.tmp", ctldir) ||
	    !fmt(out, sizeof(out), "%s/pong", ctldir))
		return;
	fd = open(in, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, (size_t)n) != n)
		logmsg("cannot write %s", tmp);
	close(fd);
	rename(tmp, out);
}

static void handle(const struct inotify_event *ev)
{
	struct watch *w;

	if (ev->mask & IN_Q_OVERFLOW) {
		logmsg("inotify queue overflow: rescanning");
		rescan();
		return;
	}
	w = find_watch(ev->wd);
	if (!w)
		return;
	if (ev->mask & IN_IGNORED) {
		drop_watch(ev->wd);
		return;
	}
	if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (w->kind == K_BUS || (ev->mask & IN_ISDIR))) {
		if (ev->len && strncmp(ev->name, ".fakekernel-", 12) == 0)
			return;
		rescan();
		return;
	}
	if (!(ev->mask & IN_CLOSE_WRITE) || !ev->len)
		return;
	if (w->kind == K_TYPE && !strcmp(ev->name, "create"))
		do_create(w->path);
	else if (w->kind == K_DEVICE && !strcmp(ev->name, "remove"))
		do_remove(w->path);
	else if (w->kind == K_CTL && !strcmp(ev->name, "ping"))
		do_ping();
}

int main(int argc, char **argv)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd[2];
	sigset_t mask;
	int sfd;

	if (argc >= 5 && strcmp(argv[1], "--run") == 0 && strcmp(argv[3], "--") == 0)
		return vgpu_run(argv[2], argv + 4);
	if (argc < 2 || argc > 3) {
		fprintf(stderr,
			"usage: fakekernel ROOT [CTLDIR] | fakekernel --run ROOT -- CMD...\n");
		return 2;
	}
	root = realpath(argv[1], NULL);
	if (!root) {
		fprintf(stderr, "fakekernel: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	ctldir = argc == 3 ? argv[2] : NULL;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || mkdir_p("sys/class/mdev_bus") < 0) {
		fprintf(stderr, "fakekernel: %s: %s\n", root, strerror(errno));
		return 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0 ||
	    (infd = inotify_init1(IN_CLOEXEC)) < 0) {
		fprintf(stderr, "fakekernel: %s\n", strerror(errno));
		return 1;
	}
	if (ctldir)
		add_watch(ctldir, K_CTL, IN_CLOSE_WRITE | IN_ONLYDIR);
	rescan();
	printf("ready\n");
	fflush(stdout);

	pfd[0] = (struct pollfd){ .fd = infd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents) {
			ssize_t n = read(infd, buf, sizeof(buf));

			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				logmsg("read: %s", strerror(errno));
				return 1;
			}
			for (char *p = buf; p < buf + n;) {
				const struct inotify_event *ev = (const struct inotify_event *)p;

				handle(ev);
				p += sizeof(*ev) + ev->len;
			}
		}
	}
	return 0;
}
