// Everything of the integrators layer in one include: states, the deterministic and stochastic
// schemes, running them, and checkpointed gradients through rollouts.
#pragma once

#include "integrators/checkpoint.hpp"
#include "integrators/deterministic.hpp"
#include "integrators/langevin.hpp"
#include "integrators/mean_field.hpp"
#include "integrators/rollout.hpp"
#include "integrators/state.hpp"
