// The harness of the backend test (in the style of ggml's test-backend-ops): one case is an op's
// forward and backward on random inputs, run on a backend and compared with the CPU tape. The
// backend is the GPU (backend_ops_test.cpp) or the host grid (index_test.cpp, the CPU build).
// Each case runs three times: twice overwriting the gradients (the two runs must agree bit for
// bit) and once adding into gradients that already hold values. Every device array has guard
// bytes on both sides that must be unchanged afterwards, and inputs must be unchanged too.
// Error measure: normalised squared error |a - b|^2 / |b|^2 against the tape, at most 1e-7.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "autodiff/ops.hpp"

namespace dg::test {

inline constexpr double kMaxError = 1e-7;  // normalised squared error, float
inline constexpr std::size_t kGuardBytes = 256;
inline constexpr unsigned char kGuard = 0xA5;   // guard byte value
inline constexpr unsigned char kPoison = 0xFF;  // fresh outputs: NaN in every float

// Device memory for one run of a case: guarded arrays, freed with the object. `Backend` gives
// allocate(bytes) -> std::byte*, write(dst, src, bytes), read(dst, src, bytes), finish() (wait).
template <class Backend>
class Arrays {
 public:
  explicit Arrays(Backend& be) : be_(be) {}
  // An array of n T, holding `init` when given (else poison).
  template <class T>
  T* make(index_t n, const T* init = nullptr) {
    const std::size_t bytes = sizeof(T) * static_cast<std::size_t>(n);
    std::vector<unsigned char> host(bytes + 2 * kGuardBytes, kGuard);
    if (init)
      std::memcpy(host.data() + kGuardBytes, init, bytes);
    else
      std::memset(host.data() + kGuardBytes, kPoison, bytes);
    std::byte* base = be_.allocate(host.size());
    be_.write(base, host.data(), host.size());
    blocks_.push_back({base, bytes, std::move(host)});
    return reinterpret_cast<T*>(base + kGuardBytes);
  }
  template <class T>
  T* make(const std::vector<T>& init) {
    return make<T>(static_cast<index_t>(init.size()), init.data());
  }
  template <class T>
  std::vector<T> read(const T* p, index_t n) {
    std::vector<T> out(static_cast<std::size_t>(n));
    be_.finish();
    be_.read(out.data(), p, sizeof(T) * out.size());
    return out;
  }
  // Guards of every array unchanged, and the inputs (arrays made with contents that the case
  // marked as read-only) unchanged; "" or what was overwritten.
  std::string check_guards(const std::vector<const void*>& read_only) {
    be_.finish();
    for (const Block& b : blocks_) {
      std::vector<unsigned char> now(b.host.size());
      be_.read(now.data(), b.base, now.size());
      for (std::size_t k = 0; k < kGuardBytes; ++k)
        if (now[k] != kGuard || now[kGuardBytes + b.bytes + k] != kGuard) return "a write outside an array";
      for (const void* p : read_only)
        if (p == b.base + kGuardBytes && std::memcmp(now.data(), b.host.data(), now.size()) != 0)
          return "an input array was modified";
    }
    return "";
  }

 private:
  struct Block {
    std::byte* base;
    std::size_t bytes;
    std::vector<unsigned char> host;
  };
  Backend& be_;
  std::vector<Block> blocks_;
};

inline double normalised_error(const std::vector<float>& got, const std::vector<float>& want) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double d = double(got[i]) - double(want[i]);
    num += d * d;
    den += double(want[i]) * double(want[i]);
  }
  if (!std::isfinite(num)) return INFINITY;
  return den > 0 ? num / den : num;
}

inline bool same_bits(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k].size() != b[k].size() ||
        (!a[k].empty() && std::memcmp(a[k].data(), b[k].data(), sizeof(float) * a[k].size()) != 0))
      return false;  // (an empty output has no data pointer: memcmp must not see it, UBSan)
  return true;
}

struct CaseResult {
  std::string name;
  double error = 0;     // worst normalised squared error over the outputs and the three runs
  std::string problem;  // "" when the case passed
};

// The device side of one run: inputs x[k] (read-only), the seed g = dL/dy, the output y and the
// input gradients gx[k] (null where no gradient flows). `accumulate`: add into gx.
struct DeviceRun {
  std::vector<const float*> x;
  std::vector<Shape> shape;  // of x[k]
  const float* g = nullptr;
  float* y = nullptr;
  Shape y_shape;
  std::vector<float*> gx;
  bool accumulate = false;
};

