// The field_sources model's start from a trained field model (point_sources.hpp).
#include "examples/field_discovery/point_sources.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/adam.hpp"

namespace dg::field_discovery {

namespace {

// Every parameter and buffer of `from` into the same path of `to`, which must have it, same shape.
void copy_module(const DynamicsModel& from, DynamicsModel& to) {
  for (const nn::NamedParameter<float>& p : from.parameters()) {
    Parameter<float>* q = to.find_parameter(p.name);
    if (!q || q->shape() != p.param->shape())
      throw std::invalid_argument("start_from_field: the field_sources model has no parameter " + p.name +
                                  " of the field model's shape");
    q->value = p.param->value;
  }
  std::vector<nn::NamedBuffer<float>> into = to.buffers();
  for (const nn::NamedBuffer<float>& b : from.buffers()) {
    auto it = std::find_if(into.begin(), into.end(), [&](const nn::NamedBuffer<float>& c) { return c.name == b.name; });
    if (it == into.end() || it->tensor->shape() != b.tensor->shape())
      throw std::invalid_argument("start_from_field: the field_sources model has no buffer " + b.name +
                                  " of the field model's shape");
    *it->tensor = *b.tensor;
  }
}

// |a - b| / |b| over all elements.
double relative_error(const Tensor<float>& a, const Tensor<float>& b) {
  double num = 0, den = 0;
  for (index_t i = 0; i < a.numel(); ++i) {
    num += (double(a[i]) - double(b[i])) * (double(a[i]) - double(b[i]));
    den += double(b[i]) * double(b[i]);
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

}  // namespace

SourceStart start_from_field(DynamicsModel& target, const DynamicsModel& field_model,
                             const std::vector<nn::PointSource>& sources, const datasets::Trajectories& train,
                             const SourceStartOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (field_model.options().kind != ModelKind::Field || target.options().kind != ModelKind::FieldSources)
    throw std::invalid_argument("start_from_field: needs a field model and a field_sources model");
  if (o.max_points < 1 || !(o.core >= 0) || o.steps < 0 || !(o.lr > 0))
    throw std::invalid_argument("start_from_field: max_points >= 1, core >= 0, steps >= 0 and lr > 0 are required");
  const index_t d = target.options().dim;
  if (train.dim != d)
    throw std::invalid_argument("start_from_field: " + train.source + " is not " + std::to_string(d) + "D");
  copy_module(field_model, target);
  target.set_point_sources(sources);

  // Training positions at an even stride, outside the cores.
  const index_t total = train.sims * train.frames * train.particles;
  const index_t stride = std::max<index_t>(1, (total + o.max_points - 1) / o.max_points);
  std::vector<float> kept;  // (P, d)
  SourceStart r;
  for (index_t i = 0; i < total; i += stride) {
    const double* x = train.positions.data() + i * d;
    bool in_core = false;
    for (const nn::PointSource& s : sources) {
      double r2 = 0;
      for (index_t c = 0; c < d; ++c) r2 += (x[c] - s.position[std::size_t(c)]) * (x[c] - s.position[std::size_t(c)]);
      in_core = in_core || r2 < o.core * o.core;
    }
    if (in_core) {
      ++r.left_out;
      continue;
    }
    for (index_t c = 0; c < d; ++c) kept.push_back(float(x[c]));
  }
  r.points = static_cast<index_t>(kept.size()) / d;
  if (r.points == 0) throw std::invalid_argument("start_from_field: every training position is within the cores");
  Tensor<float> points(Shape{r.points, d}, kept);  // (P, d)

  // The target E_old - P at those points (P, d); the field model's network does not change.
  Tensor<float> wanted;
  {
    Tape<float> tape;
    DynamicsModel& old = const_cast<DynamicsModel&>(field_model);  // field() only reads it
    const Var<float> x = tape.constant(points);
    wanted = (old.field(tape, x) - target.point_source_field(tape, x)).to_tensor();
  }
  nn::Adam<float> adam(target.external->parameters(), {.lr = o.lr});
  for (int step = 0; step <= o.steps; ++step) {
    Tape<float> tape;
    const Var<float> E = target.external->forward(tape, tape.constant(points));  // (P, d)
    if (step == 0) r.error_before = relative_error(E.to_tensor(), wanted);
    if (step == o.steps) {
      r.error_after = relative_error(E.to_tensor(), wanted);
      break;
    }
    tape.backward(mean(square(E - tape.constant(wanted))));
    adam.step();
    adam.zero_grad();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace dg::field_discovery
