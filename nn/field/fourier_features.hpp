// FourierFeatures<T>: random Fourier features of a position (Rahimi & Recht 2007; Tancik et al.
// 2020, "Fourier features let networks learn high frequency functions in low dimensional domains"):
//
//   gamma(x) = [sin(2 pi x B), cos(2 pi x B)]     x (N, d), B (d, F) with entries ~ N(0, sigma^2)
//
// so that an MLP on gamma(x) can fit detail at spatial frequencies up to about sigma (in cycles per
// unit of x). B is drawn once from the seeded engine and is a buffer (Module::register_buffer):
// saved and loaded with the model's checkpoints under "<path>.B", never changed by an optimiser.
//
// Fast path: both halves come from one fused linear node, sin(x [2 pi B, 2 pi B] + [0, pi/2]),
// since cos(z) = sin(z + pi/2).
//
// Dimension letters: N points, d input dimensions, F frequencies.
#pragma once

#include <string>

#include "autodiff/random.hpp"
#include "nn/module.hpp"

namespace dg::nn {

struct FourierFeatureOptions {
  index_t frequencies = 64;    // F; the output has 2F columns (plus d with include_input)
  double sigma = 1.0;          // standard deviation of B's entries
  bool include_input = false;  // append x itself: [sin, cos, x]
};

template <class T>
class FourierFeatures : public Layer<T> {
 public:
  // in_dim = d. B is drawn from `rng` (d * F normals, row-major). Throws std::invalid_argument for
  // non-positive sizes or a sigma that is not finite and > 0.
  FourierFeatures(index_t in_dim, Philox& rng, const FourierFeatureOptions& options = {});

  // (N, d) -> (N, out_features()).
  Var<T> forward(Tape<T>& tape, Var<T> x) override;

  index_t in_features() const { return in_; }
  index_t out_features() const { return 2 * options_.frequencies + (options_.include_input ? in_ : 0); }
  const FourierFeatureOptions& options() const { return options_; }
  std::string describe() const override;

  Tensor<T> B;  // (d, F) buffer "B"

 private:
  index_t in_;
  FourierFeatureOptions options_;
};

extern template class FourierFeatures<float>;
extern template class FourierFeatures<double>;

}  // namespace dg::nn
