// The tape's device dispatch, tested without a GPU: the same computations on a CPU tape and on a
// tape on Device::Emulated, whose every op, forward and backward, runs through the device backend
// table (autodiff/device_backend.hpp) and there through the GPU's kernels on the host grid
// (cuda/backend_table.hpp). Values and gradients (first and second order) must agree to a
// normalised squared error |a - b|^2 / |b|^2 <= 1e-7 in float; whole training steps (an MLP, an
// EGNN with Adam) must follow the CPU's, and after the first step a step allocates no device memory.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "autodiff/device_backend.hpp"
#include "autodiff/ops.hpp"
#include "autodiff/random.hpp"
#include "autodiff/tape.hpp"
#include "cuda/device_backends.hpp"
#if DYNAGRAD_CUDA
#include "cuda/runtime.hpp"
#endif
#include "nn/adam.hpp"
#include "nn/device.hpp"
#include "nn/graph/egnn.hpp"
#include "nn/mlp.hpp"

using namespace dg;

namespace {

// The guard maps the emulated memory PROT_NONE outside the backend: a host read of a device
// pointer anywhere in the dispatch (which would crash on a GPU) stops the test.
const bool kRegistered = (cuda::register_device_backends(), set_emulated_guard(true), true);
constexpr double kTolerance = 1e-7;

// The devices under test: the emulated one always; the GPU too in a -Dcuda=enabled build that
// finds one (else one line says the CUDA cases were skipped).
std::vector<Device> devices() {
  std::vector<Device> out{Device::Emulated};
#if DYNAGRAD_CUDA
  std::string why;
  if (cuda::device_count(&why) > 0)
    out.push_back(Device::CUDA);
  else if (static bool said = false; !said && (said = true))  // one line for the whole run
    MESSAGE("cuda/tape_dispatch: SKIPPED the CUDA device: no CUDA device (" << why << ")");
#endif
  return out;
}

// |a - b|^2 / |b|^2; |a|^2 when b is all zeros.
double normalised_error(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    norm += double(b[i]) * b[i];
  }
  return norm > 0 ? diff / norm : diff;
}

// Host copy of a variable's gradient, wherever the tape lives.
std::vector<float> grad_of(Var<float> v) {
  std::vector<float> out(static_cast<std::size_t>(v.numel()));
  device_copy(out.data(), Device::CPU, v.grad(), v.tape->device(), out.size() * sizeof(float));
  return out;
}

Tensor<float> random_tensor(const Shape& s, std::uint64_t seed, double lo, double hi) {
  Tensor<float> t(s);
  Philox rng(seed);
  for (index_t i = 0; i < t.numel(); ++i) t[i] = static_cast<float>(lo + (hi - lo) * rng.uniform01());
  return t;
}

struct Input {
  Shape shape;
  double lo = -1, hi = 1;
};
using Body = std::function<Var<float>(std::vector<Var<float>>&)>;
struct Case {
  std::string name;
  std::vector<Input> inputs;
  Body body;
};

// What one case gives on one device: y's values, dL/dx for L = sum(y r) with fixed random r, and
// the gradient of sum_k |dL/dx_k|^2 (second order, through tape.grad with create_graph).
struct Outcome {
  std::vector<float> value;
  std::vector<std::vector<float>> grad, grad2;
};

Outcome run_case(const Case& c, Device device) {
  Outcome out;
  for (int order = 1; order <= 2; ++order) {
    Tape<float> tape(device);
    std::vector<Var<float>> xs;
    for (std::size_t k = 0; k < c.inputs.size(); ++k)
      xs.push_back(tape.variable(random_tensor(c.inputs[k].shape, 100 + k, c.inputs[k].lo, c.inputs[k].hi)));
    Var<float> y = c.body(xs);
    Var<float> loss = sum(y * tape.constant(random_tensor(y.shape(), 7, -1, 1)));
    if (order == 1) {
      out.value = y.to_tensor().to_vector();
      tape.backward(loss);
      for (Var<float> x : xs) out.grad.push_back(grad_of(x));
      continue;
    }
    std::vector<Var<float>> g = tape.grad(loss, xs, true);
    Var<float> total = tape.scalar(0);
    for (Var<float> gk : g) total = total + sum(square(gk));
    tape.backward(total);
    for (Var<float> x : xs) out.grad2.push_back(grad_of(x));
  }
  return out;
}

