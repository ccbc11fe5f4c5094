// SPDX-License-Identifier: LGPL-2.1-or-later
/* gen-tree: generate a deterministic fake sysfs + /etc/mdevctl.d tree for benchmarks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_text =
	"usage: gen-tree [options] DIR\n"
	"  -s SEED     random seed (default 1)\n"
	"  -p N        parents (default 100)\n"
	"  -t N        types per parent (default 16)\n"
	"  -a N        active devices (default 1000)\n"
	"  -d N        defined devices (default 1000)\n"
	"  -o N        defined devices that are also active (default: half of -d, at most -a)\n"
	"  -x K        multiply parents, active, defined and overlap by K (default 1)\n"
	"DIR must not exist or be empty. Writes DIR/sys, DIR/etc/mdevctl.d, DIR/usr/lib/mdevctl\n"
	"and DIR/manifest.tsv (the ground truth, one record a line, tab-separated).\n";

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rndn(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}

static char root[4096];
static size_t rootlen;
static FILE *manifest;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen-tree: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Build ROOT/<fmt> into a static buffer. */
static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *P(const char *fmt, ...)
{
	static char buf[8192];
	va_list ap;
	memcpy(buf, root, rootlen);
	buf[rootlen] = '/';
	va_start(ap, fmt);
	int n = vsnprintf(buf + rootlen + 1, sizeof(buf) - rootlen - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - rootlen - 1)
		die("path too long");
	return buf;
}

static void mkdir_p(const char *path)
{
	char tmp[8192];
	size_t len = strlen(path);
	if (len >= sizeof(tmp))
		die("path too long");
	memcpy(tmp, path, len + 1);
	if (mkdir(tmp, 0755) == 0 || errno == EEXIST)
		return;
	if (errno != ENOENT)
		die("mkdir %s: %s", tmp, strerror(errno));
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			die("mkdir %s: %s", tmp, strerror(errno));
		*s = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		die("mkdir %s: %s", tmp, strerror(errno));
}

static void write_file(const char *path, mode_t mode, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	size_t len = strlen(data);
	if (len && write(fd, data, len) != (ssize_t)len)
		die("write %s: %s", path, strerror(errno));
	close(fd);
}

static void make_link(const char *target, const char *path)
{
	if (symlink(target, path))
		die("symlink %s: %s", path, strerror(errno));
}

enum family { F_NVIDIA, F_NVIDIA_VF, F_I915, F_CSS, F_MTTY, F_MDPY, F_MBOCHS, F_AP };

struct parent {
	char name[64];
	char syspath[192]; /* relative to sys/, e.g. devices/pci0000:00/0000:00:03.0/0000:3b:00.0 */
	enum family fam;
	int has_configs;
};

struct mdev {
	char uuid[37];
	unsigned parent, type;
};

