// SPDX-License-Identifier: LGPL-2.1-or-later
/* vGPU definitions on disk: JSON per VF index, atomic writes, strict reads. */
#include "libmdev/vgpu_store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/output.h"
#include "libmdev/store.h"
#include "libmdev/vgpu.h"

void vgpu_def_clear(struct vgpu_def *d)
{
	free(d->type);
	free(d->name);
	memset(d, 0, sizeof(*d));
}

static int check_keys(json_t *root, char *why, size_t whylen)
{
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v) {
		if (strcmp(key, "type") != 0 && strcmp(key, "name") != 0 &&
		    strcmp(key, "start") != 0) {
			snprintf(why, whylen, "unknown key \"%s\"", key);
			return -EINVAL;
		}
		if (!json_is_string(v)) {
			snprintf(why, whylen, "\"%s\" is not a string", key);
			return -EINVAL;
		}
	}
	return 0;
}

int vgpu_def_parse(const char *data, size_t len, struct vgpu_def *d, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *type, *start, *name;
	unsigned long id;
	int r = -EINVAL;

	memset(d, 0, sizeof(*d));
	if (!root) {
		snprintf(why, whylen, "%s (line %d)", jerr.text, jerr.line);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		snprintf(why, whylen, "not a JSON object");
		goto out;
	}
	if (check_keys(root, why, whylen) < 0)
		goto out;
	type = json_string_value(json_object_get(root, "type"));
	start = json_string_value(json_object_get(root, "start"));
	name = json_string_value(json_object_get(root, "name"));
	if (!type || !vgpu_type_id(type, &id)) {
		snprintf(why, whylen, "\"type\" is %s", type ? "not nvidia-<id>" : "missing");
		goto out;
	}
	if (!start || (strcmp(start, "auto") != 0 && strcmp(start, "manual") != 0)) {
		snprintf(why, whylen, "\"start\" is %s",
			 start ? "neither auto nor manual" : "missing");
		goto out;
	}
	d->type = xstrdup(type);
	d->name = name ? xstrdup(name) : NULL;
	d->autostart = strcmp(start, "auto") == 0;
	r = 0;
out:
	json_decref(root);
	return r;
}

int vgpu_store_load(const struct rootfs *rfs, const char *pf, unsigned long index,
		    struct vgpu_def *d, struct mdev_error *err)
{
	char why[256], num[24], *text;
	size_t len;
	int r;

	memset(d, 0, sizeof(*d));
	r = store_load_raw(rfs, VGPU_CONFIG_DIR, pf, ulong_to_str(num, index), &text, &len, err);
	if (r == -ENOENT || r == -ENOTDIR)
		return -ENOENT;
	if (r < 0)
		return r;
	r = vgpu_def_parse(text, len, d, why, sizeof(why));
	free(text);
	if (r < 0)
		return mdev_errorf(err, EINVAL,
				   "invalid definition /" VGPU_CONFIG_DIR "/%s/%lu: %s", pf, index,
				   why);
	return 0;
}

int vgpu_store_save(const struct rootfs *rfs, const char *pf, unsigned long index,
		    const struct vgpu_def *d, struct mdev_error *err)
{
	char dir[PATH_MAX], num[24];
	json_t *root;
	char *text;
	int r;

	if (!pci_addr_valid(pf))
		return mdev_errorf(err, EINVAL, "invalid vGPU parent '%s'", pf);
	rfs_path(dir, sizeof(dir), VGPU_CONFIG_DIR "/%s", pf);
	r = rfs_mkdirs(rfs, dir);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create /%s: %s", dir, strerror(-r));
	root = json_object();
	json_object_set_new(root, "type", json_str(d->type));
	if (d->name)
		json_object_set_new(root, "name", json_str(d->name));
	json_object_set_new(root, "start", json_string(d->autostart ? "auto" : "manual"));
	text = json_dump_text(root);
	json_decref(root);
	r = store_save_raw(rfs, VGPU_CONFIG_DIR, pf, ulong_to_str(num, index), text, strlen(text),
			   err);
	free(text);
	return r;
}

int vgpu_store_delete(const struct rootfs *rfs, const char *pf, unsigned long index,
		      struct mdev_error *err)
{
	char num[24];

	return store_delete_raw(rfs, VGPU_CONFIG_DIR, pf, ulong_to_str(num, index), err);
}

/* What a symbolic link to a directory is too: none is followed, as under CONFIG_DIR. */
#define NOT_A_DIR "not a directory of definitions (a symbolic link is never followed)"

int vgpu_store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err)
{
	struct strv all = { 0 }, files = { 0 };
	int r = rfs_scandir(rfs, VGPU_CONFIG_DIR, SCAN_DIRS, &all, &files);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /" VGPU_CONFIG_DIR ": %s", strerror(-r));
	for (size_t i = 0; i < all.n; i++) {
		if (pci_addr_valid(all.v[i]))
			strv_push(out, all.v[i]);
		else
			warnf("ignoring /" VGPU_CONFIG_DIR "/%s: not a PCI address", all.v[i]);
	}
	for (size_t i = 0; i < files.n; i++)
		warnf("ignoring /" VGPU_CONFIG_DIR "/%s: %s", files.v[i], NOT_A_DIR);
	strv_free(&all);
	strv_free(&files);
	return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

int vgpu_store_list(const struct rootfs *rfs, const char *pf, unsigned long **indexes, size_t *n,
		    struct mdev_error *err)
{
	struct strv files = { 0 };
	char path[PATH_MAX];
	int fd, r;

	*indexes = NULL;
	*n = 0;
	if (rfs_path(path, sizeof(path), VGPU_CONFIG_DIR "/%s", pf) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "parent name too long: %s", pf);
	fd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd == -ENOTDIR)
		warnf("ignoring /%s: %s", path, NOT_A_DIR);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	r = fd < 0 ? fd : rfs_scandir_fd(fd, 0, &files, NULL);
	if (fd >= 0)
		close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /%s: %s", path, strerror(-r));
	*indexes = xcalloc(files.n ? files.n : 1, sizeof(**indexes));
	for (size_t i = 0; i < files.n; i++) {
		unsigned long k;

		/* one spelling per index: "07" would shadow "7" */
		if (parse_ulong(files.v[i], &k) && (files.v[i][0] != '0' || !files.v[i][1]))
			(*indexes)[(*n)++] = k;
		else
			warnf("ignoring /%s/%s: file name is not a VF index", path, files.v[i]);
	}
	strv_free(&files);
	qsort(*indexes, *n, sizeof(**indexes), cmp_ulong);
	return 0;
}