void check_case(const Case& c, Device device) {
  CAPTURE(c.name);
  const Outcome cpu = run_case(c, Device::CPU), dev = run_case(c, device);
  CHECK(normalised_error(dev.value, cpu.value) <= kTolerance);
  for (std::size_t k = 0; k < cpu.grad.size(); ++k) {
    CAPTURE(k);
    CHECK(normalised_error(dev.grad[k], cpu.grad[k]) <= kTolerance);
    CHECK(normalised_error(dev.grad2[k], cpu.grad2[k]) <= kTolerance);
  }
}

std::vector<Case> op_cases() {
  using V = std::vector<Var<float>>;
  std::vector<Case> cases;
  const Shape s34{3, 4};
  // binary ops on broadcast pairs (rank 1 to 3, scalars); div keeps b away from zero
  const std::vector<std::pair<Shape, Shape>> pairs = {{s34, s34},
                                                      {s34, Shape{1, 4}},
                                                      {s34, Shape{3, 1}},
                                                      {Shape{4}, s34},
                                                      {Shape{2, 3, 4}, Shape{3, 1}},
                                                      {s34, Shape::scalar()}};
  for (const auto& [sa, sb] : pairs) {
    const std::string shapes = sa.str() + " " + sb.str();
    cases.push_back({"add " + shapes, {{sa}, {sb}}, [](V& x) { return x[0] + x[1]; }});
    cases.push_back({"sub " + shapes, {{sa}, {sb}}, [](V& x) { return x[0] - x[1]; }});
    cases.push_back({"mul " + shapes, {{sa}, {sb}}, [](V& x) { return x[0] * x[1]; }});
    cases.push_back({"div " + shapes, {{sa}, {sb, 0.5, 2}}, [](V& x) { return x[0] / x[1]; }});
  }
  // unary ops (log and sqrt on positive inputs)
#define DG_UNARY_CASE(e, f) cases.push_back({#f, {{s34, 0.2, 2}}, [](V& x) { return f(x[0]) * x[0]; }});
  DG_UNARY_OPS(DG_UNARY_CASE)
#undef DG_UNARY_CASE
  cases.push_back({"neg mixed signs", {{s34}}, [](V& x) { return abs(x[0]) + relu(x[0]) * sign(x[0]); }});
  cases.push_back({"pow", {{s34, 0.3, 2}}, [](V& x) { return pow(x[0], 2.5) + pow(x[0], -1.0); }});
  cases.push_back({"clamp", {{s34}}, [](V& x) { return clamp(x[0], -0.3, 0.4) * x[0]; }});
  cases.push_back({"scale add_scalar", {{s34}}, [](V& x) { return add_scalar(scale(square(x[0]), 1.5), -0.25); }});
  cases.push_back({"mask", {{s34}}, [](V& x) { return mask(x[0], -0.5, 0.5) * x[0]; }});
  // linear algebra and shapes
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      cases.push_back({std::string("matmul ") + (ta ? "T" : "N") + (tb ? "T" : "N"),
                       {{ta ? Shape{4, 3} : Shape{3, 4}}, {tb ? Shape{5, 4} : Shape{4, 5}}},
                       [=](V& x) { return matmul(x[0], x[1], ta, tb); }});
  cases.push_back({"transpose", {{s34}}, [](V& x) { return transpose(x[0]) * transpose(x[0]); }});
  cases.push_back({"reshape", {{s34}}, [](V& x) { return square(reshape(x[0], Shape{2, 6})); }});
  cases.push_back({"expand", {{Shape{1, 4}}}, [](V& x) { return square(expand(x[0], Shape{3, 4})); }});
  cases.push_back({"sum_to mean", {{Shape{2, 3, 4}}}, [](V& x) {
                     return square(sum_to(x[0], Shape{3, 1})) + mean(x[0]);
                   }});
  cases.push_back(
      {"sum axis", {{s34}}, [](V& x) { return square(sum(x[0], 0)) + mean(square(x[0]), 1) * scale(x[0], 0.5); }});
  for (int axis : {0, 1}) {
    const std::string a = std::to_string(axis);
    cases.push_back({"concat " + a, {{s34}, {s34}, {s34}}, [=](V& x) {
                       return square(concat({x[0], x[1] * x[2], x[2]}, axis));
                     }});
    cases.push_back({"slice " + a, {{Shape{4, 4}}}, [=](V& x) { return square(slice(x[0], axis, 1, 2)); }});
    cases.push_back({"pad " + a, {{s34}}, [=](V& x) { return square(pad(x[0], axis, 1, 6)); }});
  }
  // rows: unsorted indices, repeats, an unused row, an empty segment
  static const std::vector<std::int32_t> gather_index = {2, 0, 2, 3, 0, 2};
  static const std::vector<std::int32_t> segments = {1, 1, 4, 0, 4, 1};  // segments 2, 3 empty
  cases.push_back({"gather_rows", {{Shape{5, 3}}}, [](V& x) { return square(gather_rows(x[0], gather_index)); }});
  cases.push_back(
      {"scatter_add_rows", {{Shape{6, 3}}}, [](V& x) { return square(scatter_add_rows(x[0], segments, 5)); }});
  cases.push_back({"segment_mean", {{Shape{6, 3}}}, [](V& x) { return square(segment_mean(x[0], segments, 5)); }});
  cases.push_back({"row_dot", {{Shape{5, 3}}, {Shape{5, 3}}}, [](V& x) { return square(row_dot(x[0], x[1])); }});
  cases.push_back({"row_norm", {{Shape{5, 3}}}, [](V& x) { return row_norm(x[0]) * row_norm(x[0]); }});
  cases.push_back({"detach", {{s34}}, [](V& x) { return x[0] * x[0].tape->detach(square(x[0])); }});
  // fused ops with every activation
  static const std::vector<std::int32_t> first = {0, 1, 3, 3, 2}, second = {1, 0, 0, 2, 3};
  for (Act act : kActs) {
    const std::string a = act_name(act);
    cases.push_back({"linear " + a, {{Shape{5, 3}}, {Shape{3, 4}}, {Shape{4}}}, [=](V& x) {
                       return square(linear(x[0], x[1], x[2], act));
                     }});
    cases.push_back({"linear no bias " + a, {{Shape{5, 3}}, {Shape{3, 4}}}, [=](V& x) {
                       return square(linear(x[0], x[1], Var<float>{}, act));
                     }});
    cases.push_back({"pair_linear " + a, {{Shape{4, 3}}, {Shape{4, 3}}, {Shape{5, 2}}, {Shape{2, 3}}}, [=](V& x) {
                       return square(pair_linear(x[0], first, x[1], second, x[2], x[3], act));
                     }});
    cases.push_back({"pair_linear no W " + a, {{Shape{4, 3}}, {Shape{4, 3}}}, [=](V& x) {
                       return square(pair_linear(x[0], first, x[1], second, Var<float>{}, Var<float>{}, act));
                     }});
  }
  return cases;
}

}  // namespace

