// The C interface (dynagrad.h): a DynamicsModel of examples/field_discovery behind opaque handles.
// Every entry point runs its body in `guarded`, which turns any C++ exception into a dg_status
// and a message in a per-thread buffer (no allocation to report an error). A rollout owns its
// tape: each step resets it and runs one frame of field_discovery::rollout under NoGradGuard,
// the loop that tests/examples/inference_allocation_test.cpp proves allocation-free.
#include "capi/dynagrad.h"

#include <cmath>
#include <cstdio>
#include <exception>
#include <new>
#include <stdexcept>

#include "autodiff/parallel.hpp"
#include "autodiff/tape.hpp"
#include "capi/checkpoint_options.hpp"
#include "integrators/state.hpp"
#include "io/error.hpp"
#include "nn/checkpoint.hpp"
#include "nn/graph/graph_batch.hpp"

using namespace dg;

struct dg_model {
  dg_model(const field_discovery::ModelOptions& options, Philox& rng) : net(options, rng) {}
  field_discovery::DynamicsModel net;
};

struct dg_rollout {
  dg_model* model;
  index_t n;
  nn::GraphBatch graph;   // one fully connected graph of n particles
  Tensor<float> q, v;     // (n, d) the state after `frame` frames
  Tensor<float> charges;  // (n, 1)
  Tensor<float> points;   // (P, d) the last field query's points
  double frame_dt;
  int substeps;
  long frame = 0;
  Tape<float> tape;        // of the steps
  Tape<float> field_tape;  // of the field queries
};

namespace {

thread_local char g_message[1024] = "";

dg_status fail(dg_status status, const char* function, const char* what) {
  std::snprintf(g_message, sizeof g_message, "%s: %s", function, what);
  return status;
}

template <class Body>
dg_status guarded(const char* function, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(DG_ERROR_MEMORY, function, "out of memory");
  } catch (const integrators::NonFiniteStateError& e) {
    return fail(DG_ERROR_NONFINITE, function, e.what());
  } catch (const NonFiniteError& e) {  // the tape's finite-value debug switch (-Dcheck_finite) saw it first
    return fail(DG_ERROR_NONFINITE, function, e.what());
  } catch (const nn::CheckpointError& e) {
    return fail(DG_ERROR_CHECKPOINT, function, e.what());
  } catch (const io::IoError& e) {
    return fail(DG_ERROR_FILE, function, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(DG_ERROR_ARGUMENT, function, e.what());
  } catch (const std::exception& e) {
    return fail(DG_ERROR_INTERNAL, function, e.what());
  } catch (...) {
    return fail(DG_ERROR_INTERNAL, function, "unknown exception");
  }
}

bool all_finite(const double* in, index_t count) {
  for (index_t k = 0; k < count; ++k)
    if (!std::isfinite(in[k])) return false;
  return true;
}

// Copies `count` doubles into `out` as floats.
void copy_in(const double* in, index_t count, Tensor<float>& out) {
  for (index_t k = 0; k < count; ++k) out[k] = static_cast<float>(in[k]);
}

void copy_out(const Tensor<float>& in, double* out) {
  for (index_t k = 0; k < in.numel(); ++k) out[k] = static_cast<double>(in[k]);
}

}  // namespace