// One op on the tape: the reference forward and backward.
using TapeOp = std::function<Var<float>(Tape<float>&, std::vector<Var<float>>&)>;

template <class Backend>
class CaseRunner {
 public:
  explicit CaseRunner(Backend& be, std::uint64_t seed = 1) : be_(be), rng_(seed) {}
  std::vector<CaseResult> results;

  std::vector<float> random(index_t n, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& e : v) e = u(rng_);
    return v;
  }

  // Runs one case: inputs of the given shapes, uniform in [lo, hi]; `device(arrays, run)` computes
  // y and the gradients on the backend (scratch arrays from `arrays`).
  template <class Device>
  void run(const std::string& name, const std::vector<Shape>& shapes, float lo, float hi, const TapeOp& tape_op,
           Device device) {
    CaseResult r;
    r.name = name;
    try {
      std::vector<std::vector<float>> inputs;
      for (const Shape& s : shapes) inputs.push_back(random(s.numel(), lo, hi));
      // Reference on the CPU tape.
      Tape<float> tape;
      std::vector<Var<float>> vars;
      for (std::size_t k = 0; k < shapes.size(); ++k)
        vars.push_back(tape.variable(Tensor<float>(shapes[k], inputs[k])));
      Var<float> y = tape_op(tape, vars);
      const Shape sy = y.shape();
      const std::vector<float> seed = random(sy.numel(), -1, 1);
      std::vector<std::vector<float>> want{std::vector<float>(y.data(), y.data() + sy.numel())};
      const bool flows = y.requires_grad();
      if (flows) tape.backward(y, Tensor<float>(sy, seed));
      for (std::size_t k = 0; k < shapes.size(); ++k) {
        const float* gk = flows ? vars[k].grad() : nullptr;
        want.push_back(gk ? std::vector<float>(gk, gk + shapes[k].numel()) : std::vector<float>{});
      }
      std::vector<std::vector<float>> earlier[2];
      for (int pass = 0; pass < 3; ++pass) {
        Arrays<Backend> arrays(be_);
        DeviceRun d;
        d.shape = shapes;
        d.y_shape = sy;
        d.accumulate = pass == 2;
        std::vector<const void*> read_only;
        for (const auto& in : inputs) d.x.push_back(arrays.make(in)), read_only.push_back(d.x.back());
        d.g = arrays.make(seed);
        read_only.push_back(d.g);
        d.y = arrays.template make<float>(sy.numel());
        std::vector<std::vector<float>> start(shapes.size());
        for (std::size_t k = 0; k < shapes.size(); ++k) {
          if (want[k + 1].empty()) {
            d.gx.push_back(nullptr);
            continue;
          }
          if (d.accumulate) start[k] = random(shapes[k].numel(), -1, 1);
          d.gx.push_back(d.accumulate ? arrays.make(start[k]) : arrays.template make<float>(shapes[k].numel()));
        }
        device(arrays, d);
        std::vector<std::vector<float>> got{arrays.read(d.y, sy.numel())};
        for (std::size_t k = 0; k < shapes.size(); ++k)
          got.push_back(d.gx[k] ? arrays.read(d.gx[k], shapes[k].numel()) : std::vector<float>{});
        if (std::string g = arrays.check_guards(read_only); !g.empty() && r.problem.empty()) r.problem = g;
        for (std::size_t k = 0; k < got.size(); ++k) {
          std::vector<float> w = want[k];
          if (d.accumulate && k > 0)
            for (std::size_t i = 0; i < w.size(); ++i) w[i] += start[k - 1][i];
          const double e = normalised_error(got[k], w);
          if (!(e <= r.error)) r.error = e;
        }
        if (pass < 2) earlier[pass] = got;
        if (pass == 1 && !same_bits(earlier[0], earlier[1]) && r.problem.empty())
          r.problem = "two runs differ in their bits";
      }
      if (!(r.error <= kMaxError) && r.problem.empty()) r.problem = "error above 1e-7";
    } catch (const std::exception& e) {
      r.problem = std::string("threw: ") + e.what();
    }
    results.push_back(r);
  }

 private:
  Backend& be_;
  std::mt19937_64 rng_;
};

}  // namespace dg::test
