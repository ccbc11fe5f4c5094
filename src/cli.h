/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command table and the dispatcher shared by the command line and the shell. */
#ifndef MDEVADM_CLI_H
#define MDEVADM_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "rootfs.h"
#include "util.h"

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
	OPT_COUNT
};

#define OPTBIT(id) (1u << (id))

struct opt_def {
	const char *name;
	int short_name;	 /* 0 when long only */
	const char *arg; /* NULL for flags */
	const char *help;
	bool optional_arg; /* --name[=ARG] */
};

extern const struct opt_def opt_defs[OPT_COUNT];

/* Options before the command, parsed by main; indexed by this enum. */
enum global_opt_id { GOPT_ROOT, GOPT_HELP, GOPT_VERSION, GOPT_COUNT };
extern const struct opt_def global_opts[GOPT_COUNT];

/* Every option of every command lands here; each command reads what it accepts. */
struct cmd_args {
	unsigned seen; /* OPTBIT()s of the options given */
	char uuid[UUID_STR_LEN];
	const char *parent;
	const char *type;
	const char *jsonfile;
	const char *addattr;
	const char *value;
	unsigned long index;
	unsigned long group;
	unsigned long wait_s; /* --wait timeout in seconds */
	int npos;
	char **pos;
};

static inline bool has_opt(const struct cmd_args *a, enum opt_id id)
{
	return a->seen & OPTBIT(id);
}

struct ctx {
	struct rootfs rfs;
	struct callouts *co;
	const char *prog;
	const char *cmd; /* the running command, for messages */
	bool alias;	 /* called as lsmdev: the program name stands for the command */
};

struct command {
	const char *name;
	int (*run)(struct ctx *ctx, struct cmd_args *args);
	const char *summary;
	const char *synopsis;
	unsigned opts; /* OPTBIT()s accepted */
	int min_pos, max_pos;
	bool hidden;
};

extern const struct command commands[];
const struct command *command_find(const char *name);

/* Runs ARGV[0] with its arguments; returns the exit status. */
int cli_dispatch(struct ctx *ctx, int argc, char **argv);

void usage_main(FILE *f, const char *prog);

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

/* The commands. */
int cmd_list(struct ctx *ctx, struct cmd_args *args);
int cmd_types(struct ctx *ctx, struct cmd_args *args);
int cmd_define(struct ctx *ctx, struct cmd_args *args);
int cmd_undefine(struct ctx *ctx, struct cmd_args *args);
int cmd_modify(struct ctx *ctx, struct cmd_args *args);
int cmd_start(struct ctx *ctx, struct cmd_args *args);
int cmd_stop(struct ctx *ctx, struct cmd_args *args);
int cmd_start_parent_mdevs(struct ctx *ctx, struct cmd_args *args);
int cmd_groups(struct ctx *ctx, struct cmd_args *args);
int cmd_set_group_type(struct ctx *ctx, struct cmd_args *args);
int cmd_noiommu(struct ctx *ctx, struct cmd_args *args);
int cmd_shell(struct ctx *ctx, struct cmd_args *args);
int cmd_complete(struct ctx *ctx, struct cmd_args *args);
int cmd_monitor(struct ctx *ctx, struct cmd_args *args);

#endif
