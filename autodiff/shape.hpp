// Shape of a dense row-major tensor of rank 0 to 3, and the shape errors every op throws.
//
// Most ops see a tensor as a matrix (rows, cols): rank 0 is (1, 1), rank 1 (n) is a row (1, n),
// rank 2 (r, c) is itself and rank 3 (a, b, c) is (a * b, c). Broadcasting follows numpy: shapes
// are aligned on their trailing dimensions and a dimension of 1 stretches to match the other.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <span>
#include <string>

namespace dg {

using index_t = std::int64_t;

struct Shape {
  int rank = 0;
  index_t dims[3] = {1, 1, 1};  // only the first `rank` are meaningful; the rest are 1

  Shape() = default;
  Shape(std::initializer_list<index_t> d);
  static Shape scalar() { return Shape(); }
  static Shape vector(index_t n) { return Shape{n}; }
  static Shape matrix(index_t r, index_t c) { return Shape{r, c}; }

  index_t operator[](int i) const { return dims[i]; }
  index_t numel() const { return dims[0] * dims[1] * dims[2]; }
  // Matrix view (see the header comment).
  index_t rows() const { return rank <= 1 ? 1 : (rank == 2 ? dims[0] : dims[0] * dims[1]); }
  index_t cols() const { return rank == 0 ? 1 : dims[rank - 1]; }
  // Dimension i counted from the right (0 = last); 1 beyond the rank.
  index_t from_right(int i) const { return i < rank ? dims[rank - 1 - i] : 1; }

  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "(3, 4)", "()" for a scalar
};

// Thrown for every bad shape, index or parameter given to an op; the message names the op.
struct ShapeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// "op: what (shapes a and b)".
[[noreturn]] void throw_shape_error(const char* op, const std::string& what, const Shape& a, const Shape& b);
[[noreturn]] void throw_shape_error(const char* op, const std::string& what, const Shape& a);
// Throws ShapeError unless every index names a row of a (rows, C) tensor.
void check_index(const char* op, std::span<const std::int32_t> index, index_t rows);

// The numpy broadcast of a and b; throws naming `op` when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

}  // namespace dg
