// SPDX-License-Identifier: LGPL-2.1-or-later
/* vGPU parents and their virtual functions, read from sysfs: what is there, what it offers. */
#include "libmdev/vgpu.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmdev/iommu.h"

/* A creatable list is a page at most on a real kernel; a fake tree gets some slack. */
#define CREATABLE_MAX (64u << 10)

static int read_dev_attr(const struct rootfs *rfs, const char *addr, const char *name, char *buf,
			 size_t size)
{
	char path[PATH_MAX];

	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/%s", addr, name) < 0)
		return -ENAMETOOLONG;
	return rfs_read(rfs, path, buf, size);
}

/* The basename of the link ADDR/NAME into BUF ("" when there is none). */
static void dev_link(const struct rootfs *rfs, const char *addr, const char *name, char *buf,
		     size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];

	buf[0] = '\0';
	if (rfs_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/%s", addr, name) == 0 &&
	    rfs_readlink(rfs, path, link, sizeof(link)) >= 0)
		snprintf(buf, size, "%s", rfs_basename(link));
}

static bool read_ulong(const struct rootfs *rfs, const char *addr, const char *name,
		       unsigned long *v)
{
	char buf[32];

	return read_dev_attr(rfs, addr, name, buf, sizeof(buf)) > 0 && parse_ulong(buf, v);
}

bool vgpu_is_pf(const struct rootfs *rfs, const char *addr)
{
	char buf[64];
	unsigned long total;

	if (!pci_addr_valid(addr) || read_dev_attr(rfs, addr, "vendor", buf, sizeof(buf)) <= 0 ||
	    strcmp(buf, VGPU_VENDOR) != 0)
		return false;
	dev_link(rfs, addr, "driver", buf, sizeof(buf));
	if (strcmp(buf, VGPU_DRIVER) != 0 || !read_ulong(rfs, addr, "sriov_totalvfs", &total) ||
	    total == 0)
		return false;
	/* a VF is bound to nvidia too; an mdev parent (or one with mdev VFs) is the other family */
	return !rfs_existsf(rfs, O_NOFOLLOW, SYS_PCI_DEVICES "/%s/physfn", addr) &&
	       !rfs_existsf(rfs, O_DIRECTORY, SYS_PCI_DEVICES "/%s/mdev_supported_types", addr) &&
	       !rfs_existsf(rfs, O_DIRECTORY, SYS_PCI_DEVICES "/%s/virtfn0/mdev_supported_types",
			    addr);
}

int vgpu_pfs(const struct rootfs *rfs, struct strv *out, struct mdev_error *err)
{
	struct strv bound = { 0 };
	int r = rfs_scandir(rfs, SYS_VGPU_DRIVER, SCAN_DIRS | SCAN_FOLLOW, &bound, NULL);

	if (r == -ENOENT)
		return 0; /* the nvidia driver is not loaded: no vGPU parent */
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list the devices of /%s: %s", SYS_VGPU_DRIVER,
				   strerror(-r));
	for (size_t i = 0; i < bound.n; i++)
		if (vgpu_is_pf(rfs, bound.v[i]))
			strv_push(out, bound.v[i]);
	strv_free(&bound);
	return 0;
}

static void load_creatable(const struct rootfs *rfs, const char *addr, struct vgpu_vf *vf)
{
	char *text;
	size_t len;
	int fd = rfs_openf(rfs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
			   SYS_PCI_DEVICES "/%s/nvidia/creatable_vgpu_types", addr);

	vf->creatable = (struct vgpu_type_list){ 0 };
	if (fd < 0)
		return;
	if (read_all_fd(fd, CREATABLE_MAX, &text, &len) == 0) {
		vgpu_parse_creatable(text, len, &vf->creatable);
		free(text);
	}
	close(fd);
}

static void load_vf(const struct rootfs *rfs, const char *pf, unsigned long index,
		    struct vgpu_vf *vf)
{
	char name[32], buf[32], dev[PATH_MAX];
	unsigned long v, group;

	memset(vf, 0, sizeof(*vf));
	vf->index = index;
	vf->current = -1;
	vf->group = -1;
	snprintf(name, sizeof(name), "virtfn%lu", index);
	dev_link(rfs, pf, name, vf->addr, sizeof(vf->addr));
	if (!pci_addr_valid(vf->addr)) {
		vf->addr[0] = '\0';
		return;
	}
	dev_link(rfs, vf->addr, "driver", vf->driver, sizeof(vf->driver));
	if (read_dev_attr(rfs, vf->addr, "nvidia/current_vgpu_type", buf, sizeof(buf)) > 0 &&
	    parse_ulong(buf, &v) && v <= LONG_MAX)
		vf->current = (long)v;
	load_creatable(rfs, vf->addr, vf);
	if (rfs_path(dev, sizeof(dev), SYS_PCI_DEVICES "/%s", vf->addr) == 0 &&
	    iommu_group_of(rfs, dev, &group) == 0 && group <= LONG_MAX)
		vf->group = (long)group;
}

