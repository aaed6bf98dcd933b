// The figure-eight orbit and the Plummer sphere (data.hpp).
#include "examples/nbody_orbits/data.hpp"

#include <cmath>
#include <numbers>

#include "autodiff/random.hpp"
#include "physics/diagnostics.hpp"
#include "physics/pair_forces.hpp"

namespace dg::nbody_orbits {

double System::energy(const Tensor<double>& q, const Tensor<double>& v) const {
  return model.potential_energy(q) + physics::kinetic_energy(v, mass);
}

System figure_eight() {
  Tensor<double> m(Shape{3}, {1.0, 1.0, 1.0});
  Tensor<double> q(Shape{3, 2}, {-0.97000436, 0.24308753, 0.97000436, -0.24308753, 0.0, 0.0});
  const double vx = -0.93240737, vy = -0.86473146;
  Tensor<double> v(Shape{3, 2}, {-vx / 2, -vy / 2, -vx / 2, -vy / 2, vx, vy});
  physics::ForceModel model(m);
  model.add(physics::Gravity(m, {.G = 1, .softening = 0, .boundary = {}}));
  return {model, m, q, v};
}

System plummer(index_t n, double softening, std::uint64_t seed) {
  Philox rng(seed, 5);
  const double a = 3 * std::numbers::pi / 16;
  Tensor<double> m(Shape{n}, std::vector<double>(static_cast<std::size_t>(n), 1.0 / double(n)));
  Tensor<double> q(Shape{n, 3}), v(Shape{n, 3});
  auto isotropic = [&](double len, Tensor<double>& x, index_t i) {
    const double z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * std::numbers::pi), s = std::sqrt(1 - z * z);
    x(i, 0) = len * s * std::cos(phi), x(i, 1) = len * s * std::sin(phi), x(i, 2) = len * z;
  };
  for (index_t i = 0; i < n; ++i) {
    double r = 0;
    do r = a / std::sqrt(std::pow(rng.uniform01(), -2.0 / 3.0) - 1);
    while (r > 10 * a);
    isotropic(r, q, i);
    double x = 0, y = 1;
    while (y > x * x * std::pow(1 - x * x, 3.5)) x = rng.uniform01(), y = 0.1 * rng.uniform01();
    isotropic(x * std::sqrt(2.0) * std::pow(r * r + a * a, -0.25), v, i);
  }
  const Tensor<double> com = physics::center_of_mass(q, m);
  for (index_t i = 0; i < n; ++i)
    for (index_t c = 0; c < 3; ++c) q(i, c) -= com[c];
  physics::remove_center_of_mass_velocity(v, m);
  physics::ForceModel model(m);
  model.add(physics::Gravity(m, {.G = 1, .softening = softening, .boundary = {}}));
  return {model, m, q, v};
}

}  // namespace dg::nbody_orbits
