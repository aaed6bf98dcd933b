/* dynagrad.h: the C99 interface for embedding a trained field-discovery model (issue 21) in a
 * controller, a simulator or a game: load a checkpoint, create a rollout of charged particles,
 * step it frame by frame, read positions, velocities and the learned field E(x) at any point.
 *
 *   dg_model* model;    dg_model_load("checkpoint_field.npz", 0, &model)
 *   dg_rollout* sim;    dg_rollout_create(model, n, positions, velocities, charges, 0.1, 10, &sim)
 *   every frame:        dg_rollout_step(sim); dg_rollout_positions(sim, xy)
 *   at the end:         dg_rollout_free(sim); dg_model_free(model)
 *
 * The model is examples/field_discovery's DynamicsModel (model.hpp): accelerations
 * a_i = cap(u_i + q_i E(x_i)) of particles with unit masses, u_i from an EGNN interaction layer,
 * E a neural field of the absolute position; a frame is `substeps` drift-kick semi-implicit Euler
 * steps of length frame_dt / substeps, exactly as the experiment's forecasts (same float32 bits).
 * The model's sizes are read from the checkpoint's arrays (any --hidden, --field-width,
 * --field-layers, --fourier); field (with E) and no_field checkpoints load, absolute ones do not.
 *
 * Conventions:
 * - Every function that can fail returns a dg_status; DG_OK is 0. After a failure,
 *   dg_last_error() is a message naming the function and the problem (per thread; valid until
 *   the next failing call in that thread). No C++ exception crosses this interface.
 * - Arrays are row-major doubles: positions and velocities (n, 2), charges (n), points (count, 2).
 * - dg_rollout_step allocates no memory (tested by counting malloc and operator new): the first
 *   step sizes the rollout's buffers, every later step reuses them. dg_rollout_field allocates
 *   only when `count` differs from the last call's.
 * - A model may be shared by several rollouts used from one thread at a time each; a rollout
 *   is used by one thread at a time. dg_set_threads sets the worker threads of the process
 *   (OpenMP builds; 1 without OpenMP).
 */
#ifndef DYNAGRAD_H
#define DYNAGRAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dg_status {
  DG_OK = 0,
  DG_ERROR_ARGUMENT = 1,   /* a null pointer, a size or number out of range, a NaN or Inf input */
  DG_ERROR_FILE = 2,       /* the checkpoint cannot be read: missing, truncated, not an .npz */
  DG_ERROR_CHECKPOINT = 3, /* readable, but not a model this interface runs, or inconsistent */
  DG_ERROR_NONFINITE = 4,  /* the rollout reached a NaN or Inf; the state is left at the last finite frame */
  DG_ERROR_MEMORY = 5,     /* out of memory */
  DG_ERROR_INTERNAL = 6    /* anything else (a bug: please report the message) */
} dg_status;

typedef struct dg_model dg_model;     /* a loaded model (its weights) */
typedef struct dg_rollout dg_rollout; /* a rollout state: particles, their charges, the integrator */

/* The message of the last failing call of this thread ("" when none). Never NULL. */
const char* dg_last_error(void);
/* "DG_OK", "DG_ERROR_ARGUMENT", ...; "unknown status" for any other value. */
const char* dg_status_name(dg_status status);
/* The library's version, "0.1.0". */
const char* dg_version(void);
/* Worker threads of the process (>= 1). */
dg_status dg_set_threads(int threads);

/* Loads a field or no_field checkpoint_<model>.npz written by examples/field_discovery.
 * accel_cap: the acceleration cap the model was trained with (the data set's force_cap, unit
 * masses); 0 takes the data set's default, 100. On failure *out is NULL. */
dg_status dg_model_load(const char* checkpoint_path, double accel_cap, dg_model** out);
void dg_model_free(dg_model* model); /* NULL is allowed */
/* Spatial dimension (2) and whether the model has a learned field (1) or not (0). */
int dg_model_dim(const dg_model* model);
int dg_model_has_field(const dg_model* model);
/* Number of trained parameters. */
size_t dg_model_parameters(const dg_model* model);

/* A rollout of n >= 2 particles (one fully connected graph) from positions and velocities
 * (n, 2) with charges (n); frame_dt > 0 the time per frame (the data set's: 0.1), substeps >= 1
 * integrator steps per frame (the experiment's default: 10). The inputs are copied. */
dg_status dg_rollout_create(dg_model* model, size_t n, const double* positions, const double* velocities,
                            const double* charges, double frame_dt, int substeps, dg_rollout** out);
void dg_rollout_free(dg_rollout* rollout); /* NULL is allowed */
/* Advances one frame. No memory is allocated (after the first step). */
dg_status dg_rollout_step(dg_rollout* rollout);
/* Frames stepped since creation (or the last dg_rollout_reset). */
long dg_rollout_frame(const dg_rollout* rollout);
size_t dg_rollout_particles(const dg_rollout* rollout);
/* Copies the current positions or velocities, (n, 2), into out. */
dg_status dg_rollout_positions(const dg_rollout* rollout, double* out);
dg_status dg_rollout_velocities(const dg_rollout* rollout, double* out);
/* Replaces the state (positions and velocities (n, 2); charges stay) and sets the frame to 0. */
dg_status dg_rollout_reset(dg_rollout* rollout, const double* positions, const double* velocities);
/* The learned field E at `count` points (count, 2) into out (count, 2): the force per unit
 * charge the model adds to the interactions. DG_ERROR_ARGUMENT for a no_field model. */
dg_status dg_rollout_field(dg_rollout* rollout, const double* points, size_t count, double* out);

#ifdef __cplusplus
}
#endif

#endif /* DYNAGRAD_H */
