/* capi_rollout: a C99 program that embeds a trained field-discovery model through dynagrad.h.
 * It loads checkpoint_field.npz (written by `field_discovery --out DIR`), places 5 charged
 * particles, rolls them forward frame by frame and prints their positions and the learned field
 * at the origin, then the time per frame. capi_rollout.py does the same through Python's ctypes;
 * the test suite checks that both print the same numbers (tests/capi/meson.build).
 *
 *   capi_rollout CHECKPOINT [frames (20)] [substeps (10)] [threads (1)]
 *
 * Exit status: 0 done, 1 a dynagrad call failed (its message on stderr), 2 bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dynagrad.h"

enum { kParticles = 5 };

static int failed(const char* what, dg_status status) {
  fprintf(stderr, "capi_rollout: %s failed (%s): %s\n", what, dg_status_name(status), dg_last_error());
  return 1;
}

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    fprintf(stderr, "usage: capi_rollout CHECKPOINT [frames (20)] [substeps (10)] [threads (1)]\n");
    return 2;
  }
  const long frames = argc > 2 ? strtol(argv[2], NULL, 10) : 20;
  const int substeps = argc > 3 ? atoi(argv[3]) : 10;
  const int threads = argc > 4 ? atoi(argv[4]) : 1;
  if (frames < 1 || substeps < 1 || threads < 1) {
    fprintf(stderr, "capi_rollout: frames, substeps and threads must be at least 1\n");
    return 2;
  }
  /* Five particles on a circle of radius 1, moving slowly around it, charges +1 and -1. */
  const double positions[kParticles][2] = {
      {1.0, 0.0}, {0.309, 0.951}, {-0.809, 0.588}, {-0.809, -0.588}, {0.309, -0.951}};
  double velocities[kParticles][2];
  double charges[kParticles];
  for (int i = 0; i < kParticles; ++i) {
    velocities[i][0] = -0.1 * positions[i][1];
    velocities[i][1] = 0.1 * positions[i][0];
    charges[i] = (i % 2) ? -1.0 : 1.0;
  }

  dg_status status = dg_set_threads(threads);
  if (status != DG_OK) return failed("dg_set_threads", status);
  dg_model* model = NULL;
  status = dg_model_load(argv[1], 0.0, &model);
  if (status != DG_OK) return failed("dg_model_load", status);
  dg_rollout* rollout = NULL;
  status = dg_rollout_create(model, kParticles, &positions[0][0], &velocities[0][0], charges, 0.1, substeps, &rollout);
  if (status != DG_OK) {
    dg_model_free(model);
    return failed("dg_rollout_create", status);
  }
  printf("model: %zu parameters, %s field\n", dg_model_parameters(model), dg_model_has_field(model) ? "with a" : "no");

  double xy[kParticles][2];
  double total = 0;
  for (long k = 1; k <= frames && status == DG_OK; ++k) {
    const double start = seconds_now();
    status = dg_rollout_step(rollout);
    total += seconds_now() - start;
    if (status != DG_OK) break;
    dg_rollout_positions(rollout, &xy[0][0]);
    printf("frame %ld:", k);
    for (int i = 0; i < kParticles; ++i) printf(" %.9g %.9g", xy[i][0], xy[i][1]);
    printf("\n");
  }
  if (status == DG_OK && dg_model_has_field(model)) {
    const double origin[2] = {0.0, 0.0};
    double field[2];
    status = dg_rollout_field(rollout, origin, 1, field);
    if (status == DG_OK) printf("field at (0, 0): %.9g %.9g\n", field[0], field[1]);
  }
  if (status == DG_OK)
    fprintf(stderr, "%ld frames of %d substeps: %.1f us per frame (%d thread%s)\n", frames, substeps,
            1e6 * total / (double)frames, threads, threads == 1 ? "" : "s");
  else
    failed("a rollout call", status);
  dg_rollout_free(rollout);
  dg_model_free(model);
  return status == DG_OK ? 0 : 1;
}
