// SPDX-License-Identifier: LGPL-2.1-or-later
/* Runs trusted event scripts with a clean environment, a time limit and cached capabilities. */
#include "libmdev/callout_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/output.h"
#include "basic/util.h"

#define DEFAULT_TIMEOUT_S 30
#define PROVIDES                                                                                   \
	"{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\",\"undefine\","    \
	"\"modify\",\"attributes\",\"capabilities\"],\"events\":[\"pre\",\"post\",\"notify\","     \
	"\"get\",\"live\"]}}"

static const char *const action_names[] = {
	[ACT_START] = "start",	     [ACT_STOP] = "stop",     [ACT_DEFINE] = "define",
	[ACT_UNDEFINE] = "undefine", [ACT_MODIFY] = "modify",
};

struct callouts *callouts_new(const struct rootfs *rfs)
{
	struct callouts *co = xcalloc(1, sizeof(*co));
	const char *t = getenv("MDEVADM_SCRIPT_TIMEOUT");
	char *end;
	long s = t ? strtol(t, &end, 10) : DEFAULT_TIMEOUT_S;

	if (!t || *end || s <= 0 || s > 86400)
		s = DEFAULT_TIMEOUT_S;
	co->rfs = rfs;
	co->timeout_ms = (int)s * 1000;
	return co;
}

static void free_set(struct script_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		for (size_t k = 0; k < set->v[i].ncaps; k++) {
			free(set->v[i].caps[k].type);
			strv_free(&set->v[i].caps[k].events);
			strv_free(&set->v[i].caps[k].actions);
		}
		free(set->v[i].caps);
		free(set->v[i].path);
		free(set->v[i].name);
	}
	free(set->v);
}

void callouts_free(struct callouts *co)
{
	if (!co)
		return;
	free_set(&co->callouts);
	free_set(&co->notifiers);
	free(co);
}

/* Root may own everything; otherwise only the invoking user's own files are trusted. */
static const char *untrusted(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static void add_dir(struct script_set *set, const struct rootfs *rfs, const char *dir)
{
	char proc[64], real[PATH_MAX];
	struct strv names = { 0 };
	struct dirent *de;
	struct stat st;
	const char *why;
	ssize_t n;
	DIR *d;
	int fd = rfs_open(rfs, dir, O_RDONLY | O_DIRECTORY, 0);

	if (fd < 0) {
		if (fd != -ENOENT)
			warnf("ignoring scripts in /%s: %s", dir, strerror(-fd));
		return;
	}
	if (fstat(fd, &st) == 0 && (why = untrusted(&st))) {
		warnf("ignoring scripts in /%s: the directory is %s", dir, why);
		close(fd);
		return;
	}
	/* execve needs a path: use the directory we actually checked */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, sizeof(real) - 1);
	if (n > 0)
		real[n] = '\0';
	else
		snprintf(real, sizeof(real), "%s/%s", strcmp(rfs->path, "/") ? rfs->path : "", dir);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&names, de->d_name);
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		if (fstatat(dirfd(d), names.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		why = !S_ISREG(st.st_mode)	? "not a regular file"
		      : !(st.st_mode & S_IXUSR) ? "not executable"
						: untrusted(&st);
		if (why) {
			warnf("not running /%s/%s: %s", dir, names.v[i], why);
			continue;
		}
		set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
		set->v[set->n++] = (struct script){
			.path = xasprintf("%s/%s", real, names.v[i]),
			.name = xstrdup(names.v[i]),
		};
	}
	strv_free(&names);
	closedir(d);
}

static struct script_set *scripts(struct callouts *co, bool notifiers)
{
	struct script_set *set = notifiers ? &co->notifiers : &co->callouts;
	const char *sub = notifiers ? "notifiers" : "callouts";
	char dir[PATH_MAX];

	if (set->loaded)
		return set;
	set->loaded = true;
	/* the documented location first, then the deprecated one under /etc */
	snprintf(dir, sizeof(dir), "%s/%s", SCRIPTDIR, sub);
	add_dir(set, co->rfs, dir);
	snprintf(dir, sizeof(dir), "%s/%s", CONFIG_DIR "/scripts.d", sub);
	add_dir(set, co->rfs, dir);
	return set;
}

static char *config_compact(const struct mdev_config *cfg)
{
	json_t *j = config_to_json(cfg);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	return s;
}

/* Trims a script's answer: trailing NULs and white space are not part of it. */
static void trim_answer(struct run *res)
{
	while (res->outlen &&
	       (res->out[res->outlen - 1] == '\0' || strchr(" \t\r\n", res->out[res->outlen - 1])))
		res->out[--res->outlen] = '\0';
}

