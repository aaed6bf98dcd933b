// Losses: values against direct sums written here, gradients against central finite
// differences (double), and the shape checks.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "nn/loss.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

const std::vector<double> kPred = {0.3, -1.2, 2.5, 0.0, -0.4, 1.1};
const std::vector<double> kTarget = {0.1, 0.4, -0.5, 0.05, -0.4, 3.0};
const std::vector<double> kLogVar = {0.2, -0.7};  // (2, 1) per row

// loss(pred) with the tape's gradient, then FD on every prediction element.
template <class L, class Ref>
void check_loss(L loss, Ref reference) {
  Tape<double> tape;
  Var<double> p = tape.variable(Tensor<double>(Shape{2, 3}, kPred));
  Var<double> t = tape.constant(Tensor<double>(Shape{2, 3}, kTarget));
  Var<double> l = loss(tape, p, t);
  CHECK(l.item() == doctest::Approx(reference(kPred)).epsilon(1e-12));
  tape.backward(l);
  for (std::size_t i = 0; i < kPred.size(); ++i) {
    std::vector<double> up = kPred, down = kPred;
    up[i] += 1e-6;
    down[i] -= 1e-6;
    CAPTURE(i);
    CHECK(p.grad()[i] == doctest::Approx((reference(up) - reference(down)) / 2e-6).epsilon(1e-6));
  }
}

double mean_of(const std::vector<double>& pred, double (*term)(double, double, std::size_t)) {
  double s = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) s += term(pred[i], kTarget[i], i);
  return s / double(pred.size());
}

}  // namespace

TEST_CASE("MSE, L1 and Huber match their definitions") {
  check_loss([](Tape<double>&, Var<double> p, Var<double> t) { return mse_loss(p, t); },
             [](const std::vector<double>& x) { return mean_of(x, [](double a, double b, std::size_t) { return (a - b) * (a - b); }); });
  check_loss([](Tape<double>&, Var<double> p, Var<double> t) { return mse_loss(p, t, Reduction::Sum); },
             [](const std::vector<double>& x) {
               return 6 * mean_of(x, [](double a, double b, std::size_t) { return (a - b) * (a - b); });
             });
  check_loss([](Tape<double>&, Var<double> p, Var<double> t) { return l1_loss(p, t); },
             [](const std::vector<double>& x) { return mean_of(x, [](double a, double b, std::size_t) { return std::abs(a - b); }); });
  // delta = 1: elements with |d| = 0.2, 1.6, 3.0, 0.05, 0.0, 1.9 cover both branches.
  check_loss([](Tape<double>&, Var<double> p, Var<double> t) { return huber_loss(p, t, 1.0); },
             [](const std::vector<double>& x) {
               return mean_of(x, [](double a, double b, std::size_t) {
                 const double d = std::abs(a - b);
                 return d <= 1.0 ? 0.5 * d * d : 1.0 * (d - 0.5);
               });
             });
}

TEST_CASE("Gaussian NLL with fixed and learned variance matches its density") {
  check_loss([](Tape<double>&, Var<double> p, Var<double> t) { return gaussian_nll_loss(p, t, 0.3, true); },
             [](const std::vector<double>& x) {
               return mean_of(x, [](double a, double b, std::size_t) {
                 return -std::log(std::exp(-(a - b) * (a - b) / (2 * 0.3)) / std::sqrt(2 * std::numbers::pi * 0.3));
               });
             });
  check_loss(
      [](Tape<double>& tape, Var<double> p, Var<double> t) {
        return gaussian_nll_loss_log_var(p, tape.constant(Tensor<double>(Shape{2, 1}, kLogVar)), t);
      },
      [](const std::vector<double>& x) {
        return mean_of(x, [](double a, double b, std::size_t i) {
          const double s = kLogVar[i / 3];
          return 0.5 * ((a - b) * (a - b) / std::exp(s) + s);
        });
      });
  // The gradient with respect to the log-variance: d/ds of 0.5 (d^2 e^-s + s), summed per row / 6.
  Tape<double> tape;
  Var<double> s = tape.variable(Tensor<double>(Shape{2, 1}, kLogVar));
  tape.backward(gaussian_nll_loss_log_var(tape.constant(Tensor<double>(Shape{2, 3}, kPred)), s,
                                          tape.constant(Tensor<double>(Shape{2, 3}, kTarget))));
  for (int r = 0; r < 2; ++r) {
    double want = 0;
    for (int c = 0; c < 3; ++c) {
      const double d = kPred[std::size_t(3 * r + c)] - kTarget[std::size_t(3 * r + c)];
      want += 0.5 * (1 - d * d * std::exp(-kLogVar[std::size_t(r)])) / 6;
    }
    CHECK(s.grad()[r] == doctest::Approx(want).epsilon(1e-12));
  }
}

TEST_CASE("losses refuse mismatched shapes and bad settings") {
  Tape<float> tape;
  Var<float> a = tape.zeros(Shape{4, 1}), b = tape.zeros(Shape{4});
  CHECK_THROWS_WITH_AS(mse_loss(a, b), "mse_loss: prediction and target shapes differ (shapes (4, 1) and (4,))",
                       ShapeError);
  CHECK_THROWS_AS(huber_loss(a, a, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(gaussian_nll_loss(a, a, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(gaussian_nll_loss_log_var(a, tape.zeros(Shape{3, 1}), a), ShapeError);
}
