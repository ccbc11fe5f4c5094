// SPDX-License-Identifier: LGPL-2.1-or-later
/* monitor: one line (or one JSON object) per device or definition event until interrupted. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/monitor.h"
#include "basic/output.h"

static json_t *json_str_or_null(const char *s)
{
	return s && *s ? json_str(s) : json_null();
}

static void print_event(const struct mon_event *ev, bool dumpjson)
{
	char ts[32];
	struct tm tm;

	gmtime_r(&ev->when.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (dumpjson) {
		json_t *o = json_object();

		json_object_set_new(o, "event", json_string(mon_kind_name(ev->kind)));
		json_object_set_new(o, ev->key_name, json_str_or_null(ev->key));
		json_object_set_new(o, "parent", json_str_or_null(ev->parent));
		json_object_set_new(o, "type", json_str_or_null(ev->type));
		json_object_set_new(o, "timestamp", json_string(ts));
		json_emit_compact(stdout, o);
		putchar('\n');
		json_decref(o);
	} else {
		fprintln_escaped(stdout, "%s %s %s %s %s", ts, mon_kind_name(ev->kind),
				 ev->key[0] ? ev->key : "-", ev->parent ? ev->parent : "-",
				 ev->type ? ev->type : "-");
	}
}

int cmd_monitor(struct ctx *ctx, struct cmd_args *args)
{
	bool dumpjson = has_opt(args, OPT_DUMPJSON), host = ctx->rfs.host;
	struct monitor *mon = NULL;
	struct pollfd pfd[2];
	struct mdev_error err;
	sigset_t mask, old;
	int sfd, r = 0;

	/* signals arrive as data, so an event being printed is never cut short */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return fail(ctx, "cannot block signals: %s", strerror(errno));
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = fail(ctx, "cannot watch for signals: %s", strerror(errno));
		goto done;
	}
	if (!host)
		warnf("kernel events are not available under --root %s (libudev only sees the "
		      "host): showing definition changes and polled vGPUs only",
		      ctx->rfs.path);
	if (monitor_open(&ctx->rfs, MON_SRC_DEFS | MON_SRC_POLL | (host ? MON_SRC_KERNEL : 0), &mon,
			 &err) < 0) {
		r = fail(ctx, "cannot monitor events: %s", err.msg);
		goto done;
	}
	pfd[0] = (struct pollfd){ .fd = monitor_fd(mon), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		struct mon_event ev;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = fail(ctx, "cannot wait for events: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			/* consumed here, or unblocking below would deliver it and kill us */
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			break;
		}
		if (monitor_read(mon, &err) < 0)
			r = fail(ctx, "cannot monitor events: %s", err.msg);
		while (monitor_next(mon, &ev)) {
			print_event(&ev, dumpjson);
			mon_event_clear(&ev);
		}
		/* a reader that went away ends the stream; the caller checks the rest */
		if (fflush(stdout) != 0 || r)
			break;
	}
done:
	monitor_close(mon);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
