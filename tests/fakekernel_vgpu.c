// SPDX-License-Identifier: LGPL-2.1-or-later
// The NVIDIA vGPU host driver's sysfs, as the interface is published (no hardware here): what
// a write to a PF's sriov_numvfs or a VF's nvidia/current_vgpu_type does, and its errors.
//
// A PF laid out by tests/test_helper.bash (mk_vgpu_pf) carries a catalogue, .fake-vgpu:
//   fb GB                 framebuffer of the GPU
//   mode shipping|rfc     which driver's errors (see below); shipping by default
//   numvfs_errno N        refuse sriov_numvfs with errno N (a driver that wants sriov-manage)
//   bind_ms MS            delay before a new VF is bound to nvidia (FAKEKERNEL_VF_BIND_MS wins)
//   type ID GB NAME       a vGPU type and its framebuffer size
// sriov_numvfs=N lays out N VFs (virtfnK/physfn links, an IOMMU group each), bound to nvidia
// with nvidia/current_vgpu_type and nvidia/creatable_vgpu_types after bind_ms.  Every change
// rewrites every VF's creatable list, homogeneous mode: once a vGPU exists, the free VFs
// offer only types of its size while the GPU has room; a VF that holds a vGPU reads 0 bytes.
// current_vgpu_type: not a number: EINVAL; ID on a VF that holds one, or 0 on one that holds
// none: EPERM; an ID the GPU does not know: ENODEV; 0 while a process (fake proc/) holds the
// VF's /dev/vfio group: EBUSY; a known ID not offered now: EIO (shipping; NVRM's "Failed to
// add vgpu create request") or, with mode rfc, ENOSPC when the GPU is full, else EINVAL, and
// EBUSY for any write while the VF is held.

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakekernel.h"

#define MAX_TYPES 64

struct cat_type {
	long id, gb;
	char name[96];
};

struct catalogue {
	long fb, numvfs_errno, bind_ms;
	bool rfc;
	struct cat_type t[MAX_TYPES];
	size_t n;
};

struct pending {
	long long due;
	char pf[PATH_MAX], vf[PATH_MAX];
};

static struct pending *pend;
static size_t npend;

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int load_catalogue(const char *pf, struct catalogue *c)
{
	char p[PATH_MAX], line[256];
	const char *env = getenv("FAKEKERNEL_VF_BIND_MS");
	FILE *f;
	int fd;

	memset(c, 0, sizeof(*c));
	if (!fmt(p, sizeof(p), "%s/.fake-vgpu", pf) ||
	    (fd = openat(rootfd, p, O_RDONLY | O_CLOEXEC)) < 0 || !(f = fdopen(fd, "r")))
		return -ENODEV;
	while (fgets(line, sizeof(line), f)) {
		struct cat_type *t = &c->t[c->n];
		char mode[16];
		int at = 0;

		line[strcspn(line, "\n")] = '\0';
		if (c->n < MAX_TYPES && sscanf(line, "type %ld %ld %n", &t->id, &t->gb, &at) == 2 &&
		    at) {
			snprintf(t->name, sizeof(t->name), "%s", line + at);
			c->n++;
		}
		sscanf(line, "fb %ld", &c->fb);
		sscanf(line, "numvfs_errno %ld", &c->numvfs_errno);
		sscanf(line, "bind_ms %ld", &c->bind_ms);
		if (sscanf(line, "mode %15s", mode) == 1)
			c->rfc = strcmp(mode, "rfc") == 0;
	}
	fclose(f);
	if (env)
		c->bind_ms = atol(env);
	return 0;
}

static const struct cat_type *cat_find(const struct catalogue *c, long id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->t[i].id == id)
			return &c->t[i];
	return NULL;
}

/* The device directory of link REL (a relative symlink), into BUF; NULL when none. */
static char *link_dir(char *buf, size_t size, const char *rel)
{
	char abs[PATH_MAX], *real;
	size_t n = strlen(root);

	if (!fmt(abs, sizeof(abs), "%s/%s", root, rel) || !(real = realpath(abs, NULL)))
		return NULL;
	if (strncmp(real, root, n) != 0 || real[n] != '/' || strlen(real + n + 1) >= size) {
		free(real);
		return NULL;
	}
	strcpy(buf, real + n + 1);
	free(real);
	return buf;
}

static long read_long_at(const char *dir, const char *name, long dflt)
{
	char p[PATH_MAX];
	long v;

	return fmt(p, sizeof(p), "%s/%s", dir, name) && read_int(p, &v) == 0 ? v : dflt;
}

/* VF K of PF (its directory), when it exists. */
static char *vf_dir(char *buf, size_t size, const char *pf, long k)
{
	char p[PATH_MAX];

	return fmt(p, sizeof(p), "%s/virtfn%ld", pf, k) ? link_dir(buf, size, p) : NULL;
}

