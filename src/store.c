// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mdevctl config format and its on-disk store. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "output.h"

#define LOCK_PATH "run/lock/mdevadm.lock"

static void free_attrs(struct mdev_config *cfg)
{
	for (size_t i = 0; i < cfg->nattrs; i++) {
		free(cfg->attrs[i].name);
		free(cfg->attrs[i].value);
	}
	free(cfg->attrs);
	cfg->attrs = NULL;
	cfg->nattrs = 0;
}

void config_clear(struct mdev_config *cfg)
{
	free_attrs(cfg);
	free(cfg->type);
	memset(cfg, 0, sizeof(*cfg));
}

void config_replace_attrs(struct mdev_config *dst, struct mdev_config *src)
{
	free_attrs(dst);
	dst->attrs = src->attrs;
	dst->nattrs = src->nattrs;
	src->attrs = NULL;
	src->nattrs = 0;
}

int config_from_json(json_t *root, struct mdev_config *cfg, char *why, size_t whylen)
{
	json_t *type, *start, *attrs, *entry;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	if (!json_is_object(root)) {
		snprintf(why, whylen, "not a JSON object");
		return -EINVAL;
	}
	type = json_object_get(root, "mdev_type");
	if (!json_is_string(type)) {
		snprintf(why, whylen, "\"mdev_type\" is %s", type ? "not a string" : "missing");
		return -EINVAL;
	}
	if (!rfs_valid_name(json_string_value(type))) {
		snprintf(why, whylen, "invalid mdev_type '%s'", json_string_value(type));
		return -EINVAL;
	}
	start = json_object_get(root, "start");
	if (start && !json_is_string(start)) {
		snprintf(why, whylen, "\"start\" is not a string");
		return -EINVAL;
	}
	attrs = json_object_get(root, "attrs");
	if (attrs && !json_is_array(attrs)) {
		snprintf(why, whylen, "\"attrs\" is not an array");
		return -EINVAL;
	}
	json_array_foreach(attrs, i, entry) {
		const char *key;
		json_t *val;

		if (!json_is_object(entry) || json_object_size(entry) != 1) {
			snprintf(why, whylen, "attrs[%zu] is not an object with exactly one member",
				 i);
			return -EINVAL;
		}
		json_object_foreach(entry, key, val) {
			if (!json_is_string(val)) {
				snprintf(why, whylen, "attrs[%zu] \"%s\" is not a string", i, key);
				return -EINVAL;
			}
			if (!rfs_valid_name(key)) {
				snprintf(why, whylen, "attrs[%zu] has invalid attribute name '%s'",
					 i, key);
				return -EINVAL;
			}
		}
	}
	cfg->type = xstrdup(json_string_value(type));
	cfg->autostart = start && strcmp(json_string_value(start), "auto") == 0;
	cfg->nattrs = json_array_size(attrs);
	cfg->attrs = xcalloc(cfg->nattrs, sizeof(*cfg->attrs));
	json_array_foreach(attrs, i, entry) {
		const char *key;
		json_t *val;

		json_object_foreach(entry, key, val) {
			cfg->attrs[i].name = xstrdup(key);
			cfg->attrs[i].value = xstrdup(json_string_value(val));
		}
	}
	return 0;
}

int config_parse(const char *data, size_t len, struct mdev_config *cfg, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	int r;

	if (!root) {
		snprintf(why, whylen, "invalid JSON at line %d: %s", jerr.line, jerr.text);
		memset(cfg, 0, sizeof(*cfg));
		return -EINVAL;
	}
	r = config_from_json(root, cfg, why, whylen);
	json_decref(root);
	return r;
}

json_t *config_to_json(const struct mdev_config *cfg)
{
	json_t *root = json_object(), *attrs = json_array();

	json_object_set_new(root, "mdev_type", json_str(cfg->type));
	json_object_set_new(root, "start", json_string(cfg->autostart ? "auto" : "manual"));
	for (size_t i = 0; i < cfg->nattrs; i++) {
		json_t *a = json_object();

		json_object_set_new(a, cfg->attrs[i].name, json_str(cfg->attrs[i].value));
		json_array_append_new(attrs, a);
	}
	json_object_set_new(root, "attrs", attrs);
	return root;
}

