// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * min-list-defined: least-work yardstick for `mdevctl list -d --dumpjson`.
 * It parses only as much as the bench's well-formed configs need.
 */
#include "min-common.h"

struct cfg {
	char *parent; /* shared per parent */
	char uuid[40];
	char *text; /* the file; c's strings point into it */
	struct min_cfg c;
};

static void out_json_str(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	out_chr('"');
	for (const char *p = s;; p++) {
		const char *q = p;
		while (*q && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		out_mem(p, (size_t)(q - p));
		p = q;
		if (!*p)
			break;
		char e[7] = { '\\', *p, 0 };
		switch (*p) {
		case '"':
		case '\\':
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\t':
			e[1] = 't';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[(unsigned char)*p >> 4];
			e[5] = hex[*p & 15];
		}
		out_str(e);
	}
	out_chr('"');
}

static int cmp_cfg(const void *a, const void *b)
{
	const struct cfg *x = a, *y = b;
	int r = strcmp(x->parent, y->parent);
	return r ? r : strcmp(x->uuid, y->uuid);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: min-list-defined ROOT\n", stderr);
		return 2;
	}
	int rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		min_die(argv[1]);
	int etcfd = openat(rootfd, "etc/mdevctl.d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct cfg *cfgs = NULL;
	size_t n = 0, cap = 0;
	char buf[65536];
	DIR *top = etcfd >= 0 ? fdopendir(etcfd) : NULL;
	struct dirent *pe;
	while (top && (pe = readdir(top))) {
		if (min_is_dot(pe->d_name) || !strcmp(pe->d_name, "scripts.d"))
			continue;
		int pfd = openat(etcfd, pe->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			continue;
		char *parent = strdup(pe->d_name);
		DIR *pd = fdopendir(pfd);
		struct dirent *de;
		while (pd && (de = readdir(pd))) {
			if (min_is_dot(de->d_name) || strlen(de->d_name) != 36)
				continue;
			ssize_t len = min_read_at(pfd, de->d_name, buf, sizeof(buf));
			if (len < 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				cfgs = min_xrealloc(cfgs, cap * sizeof(*cfgs));
			}
			cfgs[n].text = min_xrealloc(NULL, (size_t)len + 1);
			memcpy(cfgs[n].text, buf, (size_t)len + 1);
			if (min_parse_config(cfgs[n].text, &cfgs[n].c) < 0) {
				fprintf(stderr, "bad config %s/%s\n", parent, de->d_name);
				free(cfgs[n].text);
				continue;
			}
			cfgs[n].parent = parent;
			strcpy(cfgs[n].uuid, de->d_name);
			n++;
		}
		if (pd)
			closedir(pd);
	}
	if (top)
		closedir(top);
	qsort(cfgs, n, sizeof(*cfgs), cmp_cfg);

	if (!n) {
		out_str("[]\n");
		return out_flush() ? 1 : 0;
	}
	/* Pretty-printed like mdevctl (serde_json, 2-space indent); nothing is freed: we exit. */
	out_str("[\n  {\n");
	const char *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!cur || strcmp(cur, cfgs[i].parent)) {
			if (cur)
				out_str("\n    ],\n");
			cur = cfgs[i].parent;
			out_str("    ");
			out_json_str(cur);
			out_str(": [\n");
		} else {
			out_str(",\n");
		}
		const struct min_cfg *c = &cfgs[i].c;
		out_str("      {\n        \"");
		out_mem(cfgs[i].uuid, 36);
		out_str("\": {\n          \"mdev_type\": ");
		out_json_str(c->type);
		out_str(c->autostart ? ",\n          \"start\": \"auto\",\n"
				     : ",\n          \"start\": \"manual\",\n");
		if (!c->nattr) {
			out_str("          \"attrs\": []\n");
		} else {
			out_str("          \"attrs\": [\n");
			for (size_t k = 0; k < c->nattr; k += 2) {
				out_str(k ? ",\n            {" : "            {");
				out_str("\n              ");
				out_json_str(c->attr[k]);
				out_str(": ");
				out_json_str(c->attr[k + 1]);
				out_str("\n            }");
			}
			out_str("\n          ]\n");
		}
		out_str("        }\n      }");
	}
	out_str("\n    ]\n  }\n]\n");
	return out_flush() ? 1 : 0;
}