/* -1 for a VF not bound yet (no nvidia/). */
static long vf_current(const char *vf)
{
	return read_long_at(vf, "nvidia/current_vgpu_type", -1);
}

static long vf_group(const char *vf)
{
	char p[PATH_MAX], g[PATH_MAX];

	return fmt(p, sizeof(p), "%s/iommu_group", vf) && link_dir(g, sizeof(g), p)
		       ? atol(base_name(g))
		       : -1;
}

/* Whether a process of the fake proc/ has the VF's VFIO group open. */
static bool vf_held(const char *vf)
{
	char node[64], p[PATH_MAX], target[PATH_MAX];
	struct dirent *pe, *fe;
	bool held = false;
	DIR *procs, *fds;
	int fd;

	snprintf(node, sizeof(node), "/dev/vfio/%ld", vf_group(vf));
	fd = openat(rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(procs = fdopendir(fd)))
		return false;
	while (!held && (pe = readdir(procs))) {
		if (!isdigit((unsigned char)pe->d_name[0]) ||
		    !fmt(p, sizeof(p), "proc/%s/fd", pe->d_name) ||
		    (fd = openat(rootfd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;
		if (!(fds = fdopendir(fd))) {
			close(fd);
			continue;
		}
		while (!held && (fe = readdir(fds))) {
			ssize_t n = readlinkat(dirfd(fds), fe->d_name, target, sizeof(target) - 1);

			target[n > 0 ? n : 0] = '\0';
			held = strcmp(target, node) == 0;
		}
		closedir(fds);
	}
	closedir(procs);
	return held;
}

/* Whether type T can be created on a free VF now, the GPU holding USED vGPUs like FIRST. */
static bool offered(const struct catalogue *c, const struct cat_type *t, long used,
		    const struct cat_type *first)
{
	long cap = t->gb > 0 ? c->fb / t->gb : 0;

	if (!first)
		return cap >= 1;
	if (c->rfc)
		return t == first && used < cap;
	return t->gb == first->gb && used < cap;
}

/* How many vGPUs PF holds, and the type of the first (which sets the size in use). */
static long gpu_used(const char *pf, const struct catalogue *c, const struct cat_type **first)
{
	long n = read_long_at(pf, "sriov_numvfs", 0), used = 0;
	char vf[PATH_MAX];

	*first = NULL;
	for (long k = 0; k < n; k++) {
		long cur = vf_dir(vf, sizeof(vf), pf, k) ? vf_current(vf) : -1;

		if (cur > 0 && !*first)
			*first = cat_find(c, cur);
		used += cur > 0;
	}
	return used;
}

/* What a free VF of PF offers now, the creatable list's text, into LIST. */
static void free_list(const char *pf, const struct catalogue *c, char *list, size_t size)
{
	const struct cat_type *first;
	long used = gpu_used(pf, c, &first);
	size_t len;

	len = (size_t)snprintf(list, size, "ID    : vGPU Name\n");
	for (size_t i = 0; i < c->n && len < size; i++)
		if (offered(c, &c->t[i], used, first))
			len += (size_t)snprintf(list + len, size - len, "%-5ld : %s\n", c->t[i].id,
						c->t[i].name);
}

/* Rewrites every bound VF's creatable list: a VF that holds a vGPU reads as 0 bytes. */
static void update_lists(const char *pf, const struct catalogue *c)
{
	long n = read_long_at(pf, "sriov_numvfs", 0);
	char vf[PATH_MAX], p[PATH_MAX], list[8192];

	free_list(pf, c, list, sizeof(list));
	for (long k = 0; k < n; k++) {
		long cur;

		if (!vf_dir(vf, sizeof(vf), pf, k) || (cur = vf_current(vf)) < 0 ||
		    !fmt(p, sizeof(p), "%s/nvidia/creatable_vgpu_types", vf))
			continue;
		write_file(p, cur == 0 ? list : "");
	}
}

static bool parse_value(const char *data, size_t len, long *v)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, data, len);
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	errno = 0;
	*v = strtol(buf, &end, 10);
	return len && !errno && !*end;
}

static long refuse(const char *what, long v, int e, const char *why)
{
	logmsg("%s <- %ld: refused: %s (%s)", what, v, strerrorname_np(e), why);
	return -e;
}

static long write_type(const char *vf, long v, size_t len)
{
	char pf[PATH_MAX], p[PATH_MAX], val[32];
	struct catalogue c;
	const struct cat_type *t;
	const char *addr = base_name(vf);
	long cur = vf_current(vf), used;
	const struct cat_type *first;

	if (!fmt(p, sizeof(p), "%s/physfn", vf) || !link_dir(pf, sizeof(pf), p) ||
	    load_catalogue(pf, &c) < 0)
		return -ENODEV;
	if (c.rfc && vf_held(vf))
		return refuse(addr, v, EBUSY, "the VF is open");
	if (v == 0) {
		if (cur <= 0)
			return refuse(addr, v, EPERM, "no vGPU to destroy");
		if (vf_held(vf))
			return refuse(addr, v, EBUSY, "a process holds the VF");
	} else {
		if (cur != 0)
			return refuse(addr, v, EPERM, "the VF holds a vGPU");
		t = cat_find(&c, v);
		if (!t)
			return refuse(addr, v, ENODEV, "unknown type");
		used = gpu_used(pf, &c, &first);
		if (!offered(&c, t, used, first)) {
			if (!c.rfc)
				return refuse(addr, v, EIO,
					      "NVRM: Failed to add vgpu create request");
			return first && used >= c.fb / first->gb
				       ? refuse(addr, v, ENOSPC, "the GPU is full")
				       : refuse(addr, v, EINVAL, "not the type in use");
		}
	}
	snprintf(val, sizeof(val), "%ld\n", v);
	if (!fmt(p, sizeof(p), "%s/nvidia/current_vgpu_type", vf) || write_file(p, val) < 0)
		return -EIO;
	update_lists(pf, &c);
	logmsg("%s <- %ld: ok (was %ld)", addr, v, cur);
	return (long)len;
}

static long lowest_free_group(void)
{
	char p[64];
	long g = 0;

	while (fmt(p, sizeof(p), "sys/kernel/iommu_groups/%ld", g) && exists(p))
		g++;
	return g;
}

/* Writes CONTENT to DIR/NAME. */
static void put(const char *dir, const char *name, const char *content)
{
	char p[PATH_MAX];

	if (fmt(p, sizeof(p), "%s/%s", dir, name))
		write_file(p, content);
}

/* A link at DIR/NAME to TARGET. */
static void link_in(const char *target, const char *dir, const char *name)
{
	char p[PATH_MAX];

	if (fmt(p, sizeof(p), "%s/%s", dir, name))
		link_to(target, p);
}

/* VF K of PF, as the PCI core adds it: before any driver binds it. */
static int add_vf(const char *pf, long k, char *vf, size_t size)
{
	char dir[PATH_MAX], addr[32], g[64], line[64], dev[32] = "", p[PATH_MAX];
	unsigned dom, bus, d, f;
	long rid, group = lowest_free_group();

	if (!dir_name(dir, sizeof(dir), pf) ||
	    sscanf(base_name(pf), "%x:%x:%x.%u", &dom, &bus, &d, &f) != 4)
		return -EINVAL;
	/* the SR-IOV routing rule: the PF's routing ID plus offset plus stride per VF */
	rid = (long)(bus << 8 | d << 3 | f) + read_long_at(pf, "sriov_offset", 1) +
	      read_long_at(pf, "sriov_stride", 1) * k;
	snprintf(addr, sizeof(addr), "%04x:%02lx:%02lx.%ld", dom, rid >> 8, (rid >> 3) & 0x1f,
		 rid & 7);
	snprintf(g, sizeof(g), "sys/kernel/iommu_groups/%ld", group);
	if (!fmt(vf, size, "%s/%s", dir, addr) || mkdir_p(vf) < 0 ||
	    !fmt(p, sizeof(p), "%s/devices", g) || mkdir_p(p) < 0)
		return -EIO;
	if (fmt(p, sizeof(p), "%s/device", pf))
		read_file(p, dev, sizeof(dev));
	put(vf, "vendor", "0x10de\n");
	put(vf, "device", dev);
	snprintf(line, sizeof(line), "PCI_SLOT_NAME=%s\n", addr);
	put(vf, "uevent", line);
	link_in("sys/bus/pci", vf, "subsystem");
	link_in(vf, "sys/bus/pci/devices", addr);
	link_in(pf, vf, "physfn");
	snprintf(line, sizeof(line), "virtfn%ld", k);
	link_in(vf, pf, line);
	snprintf(line, sizeof(line), "devices/%s", addr);
	link_in(vf, g, line);
	link_in(g, vf, "iommu_group");
	put(g, "reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n");
	put(g, "type", "DMA-FQ\n");
	return 0;
}

/* The nvidia driver binds VF: its nvidia/ files and its VFIO group node appear. */
static void bind_vf(const char *pf, const char *vf)
{
	char v[64], num[32], nv[PATH_MAX], final[PATH_MAX], list[8192];
	const char *addr = base_name(vf);
	long group = vf_group(vf);
	struct catalogue c;

	link_in("sys/bus/pci/drivers/nvidia", vf, "driver");
	link_in(vf, "sys/bus/pci/drivers/nvidia", addr);
	snprintf(v, sizeof(v), "sys/devices/virtual/vfio/%ld", group);
	snprintf(num, sizeof(num), "253:%ld\n", group);
	mkdir_p(v);
	put(v, "dev", num);
	mkdir_p("sys/class/vfio");
	link_in(v, "sys/class/vfio", base_name(v));
	/* sysfs shows a device's attributes all at once: staged, then renamed into place */
	if (load_catalogue(pf, &c) == 0 && fmt(nv, sizeof(nv), "%s/.nvidia", vf) &&
	    fmt(final, sizeof(final), "%s/nvidia", vf) && mkdir_p(nv) == 0) {
		free_list(pf, &c, list, sizeof(list));
		put(nv, "creatable_vgpu_types", list);
		put(nv, "current_vgpu_type", "0\n");
		if (renameat(rootfd, nv, rootfd, final) < 0)
			logmsg("%s: cannot publish nvidia/: %s", addr, strerror(errno));
	}
	logmsg("%s: bound to nvidia", addr);
}

/* Unlinks DIR/NAME, or removes it whole when it is a directory. */
static void drop(const char *dir, const char *name)
{
	char p[PATH_MAX];

	if (fmt(p, sizeof(p), "%s/%s", dir, name))
		rm_rf_at(rootfd, p);
}

static void remove_vf(const char *pf, long k)
{
	char vf[PATH_MAX], num[32];
	const char *addr;

	if (!vf_dir(vf, sizeof(vf), pf, k))
		return;
	addr = base_name(vf);
	snprintf(num, sizeof(num), "%ld", vf_group(vf));
	drop("sys/bus/pci/devices", addr);
	drop("sys/bus/pci/drivers/nvidia", addr);
	drop("sys/kernel/iommu_groups", num);
	drop("sys/class/vfio", num);
	drop("sys/devices/virtual/vfio", num);
	snprintf(num, sizeof(num), "virtfn%ld", k);
	drop(pf, num);
	rm_rf_at(rootfd, vf);
}

static long write_numvfs(const char *pf, long n, size_t len)
{
	long total = read_long_at(pf, "sriov_totalvfs", 0),
	     cur = read_long_at(pf, "sriov_numvfs", 0);
	const char *addr = base_name(pf);
	struct catalogue c;
	char p[PATH_MAX], val[32];

	if (load_catalogue(pf, &c) < 0)
		return (long)len; /* not a GPU this fake knows: a plain file */
	if (c.numvfs_errno)
		return refuse(addr, n, (int)c.numvfs_errno, "the driver wants sriov-manage");
	if (n < 0 || n > total)
		return refuse(addr, n, ERANGE, "more VFs than sriov_totalvfs");
	if (n == cur)
		return (long)len;
	if (n && cur)
		return refuse(addr, n, EBUSY, "VFs are enabled: disable them first");
	for (long k = 0; k < cur; k++)
		remove_vf(pf, k);
	for (long k = 0; k < n; k++) {
		struct pending *q;

		pend = realloc(pend, (npend + 1) * sizeof(*pend));
		q = &pend[npend++];
		q->due = now_ms() + c.bind_ms;
		snprintf(q->pf, sizeof(q->pf), "%s", pf);
		if (add_vf(pf, k, q->vf, sizeof(q->vf)) < 0)
			return -EIO;
	}
	snprintf(val, sizeof(val), "%ld\n", n);
	if (!fmt(p, sizeof(p), "%s/sriov_numvfs", pf) || write_file(p, val) < 0)
		return -EIO;
	logmsg("%s: sriov_numvfs %ld -> %ld", addr, cur, n);
	vgpu_tick(c.bind_ms <= 0);
	return (long)len;
}

long vgpu_write(const char *rel, const char *data, size_t len)
{
	char dir[PATH_MAX], vf[PATH_MAX];
	long v;

	if (!dir_name(dir, sizeof(dir), rel))
		return -EINVAL;
	if (!parse_value(data, len, &v))
		return -EINVAL;
	if (strcmp(base_name(rel), "sriov_numvfs") == 0)
		return write_numvfs(dir, v, len);
	if (!dir_name(vf, sizeof(vf), dir))
		return -EINVAL;
	return write_type(vf, v, len);
}

long vgpu_next_ms(void)
{
	long long next = -1, now = now_ms();

	for (size_t i = 0; i < npend; i++)
		if (next < 0 || pend[i].due < next)
			next = pend[i].due;
	return next < 0 ? -1 : next <= now ? 0 : (long)(next - now);
}

void vgpu_tick(bool all)
{
	long long now = now_ms();

	for (size_t i = 0; i < npend;) {
		if (all || pend[i].due <= now) {
			struct pending done = pend[i];

			pend[i] = pend[--npend];
			bind_vf(done.pf, done.vf);
		} else {
			i++;
		}
	}
}
