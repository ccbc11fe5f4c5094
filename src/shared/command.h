/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a command is and what it is handed: the options every front end knows, the parsed
 * arguments, the context, and the one-line reports.  The table (table.c), the dispatcher, the
 * shell, the completion engine and the commands all stand on this, and on nothing of each other.
 */
#ifndef MDEVADM_COMMAND_H
#define MDEVADM_COMMAND_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/rootfs.h"
#include "basic/util.h"

#define EXIT_USAGE 2

enum opt_id {
	OPT_UUID,
	OPT_PARENT,
	OPT_TYPE,
	OPT_AUTO,
	OPT_MANUAL,
	OPT_DEFINED,
	OPT_DUMPJSON,
	OPT_VERBOSE,
	OPT_JSONFILE,
	OPT_FORCE,
	OPT_ADDATTR,
	OPT_DELATTR,
	OPT_INDEX,
	OPT_VALUE,
	OPT_LIVE,
	OPT_GROUP,
	OPT_ENABLE,
	OPT_DISABLE,
	OPT_KEEP_GOING,
	OPT_WAIT,
	OPT_ALL,
	OPT_FILE,
	OPT_CONFIG,
	OPT_CHECK,
	OPT_DIFF,
	OPT_EXPORT,
	OPT_FORCE_STOP,
	OPT_VF,
	OPT_PROBE,
	OPT_COUNT
};

/* A set of options: room for 64, so that new ones never overflow it. */
typedef uint64_t optmask;
#define OPTBIT(id) ((optmask)1 << (id))

struct opt_def {
	const char *name;
	int short_name;	 /* 0 when long only */
	const char *arg; /* NULL for flags */
	const char *help;
	bool optional_arg; /* --name[=ARG] */
	bool key;	   /* names one device (-u an mdev, --vf a vGPU): one per command line */
};

/* The key options (opt_def.key) in SEEN. */
optmask key_opts(optmask seen);

extern const struct opt_def opt_defs[OPT_COUNT];

/* Options before the command, parsed by main; indexed by this enum. */
enum global_opt_id { GOPT_ROOT, GOPT_HELP, GOPT_VERSION, GOPT_COUNT };
extern const struct opt_def global_opts[GOPT_COUNT];

/* Every option of every command lands here; each command reads what it accepts. */
struct cmd_args {
	optmask seen; /* OPTBIT()s of the options given */
	char uuid[UUID_STR_LEN];
	const char *parent;
	const char *type;
	const char *jsonfile;
	const char *addattr;
	const char *value;
	unsigned long index;
	unsigned long group;
	unsigned long wait_s; /* --wait timeout in seconds */
	const char *file;     /* apply -f */
	const char *config;   /* apply --config */
	int nparents;	      /* every -p, for a command that takes several */
	const char **parents;
	const char *vf; /* --vf: a VF index or PCI address (the vf family's key) */
	int npos;
	char **pos;
};

static inline bool has_opt(const struct cmd_args *a, enum opt_id id)
{
	return a->seen & OPTBIT(id);
}

struct command;

struct ctx {
	struct rootfs rfs;
	struct callouts *co;
	const struct command *table; /* the commands this front end dispatches */
	const char *prog;
	const char *cmd; /* the running command, for messages */
	bool alias;	 /* called as lsmdev: the program name stands for the command */
	bool as_mdevctl; /* called as mdevctl or lsmdev: listings show what mdevctl would */
};

/* Runs one command line, ARGV[0] being the command; returns its exit status. */
typedef int (*dispatch_fn)(struct ctx *ctx, int argc, char **argv);

/* What completion offers for a command's -u, -p and positional arguments (complete.c). */
enum complete_hint {
	CPL_ACTIVE = 1 << 0,	     /* -u: active devices */
	CPL_DEFINED = 1 << 1,	     /* -u: defined devices */
	CPL_ONLY_UNDEFINED = 1 << 2, /* -u: of the active ones, those without a definition */
	CPL_ONLY_INACTIVE = 1 << 3,  /* -u: of the defined ones, those not running */
	CPL_DEF_PARENTS = 1 << 4,    /* -p: also parents that are absent but have definitions */
	CPL_UUID_PARENTS = 1 << 5,   /* -p: once -u names a definition, only its parents */
	CPL_POS_GROUP_TYPE = 1 << 6, /* the positional is an IOMMU group's default domain type */
	CPL_POS_DEF_PARENT = 1 << 7, /* the positional is a parent with definitions */
	CPL_NOT_IN_SHELL = 1 << 8,   /* the shell neither offers nor runs it */
	CPL_FREE_VFS = 1 << 9,	     /* --vf: also VFs that hold no vGPU (to start one on) */
};

struct command {
	const char *name;
	int (*run)(struct ctx *ctx, struct cmd_args *args);
	const char *summary;
	const char *synopsis;
	optmask opts;	/* OPTBIT()s accepted */
	optmask repeat; /* of those, the ones that may be given more than once */
	int min_pos, max_pos;
	bool hidden;
	unsigned complete; /* enum complete_hint */
};

/* The entry of TABLE (ended by an empty one) named NAME, or NULL. */
const struct command *command_find(const struct command *table, const char *name);

/* One line on stderr: "HEAD: message TAIL". */
void vreport(const char *head, const char *tail, const char *fmt, va_list ap);
/* Reports a misuse of the running command and returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int usage_error(const struct ctx *ctx, const char *fmt, ...);
/* Reports a failure of the running command and returns EXIT_FAILURE. */
__attribute__((format(printf, 2, 3))) int fail(const struct ctx *ctx, const char *fmt, ...);

/* Takes the store lock for a command that changes state; reports a failure, returns -1. */
int cmd_lock(const struct ctx *ctx);
/* Generates a UUID when none was given; true when it did (the command then prints it). */
bool take_uuid(struct cmd_args *args);

#endif
