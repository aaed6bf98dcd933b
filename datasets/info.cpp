// Summaries of data-set files (see info.hpp).
#include "datasets/info.hpp"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>

#include "datasets/generate.hpp"
#include "io/json.hpp"

namespace dg::datasets {

namespace {

// min, max and the number of non-finite values, over values converted to double.
struct Range {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::int64_t non_finite = 0;
};

template <class T>
Range range_of(const io::Array& a) {
  Range r;
  for (const T x : a.as<T>()) {
    const double v = static_cast<double>(x);
    if (!std::isfinite(v)) {
      ++r.non_finite;
      continue;
    }
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  }
  return r;
}

Range range(const io::Array& a) {
  switch (a.dtype()) {
    case io::DType::Float32: return range_of<float>(a);
    case io::DType::Float64: return range_of<double>(a);
    case io::DType::Int32: return range_of<std::int32_t>(a);
    case io::DType::Int64: return range_of<std::int64_t>(a);
  }
  return {};
}

}  // namespace

std::string describe_arrays(const io::NamedArrays& arrays) {
  std::size_t name_width = 4;
  for (const auto& [name, a] : arrays) name_width = std::max(name_width, name.size());
  std::ostringstream os;
  for (const auto& [name, a] : arrays) {
    os << "  " << std::left << std::setw(static_cast<int>(name_width)) << name << "  " << std::setw(7)
       << io::dtype_name(a.dtype()) << "  " << std::setw(20) << io::shape_string(a.shape());
    const Range r = range(a);
    if (r.min <= r.max) os << "  min " << std::setprecision(6) << r.min << "  max " << r.max;
    if (r.non_finite > 0) os << "  (" << r.non_finite << " NaN/Inf)";
    os << "\n";
  }
  return os.str();
}

std::string describe_file(const std::string& path) {
  const bool npy = std::filesystem::path(path).extension() == ".npy";
  io::NamedArrays arrays;
  if (npy)
    arrays.emplace_back(std::filesystem::path(path).stem().string(), io::read_npy(path));
  else
    arrays = io::read_npz(path);
  std::ostringstream os;
  os << path << ": " << arrays.size() << (arrays.size() == 1 ? " array\n" : " arrays\n") << describe_arrays(arrays);

  // The data set's parameters, when the file sits in a data-set folder.
  const std::string params = params_path(std::filesystem::path(path).parent_path().string());
  if (std::filesystem::exists(params)) os << "parameters (" << params << "):\n" << io::to_json(io::read_json(params)) << "\n";
  return os.str();
}

}  // namespace dg::datasets
