/*
 * A minimal thread pool for small, often shared machines. A parallel region is cut into parts
 * that any thread claims from a shared ticket, the caller included: if the OS deschedules a worker
 * (a busy machine, another process on the other core), the caller simply claims the remaining
 * parts, so the region waits at most for one part already under way, never for a whole thread's
 * share. Workers spin briefly between regions (forward and backward issue dozens back to back),
 * then yield, then sleep on a condition variable, so an idle addon costs no CPU.
 */
#include "kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#define WORKER_FLOAT_MODE() _mm_setcsr(_mm_getcsr() | 0x8040) /* FTZ + DAZ, as the caller */
#else
#define CPU_RELAX() ((void)0)
#define WORKER_FLOAT_MODE() ((void)0)
#endif

#define MAX_THREADS 64
#define SPIN_ROUNDS 2000 /* pause-loops (~0.1 ms) before yielding */
#define YIELD_ROUNDS 200 /* sched_yield calls before sleeping */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int sleepers;
/*
 * The ticket: generation (high 32 bits) | parts (16 bits) | next unclaimed part (16 bits). A claim
 * is a compare-and-swap that checks the generation, so a thread that woke for an old region can
 * never take a part of a newer one.
 */
static _Atomic uint64_t ticket;
static atomic_int finished; /* parts of the current region that have completed */
static pool_task current_task;
static void *current_context;
static int thread_count = 1; /* threads in use, including the caller */
static int started = 0;      /* workers created so far */

static uint32_t generation_of(uint64_t t) { return (uint32_t)(t >> 32); }

/* Claims the next part of generation g; the task fields are safe to read after a claim. */
static int claim(uint32_t g, int *part, int *parts) {
  uint64_t t = atomic_load(&ticket);
  for (;;) {
    if (generation_of(t) != g) return 0;
    const int next = (int)(t & 0xffff), total = (int)((t >> 16) & 0xffff);
    if (next >= total) return 0;
    if (atomic_compare_exchange_weak(&ticket, &t, t + 1)) {
      *part = next;
      *parts = total;
      return 1;
    }
  }
}

static void run_claimed(uint32_t g) {
  int part, parts;
  while (claim(g, &part, &parts)) {
    current_task(current_context, part, parts);
    atomic_fetch_add_explicit(&finished, 1, memory_order_release);
  }
}

static void *worker_main(void *argument) {
  (void)argument;
  /* Workers only ever run kernels: flush denormals for good (the caller does it per call). */
  WORKER_FLOAT_MODE();
  uint32_t seen = generation_of(atomic_load(&ticket));
  for (;;) {
    int rounds = 0;
    while (generation_of(atomic_load_explicit(&ticket, memory_order_acquire)) == seen) {
      rounds++;
      if (rounds < SPIN_ROUNDS) {
        CPU_RELAX();
      } else if (rounds < SPIN_ROUNDS + YIELD_ROUNDS) {
        sched_yield();
      } else {
        pthread_mutex_lock(&lock);
        atomic_fetch_add(&sleepers, 1);
        while (generation_of(atomic_load(&ticket)) == seen) pthread_cond_wait(&wake, &lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&lock);
      }
    }
    seen = generation_of(atomic_load(&ticket));
    run_claimed(seen);
  }
  return NULL;
}

int pool_threads(void) { return thread_count; }

int pool_set_threads(int threads) {
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  while (started < threads - 1) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, worker_main, NULL) != 0) break;
    pthread_detach(thread);
    started++;
  }
  thread_count = started + 1 < threads ? started + 1 : threads;
  return thread_count;
}

void pool_run_parts(pool_task task, void *context, int parts) {
  if (parts > MAX_POOL_PARTS) parts = MAX_POOL_PARTS;
  if (thread_count == 1 || parts <= 1) {
    for (int part = 0; part < parts; part++) task(context, part, parts);
    return;
  }
  const uint32_t g = generation_of(atomic_load(&ticket)) + 1;
  current_task = task;
  current_context = context;
  atomic_store(&finished, 0);
  atomic_store(&ticket, ((uint64_t)g << 32) | ((uint64_t)parts << 16));
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_claimed(g);
  int rounds = 0;
  while (atomic_load_explicit(&finished, memory_order_acquire) < parts) {
    if (++rounds < SPIN_ROUNDS)
      CPU_RELAX();
    else
      sched_yield();
  }
}

void pool_run(pool_task task, void *context) { pool_run_parts(task, context, thread_count); }

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