int vgpu_pf_load(const struct rootfs *rfs, const char *addr, struct vgpu_pf *pf,
		 struct mdev_error *err)
{
	memset(pf, 0, sizeof(*pf));
	if (!vgpu_is_pf(rfs, addr))
		return mdev_errorf(err, ENODEV,
				   "%s is not a vGPU parent (an NVIDIA GPU bound to nvidia, with "
				   "SR-IOV)",
				   addr);
	snprintf(pf->addr, sizeof(pf->addr), "%s", addr);
	read_ulong(rfs, addr, "sriov_totalvfs", &pf->totalvfs);
	if (!read_ulong(rfs, addr, "sriov_numvfs", &pf->numvfs) || pf->numvfs > pf->totalvfs)
		pf->numvfs = 0;
	pf->vfs = xcalloc(pf->numvfs ? pf->numvfs : 1, sizeof(*pf->vfs));
	for (unsigned long k = 0; k < pf->numvfs; k++) {
		load_vf(rfs, addr, k, &pf->vfs[pf->nvfs]);
		if (pf->vfs[pf->nvfs].addr[0])
			pf->nvfs++;
	}
	return 0;
}

void vgpu_pf_clear(struct vgpu_pf *pf)
{
	for (size_t i = 0; i < pf->nvfs; i++)
		vgpu_type_list_free(&pf->vfs[i].creatable);
	free(pf->vfs);
	memset(pf, 0, sizeof(*pf));
}

bool vgpu_vf_ready(const struct vgpu_vf *vf)
{
	return strcmp(vf->driver, VGPU_DRIVER) == 0 && vf->current >= 0;
}

const struct vgpu_vf *vgpu_pf_vf(const struct vgpu_pf *pf, unsigned long index)
{
	for (size_t i = 0; i < pf->nvfs; i++)
		if (pf->vfs[i].index == index)
			return &pf->vfs[i];
	return NULL;
}

/* Names of MIG-backed profiles end in "-<slices>-<memory><letters>", e.g. H200X-1-18C. */
static bool is_mig_name(const char *name)
{
	const char *end = name + strlen(name), *p = end;

	while (p > name && isalpha((unsigned char)p[-1]))
		p--;
	if (p == end)
		return false;
	for (end = p; p > name && isdigit((unsigned char)p[-1]);)
		p--;
	if (p == end || p == name || p[-1] != '-')
		return false;
	for (end = --p; p > name && isdigit((unsigned char)p[-1]);)
		p--;
	return p != end && p > name && p[-1] == '-';
}

struct type_acc {
	unsigned long id;
	const char *name;
	long available;
};

static struct type_acc *acc_get(struct type_acc **v, size_t *n, unsigned long id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].id == id)
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct type_acc){ id, NULL, 0 };
	return &(*v)[(*n)++];
}

static int cmp_acc(const void *a, const void *b)
{
	unsigned long x = ((const struct type_acc *)a)->id, y = ((const struct type_acc *)b)->id;

	return x < y ? -1 : x > y;
}

static void fill_type(const struct type_acc *a, struct mdev_type_info *t)
{
	static const char mig[] = "MIG-backed: needs a GPU instance (nvidia-smi mig -cgi) first";
	struct sbuf b = { 0 };
	char id[24 + sizeof(VGPU_TYPE_PREFIX)];
	size_t name = 0, desc = 0;

	snprintf(id, sizeof(id), VGPU_TYPE_PREFIX "%lu", a->id);
	sb_add(&b, id, strlen(id) + 1);
	sb_add(&b, "vfio-pci", sizeof("vfio-pci"));
	if (a->name) {
		name = b.len;
		sb_add(&b, a->name, strlen(a->name) + 1);
		if (is_mig_name(a->name)) {
			desc = b.len;
			sb_add(&b, mig, sizeof(mig));
		}
	}
	*t = (struct mdev_type_info){
		.id = b.p,
		.available = a->available,
		.device_api = b.p + strlen(id) + 1,
		.name = name ? b.p + name : NULL,
		.description = desc ? b.p + desc : NULL,
		.buf = b.p,
	};
}

void vgpu_pf_types(const struct vgpu_pf *pf, struct mdev_type_info **types, size_t *n)
{
	struct type_acc *acc = NULL;
	size_t nacc = 0;

	for (size_t i = 0; i < pf->nvfs; i++) {
		const struct vgpu_vf *vf = &pf->vfs[i];
		bool free_vf = vgpu_vf_ready(vf) && vf->current == 0;

		for (size_t k = 0; k < vf->creatable.n; k++) {
			struct type_acc *a = acc_get(&acc, &nacc, vf->creatable.v[k].id);

			if (!a->name)
				a->name = vf->creatable.v[k].name;
			a->available += free_vf;
		}
		if (vf->current > 0)
			acc_get(&acc, &nacc, (unsigned long)vf->current);
	}
	if (nacc > 1)
		qsort(acc, nacc, sizeof(*acc), cmp_acc);
	*types = xcalloc(nacc ? nacc : 1, sizeof(**types));
	for (size_t i = 0; i < nacc; i++)
		fill_type(&acc[i], &(*types)[i]);
	*n = nacc;
	free(acc);
}

