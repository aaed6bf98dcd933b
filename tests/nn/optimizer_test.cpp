// Optimisers against their published update rules, computed independently here in double from
// the formulas (the paper forms: bias-corrected moments m_hat, v_hat; PyTorch's SGD momentum
// rules), over several steps with synthetic gradients and weight decay.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "autodiff/random.hpp"
#include "nn/adam.hpp"
#include "nn/sgd.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// Two parameters of different shapes, with values and per-step gradients from a fixed engine.
template <class T>
struct Problem {
  Parameter<T> a{Shape{3, 2}}, b{Shape{4}};
  std::vector<NamedParameter<T>> list() { return {{"a", &a}, {"b", &b}}; }
  Problem() {
    Philox rng(11);
    for (Parameter<T>* p : {&a, &b})
      for (index_t i = 0; i < p->value.numel(); ++i) p->value[i] = static_cast<T>(rng.uniform(-1, 1));
  }
  // The gradient of element i of parameter k at step t: varied in sign and size.
  static double grad(int k, index_t i, int t) { return std::sin(1.3 * double(i) + 0.7 * t + k) * (1 + 0.5 * k) * (t % 3 == 0 ? 5 : 1); }
  void set_grads(int t) {
    int k = 0;
    for (Parameter<T>* p : {&a, &b}) {
      for (index_t i = 0; i < p->grad.numel(); ++i) p->grad[i] = static_cast<T>(grad(k, i, t));
      ++k;
    }
  }
  std::vector<double> flat() const {
    std::vector<double> out;
    for (const Parameter<T>* p : {&a, &b})
      for (index_t i = 0; i < p->value.numel(); ++i) out.push_back(p->value[i]);
    return out;
  }
};

// Reference Adam / AdamW on flat double vectors (g(i, t) gives the gradient of flat element i).
template <class G>
std::vector<double> reference_adam(std::vector<double> p, G g, int steps, double lr, double b1, double b2, double eps,
                                   double wd, bool decoupled) {
  std::vector<double> m(p.size(), 0.0), v(p.size(), 0.0);
  for (int t = 1; t <= steps; ++t)
    for (std::size_t i = 0; i < p.size(); ++i) {
      double gi = g(i, t);
      if (decoupled) p[i] -= lr * wd * p[i];
      else gi += wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
      p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
    }
  return p;
}

