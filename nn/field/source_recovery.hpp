// Point sources from a vector field sampled on points: the inverse problem of a field made by
// point charges (or masses), E(x) = k sum_j q_j (x - s_j) / (|x - s_j|^2 + eps^2)^(3/2), used on a
// learned field to say where its sources are and how strong.
//
//   1. candidates: points where |div E| is the largest within `separation` (a source's divergence,
//      -k q / |x - s|^3 in the plane of a 1/r^2 field, is sharply peaked on it) and at least
//      `peak_fraction` of the largest |div E|, strongest first (at most max_candidates);
//   2. greedy selection: each candidate in turn is added at its point, all charges are set by
//      linear least squares, and all positions and charges are refined together by
//      Levenberg-Marquardt on the field residuals; the candidate is kept when the Bayesian
//      information criterion BIC = n log(RSS / n) + (d + 1) m log n (n residual components, m
//      sources of d + 1 parameters each) goes down, else dropped; the search
//      stops after `patience` dropped candidates in a row;
//   3. sources whose |q| is below `min_charge_fraction` of the median |q| of those kept are
//      dropped (a learned field's small wiggles fit as weak charges) and the rest refitted;
//   4. points within `exclusion` of a current source are left out of the residuals (the core,
//      where a network cannot follow a 1/r^2 singularity and the data's field is capped).
// Any weights (P) >= 0 multiply the squared residuals (e.g. 1 where the training data went).
//
// Why nn/field: it reads a learned field (nn/field) as sources with tensors only; the kernel is the
// point-source field of any inverse-square law (charges, or masses with q = -m and k = G), in 2D
// or 3D, so physics/ stays free of learning and this stays free of the simulator.
#pragma once

#include <vector>

#include "autodiff/tensor.hpp"

namespace dg::nn {

struct PointSource {
  std::vector<double> position;  // (d)
  double charge = 0;
};

struct SourceRecoveryOptions {
  double strength = 1.0;        // k
  double softening = 0.0;       // eps
  double separation = 0.5;      // candidates are local maxima of |div E| within this radius
  double peak_fraction = 0.02;  // and at least this fraction of the largest |div E|
  index_t max_candidates = 60;
  int patience = 5;             // dropped candidates in a row before stopping
  double exclusion = 0.2;       // residuals this close to a current source are left out
  int iterations = 30;          // Levenberg-Marquardt iterations per refinement
  double min_charge_fraction = 0.25;  // of the median |q|; 0: keep every source BIC kept
};

struct SourceRecovery {
  std::vector<PointSource> sources;
  index_t candidates = 0;        // candidates tried
  index_t pruned = 0;            // dropped by min_charge_fraction
  double rss = 0, bic = 0;       // of the final fit (rss over the residual components kept)
  double rss_none = 0;           // sum of weighted |E|^2: the residual with no source
  index_t residuals = 0;         // n
};

// points (P, d), field (P, d), divergence (P), weights (P) or empty. d = 2 or 3. Throws
// std::invalid_argument naming the argument for wrong shapes, non-finite values or options.
SourceRecovery recover_sources(const Tensor<double>& points, const Tensor<double>& field,
                               const Tensor<double>& divergence, const std::vector<double>& weights = {},
                               const SourceRecoveryOptions& options = {});

// The field of `sources` at points (P, d) -> (P, d), the model fitted above.
Tensor<double> point_source_field(const std::vector<PointSource>& sources, const Tensor<double>& points,
                                  double strength = 1.0, double softening = 0.0);

}  // namespace dg::nn
