// Test-time refinement of the dynamic field's codes (gravity_field --refine-steps; beyond the paper).
//
// The set encoder reads the observed frames once and votes a code per simulation (for --anchor:
// [z_s, c_s], c_s the point the radial term is centred on). Its precision is the limit of the
// forecasts: c_s lands a median 0.06 from the hidden mass, and the field near the mass is steep. The
// refinement fits each simulation's code to the same observed frames, the model fixed, as an
// auto-decoder would: `steps` Adam steps (learning rate `lr`, cosine decay to lr / 20) on
//   L_s(code) = sum over W windows w of F frames, frames k = 1 .. F, particles i of
//               |x_i(t_w + k) - x^_i(k)|^2 + |v_i(t_w + k) - v^_i(k)|^2,
// (x^, v^) the model's rollout of F frames (the forecasts' leapfrog substeps) from the true state at
// t_w (F = 1 by default); the W window starts t_w are spread evenly over the last `span` (8) possible
// starts, the frames nearest the forecasts (span 0: over frames 0 .. observed - 1 - F), the last
// window ending on the last observed frame, so only observed frames are read: forecasts still never
// see the future (window_starts). Each
// simulation keeps the code of least L_s among those it evaluated (the encoder's first): a step
// that makes the fit worse never makes its code worse. A rollout that leaves the finite numbers (or
// a non-finite gradient) ends its chunk's refinement there, each simulation keeping its best code so
// far; one whose first rollout failed keeps the encoder's code, its L_s NaN. With anchor_only only
// c_s moves.
//
// L is a sum over simulations and a simulation's rows depend on its own code alone, so its refined
// code is the same for any chunking of the simulations (chunks of 25, one tape each).
//
// With a `cache` file the result is saved there (atomically, .npz: encoder, codes, loss_before,
// loss_after, seconds, settings = [steps, lr, windows, anchor_only, substeps, observed, stride]).
// With `read_cache` a saved result is used instead of refining again when its settings and its
// encoder codes equal this call's bit for bit (so the same model and data); otherwise the codes are
// refined again and the file replaced. A resumed run then skips minutes of refinement.
#pragma once

#include <string>

#include "examples/gravity_field/model.hpp"
#include "nn/progress.hpp"

namespace dg::gravity_field {

struct Refinement {
  int steps = 0;  // 0: the encoder's codes as they are
  double lr = 0.03;
  std::int64_t windows = 8;  // W
  std::int64_t span = 8;     // window starts spread over the last `span` possible ones (0: all)
  int frames = 1;            // F: each window rolls F frames, its error summed over them
  bool anchor_only = false;  // refine c_s alone (an --anchor model)
  std::string cache = {};    // empty: nothing saved or read
  bool read_cache = false;   // use the cache when it matches (--resume)
};

struct RefinedCodes {
  Tensor<float> encoder;                        // (S, Z) the encoder's codes
  Tensor<float> codes;                          // (S, Z) the codes the forecasts use
  std::vector<double> loss_before, loss_after;  // (S) L_s of the encoder's code and of the kept one
  double seconds = 0;
  bool from_cache = false;  // read back from Refinement::cache (seconds: the time it took then)
};

// The encoder's codes of every simulation of t (in batches of `batch`, like the forecasts), then
// refined as above with `substeps` leapfrog steps per frame; `progress` (if given) counts the
// simulations done, with the mean fit error so far as its loss.
RefinedCodes refined_codes(GravityModel& model, const datasets::Trajectories& t, std::int64_t observed,
                           std::int64_t stride, int substeps, const Refinement& refinement, std::int64_t batch = 500,
                           nn::ProgressLine* progress = nullptr);

// The frames t_w the windows start at, latest first: W = min(windows, possible starts) evenly spaced
// from observed - 1 - frames (the last window ends on the last observed frame) back to frame 0, or
// with a span back to span - 1 frames before the latest.
std::vector<std::int64_t> window_starts(std::int64_t observed, const Refinement& refinement);

// What the refinement did, for the report: medians over simulations of L_s before and after, the
// fraction of simulations whose code moved, and (an --anchor model; NaN otherwise) the median
// distance of the anchor c_s to the true hidden mass before and after. hidden (S, d).
struct RefinementSummary {
  std::int64_t simulations = 0;
  int steps = 0;
  double median_loss_before = 0, median_loss_after = 0, moved = 0;
  double anchor_distance_before = 0, anchor_distance_after = 0;
  double seconds = 0;
  bool from_cache = false;
};
RefinementSummary summarize(const RefinedCodes& refined, const GravityModel& model, const Refinement& refinement,
                            const std::vector<double>& hidden);

}  // namespace dg::gravity_field
