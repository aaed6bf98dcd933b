// Reading and checking split files (see trajectories.hpp).
#include "datasets/trajectories.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "datasets/error.hpp"
#include "datasets/generate.hpp"
#include "io/error.hpp"

namespace dg::datasets {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& array, const std::string& what) {
  throw DatasetError(where + ": array '" + array + "': " + what);
}

// The values of a float32/float64 array as doubles; other dtypes are refused.
std::vector<double> floats(const io::Array& a, const std::string& where, const std::string& name) {
  if (a.dtype() != io::DType::Float64 && a.dtype() != io::DType::Float32)
    fail(where, name, std::string("must be float32 or float64, got ") + io::dtype_name(a.dtype()));
  return a.to_vector<double>();
}

// The first non-finite value of x (S, F, N, d) is named by its place.
void require_finite_frames(const std::vector<double>& x, const Trajectories& t, const std::string& where,
                           const std::string& name) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i])) continue;
    const std::int64_t k = static_cast<std::int64_t>(i);
    const std::int64_t c = k % t.dim, n = k / t.dim % t.particles, f = k / (t.dim * t.particles) % t.frames,
                       s = k / (t.dim * t.particles * t.frames);
    std::ostringstream os;
    os << "non-finite value " << x[i] << " at simulation " << s << ", frame " << f << ", particle " << n
       << ", component " << c;
    fail(where, name, os.str());
  }
}

// Every value of a float array kept in `others` must be finite; the first that is not is named by
// its index and the array's shape (for an (S, ...) extra the first index is the simulation).
void require_finite_values(const io::Array& a, const std::string& where,
                           const std::string& name) {
  if (a.dtype() != io::DType::Float64 && a.dtype() != io::DType::Float32) return;
  const std::vector<double> x = a.to_vector<double>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i])) continue;
    // The multi-index of element i in C order.
    const auto& shape = a.shape();
    std::vector<std::int64_t> index(shape.size());
    std::int64_t rest = static_cast<std::int64_t>(i);
    for (std::size_t k = shape.size(); k-- > 0;) {
      index[k] = rest % shape[k];
      rest /= shape[k];
    }
    std::ostringstream os;
    os << "non-finite value " << x[i] << " at index " << io::shape_string(index) << " of shape "
       << io::shape_string(shape);
    fail(where, name, os.str());
  }
}

// An optional (S, N) per-particle array; empty when absent.
std::vector<double> per_particle(const io::NamedArrays& arrays, const char* name, const Trajectories& t,
                                 const std::string& where, bool positive) {
  for (const auto& [key, a] : arrays) {
    if (key != name) continue;
    if (a.shape() != std::vector<std::int64_t>{t.sims, t.particles})
      fail(where, name, "shape " + io::shape_string(a.shape()) + " should be (S, N) = " +
                            io::shape_string({t.sims, t.particles}));
    std::vector<double> v = floats(a, where, name);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i]) || (positive && !(v[i] > 0)))
        fail(where, name, "value " + std::to_string(v[i]) + " of simulation " + std::to_string(i / t.particles) +
                              ", particle " + std::to_string(i % t.particles) +
                              (positive ? " must be finite and > 0" : " must be finite"));
    return v;
  }
  return {};
}

// The array `name`, or a DatasetError naming the file and the arrays it has.
const io::Array& require(const io::NamedArrays& arrays, const std::string& name, const std::string& where) {
  try {
    return io::find(arrays, name, where);
  } catch (const io::IoError& e) {
    throw DatasetError(e.what());
  }
}

}  // namespace