TEST_CASE("every op on a device matches the CPU tape: value, gradient, gradient of gradient") {
  REQUIRE(kRegistered);
  const std::vector<Case> cases = op_cases();
  for (Device device : devices()) {
    const std::string device_label = device_name(device);
    CAPTURE(device_label);
    for (const Case& c : cases) check_case(c, device);
  }
  MESSAGE(cases.size() << " cases per device");
}

TEST_CASE("a parameter on another device than its tape, and an unknown device, are refused") {
  Parameter<float> p(Shape{2, 2});
  Tape<float> tape(Device::Emulated);
  CHECK_THROWS_WITH_AS(tape.param(p), doctest::Contains("lives on cpu"), std::invalid_argument);
  Tape<float> cpu;
  Parameter<float> q(Tensor<float>::zeros(Shape{2}).to(Device::Emulated));
  q.grad = q.grad.to(Device::Emulated);
  CHECK_THROWS_AS(cpu.param(q), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_device("tpu"), doctest::Contains("unknown device 'tpu'"), std::invalid_argument);
}

namespace {

// A copy of every parameter's value, on the host, in list order.
std::vector<std::vector<float>> values_of(const std::vector<nn::NamedParameter<float>>& params) {
  std::vector<std::vector<float>> out;
  for (const auto& p : params) out.push_back(p.param->value.to_vector());
  return out;
}
std::vector<std::vector<float>> grads_of(const std::vector<nn::NamedParameter<float>>& params) {
  std::vector<std::vector<float>> out;
  for (const auto& p : params) out.push_back(p.param->grad.to_vector());
  return out;
}
void check_close(const std::vector<std::vector<float>>& dev, const std::vector<std::vector<float>>& cpu,
                 const std::vector<nn::NamedParameter<float>>& names, double tolerance) {
  REQUIRE(dev.size() == cpu.size());
  for (std::size_t k = 0; k < cpu.size(); ++k) {
    CAPTURE(names[k].name);
    CHECK(normalised_error(dev[k], cpu[k]) <= tolerance);
  }
}

// The EGNN n-body step of benchmarks/bench_egnn.cpp, small: 3 graphs of 4 particles, 2 velocity
// layers of 16 features, plus a second-order term (the gradient of the loss with respect to the
// positions enters the loss, as a force would).
struct EGNNStep {
  Device device;
  Philox rng{0};
  nn::EGNN<float> egnn{{.in_features = 1, .edge_features = 2, .hidden = 16, .num_layers = 2}, rng};
  nn::GraphBatch g = nn::fully_connected(3, 4);
  Tensor<float> x = random_tensor(Shape{12, 3}, 1, -1, 1), v = random_tensor(Shape{12, 3}, 2, -0.5, 0.5);
  Tensor<float> target = random_tensor(Shape{12, 3}, 3, -1, 1), q = random_tensor(Shape{12, 1}, 4, -1, 1);
  std::vector<nn::NamedParameter<float>> params;
  std::unique_ptr<nn::Adam<float>> adam;
  Tape<float> tape;

