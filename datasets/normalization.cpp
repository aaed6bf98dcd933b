// Normalisation statistics: fitting on a training split, saving and loading (see normalization.hpp).
#include "datasets/normalization.hpp"

#include <algorithm>
#include <cmath>

#include "io/error.hpp"
#include "io/json.hpp"

namespace dg::datasets {

namespace {

constexpr const char* kFormat = "dynagrad-normalization 1";

struct Stats {
  std::vector<double> shift, scale;  // (d)
};

// Per-coordinate mean and population standard deviation of x (rows of d), two passes in order.
Stats standard(const std::vector<double>& x, std::int64_t d) {
  const auto D = static_cast<std::size_t>(d);
  const double rows = static_cast<double>(x.size() / D);
  Stats s{std::vector<double>(D, 0.0), std::vector<double>(D, 0.0)};
  for (std::size_t i = 0; i < x.size(); ++i) s.shift[i % D] += x[i];
  for (double& m : s.shift) m /= rows;
  for (std::size_t i = 0; i < x.size(); ++i) s.scale[i % D] += (x[i] - s.shift[i % D]) * (x[i] - s.shift[i % D]);
  for (double& v : s.scale) v = v > 0 ? std::sqrt(v / rows) : 1.0;
  return s;
}

// One shift and scale for every coordinate, mapping [min, max] to [-1, 1].
Stats minmax(const std::vector<double>& x, std::int64_t d) {
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double shift = (*hi + *lo) / 2, half = (*hi - *lo) / 2;
  return {std::vector<double>(static_cast<std::size_t>(d), shift),
          std::vector<double>(static_cast<std::size_t>(d), half > 0 ? half : 1.0)};
}

std::vector<double> numbers(const io::Json& doc, const char* key, std::int64_t d, bool positive, const std::string& path) {
  const io::JsonArray& a = doc.at(key).as_array();
  if (static_cast<std::int64_t>(a.size()) != d)
    throw DatasetError(path + ": '" + key + "' has " + std::to_string(a.size()) + " values, expected dim = " + std::to_string(d));
  std::vector<double> out;
  for (const io::Json& v : a) {
    const double x = v.as_double();
    if (!std::isfinite(x) || (positive && !(x > 0)))
      throw DatasetError(path + ": '" + key + "' holds " + std::to_string(x) + (positive ? " (scales must be > 0)" : ""));
    out.push_back(x);
  }
  return out;
}

}  // namespace

const char* normalization_name(NormalizationKind k) {
  switch (k) {
    case NormalizationKind::None: return "none";
    case NormalizationKind::Standard: return "standard";
    case NormalizationKind::MinMax: return "minmax";
    case NormalizationKind::MaxSpeed: return "max_speed";
  }
  return "?";
}

NormalizationKind parse_normalization(const std::string& name) {
  for (auto k : {NormalizationKind::None, NormalizationKind::Standard, NormalizationKind::MinMax, NormalizationKind::MaxSpeed})
    if (name == normalization_name(k)) return k;
  throw DatasetError("unknown normalisation '" + io::printable(name, 60) + "' (none, standard, minmax, max_speed)");
}

Normalization Normalization::fit(const Trajectories& train, NormalizationKind kind) {
  Normalization n;
  n.kind = kind;
  if (kind == NormalizationKind::None) return n;
  if (train.sims == 0) throw DatasetError(train.source + ": no simulations to compute normalisation statistics from");
  const std::int64_t d = train.dim;
  Stats q, v;
  if (kind == NormalizationKind::Standard) {
    q = standard(train.positions, d);
    v = standard(train.velocities, d);
  } else if (kind == NormalizationKind::MinMax) {
    q = minmax(train.positions, d);
    v = minmax(train.velocities, d);
  } else {
    // The largest speed over every particle of every frame.
    double max2 = 0;
    for (std::size_t i = 0; i < train.velocities.size(); i += static_cast<std::size_t>(d)) {
      double s2 = 0;
      for (std::size_t k = 0; k < static_cast<std::size_t>(d); ++k) s2 += train.velocities[i + k] * train.velocities[i + k];
      max2 = std::max(max2, s2);
    }
    const double speed = max2 > 0 ? std::sqrt(max2) : 1.0;
    q = v = {std::vector<double>(static_cast<std::size_t>(d), 0.0), std::vector<double>(static_cast<std::size_t>(d), speed)};
  }
  n.position_shift = q.shift;
  n.position_scale = q.scale;
  n.velocity_shift = v.shift;
  n.velocity_scale = v.scale;
  return n;
}

void Normalization::save(const std::string& path) const {
  io::write_json(path, io::Json::object({{"format", kFormat},
                                         {"kind", normalization_name(kind)},
                                         {"dim", static_cast<std::int64_t>(position_shift.size())},
                                         {"position_shift", position_shift},
                                         {"position_scale", position_scale},
                                         {"velocity_shift", velocity_shift},
                                         {"velocity_scale", velocity_scale}}));
}

Normalization Normalization::load(const std::string& path) {
  try {
    const io::Json doc = io::read_json(path);
    if (!doc.contains("format") || doc.at("format").kind() != io::Json::Kind::String || doc.at("format").as_string() != kFormat)
      throw DatasetError(path + ": not a dynagrad normalisation file (\"format\" must be \"" + kFormat + "\")");
    Normalization n;
    n.kind = parse_normalization(doc.at("kind").as_string());
    const std::int64_t d = doc.at("dim").as_int();
    if (d < 0 || d > 1000) throw DatasetError(path + ": dim " + std::to_string(d) + " out of range");
    n.position_shift = numbers(doc, "position_shift", d, false, path);
    n.position_scale = numbers(doc, "position_scale", d, true, path);
    n.velocity_shift = numbers(doc, "velocity_shift", d, false, path);
    n.velocity_scale = numbers(doc, "velocity_scale", d, true, path);
    return n;
  } catch (const io::IoError& e) {
    const std::string what = e.what();
    throw DatasetError(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}

void Normalization::require_dim(std::int64_t d, const std::string& where) const {
  if (enabled() && static_cast<std::int64_t>(position_shift.size()) != d)
    throw DatasetError(where + ": normalisation statistics are for dim " + std::to_string(position_shift.size()) +
                       ", the data have dim " + std::to_string(d));
}

}  // namespace dg::datasets
