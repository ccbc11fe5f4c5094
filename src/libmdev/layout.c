// SPDX-License-Identifier: LGPL-2.1-or-later
/* The layout file of `apply`: JSON read into jansson's values, then a strict check of each. */
#include "libmdev/layout.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/json_arena.h"
#include "basic/json_plain.h"
#include "basic/rootfs.h"
#include "basic/util.h"

#define DEFAULT_CONFIG "default"

/* Where in the file a message points: "FILE: configs.gpu.devices[3]". */
struct where {
	const char *file;
	const char *prefix; /* "devices" or "configs.NAME.devices" */
	struct mdev_error *err;
};

int layout_error(struct mdev_error *err, const char *file, const char *fmt, ...)
{
	va_list ap;
	size_t at = (size_t)snprintf(err->msg, sizeof(err->msg), "%s: ", file);

	va_start(ap, fmt);
	if (at < sizeof(err->msg))
		vsnprintf(err->msg + at, sizeof(err->msg) - at, fmt, ap);
	va_end(ap);
	for (char *c = err->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	err->code = EINVAL;
	return -EINVAL;
}

__attribute__((format(printf, 4, 5))) static int bad(const struct where *w, long index,
						     const char *field, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (index < 0)
		return layout_error(w->err, w->file, "%s%s%s", field ? field : "",
				    field ? ": " : "", what);
	return layout_error(w->err, w->file, "%s[%ld]%s%s: %s", w->prefix, index, field ? "." : "",
			    field ? field : "", what);
}

const char *layout_start_name(bool autostart)
{
	return autostart ? "auto" : "manual";
}

/* Rejects a key of OBJ that is not in KNOWN (NULL-terminated). */
static int only_keys(const struct where *w, long index, const char *in, json_t *obj,
		     const char *const *known)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		size_t i = 0;

		while (known[i] && strcmp(known[i], key) != 0)
			i++;
		if (!known[i])
			return index < 0 ? bad(w, -1, in, "unknown key \"%s\"", key)
					 : bad(w, index, key, "unknown key");
	}
	return 0;
}

/* A non-negative integer member NAME of ENTRY: 1 when present, 0 when absent. */
static int get_count(const struct where *w, size_t i, json_t *entry, const char *name,
		     unsigned long *out)
{
	json_t *v = json_object_get(entry, name);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(w, (long)i, name, "must be an integer >= 0");
	if (json_integer_value(v) > LAYOUT_MAX_COUNT)
		return bad(w, (long)i, name, "must be at most %d", LAYOUT_MAX_COUNT);
	*out = (unsigned long)json_integer_value(v);
	return 1;
}

static int get_name(const struct where *w, size_t i, json_t *entry, const char *name, bool any_ok,
		    const char **out)
{
	json_t *v = json_object_get(entry, name);

	if (!v)
		return bad(w, (long)i, name, "missing");
	if (!json_is_string(v))
		return bad(w, (long)i, name, "must be a string");
	*out = json_string_value(v);
	if (any_ok && strcmp(*out, LAYOUT_ANY_PARENT) == 0)
		return 0;
	if (!rfs_valid_name(*out) || (*out)[0] == '.' || !utf8_valid(*out))
		return bad(w, (long)i, name, "invalid name '%s'", *out);
	return 0;
}

/* Which of uuid, vf and count the entry uses: exactly one. */
static int parse_id(const struct where *w, size_t i, json_t *entry, struct layout_entry *e)
{
	json_t *uuid = json_object_get(entry, "uuid");
	unsigned long vf = 0;
	int has_vf = get_count(w, i, entry, "vf", &vf);
	int has_count = get_count(w, i, entry, "count", &e->count);

	if (has_vf < 0 || has_count < 0)
		return -EINVAL;
	if (!!uuid + has_vf + has_count != 1)
		return bad(w, (long)i, NULL, "give exactly one of \"uuid\", \"count\" and \"vf\"");
	if (uuid) {
		if (!json_is_string(uuid))
			return bad(w, (long)i, "uuid", "not a UUID");
		/* an export writes them canonical: skip the parse for those */
		if (uuid_is_canonical(json_string_value(uuid)))
			memcpy(e->id, json_string_value(uuid), UUID_STR_LEN);
		else if (!uuid_normalize(json_string_value(uuid), e->id))
			return bad(w, (long)i, "uuid", "not a UUID");
		e->by = BY_UUID;
	} else if (has_vf) {
		snprintf(e->id, sizeof(e->id), "%lu", vf);
		e->by = BY_VF;
	} else {
		e->by = BY_COUNT;
	}
	if (e->by != BY_COUNT && strcmp(e->parent, LAYOUT_ANY_PARENT) == 0)
		return bad(w, (long)i, "parent",
			   "\"*\" needs \"count\": one device cannot be on every parent");
	return 0;
}

