/* dg_rollout_step allocates nothing (dynagrad.h): a C program that replaces malloc, calloc,
 * realloc, free and the aligned allocators of the whole process (glibc lets a program do so;
 * C++'s operator new calls malloc, so it is counted too) and counts every allocation during
 * steps 2 to 50 of a rollout of the checkpoint given as argument. Also checks that the first
 * step did allocate (the counter works) and that the particles moved. Exit status 0 when all hold.
 *   allocation_test CHECKPOINT */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dynagrad.h"

/* glibc's own allocator, under its internal names. */
extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);
extern void __libc_free(void*);

static long allocations = 0; /* one thread: the test sets dg_set_threads(1) */

void* malloc(size_t n) {
  ++allocations;
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) {
  ++allocations;
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) {
  ++allocations;
  return __libc_realloc(p, n);
}
void free(void* p) { __libc_free(p); }
void* memalign(size_t alignment, size_t n) {
  ++allocations;
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }
int posix_memalign(void** out, size_t alignment, size_t n) {
  void* p = memalign(alignment, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

static int failures = 0;
#define EXPECT(condition)                                                              \
  do {                                                                                 \
    if (!(condition)) {                                                                \
      fprintf(stderr, "allocation_test: %s failed (line %d)\n", #condition, __LINE__); \
      ++failures;                                                                      \
    }                                                                                  \
  } while (0)

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: allocation_test CHECKPOINT\n");
    return 2;
  }
  const double q0[10] = {1.0, 0.0, 0.3, 0.95, -0.8, 0.6, -0.8, -0.6, 0.3, -0.95};
  const double v0[10] = {0.0, 0.1, -0.1, 0.03, -0.06, -0.08, 0.06, -0.08, 0.1, 0.03};
  const double charges[5] = {1, -1, 1, -1, 1};
  const long at_start = allocations;
  void* probe = malloc(16); /* the counter sees a plain malloc */
  free(probe);
  EXPECT(allocations == at_start + 1);

  EXPECT(dg_set_threads(1) == DG_OK);
  dg_model* model = NULL;
  dg_status status = dg_model_load(argv[1], 0.0, &model);
  if (status != DG_OK) {
    fprintf(stderr, "allocation_test: %s\n", dg_last_error());
    return 1;
  }
  dg_rollout* rollout = NULL;
  EXPECT(dg_rollout_create(model, 5, q0, v0, charges, 0.1, 10, &rollout) == DG_OK);
  const long before_first = allocations;
  EXPECT(dg_rollout_step(rollout) == DG_OK);
  const long first = allocations - before_first;
  EXPECT(first > 0); /* the first step sizes the tape's arena */
  const double point[2] = {0.5, 0.5};
  double field[2];
  EXPECT(dg_rollout_field(rollout, point, 1, field) == DG_OK); /* sizes the field tape */

  const long before = allocations;
  double q[10];
  for (int step = 2; step <= 50; ++step) {
    EXPECT(dg_rollout_step(rollout) == DG_OK);
    EXPECT(dg_rollout_positions(rollout, q) == DG_OK);
    EXPECT(dg_rollout_field(rollout, point, 1, field) == DG_OK);
  }
  const long steady = allocations - before;
  printf("allocations: first step %ld, steps 2 to 50 with positions and field reads %ld\n", first, steady);
  EXPECT(steady == 0);
  double moved = 0;
  for (int k = 0; k < 10; ++k) {
    EXPECT(isfinite(q[k]));
    moved += fabs(q[k] - q0[k]);
  }
  EXPECT(moved > 0);
  dg_rollout_free(rollout);
  dg_model_free(model);
  return failures == 0 ? 0 : 1;
}
