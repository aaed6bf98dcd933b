// Input checks of the physics layer (see validate.hpp).
#include "physics/validate.hpp"

#include <cmath>

namespace dg::physics {

void fail(const std::string& where, const std::string& what) { throw PhysicsError(where + ": " + what); }

void check_points(const Tensor<double>& x, const std::string& where, const char* name, index_t rows, int dim) {
  const Shape& s = x.shape();
  if (s.rank != 2) fail(where, std::string(name) + " must be (N, d), got shape " + s.str());
  if (dim >= 0 ? s[1] != dim : (s[1] != 2 && s[1] != 3))
    fail(where, std::string(name) + " must have " + (dim >= 0 ? std::to_string(dim) : std::string("2 or 3")) +
                    " columns (the dimension), got shape " + s.str());
  if (rows >= 0 && s[0] != rows)
    fail(where, std::string(name) + " must have " + std::to_string(rows) + " rows (particles), got shape " + s.str());
  const double* p = x.data();
  for (index_t i = 0; i < x.numel(); ++i)
    if (!std::isfinite(p[i]))
      fail(where, std::string(name) + " of particle " + std::to_string(i / s[1]) + " (component " +
                      std::to_string(i % s[1]) + ") is " + std::to_string(p[i]));
}

void check_per_particle(const Tensor<double>& x, index_t n, const std::string& where, const char* name, bool positive) {
  const Shape& s = x.shape();
  const bool vector_like = s.rank == 1 || (s.rank == 2 && s[1] == 1);
  if (!vector_like || x.numel() != n)
    fail(where, std::string(name) + " must hold one value per particle (" + std::to_string(n) + "), got shape " + s.str());
  for (index_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) fail(where, std::string(name) + " of particle " + std::to_string(i) + " is " + std::to_string(x[i]));
    if (positive && !(x[i] > 0))
      fail(where, std::string(name) + " of particle " + std::to_string(i) + " must be > 0, got " + std::to_string(x[i]));
  }
}

void check_finite(double x, const std::string& where, const char* name) {
  if (!std::isfinite(x)) fail(where, std::string(name) + " must be finite, got " + std::to_string(x));
}
void check_positive(double x, const std::string& where, const char* name) {
  if (!(std::isfinite(x) && x > 0)) fail(where, std::string(name) + " must be > 0, got " + std::to_string(x));
}
void check_non_negative(double x, const std::string& where, const char* name) {
  if (!(std::isfinite(x) && x >= 0)) fail(where, std::string(name) + " must be >= 0, got " + std::to_string(x));
}

void ensure_shape(Tensor<double>& out, const Shape& shape) {
  if (out.shape() == shape) return;
  if (out.numel() == shape.numel()) out.reshape(shape);
  else out = Tensor<double>(shape);
}

}  // namespace dg::physics