/* start, active, defined and attrs, with their defaults and the combinations that make sense. */
static int parse_state(const struct where *w, size_t i, json_t *entry, const char *type,
		       struct layout_entry *e)
{
	json_t *start = json_object_get(entry, "start"), *active = json_object_get(entry, "active");
	json_t *defined = json_object_get(entry, "defined"),
	       *attrs = json_object_get(entry, "attrs");
	char why[512];

	if (start && (!json_is_string(start) || (strcmp(json_string_value(start), "auto") != 0 &&
						 strcmp(json_string_value(start), "manual") != 0)))
		return bad(w, (long)i, "start", "must be \"auto\" or \"manual\"");
	if (active && !json_is_boolean(active))
		return bad(w, (long)i, "active", "must be true or false");
	if (defined && !json_is_boolean(defined))
		return bad(w, (long)i, "defined", "must be true or false");
	if (attrs && !json_is_array(attrs))
		return bad(w, (long)i, "attrs", "must be a list of {\"name\": \"value\"} objects");
	e->defined = !defined || json_is_true(defined);
	e->active =
		active ? json_is_true(active)
		       : !e->defined || (start && strcmp(json_string_value(start), "auto") == 0);
	if (!e->defined && (start || !e->active))
		return bad(w, (long)i, "defined",
			   "a device without a definition (transient) has no \"start\" and must be "
			   "active");
	/* the definition's own checker, so that a layout accepts exactly what a config does */
	if (config_attrs_from_json(attrs, &e->def, why, sizeof(why)) < 0)
		return bad(w, (long)i, "attrs", "%s", why);
	e->def.type = xstrdup(type);
	e->def.autostart = start && strcmp(json_string_value(start), "auto") == 0;
	return 0;
}

static int parse_entry(const struct where *w, size_t i, json_t *entry, struct layout_entry *e)
{
	static const char *const keys[] = { "parent",  "type",	      "uuid",	"count",
					    "vf",      "start",	      "active", "attrs",
					    "defined", "description", NULL };
	const char *parent, *type;

	e->index = i;
	if (!json_is_object(entry))
		return bad(w, (long)i, NULL, "must be an object");
	if (only_keys(w, (long)i, NULL, entry, keys) < 0 ||
	    get_name(w, i, entry, "parent", true, &parent) < 0 ||
	    get_name(w, i, entry, "type", false, &type) < 0)
		return -EINVAL;
	e->parent = xstrdup(parent);
	if (parse_id(w, i, entry, e) < 0)
		return -EINVAL;
	return parse_state(w, i, entry, type, e);
}

/* Orders entries by how they name a device, then id, then parent (qsort over pointers). */
static int cmp_claim(const void *pa, const void *pb)
{
	const struct layout_entry *a = *(const struct layout_entry *const *)pa;
	const struct layout_entry *b = *(const struct layout_entry *const *)pb;
	int c = (int)a->by - (int)b->by;

	if (!c)
		c = strcmp(a->id, b->id);
	/* a UUID is one device wherever it is; a VF index only on its parent */
	if (!c && a->by == BY_VF)
		c = strcmp(a->parent, b->parent);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Two entries must not claim one device: sorted, so that 10,000 entries cost no more than a sort.
 */
static int check_unique(const struct where *w, const struct layout *l)
{
	const struct layout_entry **s = xcalloc(l->n, sizeof(*s));
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].by != BY_COUNT)
			s[n++] = &l->v[i];
	qsort(s, n, sizeof(*s), cmp_claim);
	for (size_t i = 1; r == 0 && i < n; i++) {
		const struct layout_entry *a = s[i - 1], *b = s[i];

		if (a->by != b->by || strcmp(a->id, b->id) != 0)
			continue;
		if (b->by == BY_UUID)
			r = bad(w, (long)b->index, "uuid", "%s is also claimed by %s[%zu]", b->id,
				w->prefix, a->index);
		else if (strcmp(a->parent, b->parent) == 0)
			r = bad(w, (long)b->index, "vf", "VF %s of %s is also claimed by %s[%zu]",
				b->id, b->parent, w->prefix, a->index);
	}
	free(s);
	return r;
}

