// How close a learned vector field is to a reference one, compared point by point on the same
// points (a grid, or any sample): truth and learned (P, d), optional weights (P) >= 0 (e.g. the
// density of training data near each point) and an optional mask keep (P) (0: leave the point out).
//   median cosine  median over points of E_hat . E / (|E_hat| |E|)   (0 where either is zero)
//   relative L2    sqrt(sum |E_hat - E|^2 / sum |E|^2)
//   scale          s minimising sum |E_hat - s E|^2 = sum E_hat . E / sum |E|^2   (1: same units)
// each plain (every kept point counts 1) and weighted. The median is the weighted median: the
// first value, in increasing order, at which the running weight reaches half the total (for an
// even count of equal weights, the lower of the two middle values).
//
// Why nn/field: these measures judge a learned field (nn/field's NeuralField and the models built
// on it) against a reference, as nn/loss judges predictions; they need tensors only, so any layer
// from nn up may use them (both field experiments do), while physics/ stays free of learning.
#pragma once

#include <span>
#include <vector>

#include "autodiff/tensor.hpp"

namespace dg::nn {

struct FieldMetrics {
  double cosine = 0, weighted_cosine = 0;            // medians
  double relative_l2 = 0, weighted_relative_l2 = 0;
  double scale = 0, weighted_scale = 0;
  index_t points = 0;                                 // points compared (kept); 0: all others are 0
};

// Throws std::invalid_argument when the shapes differ or weights / keep are not empty and not (P).
FieldMetrics field_metrics(const Tensor<double>& truth, const Tensor<double>& learned,
                           std::span<const double> weights = {}, std::span<const double> keep = {});

// The weighted median of values (weights >= 0); values.empty(): 0.
double weighted_median(const std::vector<double>& values, const std::vector<double>& weights);

}  // namespace dg::nn
