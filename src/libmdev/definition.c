// SPDX-License-Identifier: LGPL-2.1-or-later
/* The mdevctl config format: parsing, validation, printing. */
#include "libmdev/definition.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/json_plain.h"
#include "basic/output.h"
#include "basic/rootfs.h"
#include "basic/util.h"

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

int config_attrs_from_json(json_t *attrs, struct mdev_config *cfg, char *why, size_t whylen)
{
	json_t *entry;
	size_t i;

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

int config_from_json(json_t *root, struct mdev_config *cfg, char *why, size_t whylen)
{
	json_t *type, *start, *attrs;

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
	if (config_attrs_from_json(attrs, cfg, why, whylen) < 0)
		return -EINVAL;
	cfg->type = xstrdup(json_string_value(type));
	cfg->autostart = start && strcmp(json_string_value(start), "auto") == 0;
	return 0;
}

int config_parse_json(const char *data, size_t len, struct mdev_config *cfg, char *why,
		      size_t whylen)
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

/*
 * The scanner: jansson spends about 18,000 instructions on a 100-byte config
 * (allocations, hashing, a stream layer per character), which made it most of
 * the cost of `list` over thousands of definitions.  It only takes what it can
 * decide alone; everything else, and every error message, is jansson's.  Its
 * tokens are those of the plain-JSON reader (basic/json_plain.h).
 */

/* A plain string (json_scan_string), returned as a copy. */
static char *scan_string(struct json_scan *s)
{
	const char *start;
	size_t len;

	return json_scan_string(s, &start, &len) ? xstrndup(start, len) : NULL;
}

/*
 * "KEY" and its colon.  Without the colon the scan stays where it was, so
 * that the next try starts at the key again, not after it.
 */
static bool scan_key(struct json_scan *s, const char *key)
{
	const char *at;
	size_t len = strlen(key);

	json_scan_ws(s);
	at = s->p;
	if ((size_t)(s->end - s->p) < len + 2 || s->p[0] != '"' ||
	    memcmp(s->p + 1, key, len) != 0 || s->p[len + 1] != '"')
		return false;
	s->p += len + 2;
	if (json_scan_char(s, ':'))
		return true;
	s->p = at;
	return false;
}

static bool scan_attrs(struct json_scan *s, struct mdev_config *cfg)
{
	if (!json_scan_char(s, '['))
		return false;
	if (json_scan_char(s, ']'))
		return true;
	do {
		struct mdev_attr a = { 0 };
		bool ok = json_scan_char(s, '{') && (a.name = scan_string(s)) &&
			  json_scan_char(s, ':') && (a.value = scan_string(s)) &&
			  json_scan_char(s, '}') && rfs_valid_name(a.name);

		if (!ok) {
			free(a.name);
			free(a.value);
			return false;
		}
		cfg->attrs = xrealloc(cfg->attrs, (cfg->nattrs + 1) * sizeof(*cfg->attrs));
		cfg->attrs[cfg->nattrs++] = a;
	} while (json_scan_char(s, ','));
	return json_scan_char(s, ']');
}

bool config_scan(const char *data, size_t len, struct mdev_config *cfg)
{
	struct json_scan s = { data, data + len };
	bool start = false, attrs = false, ok;

	memset(cfg, 0, sizeof(*cfg));
	ok = json_scan_char(&s, '{');
	while (ok) {
		const char *v;
		size_t vlen;

		if (!cfg->type && scan_key(&s, "mdev_type")) {
			ok = (cfg->type = scan_string(&s)) && rfs_valid_name(cfg->type);
		} else if (!start && scan_key(&s, "start")) {
			ok = start = json_scan_string(&s, &v, &vlen);
			cfg->autostart = ok && vlen == 4 && memcmp(v, "auto", 4) == 0;
		} else {
			ok = !attrs && scan_key(&s, "attrs") && (attrs = scan_attrs(&s, cfg));
		}
		if (!ok || !json_scan_char(&s, ','))
			break;
	}
	ok = ok && cfg->type && json_scan_char(&s, '}');
	json_scan_ws(&s);
	if (ok && s.p == s.end)
		return true;
	config_clear(cfg);
	return false;
}

int config_parse(const char *data, size_t len, struct mdev_config *cfg, char *why, size_t whylen)
{
	if (config_scan(data, len, cfg))
		return 0;
	return config_parse_json(data, len, cfg, why, whylen);
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

static void indent_to(struct sbuf *b, int n)
{
	static const char line[] = "\n                ";

	sb_add(b, line, (size_t)n + 1); /* config_format nests at most 8 + 6 deep */
}

void config_format(struct sbuf *b, const struct mdev_config *cfg, int indent)
{
	sb_addc(b, '{');
	indent_to(b, indent + 2);
	sb_adds(b, "\"mdev_type\": ");
	json_add_string(b, cfg->type);
	sb_addc(b, ',');
	indent_to(b, indent + 2);
	sb_adds(b, cfg->autostart ? "\"start\": \"auto\"," : "\"start\": \"manual\",");
	indent_to(b, indent + 2);
	sb_adds(b, "\"attrs\": [");
	for (size_t i = 0; i < cfg->nattrs; i++) {
		if (i)
			sb_addc(b, ',');
		indent_to(b, indent + 4);
		sb_addc(b, '{');
		indent_to(b, indent + 6);
		json_add_string(b, cfg->attrs[i].name);
		sb_add(b, ": ", 2);
		json_add_string(b, cfg->attrs[i].value);
		indent_to(b, indent + 4);
		sb_addc(b, '}');
	}
	if (cfg->nattrs)
		indent_to(b, indent + 2);
	sb_addc(b, ']');
	indent_to(b, indent);
	sb_addc(b, '}');
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

bool config_equal(const struct mdev_config *a, const struct mdev_config *b)
{
	if (strcmp(a->type, b->type) != 0 || a->autostart != b->autostart || a->nattrs != b->nattrs)
		return false;
	for (size_t i = 0; i < a->nattrs; i++)
		if (strcmp(a->attrs[i].name, b->attrs[i].name) != 0 ||
		    strcmp(a->attrs[i].value, b->attrs[i].value) != 0)
			return false;
	return true;
}
