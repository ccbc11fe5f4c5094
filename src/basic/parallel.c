// SPDX-License-Identifier: LGPL-2.1-or-later
/* parallel_for: workers that take the next item from a shared counter until none are left. */
#include "basic/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct work {
	atomic_size_t next;
	size_t n;
	void (*fn)(size_t i, void *ctx);
	void *ctx;
};

/* MDEVADM_THREADS (1 to PARALLEL_MAX_THREADS), else one thread per online CPU, up to that. */
static size_t max_threads(void)
{
	const char *env = getenv("MDEVADM_THREADS");
	char *end;
	long n = env ? strtol(env, &end, 10) : 0;

	if (!env || *end || n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > PARALLEL_MAX_THREADS ? PARALLEL_MAX_THREADS : (size_t)n;
}

static void *worker(void *arg)
{
	struct work *w = arg;
	size_t i;

	while ((i = atomic_fetch_add_explicit(&w->next, 1, memory_order_relaxed)) < w->n)
		w->fn(i, w->ctx);
	return NULL;
}

void parallel_for(size_t n, void (*fn)(size_t i, void *ctx), void *ctx)
{
	struct work w = { .n = n, .fn = fn, .ctx = ctx };
	pthread_t threads[PARALLEL_MAX_THREADS - 1];
	size_t want = n / PARALLEL_MIN_ITEMS, started = 0;

	atomic_init(&w.next, 0);
	/* few items, the usual case, run here without asking how many CPUs there are */
	if (want > 1) {
		size_t most = max_threads();

		if (want > most)
			want = most;
	}
	/* a thread that cannot start leaves its share to the others: the work still gets done */
	while (started + 1 < want && pthread_create(&threads[started], NULL, worker, &w) == 0)
		started++;
	worker(&w);
	while (started)
		pthread_join(threads[--started], NULL);
}

struct call {
	void (*fn)(void *ctx);
	void *ctx;
};

static void *call(void *arg)
{
	const struct call *c = arg;

	c->fn(c->ctx);
	return NULL;
}

void parallel_pair(void (*a)(void *actx), void *actx, void (*b)(void *bctx), void *bctx)
{
	struct call second = { b, bctx };
	pthread_t t;
	bool threaded = max_threads() > 1 && pthread_create(&t, NULL, call, &second) == 0;

	a(actx);
	if (threaded)
		pthread_join(t, NULL);
	else
		b(bctx);
}