  explicit EGNNStep(Device d) : device(d), tape(d) {
    nn::to_device(egnn, device);
    params = egnn.parameters();
    adam = std::make_unique<nn::Adam<float>>(params, nn::AdamOptions{.lr = 1e-2});
  }
  // One step; returns the loss (read back from the device).
  float step(bool second_order) {
    tape.reset();
    adam->zero_grad();
    Var<float> vx = tape.variable(x), vv = tape.constant(v), vq = tape.constant(q);
    nn::NBodyInputs<float> in = nn::nbody_inputs(g, vx, vv, vq);
    Var<float> pred = egnn.forward(tape, g, in.h, vx, vv, in.edge_attributes).x;
    Var<float> loss = mean(square(pred - tape.constant(target)));
    if (second_order) loss = loss + scale(sum(square(tape.grad(loss, vx, true))), 0.1);
    tape.backward(loss);
    return loss.item();
  }
};

}  // namespace

TEST_CASE("EGNN training steps with Adam on a device follow the CPU's; no device allocation after the first") {
  for (Device device : devices())
    for (bool second_order : {false, true}) {
      const std::string device_label = device_name(device);
      CAPTURE(device_label);
      CAPTURE(second_order);
      EGNNStep cpu(Device::CPU), dev(device);
      REQUIRE(dev.params.front().param->value.device() == device);
      std::size_t allocations = 0;
      for (int step = 0; step < 4; ++step) {
        CAPTURE(step);
        if (step == 1) allocations = device_allocation_count(device);
        const float lc = cpu.step(second_order), ld = dev.step(second_order);
        CHECK(std::abs(ld - lc) <= 1e-5f * std::abs(lc));
        check_close(grads_of(dev.params), grads_of(cpu.params), cpu.params, kTolerance);
        cpu.adam->step();
        dev.adam->step();
        // the parameters drift apart only by rounding: each Adam step of ~lr moves them alike
        check_close(values_of(dev.params), values_of(cpu.params), cpu.params, kTolerance);
      }
      CHECK(device_allocation_count(device) == allocations);
    }
}

TEST_CASE("an MLP step on a device: Adam state on the device, same parameters and moments as on the CPU") {
  for (Device device : devices()) {
    const std::string device_label = device_name(device);
    CAPTURE(device_label);
    Philox r1(5), r2(5);
    nn::MLP<float> a({3, 16, 16, 2}, r1), b({3, 16, 16, 2}, r2);
    nn::to_device(b, device);
    nn::Adam<float> oa(a.parameters(), {.lr = 1e-2}), ob(b.parameters(), {.lr = 1e-2});
    for (const nn::NamedTensor<float>& s : ob.state()) CHECK(s.tensor->device() == device);
    const Tensor<float> x = random_tensor(Shape{8, 3}, 11, -1, 1), y = random_tensor(Shape{8, 2}, 12, -1, 1);
    Tape<float> ta, tb(device);
    for (int step = 0; step < 5; ++step) {
      for (auto [tape, net, opt] : {std::tuple{&ta, &a, &oa}, std::tuple{&tb, &b, &ob}}) {
        tape->reset();
        opt->zero_grad();
        tape->backward(mean(square(net->forward(*tape, tape->constant(x)) - tape->constant(y))));
        opt->step();
      }
    }
    check_close(values_of(b.parameters()), values_of(a.parameters()), a.parameters(), kTolerance);
    // and the state itself: m and v
    std::vector<nn::NamedTensor<float>> sa = oa.state(), sb = ob.state();
    for (std::size_t k = 0; k < sa.size(); ++k) {
      CAPTURE(sa[k].name);
      CHECK(normalised_error(sb[k].tensor->to_vector(), sa[k].tensor->to_vector()) <= kTolerance);
    }
  }
}
