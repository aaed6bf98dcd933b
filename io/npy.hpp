// .npy / .npz arrays: the n-d array type `Array` and numpy's file formats.
// An Array is what one .npy file holds: a dtype (float32, float64, int32, int64), a shape and the
// values in C order, little-endian. Files:
//   .npy: format versions 1.0 and 2.0 are read; 1.0 is written (2.0 when the header needs it),
//         byte-identical to numpy.save for the same array. Besides the four dtypes above, files
//         as numpy users write them are read and converted exactly: big-endian numbers (to the
//         same type), float16 (-> float32), bool, int8, int16, uint8, uint16 (-> int32), uint32,
//         uint64 (-> int64; a uint64 above 2^63 - 1 is an error), and Fortran order (-> C order).
//         Object, complex, string and structured arrays are refused with a clear IoError.
//   .npz: a zip of .npy entries, stored (numpy.savez) or deflated (numpy.savez_compressed); see
//         zip.hpp. Written uncompressed, as numpy.savez writes it.
// Every reader is safe on arbitrary bytes: a malformed file gives an IoError naming the file, the
// array and the problem, never a crash. Allocations are bounded by the input: at most 4x its size
// for a .npy (int8 -> int32) and, for deflated entries, by deflate's largest ratio (kMaxInflateRatio).
// read_npy / read_npz map the file (no copy of the whole file in memory) and check the header and
// the declared sizes before touching the data; a FIFO or other non-regular file is refused at once.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "io/error.hpp"

namespace dg::io {

enum class DType : std::uint8_t { Float32, Float64, Int32, Int64 };

const char* dtype_name(DType);     // "float32", "float64", "int32", "int64"
std::size_t dtype_size(DType);     // bytes per element

template <class T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::Float32;
  else if constexpr (std::is_same_v<T, double>) return DType::Float64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return DType::Int32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return DType::Int64;
  else static_assert(sizeof(T) == 0, "dg::io arrays hold float, double, int32_t or int64_t");
}

// "(3, 4)", "(5,)", "()" as Python prints a shape tuple.
std::string shape_string(const std::vector<std::int64_t>& shape);
// Product of the dimensions; IoError (prefixed by `where`) for a negative dimension or a byte
// count of numel * item_size that would overflow.
std::int64_t checked_numel(const std::vector<std::int64_t>& shape, std::size_t item_size, const std::string& where);

class Array {
 public:
  Array() = default;
  Array(DType dtype, std::vector<std::int64_t> shape);  // zero-filled

  template <class T>
  static Array from(std::vector<std::int64_t> shape, const T* data) {
    Array a(dtype_of<T>(), std::move(shape));
    if (a.bytes() > 0) std::memcpy(a.raw(), data, a.bytes());
    return a;
  }
  template <class T>
  static Array from(std::vector<std::int64_t> shape, const std::vector<T>& data) {
    Array a(dtype_of<T>(), std::move(shape));
    if (data.size() != static_cast<std::size_t>(a.numel()))
      throw_count_mismatch(data.size(), a.shape());
    if (a.bytes() > 0) std::memcpy(a.raw(), data.data(), a.bytes());
    return a;
  }

  DType dtype() const { return dtype_; }
  const std::vector<std::int64_t>& shape() const { return shape_; }
  std::int64_t numel() const { return numel_; }
  std::size_t bytes() const { return static_cast<std::size_t>(numel_) * dtype_size(dtype_); }
  const std::byte* raw() const { return reinterpret_cast<const std::byte*>(words_.data()); }
  std::byte* raw() { return reinterpret_cast<std::byte*>(words_.data()); }

  // The values as T; IoError naming both dtypes if T is not the stored dtype.
  template <class T>
  std::span<const T> as() const {
    check_dtype(dtype_of<T>());
    return {reinterpret_cast<const T*>(words_.data()), static_cast<std::size_t>(numel_)};
  }
  template <class T>
  std::span<T> as() {
    check_dtype(dtype_of<T>());
    return {reinterpret_cast<T*>(words_.data()), static_cast<std::size_t>(numel_)};
  }

