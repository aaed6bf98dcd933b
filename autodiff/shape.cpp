// Shape construction, printing and numpy-style broadcasting.
#include "autodiff/shape.hpp"

#include <algorithm>

namespace dg {

Shape::Shape(std::initializer_list<index_t> d) {
  if (d.size() > 3) throw ShapeError("Shape: rank " + std::to_string(d.size()) + " > 3 is not supported");
  rank = static_cast<int>(d.size());
  int i = 0;
  for (index_t v : d) {
    if (v < 0) throw ShapeError("Shape: negative dimension " + std::to_string(v));
    dims[i++] = v;
  }
}

bool Shape::operator==(const Shape& o) const {
  return rank == o.rank && dims[0] == o.dims[0] && dims[1] == o.dims[1] && dims[2] == o.dims[2];
}

std::string Shape::str() const {
  std::string s = "(";
  for (int i = 0; i < rank; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  if (rank == 1) s += ",";
  return s + ")";
}

void throw_shape_error(const char* op, const std::string& what, const Shape& a, const Shape& b) {
  throw ShapeError(std::string(op) + ": " + what + " (shapes " + a.str() + " and " + b.str() + ")");
}

void throw_shape_error(const char* op, const std::string& what, const Shape& a) {
  throw ShapeError(std::string(op) + ": " + what + " (shape " + a.str() + ")");
}

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  if (a == b) return a;
  Shape out;
  out.rank = std::max(a.rank, b.rank);
  for (int i = 0; i < out.rank; ++i) {  // i counts from the right
    index_t da = a.from_right(i), db = b.from_right(i);
    if (da != db && da != 1 && db != 1) throw_shape_error(op, "shapes do not broadcast", a, b);
    out.dims[out.rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

void check_index(const char* op, std::span<const std::int32_t> index, index_t rows) {
  for (std::size_t e = 0; e < index.size(); ++e)
    if (index[e] < 0 || index[e] >= rows)
      throw ShapeError(std::string(op) + ": index " + std::to_string(index[e]) + " at position " + std::to_string(e) +
                       " is out of range for " + std::to_string(rows) + " rows");
}

}  // namespace dg