static void make_uuid(char *out)
{
	uint64_t a = rnd(), b = rnd();
	a = (a & ~0xf000ULL) | 0x4000ULL;			 /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant */
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

/* Type name, optional name, optional description of type k of a family. */
static void type_info(enum family f, unsigned k, char *tname, char *name, char *desc,
		      const char **api)
{
	static const char *sizes[] = { "small", "medium", "large", "xlarge" };
	static const char *res[] = { "640x480", "1024x768", "1920x1080", "2560x1600" };
	*api = "vfio-pci";
	name[0] = desc[0] = 0;
	switch (f) {
	case F_NVIDIA:
	case F_NVIDIA_VF: {
		static const char sfx[] = "QABC";
		unsigned fb = 1u << (k % 5);
		sprintf(tname, "nvidia-%u", 63 + k);
		sprintf(name, "GRID T4-%u%c", fb, sfx[k / 5 % 4]);
		sprintf(desc,
			"num_heads=4, frl_config=60, framebuffer=%uM, max_resolution=5120x2880, max_instance=%u",
			fb * 1024, 16 / fb);
		break;
	}
	case F_I915:
		/* GVT-g: no name file, multi-line description */
		sprintf(tname, "i915-GVTg_V5_%u", 1u << (k % 4) | (k / 4) << 4);
		sprintf(desc,
			"low_gm_size: %uMB\nhigh_gm_size: %uMB\nfence: 4\nresolution: %s\nweight: %u\n",
			64u << (k % 3), 384u << (k % 3), res[k % 4], 2 + k);
		break;
	case F_CSS:
		/* vfio-ccw: name, no description */
		if (k == 0)
			strcpy(tname, "vfio_ccw-io");
		else
			sprintf(tname, "vfio_ccw-io%u", k);
		strcpy(name, "I/O subchannel (Non-QDIO)");
		*api = "vfio-ccw";
		break;
	case F_AP:
		if (k == 0)
			strcpy(tname, "vfio_ap-passthrough");
		else
			sprintf(tname, "vfio_ap-passthrough%u", k);
		strcpy(name, "VFIO AP Passthrough Device");
		*api = "vfio-ap";
		break;
	case F_MTTY:
		/* mtty: name only; reading description gives ENOENT */
		sprintf(tname, "mtty-%u", k + 1);
		if (k == 0)
			strcpy(name, "Single port serial");
		else if (k == 1)
			strcpy(name, "Dual port serial");
		else
			sprintf(name, "%u port serial", k + 1);
		break;
	case F_MDPY:
		if (k < 4)
			sprintf(tname, "mdpy-%s",
				k == 0	 ? "vga"
				: k == 1 ? "xga"
				: k == 2 ? "hd"
					 : "uhd");
		else
			sprintf(tname, "mdpy-%u", k);
		strcpy(name, tname);
		sprintf(desc, "virtual display, %s framebuffer", res[k % 4]);
		break;
	case F_MBOCHS:
		if (k < 4)
			sprintf(tname, "mbochs-%s", sizes[k]);
		else
			sprintf(tname, "mbochs-%u", k);
		strcpy(name, tname);
		sprintf(desc, "virtual display, %u MB video memory", 4u << (2 * (k % 4)));
		break;
	}
}

static void escape_nl(const char *in, char *out)
{
	for (; *in; in++) {
		if (*in == '\n') {
			*out++ = '\\';
			*out++ = 'n';
		} else {
			*out++ = *in;
		}
	}
	*out = 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = 1, np = 100, nt = 16, na = 1000, nd = 1000, scale = 1;
	long no = -1;
	int c;
	while ((c = getopt(argc, argv, "s:p:t:a:d:o:x:h")) != -1) {
		switch (c) {
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			np = strtoul(optarg, NULL, 0);
			break;
		case 't':
			nt = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			na = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			nd = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			no = strtol(optarg, NULL, 0);
			break;
		case 'x':
			scale = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	np *= scale;
	na *= scale;
	nd *= scale;
	if (no < 0)
		no = (long)(nd / 2);
	else
		no *= (long)scale;
	if ((unsigned long)no > na)
		no = (long)na;
	if ((unsigned long)no > nd)
		no = (long)nd;
	if (nt == 0 && (na || nd))
		die("devices need at least one type");
	if (np == 0 && (na || nd))
		die("devices need at least one parent");
	if (nt > 200)
		die("at most 200 types per parent");
	rng_state = seed * 0x2545f4914f6cdd1dULL + 12345;

	rootlen = strlen(argv[optind]);
	if (rootlen + 1 >= sizeof(root))
		die("DIR too long");
	memcpy(root, argv[optind], rootlen + 1);
	while (rootlen > 1 && root[rootlen - 1] == '/')
		root[--rootlen] = 0;
	mkdir_p(root);

	mkdir_p(P("sys/class/mdev_bus"));
	mkdir_p(P("sys/bus/mdev/devices"));
	mkdir_p(P("sys/bus/mdev/drivers"));
	mkdir_p(P("sys/devices/virtual"));
	mkdir_p(P("etc/mdevctl.d/scripts.d/callouts"));
	mkdir_p(P("etc/mdevctl.d/scripts.d/notifiers"));
	mkdir_p(P("usr/lib/mdevctl/scripts.d/callouts"));
	mkdir_p(P("usr/lib/mdevctl/scripts.d/notifiers"));

	manifest = fopen(P("manifest.tsv"), "w");
	if (!manifest)
		die("manifest: %s", strerror(errno));
	fprintf(manifest, "#\tseed=%lu parents=%lu types=%lu active=%lu defined=%lu overlap=%ld\n",
		seed, np, nt, na, nd, no);

	struct parent *par = calloc(np ? np : 1, sizeof(*par));
	struct mdev *act = calloc(na ? na : 1, sizeof(*act));
	if (!par || !act)
		die("out of memory");

	/* Parents: a few well-known singletons, then a seeded mix of PCI GPUs, SR-IOV VFs,
	 * integrated Intel GPUs (other PCI domains) and s390 subchannels. */
	unsigned pci_ctr = 0x3b, css_ctr = 0x26ab, i915_dom = 0, vf_left = 0, vf_bus = 0, vf_fn = 0;
	for (unsigned long i = 0; i < np; i++) {
		struct parent *p = &par[i];
		unsigned r = rndn(100);
		if (i == 1)
			p->fam = F_MTTY;
		else if (i == 2)
			p->fam = F_MDPY;
		else if (i == 3)
			p->fam = F_MBOCHS;
		else if (i == 4)
			p->fam = F_AP;
		else if (vf_left)
			p->fam = F_NVIDIA_VF;
		else if (r < 50)
			p->fam = F_NVIDIA;
		else if (r < 60)
			p->fam = F_NVIDIA_VF;
		else if (r < 70)
			p->fam = F_I915;
		else
			p->fam = F_CSS;
		switch (p->fam) {
		case F_NVIDIA: {
			pci_ctr += 1 + rndn(3);
			unsigned dom = pci_ctr >> 8, bus = pci_ctr & 0xff;
			if (!bus)
				bus = 1, pci_ctr++;
			snprintf(p->name, sizeof(p->name), "%04x:%02x:00.0", dom, bus);
			snprintf(p->syspath, sizeof(p->syspath),
				 "devices/pci%04x:%02x/%04x:%02x:%02x.0/%s", dom, bus & 0xe0, dom,
				 bus & 0xe0, 1 + bus % 31, p->name);
			break;
		}
		case F_NVIDIA_VF: {
			if (!vf_left) {
				pci_ctr += 1 + rndn(3);
				vf_bus = pci_ctr;
				vf_left = 2 + rndn(6);
				vf_fn = 4;
			}
			vf_left--;
			unsigned dom = vf_bus >> 8, bus = vf_bus & 0xff;
			if (!bus)
				bus = 1;
			snprintf(p->name, sizeof(p->name), "%04x:%02x:%02x.%u", dom, bus, vf_fn / 8,
				 vf_fn % 8);
			vf_fn++;
			snprintf(p->syspath, sizeof(p->syspath),
				 "devices/pci%04x:%02x/%04x:%02x:%02x.0/%s", dom, bus & 0xe0, dom,
				 bus & 0xe0, 1 + bus % 31, p->name);
			break;
		}
		case F_I915:
			snprintf(p->name, sizeof(p->name), "%04x:00:02.0",
				 i915_dom ? 0x1000 + i915_dom : 0);
			i915_dom++;
			snprintf(p->syspath, sizeof(p->syspath), "devices/pci%.4s:00/%s", p->name,
				 p->name);
			break;
		case F_CSS:
			css_ctr += 1 + rndn(8);
			snprintf(p->name, sizeof(p->name), "0.%u.%04x", css_ctr >> 16,
				 css_ctr & 0xffff);
			snprintf(p->syspath, sizeof(p->syspath), "devices/css0/%s", p->name);
			break;
		case F_AP:
			strcpy(p->name, "matrix");
			strcpy(p->syspath, "devices/vfio_ap/matrix");
			break;
		case F_MTTY:
		case F_MDPY:
		case F_MBOCHS: {
			const char *n = p->fam == F_MTTY   ? "mtty"
					: p->fam == F_MDPY ? "mdpy"
							   : "mbochs";
			strcpy(p->name, n);
			snprintf(p->syspath, sizeof(p->syspath), "devices/virtual/%s/%s", n, n);
			break;
		}
		}
		fprintf(manifest, "P\t%s\t%s\n", p->name, p->syspath);
		mkdir_p(P("sys/%s/mdev_supported_types", p->syspath));
		make_link("../../../../class/mdev_bus", P("sys/%s/subsystem", p->syspath));
		write_file(P("sys/%s/uevent", p->syspath), 0644, "MDEV_STATE=registered\n");
		char target[256];
		snprintf(target, sizeof(target), "../../%s", p->syspath);
		make_link(target, P("sys/class/mdev_bus/%s", p->name));
		for (unsigned k = 0; k < nt; k++) {
			char tname[64], name[64], desc[256], edesc[512], avail[16];
			const char *api;
			type_info(p->fam, k, tname, name, desc, &api);
			unsigned av = rndn(10) == 0 ? 0 : 1 + rndn(32);
			snprintf(avail, sizeof(avail), "%u\n", av);
			const char *tdir = P("sys/%s/mdev_supported_types/%s", p->syspath, tname);
			char tbuf[8192];
			strcpy(tbuf, tdir);
			size_t tl = strlen(tbuf);
			if (mkdir(tbuf, 0755))
				die("mkdir %s: %s", tbuf, strerror(errno));
#define TF(f) (strcpy(tbuf + tl, "/" f), tbuf)
			write_file(TF("available_instances"), 0444, avail);
			char apinl[32];
			snprintf(apinl, sizeof(apinl), "%s\n", api);
			write_file(TF("device_api"), 0444, apinl);
			if (name[0]) {
				char nl[80];
				snprintf(nl, sizeof(nl), "%s\n", name);
				write_file(TF("name"), 0444, nl);
			}
			if (desc[0]) {
				char dl[300];
				size_t dlen = strlen(desc);
				snprintf(dl, sizeof(dl), "%s%s", desc,
					 desc[dlen - 1] == '\n' ? "" : "\n");
				write_file(TF("description"), 0444, dl);
			}
			write_file(TF("create"), 0200, "");
			if (mkdir(TF("devices"), 0755))
				die("mkdir %s: %s", tbuf, strerror(errno));
#undef TF
			/* drop the trailing newline the file gets, then show the rest escaped */
			size_t dlen = strlen(desc);
			while (dlen && desc[dlen - 1] == '\n')
				desc[--dlen] = 0;
			escape_nl(desc, edesc);
			fprintf(manifest, "T\t%s\t%s\t%u\t%s\t%s\t%s\n", p->name, tname, av, api,
				name, edesc);
		}
	}

	/* Active devices. */
	for (unsigned long j = 0; j < na; j++) {
		struct mdev *m = &act[j];
		make_uuid(m->uuid);
		m->parent = rndn(np);
		m->type = rndn(nt);
		struct parent *p = &par[m->parent];
		char tname[64], name[64], desc[256], target[512];
		const char *api;
		type_info(p->fam, m->type, tname, name, desc, &api);
		const char *ddir = P("sys/%s/%s", p->syspath, m->uuid);
		if (mkdir(ddir, 0755))
			die("mkdir %s: %s", ddir, strerror(errno));
		snprintf(target, sizeof(target), "../mdev_supported_types/%s", tname);
		make_link(target, P("sys/%s/%s/mdev_type", p->syspath, m->uuid));
		write_file(P("sys/%s/%s/remove", p->syspath, m->uuid), 0200, "");
		snprintf(target, sizeof(target), "MDEV_TYPE=%s\n", tname);
		write_file(P("sys/%s/%s/uevent", p->syspath, m->uuid), 0644, target);
		make_link("../../../../../bus/mdev", P("sys/%s/%s/subsystem", p->syspath, m->uuid));
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%lu", 100 + j);
		make_link(target, P("sys/%s/%s/iommu_group", p->syspath, m->uuid));
		snprintf(target, sizeof(target), "../../../%s", m->uuid);
		make_link(target, P("sys/%s/mdev_supported_types/%s/devices/%s", p->syspath, tname,
				    m->uuid));
		snprintf(target, sizeof(target), "../../../%s/%s", p->syspath, m->uuid);
		make_link(target, P("sys/bus/mdev/devices/%s", m->uuid));
		fprintf(manifest, "A\t%s\t%s\t%s\n", m->uuid, p->name, tname);
	}

	/* Defined devices: the first `no` are the first active devices, the rest are new. */
	static const char *ap_keys[] = { "assign_adapter", "assign_control_domain",
					 "assign_domain" };
	static const char *gen_keys[] = { "display_mode", "frame_rate_limiter", "max_fps",
					  "vendor_param" };
	for (unsigned long j = 0; j < nd; j++) {
		char uuid[37], tname[64], name[64], desc[256];
		unsigned pi, ti;
		const char *api;
		if ((long)j < no) {
			strcpy(uuid, act[j].uuid);
			pi = act[j].parent;
			ti = act[j].type;
		} else {
			make_uuid(uuid);
			pi = rndn(np);
			ti = rndn(nt);
		}
		struct parent *p = &par[pi];
		type_info(p->fam, ti, tname, name, desc, &api);
		int autostart = rndn(2);
		unsigned shape = rndn(20); /* 0: no "attrs" key; 1..5: attributes; else empty */
		char json[1024], attrs[512];
		size_t jl = 0, al = 0;
		jl += (size_t)snprintf(json + jl, sizeof(json) - jl,
				       "{\n  \"mdev_type\": \"%s\",\n  \"start\": \"%s\"", tname,
				       autostart ? "auto" : "manual");
		al += (size_t)snprintf(attrs + al, sizeof(attrs) - al, "[");
		if (shape == 0) {
			jl += (size_t)snprintf(json + jl, sizeof(json) - jl, "\n}\n");
		} else if (shape <= 5) {
			const char **keys = p->fam == F_AP ? ap_keys : gen_keys;
			unsigned nkeys = p->fam == F_AP ? 3 : 4;
			jl += (size_t)snprintf(json + jl, sizeof(json) - jl, ",\n  \"attrs\": [");
			int first = 1;
			for (unsigned k = 0; k < nkeys; k++) {
				if (k && rndn(2))
					continue;
				char val[32];
				snprintf(val, sizeof(val), "%s%u", p->fam == F_AP ? "0x" : "",
					 rndn(64));
				jl += (size_t)snprintf(json + jl, sizeof(json) - jl,
						       "%s\n    {\n      \"%s\": \"%s\"\n    }",
						       first ? "" : ",", keys[k], val);
				al += (size_t)snprintf(attrs + al, sizeof(attrs) - al,
						       "%s{\"%s\":\"%s\"}", first ? "" : ",",
						       keys[k], val);
				first = 0;
			}
			jl += (size_t)snprintf(json + jl, sizeof(json) - jl, "\n  ]\n}\n");
		} else {
			jl += (size_t)snprintf(json + jl, sizeof(json) - jl,
					       ",\n  \"attrs\": []\n}\n");
		}
		snprintf(attrs + al, sizeof(attrs) - al, "]");
		if (!p->has_configs) {
			mkdir_p(P("etc/mdevctl.d/%s", p->name));
			p->has_configs = 1;
		}
		write_file(P("etc/mdevctl.d/%s/%s", p->name, uuid), 0644, json);
		fprintf(manifest, "D\t%s\t%s\t%s\t%s\t%s\n", uuid, p->name, tname,
			autostart ? "auto" : "manual", attrs);
	}
	if (fclose(manifest))
		die("manifest: %s", strerror(errno));
	free(par);
	free(act);
	return 0;
}