static void indent_to(FILE *f, int n)
{
	static const char line[] = "\n                ";

	fwrite(line, 1, (size_t)n + 1, f); /* config_print nests at most 8 + 6 deep */
}

void config_print(FILE *f, const struct mdev_config *cfg, int indent)
{
	fputc('{', f);
	indent_to(f, indent + 2);
	fputs("\"mdev_type\": ", f);
	json_put_string(f, cfg->type);
	fputc(',', f);
	indent_to(f, indent + 2);
	fputs(cfg->autostart ? "\"start\": \"auto\"," : "\"start\": \"manual\",", f);
	indent_to(f, indent + 2);
	fputs("\"attrs\": [", f);
	for (size_t i = 0; i < cfg->nattrs; i++) {
		fputs(i ? "," : "", f);
		indent_to(f, indent + 4);
		fputc('{', f);
		indent_to(f, indent + 6);
		json_put_string(f, cfg->attrs[i].name);
		fputs(": ", f);
		json_put_string(f, cfg->attrs[i].value);
		indent_to(f, indent + 4);
		fputc('}', f);
	}
	if (cfg->nattrs)
		indent_to(f, indent + 2);
	fputc(']', f);
	indent_to(f, indent);
	fputc('}', f);
}

int config_attr_insert(struct mdev_config *cfg, size_t index, const char *name, const char *value)
{
	if (index > cfg->nattrs)
		return -ERANGE;
	cfg->attrs = xrealloc(cfg->attrs, (cfg->nattrs + 1) * sizeof(*cfg->attrs));
	memmove(&cfg->attrs[index + 1], &cfg->attrs[index],
		(cfg->nattrs - index) * sizeof(*cfg->attrs));
	cfg->attrs[index].name = xstrdup(name);
	cfg->attrs[index].value = xstrdup(value);
	cfg->nattrs++;
	return 0;
}

int config_attr_delete(struct mdev_config *cfg, size_t index)
{
	if (index >= cfg->nattrs)
		return -ERANGE;
	free(cfg->attrs[index].name);
	free(cfg->attrs[index].value);
	memmove(&cfg->attrs[index], &cfg->attrs[index + 1],
		(cfg->nattrs - index - 1) * sizeof(*cfg->attrs));
	cfg->nattrs--;
	return 0;
}

int store_load(const struct rootfs *rfs, const char *parent, const char *uuid,
	       struct mdev_config *cfg, struct mdev_error *err)
{
	char why[512], *data;
	size_t len;
	int fd, r;