static void strv_from_json(struct strv *sv, json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			strv_push(sv, json_string_value(v));
}

static bool strv_has(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

/* What S says about TYPE, asked once per run. */
static const struct cap *probe(struct callouts *co, struct script *s, const char *uuid,
			       const char *parent, const char *type)
{
	struct cap *c;
	struct run res;

	for (size_t i = 0; i < s->ncaps; i++)
		if (strcmp(s->caps[i].type, type) == 0)
			return &s->caps[i];
	s->caps = xrealloc(s->caps, (s->ncaps + 1) * sizeof(*s->caps));
	c = &s->caps[s->ncaps++];
	*c = (struct cap){ .type = xstrdup(type), .kind = CAP_LEGACY };
	run_script(co, s, type, "get", "capabilities", 0, uuid, parent, PROVIDES, &res);
	if (res.killed) {
		/* a script that cannot answer in time is broken: leave the type to the others */
		warnf("callout script %s hung answering capabilities for %s: not used", s->name,
		      type);
		c->kind = CAP_NOT_MINE;
	} else if (res.status == 2) {
		c->kind = CAP_NOT_MINE;
	} else if (res.status >= 0) {
		/* the answer counts whatever the status, but 2: mdevctl's rule */
		trim_answer(&res);
		if (co_parse_caps(res.out, res.outlen, &c->events, &c->actions))
			c->kind = CAP_VERSIONED;
	}
	free(res.out);
	return c;
}

bool co_parse_caps(const char *answer, size_t len, struct strv *events, struct strv *actions)
{
	json_t *root = json_loadb(answer, len, 0, NULL), *sup = json_object_get(root, "supports");
	bool versioned = json_is_object(sup);

	if (versioned) {
		strv_from_json(events, json_object_get(sup, "events"));
		strv_from_json(actions, json_object_get(sup, "actions"));
	}
	json_decref(root);
	return versioned;
}

static bool lists(const struct cap *c, const char *event, const char *action)
{
	return strv_has(&c->events, event) && strv_has(&c->actions, action);
}

/*
 * Picks the script for TYPE and runs EVENT/ACTION on it when it takes it: a
 * versioned script claiming the type owns it, for what it lists; otherwise
 * the first legacy script not answering 2.  Returns the script (the owner
 * even when it did not run), or -1; *RAN says whether RES holds an answer.
 */
static int pick(struct callouts *co, const char *type, const char *event, const char *action,
		const char *uuid, const char *parent, const char *input, struct run *res, bool *ran)
{
	struct script_set *set = scripts(co, false);

	*ran = false;
	*res = (struct run){ 0 };
	for (size_t i = 0; i < set->n; i++) {
		const struct cap *c = probe(co, &set->v[i], uuid, parent, type);

		if (c->kind != CAP_VERSIONED)
			continue;
		if (lists(c, event, action)) {
			run_script(co, &set->v[i], type, event, action, 0, uuid, parent, input,
				   res);
			*ran = true;
		}
		return (int)i;
	}
	if (strcmp(event, "live") == 0)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		if (probe(co, &set->v[i], uuid, parent, type)->kind != CAP_LEGACY)
			continue;
		run_script(co, &set->v[i], type, event, action, 0, uuid, parent, input, res);
		if (res->status != 2) {
			*ran = true;
			return (int)i;
		}
		free(res->out);
		res->out = NULL;
	}
	return -1;
}

static void notify(struct co_call *call, int state)
{
	struct script_set *set = scripts(call->co, true);
	char *input;

	if (!set->n)
		return; /* the usual case: no scripts, so no JSON to build */
	input = config_compact(call->cfg);

	for (size_t i = 0; i < set->n; i++) {
		struct run res;

		run_script(call->co, &set->v[i], call->cfg->type, "notify",
			   action_names[call->action], state, call->uuid, call->parent, input,
			   &res);
		free(res.out);
	}
	free(input);
}