/* The devices array of the chosen config, and the prefix of messages about it. */
static json_t *pick_config(const struct where *w, json_t *root, const char *config,
			   struct layout *out)
{
	static const char *const top[] = { "version", "configs", "devices", "description", NULL };
	static const char *const in_config[] = { "devices", "description", NULL };
	json_t *version = json_object_get(root, "version"), *configs, *chosen;

	if (only_keys(w, -1, "top level", root, top) < 0)
		return NULL;
	if (!json_is_integer(version) || json_integer_value(version) != LAYOUT_VERSION) {
		bad(w, -1, "version", "must be %d", LAYOUT_VERSION);
		return NULL;
	}
	configs = json_object_get(root, "configs");
	if (!configs == !json_object_get(root, "devices")) {
		bad(w, -1, NULL,
		    "give either \"configs\" (named layouts) or \"devices\" (one layout)");
		return NULL;
	}
	if (!configs) {
		if (config && strcmp(config, DEFAULT_CONFIG) != 0) {
			bad(w, -1, NULL, "has no named configs, so --config %s does not apply",
			    config);
			return NULL;
		}
		out->name = xstrdup("");
		out->where = xstrdup("devices");
		return json_object_get(root, "devices");
	}
	config = config ? config : DEFAULT_CONFIG;
	if (!json_is_object(configs)) {
		bad(w, -1, "configs", "must be an object of named layouts");
		return NULL;
	}
	chosen = json_object_get(configs, config);
	if (!chosen) {
		bad(w, -1, "configs", "no config named \"%s\"", config);
		return NULL;
	}
	out->name = xstrdup(config);
	out->where = xasprintf("configs.%s.devices", config);
	if (!json_is_object(chosen)) {
		bad(w, -1, out->where, "must be an object with \"devices\"");
		return NULL;
	}
	if (only_keys(w, -1, out->where, chosen, in_config) < 0)
		return NULL;
	return json_object_get(chosen, "devices");
}

int layout_parse(const char *data, size_t len, const char *file, const char *config,
		 struct layout *out, struct mdev_error *err)
{
	struct where w = { file, "devices", err };
	json_error_t jerr;
	json_t *root, *devices;
	int r = 0;

	memset(out, 0, sizeof(*out));
	json_arena_begin();
	root = json_plain_load(data, len);
	if (!root)
		root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		r = layout_error(err, file, "invalid JSON at line %d: %s", jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		r = bad(&w, -1, NULL, "not a JSON object");
		goto out;
	}
	devices = pick_config(&w, root, config, out);
	if (!devices) {
		r = -EINVAL;
		goto out;
	}
	w.prefix = out->where;
	out->file = xstrdup(file);
	if (!json_is_array(devices)) {
		r = bad(&w, -1, out->where, "must be a list");
		goto out;
	}
	out->v = xcalloc(json_array_size(devices), sizeof(*out->v));
	for (size_t i = 0; r == 0 && i < json_array_size(devices); i++) {
		r = parse_entry(&w, i, json_array_get(devices, i), &out->v[i]);
		out->n = i + 1;
	}
	if (r == 0)
		r = check_unique(&w, out);
out:
	/* ROOT, in the arena, goes with it: not one node at a time */
	json_arena_end();
	if (r < 0)
		layout_free(out);
	return r;
}

int layout_read_text(const char *path, char **text, size_t *len, const char **name,
		     struct mdev_error *err)
{
	bool in = strcmp(path, "-") == 0;
	int fd, r;

	fd = in ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdev_errorf(err, errno, "cannot open %s: %s", path, strerror(errno));
	r = read_all_fd(fd, LAYOUT_MAX_SIZE, text, len);
	close(fd);
	if (r < 0)
		return mdev_errorf(err, -r, "cannot read %s: %s", path, strerror(-r));
	*name = in ? "standard input" : path;
	return 0;
}

void layout_free(struct layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].parent);
		config_clear(&l->v[i].def);
	}
	free(l->v);
	free(l->file);
	free(l->name);
	free(l->where);
	memset(l, 0, sizeof(*l));
}

void layout_config_names(const char *path, struct strv *out)
{
	json_t *root = json_load_file(path, 0, NULL);
	json_t *configs = json_object_get(root, "configs");
	const char *name;
	json_t *val;

	json_object_foreach(configs, name, val)
		strv_push(out, name);
	strv_sort(out);
	json_decref(root);
}
