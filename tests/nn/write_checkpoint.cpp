// Writes a small checkpoint for tests/nn/check_checkpoint.py: an MLP (3 -> 8 -> 8 -> 2, tanh)
// after one AdamW step, saved to <dir>/model.npz, and <dir>/expected.npz holding an input x (5, 3)
// and the model's output y (5, 2) computed by the tape, so that Python can recompute y from the
// checkpoint's arrays with numpy alone.
#include <cstdio>
#include <string>

#include "io/npy.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"

using namespace dg;
using namespace dg::nn;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_checkpoint OUTPUT_FOLDER\n");
    return 2;
  }
  const std::string dir = argv[1];
  Philox rng(17);
  MLP<float> net({3, 8, 8, 2}, rng, {.activation = Activation::Tanh});
  AdamW<float> opt(net.parameters(), {.lr = 1e-2, .weight_decay = 0.1});
  Tensor<float> x(Shape{5, 3});  // (5, 3) inputs in (-1, 1)
  for (index_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(rng.uniform(-1, 1));
  Tape<float> tape;
  // One training step so that the optimiser state is not zero.
  tape.backward(mse_loss(net(tape, tape.constant(x)), tape.zeros(Shape{5, 2})));
  opt.step();
  tape.reset();
  const Tensor<float> y = net(tape, tape.constant(x)).to_tensor();  // (5, 2)
  save_checkpoint(dir + "/model.npz", net, opt, {.description = "test model \xc3\xbc", .step = 7});
  io::write_npz(dir + "/expected.npz", {{"x", io::Array::from<float>({5, 3}, x.data())},
                                        {"y", io::Array::from<float>({5, 2}, y.data())}});
  return 0;
}
