// Initialisers: turn an Init into a distribution (uniform bound or normal std) and draw it.
#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"

namespace dg::nn {

namespace {

[[noreturn]] void bad_init(const Init& init, const std::string& what) {
  throw std::invalid_argument("initialize " + init.describe() + ": " + what);
}

index_t chosen_fan(const Init& init, index_t fan_in, index_t fan_out) {
  return init.mode == FanMode::FanIn ? fan_in : fan_out;
}

template <class T>
void fill_uniform(Tensor<T>& w, double lo, double hi, Philox& rng) {
  for (index_t i = 0; i < w.numel(); ++i) w[i] = static_cast<T>(rng.uniform(lo, hi));
}

template <class T>
void fill_normal(Tensor<T>& w, double mean, double std, Philox& rng) {
  for (index_t i = 0; i < w.numel(); ++i) w[i] = static_cast<T>(mean + std * rng.normal());
}

}  // namespace

std::string Init::describe() const {
  Message s;
  switch (kind) {
    case Kind::Zeros: s << "zeros"; break;
    case Kind::Constant: s << "constant(" << a << ")"; break;
    case Kind::Uniform: s << "uniform(" << a << ", " << b << ")"; break;
    case Kind::Normal: s << "normal(mean=" << a << ", std=" << b << ")"; break;
    case Kind::XavierUniform: s << "xavier_uniform(gain=" << a << ")"; break;
    case Kind::XavierNormal: s << "xavier_normal(gain=" << a << ")"; break;
    case Kind::KaimingUniform:
    case Kind::KaimingNormal:
      s << (kind == Kind::KaimingUniform ? "kaiming_uniform" : "kaiming_normal") << "(gain=" << a
        << (mode == FanMode::FanIn ? ", fan_in)" : ", fan_out)");
      break;
  }
  return s.str();
}

template <class T>
void initialize(Tensor<T>& w, const Init& init, Philox& rng, index_t fan_in, index_t fan_out) {
  if (!std::isfinite(init.a) || !std::isfinite(init.b)) bad_init(init, "non-finite setting");
  switch (init.kind) {
    case Init::Kind::Zeros: w.fill(T(0)); return;
    case Init::Kind::Constant: w.fill(static_cast<T>(init.a)); return;
    case Init::Kind::Uniform:
      if (init.a > init.b) bad_init(init, "lo > hi");
      fill_uniform(w, init.a, init.b, rng);
      return;
    case Init::Kind::Normal:
      if (init.b < 0) bad_init(init, "negative std");
      fill_normal(w, init.a, init.b, rng);
      return;
    default: break;
  }
  // The fan-scaled families.
  if (fan_in <= 0 || fan_out <= 0)
    bad_init(init, "fans must be positive (fan_in " + std::to_string(fan_in) + ", fan_out " + std::to_string(fan_out) +
                       ")");
  if (init.a < 0) bad_init(init, "negative gain");
  const double gain = init.a;
  switch (init.kind) {
    case Init::Kind::XavierUniform:
      fill_uniform(w, -gain * std::sqrt(6.0 / double(fan_in + fan_out)), gain * std::sqrt(6.0 / double(fan_in + fan_out)),
                   rng);
      break;
    case Init::Kind::XavierNormal: fill_normal(w, 0.0, gain * std::sqrt(2.0 / double(fan_in + fan_out)), rng); break;
    case Init::Kind::KaimingUniform: {
      const double bound = gain * std::sqrt(3.0 / double(chosen_fan(init, fan_in, fan_out)));
      fill_uniform(w, -bound, bound, rng);
      break;
    }
    case Init::Kind::KaimingNormal:
      fill_normal(w, 0.0, gain / std::sqrt(double(chosen_fan(init, fan_in, fan_out))), rng);
      break;
    default: break;
  }
}

template <class T>
void initialize(Tensor<T>& w, const Init& init, Philox& rng) {
  initialize(w, init, rng, w.rows(), w.cols());
}

template void initialize<float>(Tensor<float>&, const Init&, Philox&, index_t, index_t);
template void initialize<double>(Tensor<double>&, const Init&, Philox&, index_t, index_t);
template void initialize<float>(Tensor<float>&, const Init&, Philox&);
template void initialize<double>(Tensor<double>&, const Init&, Philox&);

}  // namespace dg::nn
