// Gradients through long rollouts in bounded memory: checkpointing (recompute in the backward).
//
// A plain differentiable rollout keeps every node of every step on the tape. Here the rollout
// is cut into S segments (default about sqrt(steps)):
//   forward   run all steps without recording, keeping only each segment's start state
//             (q, v, a, t, step, seed: plain tensors);
//   backward  for the segments from last to first: put the segment's start state on a fresh
//             tape as variables, rerun the segment with recording, and backpropagate
//                 L_seg + <g_q, q_end> + <g_v, v_end> + <g_a, a_end>
//             where L_seg is the segment's share of the loss and g_* are the gradients of the
//             loss with respect to the segment's end state (read from the variables of the
//             segment after it). The start state's variables then give the g_* for the
//             segment before. Parameters met by the force accumulate into Parameter::grad (+=)
//             segment by segment, so the total is the full gradient.
// The noise is keyed by (seed, step, particle, component), so the recomputation sees the same
// noise. The tape holds one segment at a time: about sqrt(steps) steps instead of all of them.
//
// The force takes tape values, force(const Var<T>& q, const Var<T>& v, double t, Var<T>& a), and
// must put its parameters on q's tape (q.tape->param(p)): each segment runs on a fresh tape.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "autodiff/ops.hpp"
#include "integrators/rollout.hpp"

namespace dg::integrators {

struct CheckpointOptions {
  std::int64_t segments = 0;  // 0: about sqrt(steps)
};

template <class T>
struct RolloutGradient {
  double loss = 0;              // the summed step losses
  Tensor<T> grad_q, grad_v;     // (N, d) d loss / d (q, v) of the start state
  State<Tensor<T>> end;         // the final state's values
  std::size_t peak_nodes = 0;   // the most nodes the working tape held at once
  std::int64_t segments = 0;    // how many segments were used
};

namespace detail {
// Copies a variable's gradient (zeros when nothing reached it).
template <class T>
Tensor<T> grad_of(const Var<T>& x) {
  Tensor<T> g = Tensor<T>::zeros(x.shape());
  if (x.grad()) std::copy(x.grad(), x.grad() + x.numel(), g.data());
  return g;
}
// The step at which segment k of `segments` starts, for n steps in all (k = segments: n).
inline std::int64_t segment_start(std::int64_t k, std::int64_t segments, std::int64_t n) { return k * n / segments; }
}  // namespace detail

// Runs n_steps steps of `scheme` from `start` (a fresh state: init is applied to it), with the
// loss sum_k step_loss(state after step k) (step_loss: const State<Var<T>>& -> one-element Var,
// or Var{} for none), and returns the loss and its gradients; parameter gradients accumulate into
// the parameters the force puts on the tape.
template <class Scheme, class T, class Force, class Boundary, class StepLoss>
RolloutGradient<T> checkpointed_rollout_gradient(const Scheme& scheme, const State<Tensor<T>>& start, Force&& force,
                                                 Boundary&& boundary, std::int64_t n_steps, StepLoss&& step_loss,
                                                 CheckpointOptions options = {}) {
  if (n_steps < 1) throw std::invalid_argument(std::string(Scheme::name) + ": checkpointed rollout needs at least one step");
  if (options.segments < 0) throw std::invalid_argument(std::string(Scheme::name) + ": negative number of segments");
  const std::int64_t segments = options.segments > 0
      ? std::min(options.segments, n_steps)
      : std::max<std::int64_t>(1, std::llround(std::sqrt(static_cast<double>(n_steps))));
  RolloutGradient<T> out;
  out.segments = segments;
  Tape<T> tape;
  Workspace<Var<T>> ws;

  // ---- forward without recording: keep each segment's start state ----
  std::vector<State<Tensor<T>>> checkpoint(static_cast<std::size_t>(segments));
  {
    NoGradGuard<T> no_grad(tape);
    State<Var<T>> s = to_tape(tape, start, /*variables=*/false);
    init(scheme, s, force, ws);
    for (std::int64_t k = 0; k < segments; ++k) {
      checkpoint[static_cast<std::size_t>(k)] = to_plain(s);
      tape.reset();
      s = to_tape(tape, checkpoint[static_cast<std::size_t>(k)], false);
      const std::int64_t steps = detail::segment_start(k + 1, segments, n_steps) - detail::segment_start(k, segments, n_steps);
      run(scheme, s, force, boundary, ws, steps, [&](const State<Var<T>>& now) {
        const Var<T> l = step_loss(now);
        if (l.valid()) out.loss += static_cast<double>(l.item());
      });
      out.peak_nodes = std::max(out.peak_nodes, tape.node_count());
    }
    out.end = to_plain(s);
  }

  // ---- backward: recompute each segment on the tape, last to first ----
  Tensor<T> g_q, g_v, g_a;  // (N, d) d loss / d (end state of the current segment); no storage: none yet
  for (std::int64_t k = segments - 1; k >= 0; --k) {
    tape.reset();
    const State<Tensor<T>>& cp = checkpoint[static_cast<std::size_t>(k)];
    State<Var<T>> s;
    Var<T> q0, v0, a0;  // the segment's leaves
    if (k == 0) {
      // The very start: init runs on the tape so that the gradient sees the first force (and
      // LFMiddle's velocity shift).
      s = to_tape(tape, start, /*variables=*/true);
      q0 = s.q;
      v0 = s.v;
      init(scheme, s, force, ws);
    } else {
      s = to_tape(tape, cp, /*variables=*/true);
      q0 = s.q;
      v0 = s.v;
      a0 = s.a;
      prepare(scheme, s, ws);
    }
    const std::int64_t steps = detail::segment_start(k + 1, segments, n_steps) - detail::segment_start(k, segments, n_steps);
    Var<T> objective = rollout_loss(scheme, s, force, boundary, ws, steps, step_loss);
    if (has_values(g_q)) {
      objective = objective + sum(s.q * tape.constant(g_q)) + sum(s.v * tape.constant(g_v));
      if (s.a.valid()) objective = objective + sum(s.a * tape.constant(g_a));
    }
    out.peak_nodes = std::max(out.peak_nodes, tape.node_count());
    tape.backward(objective);
    g_q = detail::grad_of(q0);
    g_v = detail::grad_of(v0);
    g_a = a0.valid() ? detail::grad_of(a0) : Tensor<T>::zeros(q0.shape());
  }
  out.grad_q = std::move(g_q);
  out.grad_v = std::move(g_v);
  return out;
}

}  // namespace dg::integrators
