// The same small training on every build (scripts/portable_builds.sh, docs/portability.md): an MLP
// 2 -> 64 -> 64 -> 1 (SiLU) fitted to y = x0 x1 + x0^2 / 4 on 256 points of [-2, 2]^2 by Adam,
// float32, one thread, then saved as a checkpoint. Its 64-wide products take the row kernel
// where one is compiled (AVX-512, AVX2, NEON) and Eigen elsewhere, so checkpoints of different
// instruction sets differ in their last bits and scripts/compare_checkpoints.py compares them to
// a tolerance. The data uses only Philox's uniform numbers and exact arithmetic, so it is the same
// on every build. Usage: train_small OUTPUT.npz [STEPS] [SEED]; prints the final loss.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "autodiff/parallel.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"

using namespace dg;
using namespace dg::nn;

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: train_small OUTPUT.npz [STEPS >= 1] [SEED]\n");
    return 2;
  }
  const long steps = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 300;
  const long seed = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 1;
  if (steps < 1 || steps > 1'000'000) {
    std::fprintf(stderr, "train_small: STEPS must be 1 to 1000000, not '%s'\n", argv[2]);
    return 2;
  }
  set_num_threads(1);
  Philox rng(static_cast<std::uint64_t>(seed));
  constexpr index_t kPoints = 256;
  Tensor<float> x(Shape{kPoints, 2}), y(Shape{kPoints, 1});  // (256, 2) inputs, (256, 1) targets
  for (index_t i = 0; i < kPoints; ++i) {
    const double x0 = rng.uniform(-2, 2), x1 = rng.uniform(-2, 2);
    x[2 * i] = static_cast<float>(x0);
    x[2 * i + 1] = static_cast<float>(x1);
    y[i] = static_cast<float>(double(x[2 * i]) * x[2 * i + 1] + 0.25 * double(x[2 * i]) * x[2 * i]);
  }
  MLP<float> net({2, 64, 64, 1}, rng, {.activation = Activation::Silu});
  Adam<float> opt(net.parameters(), {.lr = 3e-3});
  Tape<float> tape;
  double loss = 0;
  for (long s = 0; s < steps; ++s) {
    tape.reset();
    const Var<float> l = mse_loss(net(tape, tape.constant(x)), tape.constant(y));
    opt.zero_grad();
    tape.backward(l);
    opt.step();
    loss = l.item();
  }
  save_checkpoint(argv[1], net, opt, {.description = "tests/portable/train_small", .step = steps});
  std::printf("train_small: %ld steps, final loss %.6g\n", steps, loss);
  return 0;
}
