/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Independent work items on several threads.  Reading the state of a machine is thousands of
 * small system calls that wait on nothing but the CPU: `apply` on 1,000 parents spends two
 * thirds of its time in them, and on two cores reads it in 60% of the time (bench/README.md).
 * A few items run on the caller's thread alone: a thread costs more than a parent's reads.
 */
#ifndef MDEVADM_PARALLEL_H
#define MDEVADM_PARALLEL_H

#include <stddef.h>

/*
 * Calls FN(I, CTX) once for each I below N, on up to one thread per online CPU (at most
 * PARALLEL_MAX_THREADS; MDEVADM_THREADS=N sets the most, 1 is the caller's thread alone), and
 * returns when all have returned.  FN must only touch what item I owns; the order of the calls
 * is not defined.
 */
void parallel_for(size_t n, void (*fn)(size_t i, void *ctx), void *ctx);

/*
 * Calls A(ACTX) and B(BCTX) at the same time (B on a new thread) when more than one thread
 * may run, else one after the other; returns when both have returned.
 */
void parallel_pair(void (*a)(void *actx), void *actx, void (*b)(void *bctx), void *bctx);

#define PARALLEL_MAX_THREADS 8
/* Items per thread below which another thread is not worth starting. */
#define PARALLEL_MIN_ITEMS 16

#endif
