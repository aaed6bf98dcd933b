// Fields of fixed point charges and point masses (see point_sources.hpp).
#include "physics/point_sources.hpp"

#include <cmath>
#include <mutex>

#include "autodiff/message.hpp"
#include "autodiff/parallel.hpp"
#include "physics/pair_kernels.hpp"
#include "physics/validate.hpp"

namespace dg::physics {

PointSources::PointSources(const char* name, Tensor<double> sources, Tensor<double> c, Tensor<double> coupling,
                           double strength, double softening, bool is_mass)
    : name_(name), sources_(std::move(sources)), c_(std::move(c)), coupling_(std::move(coupling)), strength_(strength),
      eps2_(softening * softening) {
  check_points(sources_, name, "source positions");
  check_per_particle(c_, sources_.rows(), name, is_mass ? "source mass" : "source charge", is_mass);
  check_per_particle(coupling_, coupling_.numel(), name, is_mass ? "particle mass" : "particle charge", is_mass);
  check_finite(strength, name, is_mass ? "G" : "k");
  check_non_negative(softening, name, "softening");
}

PointSources PointSources::charges(Tensor<double> sources, Tensor<double> source_charges, Tensor<double> particle_charges,
                                   double k, double softening) {
  return PointSources("PointSources (charges)", std::move(sources), std::move(source_charges), std::move(particle_charges),
                      k, softening, false);
}

PointSources PointSources::masses(Tensor<double> sources, Tensor<double> source_masses, Tensor<double> particle_masses,
                                  double G, double softening) {
  check_non_negative(G, "PointSources (masses)", "G");
  return PointSources("PointSources (masses)", std::move(sources), std::move(source_masses), std::move(particle_masses),
                      -G, softening, true);
}

namespace {

// out (P, D) += scale_p * strength sum_s c_s (x_p - x_s) / (r^2 + eps^2)^(3/2), parallel over
// fixed chunks of points, each summing the sources in order. Returns the first (point, source)
// at distance zero when eps = 0.
template <int D>
detail::Coincidence source_field(const double* x, index_t P, const double* xs, const double* c, index_t S,
                                 double strength, double eps2, const double* scale, double* out) {
  detail::Coincidence bad;
  std::mutex lock;
  parallel_chunks(P, detail::kTargetGrain, P * S * detail::kPairCost, [&](index_t, index_t begin, index_t end) {
    detail::Coincidence local;
    for (index_t p = begin; p < end; ++p) {
      double e[D] = {};
      for (index_t s = 0; s < S; ++s) {
        double dx[D];
        const double r2 = detail::displacement<D>(detail::OpenMetric{}, x + p * D, xs + s * D, dx);
        if (eps2 == 0.0 && r2 == 0.0 && !local.found()) local.i = p, local.j = s;
        const double u = r2 + eps2;
        const double w = c[s] / (u * std::sqrt(u));
        for (int k = 0; k < D; ++k) e[k] += w * dx[k];
      }
      const double a = strength * (scale ? scale[p] : 1.0);
      for (int k = 0; k < D; ++k) out[p * D + k] += a * e[k];
    }
    if (local.found()) {
      std::lock_guard<std::mutex> g(lock);
      if (!bad.found() || local.i < bad.i) bad = local;
    }
  });
  return bad;
}

}  // namespace

void PointSources::accumulate(const Tensor<double>& points, const double* scale, Tensor<double>& out, const char* where,
                              const char* point_name) const {
  const int d = static_cast<int>(sources_.cols());
  const detail::Coincidence bad =
      d == 2 ? source_field<2>(points.data(), points.rows(), sources_.data(), c_.data(), sources_.rows(), strength_, eps2_,
                               scale, out.data())
             : source_field<3>(points.data(), points.rows(), sources_.data(), c_.data(), sources_.rows(), strength_, eps2_,
                               scale, out.data());
  if (bad.found()) {
    Message os;
    os << point_name << " " << bad.i << " coincides with source " << bad.j << " (at (";
    for (int k = 0; k < d; ++k) os << (k ? ", " : "") << sources_(bad.j, k);
    os << ")) and the softening is 0: the field is infinite there";
    fail(where, os.str());
  }
}

void PointSources::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  check_points(q, name_, "positions q", num_particles(), static_cast<int>(sources_.cols()));
  if (F.shape() != q.shape()) fail(name_, "force array " + F.shape().str() + " does not match positions " + q.shape().str());
  accumulate(q, coupling_.data(), F, name_, "particle");
}

void PointSources::field_at(const Tensor<double>& points, Tensor<double>& out) const {
  const std::string where = std::string(name_) + "::field_at";
  check_points(points, where, "points", -1, static_cast<int>(sources_.cols()));
  ensure_shape(out, points.shape());
  out.fill(0.0);
  accumulate(points, nullptr, out, where.c_str(), "point");
}

double PointSources::potential_energy(const Tensor<double>& q, double) const {
  const std::string where = std::string(name_) + "::potential_energy";
  check_points(q, where, "positions q", num_particles(), static_cast<int>(sources_.cols()));
  const index_t d = q.cols();
  double total = 0;
  for (index_t i = 0; i < q.rows(); ++i) {
    double row = 0;
    for (index_t s = 0; s < sources_.rows(); ++s) {
      double r2 = 0;
      for (index_t k = 0; k < d; ++k) r2 += (q(i, k) - sources_(s, k)) * (q(i, k) - sources_(s, k));
      if (eps2_ == 0.0 && r2 == 0.0)
        fail(where, "particle " + std::to_string(i) + " coincides with source " + std::to_string(s) +
                        " and the softening is 0: the energy is infinite");
      row += c_[s] / std::sqrt(r2 + eps2_);
    }
    total += strength_ * coupling_[i] * row;
  }
  return total;
}

}  // namespace dg::physics