Trajectories trajectories_from_arrays(io::NamedArrays arrays, const std::string& where) {
  Trajectories t;
  t.source = where;
  const io::Array& q = require(arrays, "positions", where);
  const io::Array& v = require(arrays, "velocities", where);
  if (q.shape().size() != 4) fail(where, "positions", "must have rank 4 (S, F, N, d), got shape " + io::shape_string(q.shape()));
  if (v.shape() != q.shape())
    fail(where, "velocities", "shape " + io::shape_string(v.shape()) + " differs from positions " + io::shape_string(q.shape()));
  t.sims = q.shape()[0];
  t.frames = q.shape()[1];
  t.particles = q.shape()[2];
  t.dim = q.shape()[3];
  if (t.frames < 1 || t.particles < 1 || t.dim < 1)
    fail(where, "positions", "needs at least one frame, particle and dimension, got shape " + io::shape_string(q.shape()));
  t.positions = floats(q, where, "positions");
  t.velocities = floats(v, where, "velocities");
  require_finite_frames(t.positions, t, where, "positions");
  require_finite_frames(t.velocities, t, where, "velocities");
  t.masses = per_particle(arrays, "masses", t, where, true);
  t.charges = per_particle(arrays, "charges", t, where, false);

  // Everything else is kept; dt_frame is checked when present.
  for (auto& [name, a] : arrays) {
    if (name == "positions" || name == "velocities" || name == "masses" || name == "charges") continue;
    if (name == "dt_frame") {
      if (a.numel() != 1) fail(where, name, "must be a scalar, got shape " + io::shape_string(a.shape()));
      t.dt_frame = floats(a, where, name)[0];
      if (!std::isfinite(t.dt_frame) || !(t.dt_frame > 0)) fail(where, name, "must be finite and > 0");
    }
    require_finite_values(a, where, name);
    t.others.emplace_back(name, std::move(a));
  }
  return t;
}

namespace {

// A split written by generate_dataset carries params_digest; when params.json sits beside it, both
// must describe the same parameters (else the folder mixes two data sets).
void check_against_params_file(const Trajectories& t, const std::string& path) {
  const io::Array* digest = nullptr;
  for (const auto& [name, a] : t.others)
    if (name == "params_digest") digest = &a;
  if (!digest) return;  // a user's file, or one written before digests existed
  if (digest->dtype() != io::DType::Int64 || digest->numel() != 1)
    fail(path, "params_digest", "must be an int64 scalar, got " + std::string(io::dtype_name(digest->dtype())) + " " +
                                    io::shape_string(digest->shape()));
  const std::string params = params_path(std::filesystem::path(path).parent_path().string());
  std::error_code ec;
  if (!std::filesystem::exists(params, ec)) return;
  const ParamsFile f = read_params_file(params);
  const std::int64_t want = params_digest(*f.generator, f.params), have = digest->as<std::int64_t>()[0];
  if (have != want)
    throw DatasetError(path + ": generated with other parameters than " + params + " (params_digest " +
                       std::to_string(have) + ", params.json gives " + std::to_string(want) +
                       "): the folder mixes two data sets, e.g. after an interrupted regeneration; generate it again");
}

}  // namespace

Trajectories load_trajectories(const std::string& path) {
  try {
    Trajectories t = trajectories_from_arrays(io::read_npz(path), path);
    check_against_params_file(t, path);
    return t;
  } catch (const io::IoError& e) {
    throw DatasetError(e.what());
  }
}

Trajectories select_simulations(const Trajectories& t, std::int64_t first, std::int64_t last) {
  if (first < 0 || last < first || last > t.sims)
    throw DatasetError(t.source + ": simulations [" + std::to_string(first) + ", " + std::to_string(last) +
                       ") asked for, the split has " + std::to_string(t.sims));
  Trajectories out;
  out.source = t.source + " (simulations " + std::to_string(first) + " to " + std::to_string(last - 1) + ")";
  out.sims = last - first;
  out.frames = t.frames;
  out.particles = t.particles;
  out.dim = t.dim;
  out.dt_frame = t.dt_frame;
  const auto block = [&](const std::vector<double>& x, std::int64_t per_sim, std::vector<double>& y) {
    if (x.empty()) return;
    y.assign(x.begin() + first * per_sim, x.begin() + last * per_sim);
  };
  block(t.positions, t.frames * t.particles * t.dim, out.positions);
  block(t.velocities, t.frames * t.particles * t.dim, out.velocities);
  block(t.masses, t.particles, out.masses);
  block(t.charges, t.particles, out.charges);
  return out;
}

}  // namespace dg::datasets
