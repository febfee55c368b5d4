/*
 * A minimal thread pool for small machines. Each `pool_run` splits its task into one part per
 * thread; the caller runs part 0 and then *steals* every part whose worker has not started yet, so
 * a descheduled worker (a busy machine, another process on the other core) costs at most the
 * wait for a part already under way, never a stall. Workers spin briefly between tasks (forward
 * and backward issue dozens back to back), then yield, then sleep on a condition variable, so an
 * idle addon costs no CPU.
 */
#include "kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WORKER_FLOAT_MODE() _mm_setcsr(_mm_getcsr() | 0x8040) /* FTZ + DAZ, as the caller */
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#define WORKER_FLOAT_MODE() ((void)0)
#endif

#define MAX_THREADS 64
#define SPIN_ROUNDS 2000  /* pause-loops (~0.1 ms) before yielding */
#define YIELD_ROUNDS 200  /* sched_yield calls before sleeping */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_ulong generation;
static atomic_int sleepers;
/* part_state[w] = 2g: part w of generation g is open; 2g+1: claimed (by worker w or stolen). */
static atomic_ulong part_state[MAX_THREADS];
/* part_done[w] = g once worker w has finished its part of generation g. */
static atomic_ulong part_done[MAX_THREADS];
static pool_task current_task;
static void *current_context;
static int current_threads;
static int thread_count = 1; /* threads in use, including the caller */
static int started = 0;      /* workers created so far */

static void *worker_main(void *argument) {
  const int index = (int)(intptr_t)argument;
  /* Workers only ever run kernels: flush denormals for good (the caller does it per call). */
  WORKER_FLOAT_MODE();
  unsigned long seen = atomic_load(&generation);
  for (;;) {
    int rounds = 0;
    while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
      rounds++;
      if (rounds < SPIN_ROUNDS) {
        CPU_RELAX();
      } else if (rounds < SPIN_ROUNDS + YIELD_ROUNDS) {
        sched_yield();
      } else {
        pthread_mutex_lock(&lock);
        atomic_fetch_add(&sleepers, 1);
        while (atomic_load(&generation) == seen) pthread_cond_wait(&wake, &lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&lock);
      }
    }
    const unsigned long g = atomic_load(&generation);
    seen = g;
    unsigned long open = 2 * g;
    /* Only a successful claim makes the task fields safe to read: they stay put until we finish. */
    if (atomic_compare_exchange_strong(&part_state[index], &open, 2 * g + 1)) {
      current_task(current_context, index, current_threads);
      atomic_store_explicit(&part_done[index], g, memory_order_release);
    }
  }
  return NULL;
}

int pool_threads(void) { return thread_count; }

int pool_set_threads(int threads) {
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  while (started < threads - 1) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker_main, (void *)(intptr_t)(started + 1)) != 0) break;
    pthread_detach(thread);
    started++;
  }
  thread_count = started + 1 < threads ? started + 1 : threads;
  return thread_count;
}

void pool_run(pool_task task, void *context) {
  const int threads = thread_count;
  if (threads == 1) {
    task(context, 0, 1);
    return;
  }
  const unsigned long g = atomic_load(&generation) + 1;
  current_task = task;
  current_context = context;
  current_threads = threads;
  for (int w = 1; w < threads; w++) atomic_store(&part_state[w], 2 * g);
  atomic_store(&generation, g);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  task(context, 0, threads);
  for (int w = 1; w < threads; w++) {
    unsigned long open = 2 * g;
    if (atomic_compare_exchange_strong(&part_state[w], &open, 2 * g + 1)) {
      task(context, w, threads); /* the worker has not started: do its part here */
      continue;
    }
    int rounds = 0;
    while (atomic_load_explicit(&part_done[w], memory_order_acquire) != g) {
      if (++rounds < SPIN_ROUNDS)
        CPU_RELAX();
      else
        sched_yield();
    }
  }
}

void pool_split(int n, int parts, int part, int align, int *begin, int *end) {
  if (align < 1) align = 1;
  int units = (n + align - 1) / align;
  int base = units / parts, extra = units % parts;
  int first = part * base + (part < extra ? part : extra);
  int count = base + (part < extra ? 1 : 0);
  int b = first * align, e = (first + count) * align;
  *begin = b < n ? b : n;
  *end = e < n ? e : n;
}
