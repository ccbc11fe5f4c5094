// SPDX-License-Identifier: LGPL-2.1-or-later
/* min-list: least-work yardstick for `mdevctl list` (active devices). */
#include "min-common.h"

struct dev {
	char uuid[40];
	char parent[64];
	char type[96];
	int autostart, defined;
};

static int cmp_dev(const void *a, const void *b)
{
	const struct dev *x = a, *y = b;
	int r = strcmp(x->parent, y->parent);
	return r ? r : strcmp(x->uuid, y->uuid);
}

/* Last component of a link target (after stripping `strip` more components). */
static const char *component(char *s, ssize_t n, int strip)
{
	s[n] = 0;
	for (;;) {
		char *slash = strrchr(s, '/');
		if (!strip)
			return slash ? slash + 1 : s;
		if (!slash)
			return s;
		*slash = 0;
		strip--;
	}
}

static int config_is_auto(const char *buf)
{
	const char *p = strstr(buf, "\"start\"");
	if (!p)
		return 0;
	p += 7;
	while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
		p++;
	return strncmp(p, "\"auto\"", 6) == 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: min-list ROOT\n", stderr);
		return 2;
	}
	int rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		min_die(argv[1]);
	int devfd = openat(rootfd, "sys/bus/mdev/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int etcfd = openat(rootfd, "etc/mdevctl.d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0)
		return 0;
	DIR *d = fdopendir(devfd);
	if (!d)
		min_die("fdopendir");
	struct dev *devs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char link[4096], path[512], cfg[4096];
	while ((de = readdir(d))) {
		if (min_is_dot(de->d_name) || strlen(de->d_name) > 36)
			continue;
		ssize_t len = readlinkat(devfd, de->d_name, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			devs = min_xrealloc(devs, cap * sizeof(*devs));
		}
		struct dev *v = &devs[n];
		size_t ul = strlen(de->d_name);
		memcpy(v->uuid, de->d_name, ul + 1);
		const char *c = component(link, len, 1);
		size_t pl = strlen(c);
		if (pl >= sizeof(v->parent))
			continue;
		memcpy(v->parent, c, pl + 1);
		memcpy(path, de->d_name, ul);
		memcpy(path + ul, "/mdev_type", sizeof("/mdev_type"));
		len = readlinkat(devfd, path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		c = component(link, len, 0);
		size_t tl = strlen(c);
		if (tl >= sizeof(v->type))
			continue;
		memcpy(v->type, c, tl + 1);
		v->autostart = v->defined = 0;
		if (etcfd >= 0) {
			memcpy(path, v->parent, pl);
			path[pl] = '/';
			memcpy(path + pl + 1, v->uuid, ul + 1);
			if (min_read_at(etcfd, path, cfg, sizeof(cfg)) >= 0) {
				v->defined = 1;
				v->autostart = config_is_auto(cfg);
			}
		}
		n++;
	}
	closedir(d);
	qsort(devs, n, sizeof(*devs), cmp_dev);
	for (size_t i = 0; i < n; i++) {
		out_mem(devs[i].uuid, 36);
		out_chr(' ');
		out_str(devs[i].parent);
		out_chr(' ');
		out_str(devs[i].type);
		out_str(devs[i].autostart ? " auto" : " manual");
		out_str(devs[i].defined ? " (defined)\n" : "\n");
	}
	free(devs);
	return out_flush() ? 1 : 0;
}