int co_pre(struct co_call *call, bool force, struct mdev_error *err)
{
	char *input = scripts(call->co, false)->n ? config_compact(call->cfg) : NULL;
	const char *name;
	struct run res;
	bool ran;

	call->script = pick(call->co, call->cfg->type, "pre", action_names[call->action],
			    call->uuid, call->parent, input, &res, &ran);
	free(input);
	free(res.out);
	/* a versioned script owns its type for every action: one it does not list is refused */
	if (call->script < 0 || (ran && res.status == 0))
		return 0;
	name = scripts(call->co, false)->v[call->script].name;
	if (force) {
		if (ran)
			warnf("callout script %s objected to %s of %s (status %d); going on: "
			      "--force",
			      name, action_names[call->action], call->uuid, res.status);
		else
			warnf("callout script %s does not support pre %s; going on: --force", name,
			      action_names[call->action]);
		return 0;
	}
	notify(call, 0);
	if (!ran)
		return mdev_errorf(err, ENOTSUP,
				   "cannot %s %s: callout script %s does not support pre %s "
				   "(--force overrides)",
				   action_names[call->action], call->uuid, name,
				   action_names[call->action]);
	if (res.status < 0)
		return mdev_errorf(err, ECANCELED,
				   "cannot %s %s: callout script %s failed (killed or timed out)",
				   action_names[call->action], call->uuid, name);
	return mdev_errorf(err, ECANCELED,
			   "cannot %s %s: callout script %s refused (status %d; --force overrides)",
			   action_names[call->action], call->uuid, name, res.status);
}

void co_post(struct co_call *call, bool success)
{
	const char *action = action_names[call->action];
	struct script *s = call->script >= 0 ? &call->co->callouts.v[call->script] : NULL;
	const struct cap *c =
		s ? probe(call->co, s, call->uuid, call->parent, call->cfg->type) : NULL;

	if (c && (c->kind != CAP_VERSIONED || lists(c, "post", action))) {
		char *input = config_compact(call->cfg);
		struct run res;

		run_script(call->co, s, call->cfg->type, "post", action, success ? 1 : -1,
			   call->uuid, call->parent, input, &res);
		free(res.out);
		free(input);
	}
	notify(call, success ? 1 : -1);
}

int co_parse_attrs(const char *answer, size_t len, const char *type, struct mdev_config *got,
		   char *why, size_t whylen)
{
	json_t *wrap, *attrs;
	int r;

	memset(got, 0, sizeof(*got));
	/* an empty answer, or mdevctl's "[{}]", means no attributes */
	if (!len || (len == 4 && memcmp(answer, "[{}]", 4) == 0))
		return 0;
	attrs = json_loadb(answer, len, 0, NULL);
	if (!attrs) {
		snprintf(why, whylen, "not JSON");
		return -EINVAL;
	}
	wrap = json_pack("{s:s, s:o}", "mdev_type", type, "attrs", attrs);
	r = wrap ? config_from_json(wrap, got, why, whylen) : -EINVAL;
	json_decref(wrap);
	return r;
}

int co_get_attrs(struct callouts *co, const char *uuid, const char *parent, struct mdev_config *cfg,
		 struct mdev_error *err)
{
	struct mdev_config got;
	struct run res = { 0 };
	char why[512];
	int idx, r;
	bool ran;

	idx = pick(co, cfg->type, "get", "attributes", uuid, parent, NULL, &res, &ran);
	if (!ran)
		return 0;
	if (res.status == 0)
		trim_answer(&res);
	r = res.status == 0 ? co_parse_attrs(res.out, res.outlen, cfg->type, &got, why, sizeof(why))
			    : -EIO;
	free(res.out);
	if (r == -EIO)
		return mdev_errorf(err, EIO, "callout script %s cannot get the attributes of %s",
				   co->callouts.v[idx].name, uuid);
	if (r < 0)
		return mdev_errorf(err, EINVAL,
				   "callout script %s returned invalid attributes for %s: %s",
				   co->callouts.v[idx].name, uuid, why);
	config_replace_attrs(cfg, &got);
	config_clear(&got);
	return 1;
}

int co_live(struct callouts *co, const char *uuid, const char *parent,
	    const struct mdev_config *cfg, struct mdev_error *err)
{
	struct co_call call = { co, uuid, parent, cfg, ACT_MODIFY, -1 };
	char *input = config_compact(cfg);
	struct run res;
	bool ran;
	int idx = pick(co, cfg->type, "live", "modify", uuid, parent, input, &res, &ran);

	free(input);
	free(res.out);
	if (!ran)
		return mdev_errorf(err, ENOTSUP,
				   "cannot change %s live: no callout script supports live changes "
				   "for type %s",
				   uuid, cfg->type);
	notify(&call, res.status == 0 ? 1 : -1);
	if (res.status != 0)
		return mdev_errorf(err, ECANCELED,
				   "cannot change %s live: callout script %s failed (status %d)",
				   uuid, co->callouts.v[idx].name, res.status);
	return 0;
}