	memset(cfg, 0, sizeof(*cfg));
	fd = rfs_openf(rfs, O_RDONLY | O_NOFOLLOW, CONFIG_DIR "/%s/%s", parent, uuid);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return -ENOENT;
	if (fd < 0)
		return mdev_errorf(err, -fd, "unreadable config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, fd == -ELOOP ? "it is a symbolic link" : strerror(-fd));
	r = read_all_fd(fd, &data, &len);
	close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "unreadable config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, strerror(-r));
	r = config_parse(data, len, cfg, why, sizeof(why));
	free(data);
	if (r < 0)
		return mdev_errorf(err, EINVAL, "invalid config /" CONFIG_DIR "/%s/%s: %s", parent,
				   uuid, why);
	return 0;
}

int store_save(const struct rootfs *rfs, const char *parent, const char *uuid,
	       const struct mdev_config *cfg, struct mdev_error *err)
{
	char path[PATH_MAX];
	json_t *root;
	char *text;
	int dfd, r;

	/* dot names are the store's temporary files, and scripts.d is not a parent */
	if (!rfs_valid_name(parent) || parent[0] == '.' || strcmp(parent, "scripts.d") == 0)
		return mdev_errorf(err, EINVAL, "invalid parent name '%s'", parent);
	rfs_path(path, sizeof(path), CONFIG_DIR "/%s", parent);
	r = rfs_mkdirs(rfs, path);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create /%s: %s", path, strerror(-r));
	dfd = rfs_open(rfs, path, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return mdev_errorf(err, -dfd, "cannot open /%s: %s", path, strerror(-dfd));
	root = config_to_json(cfg);
	text = json_dump_text(root);
	json_decref(root);
	r = rfs_replace_at(dfd, uuid, text, strlen(text), 0644);
	free(text);
	close(dfd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot write config /%s/%s: %s", path, uuid,
				   strerror(-r));
	return 0;
}

int store_delete(const struct rootfs *rfs, const char *parent, const char *uuid,
		 struct mdev_error *err)
{
	int dfd, r = 0;

	dfd = rfs_openf(rfs, O_RDONLY | O_DIRECTORY, CONFIG_DIR "/%s", parent);
	if (dfd < 0)
		return mdev_errorf(err, -dfd, "cannot open /" CONFIG_DIR "/%s: %s", parent,
				   strerror(-dfd));
	if (unlinkat(dfd, uuid, 0) < 0)
		r = -errno;
	else if (fsync(dfd) < 0)
		r = -errno;
	close(dfd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot remove config /" CONFIG_DIR "/%s/%s: %s",
				   parent, uuid, strerror(-r));
	return 0;
}

int store_parents(const struct rootfs *rfs, struct strv *out, struct mdev_error *err)
{
	struct strv all = { 0 }, files = { 0 };
	int r = rfs_scandir(rfs, CONFIG_DIR, SCAN_DIRS, &all, &files);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /" CONFIG_DIR ": %s", strerror(-r));
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i], "scripts.d") != 0)
			strv_push(out, all.v[i]);
	for (size_t i = 0; i < files.n; i++)
		warnf("ignoring /" CONFIG_DIR "/%s: not a directory of definitions", files.v[i]);
	strv_free(&all);
	strv_free(&files);
	return 0;
}

int store_uuids(const struct rootfs *rfs, const char *parent, struct strv *out,
		struct mdev_error *err)
{
	struct strv all = { 0 };
	char path[PATH_MAX];
	int r;

	if (rfs_path(path, sizeof(path), CONFIG_DIR "/%s", parent) < 0)
		return mdev_errorf(err, ENAMETOOLONG, "parent name too long: %s", parent);
	r = rfs_scandir(rfs, path, 0, &all, NULL);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0)
		return mdev_errorf(err, -r, "cannot list /%s: %s", path, strerror(-r));
	for (size_t i = 0; i < all.n; i++) {
		if (uuid_is_canonical(all.v[i]))
			strv_push(out, all.v[i]);
		else
			warnf("ignoring /%s/%s: file name is not a UUID", path, all.v[i]);
	}
	strv_free(&all);
	return 0;
}

int store_lock(const struct rootfs *rfs, struct mdev_error *err)
{
	int fd, r;

	r = rfs_mkdirs(rfs, "run/lock");
	if (r < 0)
		return mdev_errorf(err, -r, "cannot create /run/lock: %s", strerror(-r));
	fd = rfs_open(rfs, LOCK_PATH, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0)
		return mdev_errorf(err, -fd, "cannot open lock /" LOCK_PATH ": %s", strerror(-fd));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = errno;
			close(fd);
			return mdev_errorf(err, r, "cannot lock /" LOCK_PATH ": %s", strerror(r));
		}
	}
	return fd;
}

void store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int store_find(const struct rootfs *rfs, const char *uuid, const char *only_parent,
	       struct strv *parents, struct mdev_error *err)
{
	struct strv all = { 0 };
	int r = 0;

	if (only_parent)
		strv_push(&all, only_parent);
	else
		r = store_parents(rfs, &all, err);
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		if (rfs_existsf(rfs, O_NOFOLLOW, CONFIG_DIR "/%s/%s", all.v[i], uuid))
			strv_push(parents, all.v[i]);
	}
	strv_free(&all);
	return r;
}
