// SPDX-License-Identifier: LGPL-2.1-or-later
/* Running one event script: a clean environment, no inherited fds, a time limit, stderr passed on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/escape.h"
#include "libmdev/callout_run.h"

static void forward_stderr(const char *name, char *buf, size_t *len, bool flush)
{
	char *nl;

	while ((nl = memchr(buf, '\n', *len)) || (flush && *len)) {
		size_t line = nl ? (size_t)(nl - buf) : *len;

		fprintln_escaped(stderr, "%s: %.*s", name, (int)line, buf);
		line += nl ? 1 : 0;
		memmove(buf, buf + line, *len - line);
		*len -= line;
	}
}

static void child_exec(const struct callouts *co, const struct script *s, char **argv, int in,
		       int out, int err)
{
	char root_env[PATH_MAX + 32];
	char *envp[] = {
		(char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL,
		NULL
	};

	if (strcmp(co->rfs->path, "/") != 0) {
		snprintf(root_env, sizeof(root_env), "MDEVCTL_ENV_ROOT=%s", co->rfs->path);
		envp[1] = root_env;
	}
	setpgid(0, 0);
	if (chdir("/") < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	/* nothing of ours beyond stdio reaches an untrusted script */
	close_range(3, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	execve(s->path, argv, envp);
	_exit(127);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reaps PID, killing its process group once DEADLINE has passed. */
static int reap(pid_t pid, long long deadline, bool killed)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, killed ? 0 : WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (!killed && monotonic_ms() >= deadline) {
			kill(-pid, SIGKILL);
			killed = true;
			continue;
		}
		nanosleep(&tick, NULL);
	}
	return !killed && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Feeds INPUT, collects stdout, forwards stderr; kills the script at the time limit. */
static int pump(const struct callouts *co, const struct script *s, pid_t pid, int fds[3],
		const char *input, struct run *res)
{
	size_t inlen = input ? strlen(input) : 0, errlen = 0, cap = 4096 + 1;
	long long deadline = monotonic_ms() + co->timeout_ms;
	bool killed = false;
	char errbuf[4096];

	res->out = xmalloc(cap);
	res->outlen = 0;
	if (!inlen)
		close_fd(&fds[0]);
	while (fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd p[3] = { { fds[0], POLLOUT, 0 },
				       { fds[1], POLLIN, 0 },
				       { fds[2], POLLIN, 0 } };
		long long left = deadline - monotonic_ms();
		ssize_t n;

		if (left <= 0 || poll(p, 3, (int)left) == 0) {
			kill(-pid, SIGKILL);
			killed = true;
			fprintln_escaped(stderr, "%s: killed after %d s", s->name,
					 co->timeout_ms / 1000);
			break;
		}
		if (fds[0] >= 0 && p[0].revents) {
			n = write(fds[0], input, inlen);
			if (n > 0) {
				input += n;
				inlen -= (size_t)n;
			}
			if (n < 0 || !inlen)
				close_fd(&fds[0]);
		}
		if (fds[1] >= 0 && p[1].revents) {
			if (cap - res->outlen < 4096 + 1)
				res->out = xrealloc(res->out, cap *= 2);
			n = read(fds[1], res->out + res->outlen, 4096);
			if (n > 0)
				res->outlen += (size_t)n;
			else if (n == 0 || errno != EINTR)
				close_fd(&fds[1]);
		}
		if (fds[2] >= 0 && p[2].revents) {
			n = read(fds[2], errbuf + errlen, sizeof(errbuf) - errlen);
			if (n > 0)
				errlen += (size_t)n;
			else if (n == 0 || errno != EINTR)
				close_fd(&fds[2]);
			forward_stderr(s->name, errbuf, &errlen, errlen == sizeof(errbuf));
		}
	}
	forward_stderr(s->name, errbuf, &errlen, true);
	for (int i = 0; i < 3; i++)
		close_fd(&fds[i]);
	res->out[res->outlen] = '\0';
	res->killed = killed;
	return reap(pid, deadline, killed);
}

static const char *state_name(int state)
{
	return state > 0 ? "success" : state < 0 ? "failure" : "none";
}

void run_script(const struct callouts *co, struct script *s, const char *type, const char *event,
		const char *action, int state, const char *uuid, const char *parent,
		const char *input, struct run *res)
{
	char *argv[] = { s->name,	 (char *)"-t",	(char *)type,
			 (char *)"-e",	 (char *)event, (char *)"-a",
			 (char *)action, (char *)"-s",	(char *)state_name(state),
			 (char *)"-u",	 (char *)uuid,	(char *)"-p",
			 (char *)parent, NULL };
	const struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct sigaction old;
	int in[2], out[2], err[2];
	pid_t pid;

	*res = (struct run){ .status = -1, .out = xstrdup("") };
	if (s->hung)
		return;
	if (pipe2(in, O_CLOEXEC) < 0)
		return;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		child_exec(co, s, argv, in[0], out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(in[1]), close(out[0]), close(err[0]);
		return;
	}
	setpgid(pid, pid); /* also here: the child may not have run yet when we kill */
	free(res->out);
	/* a script that exits without reading its input must not take us down with it */
	sigaction(SIGPIPE, &ignore, &old);
	res->status = pump(co, s, pid, (int[3]){ in[1], out[0], err[0] }, input, res);
	sigaction(SIGPIPE, &old, NULL);
	s->hung = res->killed;
}
