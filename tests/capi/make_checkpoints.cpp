// Writes small field-discovery checkpoints for the C interface's tests (tests/capi/meson.build):
// OUTDIR/field.npz (hidden 16, 8 Fourier features, 2 x 24 field MLP: sizes other than the
// defaults, so that reading them back from the arrays is tested), OUTDIR/no_field.npz and
// OUTDIR/absolute.npz. Every parameter is set to small random values (the field's output layer
// too, which a new model starts at zero), as after training.
//   make_checkpoints OUTDIR
#include <cstdio>
#include <string>

#include "examples/field_discovery/model.hpp"
#include "nn/checkpoint.hpp"

using namespace dg;
using namespace dg::field_discovery;

namespace {

void write(const std::string& path, ModelKind kind) {
  Philox rng(11, static_cast<std::uint64_t>(kind));
  DynamicsModel model(
      {.kind = kind, .hidden = 16, .absolute_hidden = 16, .fourier_features = 8, .field_width = 24, .field_layers = 2},
      rng);
  for (const auto& p : model.parameters())
    for (index_t k = 0; k < p.param->value.numel(); ++k) p.param->value[k] = static_cast<float>(0.3 * rng.normal());
  nn::save_checkpoint(path, model, {.description = model.describe()});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_checkpoints OUTDIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  write(dir + "/field.npz", ModelKind::Field);
  write(dir + "/no_field.npz", ModelKind::NoField);
  write(dir + "/absolute.npz", ModelKind::Absolute);
  return 0;
}