extern "C" {

const char* dg_last_error(void) { return g_message; }

const char* dg_status_name(dg_status status) {
  switch (status) {
    case DG_OK: return "DG_OK";
    case DG_ERROR_ARGUMENT: return "DG_ERROR_ARGUMENT";
    case DG_ERROR_FILE: return "DG_ERROR_FILE";
    case DG_ERROR_CHECKPOINT: return "DG_ERROR_CHECKPOINT";
    case DG_ERROR_NONFINITE: return "DG_ERROR_NONFINITE";
    case DG_ERROR_MEMORY: return "DG_ERROR_MEMORY";
    case DG_ERROR_INTERNAL: return "DG_ERROR_INTERNAL";
  }
  return "unknown status";
}

const char* dg_version(void) { return DYNAGRAD_VERSION; }

dg_status dg_set_threads(int threads) {
  if (threads < 1) return fail(DG_ERROR_ARGUMENT, "dg_set_threads", "threads must be at least 1");
  set_num_threads(threads);
  return DG_OK;
}

dg_status dg_model_load(const char* path, double accel_cap, dg_model** out) {
  const char* fn = "dg_model_load";
  if (!out) return fail(DG_ERROR_ARGUMENT, fn, "out is NULL");
  *out = nullptr;
  if (!path) return fail(DG_ERROR_ARGUMENT, fn, "checkpoint_path is NULL");
  if (!std::isfinite(accel_cap) || accel_cap < 0)
    return fail(DG_ERROR_ARGUMENT, fn, "accel_cap must be finite and >= 0 (0: the data set's 100)");
  return guarded(fn, [&] {
    field_discovery::ModelOptions options = capi::model_options_from(io::read_npz(path), path);
    if (accel_cap > 0) options.accel_cap = accel_cap;
    Philox rng(0, 0);  // the initial weights are all replaced by the checkpoint's
    auto* model = new dg_model(options, rng);
    try {
      nn::load_checkpoint(path, model->net);
    } catch (...) {
      delete model;
      throw;
    }
    *out = model;
    return DG_OK;
  });
}

void dg_model_free(dg_model* model) { delete model; }

int dg_model_dim(const dg_model* model) { return model ? static_cast<int>(model->net.options().dim) : 0; }

int dg_model_has_field(const dg_model* model) { return model && model->net.external ? 1 : 0; }

size_t dg_model_parameters(const dg_model* model) {
  return model ? static_cast<size_t>(model->net.parameter_numel()) : 0;
}

dg_status dg_rollout_create(dg_model* model, size_t n, const double* positions, const double* velocities,
                            const double* charges, double frame_dt, int substeps, dg_rollout** out) {
  const char* fn = "dg_rollout_create";
  if (!out) return fail(DG_ERROR_ARGUMENT, fn, "out is NULL");
  *out = nullptr;
  if (!model || !positions || !velocities || !charges) return fail(DG_ERROR_ARGUMENT, fn, "a NULL argument");
  if (n < 2 || n > 100000) return fail(DG_ERROR_ARGUMENT, fn, "n must be in [2, 100000] particles");
  if (!(frame_dt > 0) || !std::isfinite(frame_dt))
    return fail(DG_ERROR_ARGUMENT, fn, "frame_dt must be finite and > 0");
  if (substeps < 1) return fail(DG_ERROR_ARGUMENT, fn, "substeps must be at least 1");
  const auto N = static_cast<index_t>(n);
  const index_t d = model->net.options().dim;
  if (!all_finite(positions, N * d) || !all_finite(velocities, N * d) || !all_finite(charges, N))
    return fail(DG_ERROR_ARGUMENT, fn, "positions, velocities and charges must be finite");
  return guarded(fn, [&] {
    auto* r = new dg_rollout{.model = model,
                             .n = N,
                             .graph = nn::fully_connected(1, N),
                             .q = Tensor<float>(Shape{N, d}),
                             .v = Tensor<float>(Shape{N, d}),
                             .charges = Tensor<float>(Shape{N, 1}),
                             .points = Tensor<float>(Shape{0, d}),
                             .frame_dt = frame_dt,
                             .substeps = substeps,
                             .frame = 0,
                             .tape = {},
                             .field_tape = {}};
    copy_in(positions, N * d, r->q);
    copy_in(velocities, N * d, r->v);
    copy_in(charges, N, r->charges);
    *out = r;
    return DG_OK;
  });
}

void dg_rollout_free(dg_rollout* rollout) { delete rollout; }

dg_status dg_rollout_step(dg_rollout* r) {
  if (!r) return fail(DG_ERROR_ARGUMENT, "dg_rollout_step", "rollout is NULL");
  return guarded("dg_rollout_step", [&] {
    r->tape.reset();
    NoGradGuard<float> no_grad(r->tape);
    const index_t count = r->q.numel();
    field_discovery::rollout(r->tape, r->model->net, r->graph, r->tape.constant(r->q), r->tape.constant(r->v),
                             r->tape.constant(r->charges), r->frame_dt, r->substeps, 1,
                             [&](int, const Var<float>& q, const Var<float>& v) {
                               std::copy(q.data(), q.data() + count, r->q.data());
                               std::copy(v.data(), v.data() + count, r->v.data());
                             });
    ++r->frame;
    return DG_OK;
  });
}

long dg_rollout_frame(const dg_rollout* r) { return r ? r->frame : -1; }

size_t dg_rollout_particles(const dg_rollout* r) { return r ? static_cast<size_t>(r->n) : 0; }

dg_status dg_rollout_positions(const dg_rollout* r, double* out) {
  if (!r || !out) return fail(DG_ERROR_ARGUMENT, "dg_rollout_positions", "a NULL argument");
  copy_out(r->q, out);
  return DG_OK;
}

dg_status dg_rollout_velocities(const dg_rollout* r, double* out) {
  if (!r || !out) return fail(DG_ERROR_ARGUMENT, "dg_rollout_velocities", "a NULL argument");
  copy_out(r->v, out);
  return DG_OK;
}

dg_status dg_rollout_reset(dg_rollout* r, const double* positions, const double* velocities) {
  const char* fn = "dg_rollout_reset";
  if (!r || !positions || !velocities) return fail(DG_ERROR_ARGUMENT, fn, "a NULL argument");
  if (!all_finite(positions, r->q.numel()) || !all_finite(velocities, r->v.numel()))
    return fail(DG_ERROR_ARGUMENT, fn, "positions and velocities must be finite");
  copy_in(positions, r->q.numel(), r->q);
  copy_in(velocities, r->v.numel(), r->v);
  r->frame = 0;
  return DG_OK;
}

dg_status dg_rollout_field(dg_rollout* r, const double* points, size_t count, double* out) {
  const char* fn = "dg_rollout_field";
  if (!r || !points || !out) return fail(DG_ERROR_ARGUMENT, fn, "a NULL argument");
  if (!r->model->net.external) return fail(DG_ERROR_ARGUMENT, fn, "the model has no learned field (a no_field model)");
  if (count == 0) return DG_OK;
  return guarded(fn, [&] {
    const index_t P = static_cast<index_t>(count), d = r->model->net.options().dim;
    if (!all_finite(points, P * d)) return fail(DG_ERROR_ARGUMENT, fn, "the points must be finite");
    if (r->points.shape()[0] != P) r->points = Tensor<float>(Shape{P, d});
    copy_in(points, P * d, r->points);
    r->field_tape.reset();
    NoGradGuard<float> no_grad(r->field_tape);
    const Var<float> E = r->model->net.field(r->field_tape, r->field_tape.constant(r->points));  // (P, d)
    for (index_t k = 0; k < P * d; ++k) out[k] = static_cast<double>(E.data()[k]);
    return DG_OK;
  });
}

}  // extern "C"