bool vgpu_vf_addr(const struct rootfs *rfs, const char *pf, unsigned long index,
		  char addr[PCI_ADDR_MAX])
{
	unsigned long offset, stride, rid;
	unsigned int dom, bus, dev, fn;
	char name[32];

	snprintf(name, sizeof(name), "virtfn%lu", index);
	dev_link(rfs, pf, name, addr, PCI_ADDR_MAX);
	if (pci_addr_valid(addr))
		return true;
	addr[0] = '\0';
	if (!read_ulong(rfs, pf, "sriov_offset", &offset) ||
	    !read_ulong(rfs, pf, "sriov_stride", &stride) ||
	    sscanf(pf, "%x:%x:%x.%u", &dom, &bus, &dev, &fn) != 4)
		return false;
	rid = ((unsigned long)bus << 8 | dev << 3 | fn) + offset + stride * index;
	if (rid > 0xffff)
		return false;
	snprintf(addr, PCI_ADDR_MAX, "%04x:%02lx:%02lx.%lu", dom, rid >> 8, (rid >> 3) & 0x1f,
		 rid & 7);
	return true;
}

/* The index of the VF at ADDR among the VFs PF has or would have; -ENOENT if none. */
static int vf_index(const struct rootfs *rfs, const char *pf, const char *addr,
		    unsigned long *index)
{
	unsigned long total = 0;
	char at[PCI_ADDR_MAX];

	read_ulong(rfs, pf, "sriov_totalvfs", &total);
	for (unsigned long k = 0; k < total; k++) {
		if (vgpu_vf_addr(rfs, pf, k, at) && strcmp(at, addr) == 0) {
			*index = k;
			return 0;
		}
	}
	return -ENOENT;
}

static int resolve_addr(const struct rootfs *rfs, const char *pf, const char *spec,
			char pf_out[PCI_ADDR_MAX], unsigned long *index, char addr[PCI_ADDR_MAX],
			struct mdev_error *err)
{
	char physfn[PCI_ADDR_MAX];

	for (size_t i = 0; i <= strlen(spec); i++)
		addr[i] = (char)tolower((unsigned char)spec[i]);
	dev_link(rfs, addr, "physfn", physfn, sizeof(physfn));
	if (!pci_addr_valid(physfn)) {
		/* not there: a VF before its PF enabled them, if PF says it would be one */
		if (!pf || rfs_existsf(rfs, 0, SYS_PCI_DEVICES "/%s", addr))
			return mdev_errorf(err, ENODEV, "%s is not a virtual function%s", addr,
					   rfs_existsf(rfs, 0, SYS_PCI_DEVICES "/%s", addr)
						   ? " (it has no physfn)"
						   : ": there is no such PCI device");
		snprintf(physfn, sizeof(physfn), "%s", pf);
	}
	if (pf && strcmp(pf, physfn) != 0)
		return mdev_errorf(err, EINVAL, "VF %s belongs to %s, not to %s", addr, physfn, pf);
	snprintf(pf_out, PCI_ADDR_MAX, "%s", physfn);
	if (vf_index(rfs, physfn, addr, index) < 0)
		return mdev_errorf(err, ENODEV, "%s is not a VF of %s", addr, physfn);
	return 0;
}

int vgpu_vf_resolve(const struct rootfs *rfs, const char *pf, const char *spec,
		    char pf_out[PCI_ADDR_MAX], unsigned long *index, char addr_out[PCI_ADDR_MAX],
		    struct mdev_error *err)
{
	unsigned long total;

	addr_out[0] = '\0';
	if (pci_addr_valid(spec))
		return resolve_addr(rfs, pf, spec, pf_out, index, addr_out, err);
	if (!parse_ulong(spec, index) || *index > 65535)
		return mdev_errorf(
			err, EINVAL,
			"invalid VF '%s': expected an index (0, 1, ...) or a PCI address", spec);
	if (!pf)
		return mdev_errorf(err, EINVAL, "VF index %s needs --parent, the GPU it belongs to",
				   spec);
	if (!pci_addr_valid(pf))
		return mdev_errorf(err, EINVAL, "invalid vGPU parent '%s': expected a PCI address",
				   pf);
	if (read_ulong(rfs, pf, "sriov_totalvfs", &total) && *index >= total)
		return mdev_errorf(err, ENODEV, "%s has %lu VFs: there is no VF %lu", pf, total,
				   *index);
	snprintf(pf_out, PCI_ADDR_MAX, "%s", pf);
	vgpu_vf_addr(rfs, pf, *index, addr_out);
	return 0;
}
