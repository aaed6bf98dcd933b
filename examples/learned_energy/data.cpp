// The springs-and-tethers system and its sampled forces (data.hpp).
#include "examples/learned_energy/data.hpp"

#include <algorithm>
#include <cmath>

#include "physics/pair_forces.hpp"

namespace dg::learned_energy {

namespace ig = dg::integrators;

namespace {

// The corners of the unit square about the origin: the tether sites, and the rest shape.
constexpr double kCorner[kN][kD] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};

// U = k |x_i - site_i|^2 / 2: each particle tied to its corner, so that the cluster neither
// drifts nor turns and the models can take absolute positions as input.
class Tethers final : public physics::Force {
 public:
  explicit Tethers(double k) : k_(k) {}
  void add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const override {
    for (index_t i = 0; i < kN; ++i)
      for (index_t c = 0; c < kD; ++c) F(i, c) -= k_ * (q(i, c) - kCorner[i][c]);
  }
  double potential_energy(const Tensor<double>& q, double) const override {
    double u = 0;
    for (index_t i = 0; i < kN; ++i)
      for (index_t c = 0; c < kD; ++c) u += 0.5 * k_ * (q(i, c) - kCorner[i][c]) * (q(i, c) - kCorner[i][c]);
    return u;
  }
  index_t num_particles() const override { return kN; }
  const char* name() const override { return "Tethers"; }

 private:
  double k_;
};

}  // namespace

physics::ForceModel true_system() {
  Tensor<double> K(Shape{kN, kN}), L(Shape{kN, kN});
  for (index_t i = 0; i < kN; ++i)
    for (index_t j = 0; j < kN; ++j) {
      K(i, j) = i == j ? 0.0 : 1.0;
      L(i, j) = std::hypot(kCorner[i][0] - kCorner[j][0], kCorner[i][1] - kCorner[j][1]);
    }
  physics::ForceModel model(Tensor<double>(Shape{kN}, std::vector<double>(kN, 1.0)));
  model.add(physics::Springs(K, {.rest_length = L})).add(Tethers(0.5));
  return model;
}

ig::State<Tensor<double>> random_start(Philox& rng, double kT) {
  Tensor<double> q(Shape{kN, kD}), v(Shape{kN, kD});
  for (index_t i = 0; i < kN; ++i)
    for (index_t c = 0; c < kD; ++c) {
      q(i, c) = kCorner[i][c] + 0.1 * rng.normal();
      v(i, c) = std::sqrt(kT) * rng.normal();
    }
  return ig::make_state(std::move(q), std::move(v));
}

ForceData sample_forces(const physics::ForceModel& system, Philox& rng, int trajectories, int steps, int every,
                        double dt, double kT) {
  const index_t per_run = steps / every, m = per_run * trajectories;
  ForceData d{Tensor<double>(Shape{m, kDof}), Tensor<double>(Shape{m, kDof})};
  index_t row = 0;
  for (int k = 0; k < trajectories; ++k) {
    auto s = random_start(rng, kT);
    ig::Workspace<Tensor<double>> ws;
    const ig::VelocityVerlet scheme{.dt = dt};
    ig::init(scheme, s, system, ws);
    ig::run(scheme, s, system, ig::OpenBoundary{}, ws, per_run * every, [&](const ig::State<Tensor<double>>& now) {
      if (now.step % every != 0) return;
      std::copy(now.q.data(), now.q.data() + kDof, d.x.data() + row * kDof);
      std::copy(now.a.data(), now.a.data() + kDof, d.f.data() + row * kDof);  // unit masses: a = F
      ++row;
    });
  }
  return d;
}

}  // namespace dg::learned_energy
