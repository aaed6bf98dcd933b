// The start of the field_sources model (model.hpp) from a trained field model: the point sources
// its learned field shows become the model's own, and its network keeps only the rest.
//
//   1. every parameter and buffer of the field model is copied (the interactions, the network);
//   2. the recovered sources (sources.hpp: nn::recover_sources on the learned field) are set as
//      the point sources s_k, c_k;
//   3. the network E is refit, by Adam on the squared error, to E_old(x) - P(x) at training
//      positions x farther than `core` from every recovered source: away from the sources the
//      sum E + P then equals the old field, and near them P adds the sharp core that E could not
//      represent (E, smooth, only continues its fit inside the cores).
// The training through rollouts that follows moves all of it, sources included.
#pragma once

#include <vector>

#include "datasets/trajectories.hpp"
#include "examples/field_discovery/model.hpp"

namespace dg::field_discovery {

struct SourceStartOptions {
  index_t max_points = 8000;  // training positions the network is refit on (an even stride through them)
  double core = 0.3;          // positions this close to a recovered source are left out
  int steps = 400;            // full-batch Adam steps of the refit
  double lr = 1e-3;
};

struct SourceStart {
  index_t points = 0;       // positions used
  index_t left_out = 0;     // positions within `core` of a source
  double error_before = 0;  // |E - (E_old - P)| / |E_old - P| over the points, before and after
  double error_after = 0;
  double seconds = 0;
};

// target: a FieldSources model with sources.size() point sources and the field model's sizes;
// field_model: a trained Field model; train: positions to refit on. Throws std::invalid_argument
// when the models do not fit together or no position is left outside the cores.
SourceStart start_from_field(DynamicsModel& target, const DynamicsModel& field_model,
                             const std::vector<nn::PointSource>& sources, const datasets::Trajectories& train,
                             const SourceStartOptions& options = {});

}  // namespace dg::field_discovery
