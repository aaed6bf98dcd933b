// Test and validation errors of the egnn_nbody models (evaluate.hpp).
#include "examples/egnn_nbody/evaluate.hpp"

#include "nn/loss.hpp"

namespace dg::egnn_nbody {

double mean_squared_error(Model& m, datasets::WindowLoader<float>& loader, Tape<float>& tape) {
  double sum = 0, count = 0;
  loader.start_epoch(0);
  for (std::int64_t k = 0; k < loader.batch_count(); ++k) {
    const Batch& b = loader.batch(k);
    tape.reset();
    NoGradGuard<float> no_grad(tape);
    const double n = double(b.target_positions[0].numel());
    sum += nn::mse_loss(m.predict(tape, b), tape.constant(b.target_positions[0])).item() * n;
    count += n;
  }
  return sum / count;
}

std::vector<Tensor<float>> predictions(const std::vector<Model*>& models, const Batch& b) {
  std::vector<Tensor<float>> preds;
  for (Model* m : models) {
    Tape<float> tape(m->module().parameters().front().param->value.device());  // where the network lives
    NoGradGuard<float> no_grad(tape);
    preds.push_back(m->predict(tape, b).to_tensor());  // a host copy
  }
  return preds;
}

}  // namespace dg::egnn_nbody