// Reference SGD as PyTorch documents it.
template <class G>
std::vector<double> reference_sgd(std::vector<double> p, G g, int steps, double lr, double mu, double tau, double wd,
                                  bool nesterov) {
  std::vector<double> buf(p.size(), 0.0);
  for (int t = 1; t <= steps; ++t)
    for (std::size_t i = 0; i < p.size(); ++i) {
      double d = g(i, t) + wd * p[i];
      if (mu != 0) {
        buf[i] = t == 1 ? d : mu * buf[i] + (1 - tau) * d;
        d = nesterov ? d + mu * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
  return p;
}

// Flat index -> (parameter, element) gradient of the Problem.
auto problem_grad = [](std::size_t i, int t) { return i < 6 ? Problem<double>::grad(0, index_t(i), t) : Problem<double>::grad(1, index_t(i - 6), t); };

template <class T>
void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(got[i] - want[i]) <= tol);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("Adam and AdamW follow the bias-corrected update for several steps", T, float, double) {
  for (bool decoupled : {false, true}) {
    for (double wd : {0.0, 0.1}) {
      CAPTURE(decoupled);
      CAPTURE(wd);
      Problem<T> prob;
      const std::vector<double> start = prob.flat();
      const AdamOptions o{.lr = 0.01, .beta1 = 0.8, .beta2 = 0.95, .eps = 1e-6, .weight_decay = wd};
      std::unique_ptr<Adam<T>> opt;
      if (decoupled) opt = std::make_unique<AdamW<T>>(prob.list(), o);
      else opt = std::make_unique<Adam<T>>(prob.list(), o);
      CHECK(opt->kind() == (decoupled ? "adamw" : "adam"));
      const int steps = 7;
      for (int t = 1; t <= steps; ++t) {
        prob.set_grads(t);
        opt->step();
      }
      CHECK(opt->step_count() == steps);
      check_close<T>(prob.flat(), reference_adam(start, problem_grad, steps, o.lr, o.beta1, o.beta2, o.eps, wd, decoupled), 1e-6);
      // The state holds the first and second moments under their documented names.
      const auto state = opt->state();
      REQUIRE(state.size() == 4);
      CHECK(state[0].name == "m.a");
      CHECK(state[3].name == "v.b");
    }
  }
}

TEST_CASE("AdamW and Adam differ exactly by where the decay enters") {
  // One step from zero moments: Adam's update is lr sign(g + wd p) (|m_hat| / sqrt(v_hat) = 1),
  // AdamW's is p (1 - lr wd) - lr sign(g).
  Parameter<double> p1(Tensor<double>(Shape{2}, {1.0, -2.0})), p2(Tensor<double>(Shape{2}, {1.0, -2.0}));
  p1.grad = Tensor<double>(Shape{2}, {0.5, 0.05});
  p2.grad = p1.grad;
  Adam<double> adam({{"p", &p1}}, {.lr = 0.1, .eps = 0, .weight_decay = 0.5});
  AdamW<double> adamw({{"p", &p2}}, {.lr = 0.1, .eps = 0, .weight_decay = 0.5});
  adam.step();
  adamw.step();
  CHECK(p1.value[0] == doctest::Approx(1.0 - 0.1));
  CHECK(p1.value[1] == doctest::Approx(-2.0 + 0.1));  // g + wd p = 0.05 - 1 < 0
  CHECK(p2.value[0] == doctest::Approx(1.0 * (1 - 0.05) - 0.1));
  CHECK(p2.value[1] == doctest::Approx(-2.0 * (1 - 0.05) - 0.1));
}

TEST_CASE_TEMPLATE("SGD follows the documented momentum, dampening and Nesterov rules", T, float, double) {
  struct Setting {
    double mu, tau, wd;
    bool nesterov;
  };
  for (Setting s : {Setting{0, 0, 0, false}, Setting{0, 0, 0.1, false}, Setting{0.9, 0, 0.05, false},
                    Setting{0.9, 0.3, 0.0, false}, Setting{0.8, 0, 0.1, true}}) {
    CAPTURE(s.mu);
    CAPTURE(s.tau);
    CAPTURE(s.nesterov);
    Problem<T> prob;
    const std::vector<double> start = prob.flat();
    SGD<T> opt(prob.list(), {.lr = 0.05, .momentum = s.mu, .dampening = s.tau, .weight_decay = s.wd, .nesterov = s.nesterov});
    const int steps = 6;
    for (int t = 1; t <= steps; ++t) {
      prob.set_grads(t);
      opt.step();
    }
    check_close<T>(prob.flat(), reference_sgd(start, problem_grad, steps, 0.05, s.mu, s.tau, s.wd, s.nesterov), 1e-6);
    CHECK(opt.state().size() == (s.mu != 0 ? 2u : 0u));
  }
}

TEST_CASE("optimisers reject impossible settings and non-finite gradients") {
  Parameter<float> p(Shape{3});
  CHECK_THROWS_WITH_AS(Adam<float>({{"p", &p}}, {.beta1 = 1.0}), doctest::Contains("Adam: beta1 must be in"),
                       std::invalid_argument);
  CHECK_THROWS_AS(Adam<float>({{"p", &p}}, {.lr = -1}), std::invalid_argument);
  CHECK_THROWS_AS(SGD<float>({{"p", &p}}, {.lr = 0.1, .nesterov = true}), std::invalid_argument);
  CHECK_THROWS_AS(SGD<float>({{"p", &p}, {"q", &p}}), std::invalid_argument);
  Adam<float> opt({{"layer.weight", &p}});
  p.grad[1] = std::nanf("");
  const std::vector<float> before = p.value.to_vector();
  CHECK_THROWS_WITH_AS(opt.step(), doctest::Contains("gradient of 'layer.weight' has a non-finite value at element 1"),
                       NonFiniteGradient);
  CHECK(p.value.to_vector() == before);
  CHECK(opt.step_count() == 0);
}