  // The values converted to T from any stored dtype. Checked: a conversion to an integer type
  // needs finite, integral, in-range values; integer -> floating needs the value to be exactly
  // representable; float64 -> float32 rounds but refuses finite values beyond float's range.
  template <class T>
  std::vector<T> to_vector() const;

  // Same dtype, shape and bits.
  friend bool operator==(const Array& a, const Array& b) {
    return a.dtype_ == b.dtype_ && a.shape_ == b.shape_ &&
           (a.bytes() == 0 || std::memcmp(a.raw(), b.raw(), a.bytes()) == 0);
  }

 private:
  void check_dtype(DType wanted) const;
  // Error helpers kept out of line (short template code, messages built in npy.cpp).
  [[noreturn]] static void throw_count_mismatch(std::size_t given, const std::vector<std::int64_t>& shape);
  [[noreturn]] static void throw_not_representable(DType to, DType from, std::size_t index, const std::string& value);
  template <class T, class S>
  void convert_into(std::vector<T>& out) const;

  DType dtype_ = DType::Float64;
  std::vector<std::int64_t> shape_{0};  // default: 1-d and empty; {} is a 0-d array (one element)
  std::int64_t numel_ = 0;
  std::vector<std::uint64_t> words_;  // storage, 8-byte aligned for every element type
};

// .npy bytes <-> Array. `where` prefixes every error message (a file name, "file.npz: array 'x'").
Array parse_npy(std::span<const std::byte> bytes, const std::string& where);
std::vector<std::byte> serialize_npy(const Array&);
Array read_npy(const std::string& path);
void write_npy(const std::string& path, const Array&);  // atomic

// .npz: arrays by name, in file order (names without ".npy").
using NamedArrays = std::vector<std::pair<std::string, Array>>;
NamedArrays read_npz(const std::string& path);
NamedArrays read_npz_bytes(std::span<const std::byte> bytes, const std::string& where);
// Stored zip; ZIP64 records are written when an entry or the archive passes the 4 GiB / 65535
// entry limits of plain zip (or always, with force_zip64, for tests).
std::vector<std::byte> serialize_npz(const NamedArrays& arrays, bool force_zip64 = false);
void write_npz(const std::string& path, const NamedArrays& arrays);  // atomic
// The array called `name`; IoError "<where>: no array 'name' (arrays: a, b, c)" if missing.
const Array& find(const NamedArrays&, const std::string& name, const std::string& where);

// ---- implementation of the checked conversion ------------------------------------------------

template <class T, class S>
void Array::convert_into(std::vector<T>& out) const {
  const S* src = reinterpret_cast<const S*>(words_.data());
  out.resize(static_cast<std::size_t>(numel_));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const S v = src[i];
    bool ok = true;
    if constexpr (std::is_same_v<T, S>) {
      // identical type: a plain copy
    } else if constexpr (std::is_integral_v<T> && std::is_integral_v<S>) {
      ok = std::in_range<T>(v);
    } else if constexpr (std::is_integral_v<T>) {
      // floating -> integer: 2^63 is exact in float and double, so the bounds compare exactly.
      const S lo = -std::ldexp(S(1), std::numeric_limits<T>::digits);
      ok = std::isfinite(v) && v == std::trunc(v) && v >= lo && v < -lo;
    } else if constexpr (std::is_integral_v<S>) {
      // integer -> floating: exact only if converting back gives the same integer.
      const T f = static_cast<T>(v);
      ok = f < std::ldexp(T(1), std::numeric_limits<S>::digits) && static_cast<S>(f) == v;
    } else {
      // float <-> double: rounding is fine, overflow to infinity is not.
      ok = !std::isfinite(v) || std::isfinite(static_cast<T>(v));
    }
    if (!ok)
      throw_not_representable(dtype_of<T>(), dtype_, i, std::to_string(v));
    out[i] = static_cast<T>(v);
  }
}

template <class T>
std::vector<T> Array::to_vector() const {
  std::vector<T> out;
  switch (dtype_) {
    case DType::Float32: convert_into<T, float>(out); break;
    case DType::Float64: convert_into<T, double>(out); break;
    case DType::Int32: convert_into<T, std::int32_t>(out); break;
    case DType::Int64: convert_into<T, std::int64_t>(out); break;
  }
  return out;
}

}  // namespace dg::io
