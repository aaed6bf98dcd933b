// Tensor<T>: an owning dense row-major tensor (float or double) of rank 0 to 3.
// Parameters, gradients, data sets and plain-array simulation use it; the tape's nodes use
// the same layout inside the tape's arena. `matrix()` views the storage as an Eigen::Map
// (rows, cols) so that matrix products and reductions go through Eigen. A tensor on another device
// (Tensor(shape, Device::CUDA)) holds device memory: only copies (`to`, copy construction) and
// `fill` work on it; element access and `matrix()` are for the host.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "autodiff/shape.hpp"
#include "autodiff/storage.hpp"

namespace dg {

template <class T>
using MatrixMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <class T>
using ConstMatrixMap = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

template <class T>
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(const Shape& shape, Device device = Device::CPU)
      : shape_(shape), buf_(static_cast<std::size_t>(shape.numel()) * sizeof(T), device) {}
  // Shape and values (row-major); throws if the count does not match.
  Tensor(const Shape& shape, std::initializer_list<T> values) : Tensor(shape) { assign(values.begin(), values.size()); }
  Tensor(const Shape& shape, const std::vector<T>& values) : Tensor(shape) { assign(values.data(), values.size()); }

  static Tensor zeros(const Shape& shape) { Tensor t(shape); t.fill(T(0)); return t; }
  static Tensor full(const Shape& shape, T value) { Tensor t(shape); t.fill(value); return t; }

  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor& o) : Tensor(o.shape_, o.device()) { copy_from(o); }
  Tensor& operator=(const Tensor& o) {
    if (this != &o) {
      if (shape_.numel() != o.shape_.numel() || device() != o.device()) buf_ = Buffer(o.bytes(), o.device());
      shape_ = o.shape_;
      copy_from(o);
    }
    return *this;
  }

  const Shape& shape() const { return shape_; }
  index_t numel() const { return shape_.numel(); }
  index_t rows() const { return shape_.rows(); }
  index_t cols() const { return shape_.cols(); }
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * sizeof(T); }
  Device device() const { return buf_.device(); }

  T* data() { return static_cast<T*>(buf_.data()); }
  const T* data() const { return static_cast<const T*>(buf_.data()); }
  T& operator[](index_t i) { return data()[i]; }
  const T& operator[](index_t i) const { return data()[i]; }
  T& operator()(index_t r, index_t c) { return data()[r * cols() + c]; }
  const T& operator()(index_t r, index_t c) const { return data()[r * cols() + c]; }
  T item() const {
    if (numel() != 1) throw_shape_error("Tensor::item", "needs exactly one element", shape_);
    return data()[0];
  }

  MatrixMap<T> matrix() { return MatrixMap<T>(data(), rows(), cols()); }
  ConstMatrixMap<T> matrix() const { return ConstMatrixMap<T>(data(), rows(), cols()); }

  // On a device only zero is written in place; another value goes through a host copy.
  void fill(T v) {
    if (device() == Device::CPU)
      std::fill(data(), data() + numel(), v);
    else if (v == T(0))
      device_zero(device(), data(), bytes());
    else {
      std::vector<T> host(static_cast<std::size_t>(numel()), v);
      device_copy(data(), device(), host.data(), Device::CPU, bytes());
    }
  }
  // A copy on `device` (the same values).
  Tensor to(Device device) const {
    Tensor t(shape_, device);
    device_copy(t.data(), device, data(), this->device(), bytes());
    return t;
  }
  // Same storage, new shape with the same element count.
  void reshape(const Shape& s) {
    if (s.numel() != numel()) throw_shape_error("Tensor::reshape", "element count differs", shape_, s);
    shape_ = s;
  }
  std::vector<T> to_vector() const {
    if (device() == Device::CPU) return std::vector<T>(data(), data() + numel());
    std::vector<T> v(static_cast<std::size_t>(numel()));
    device_copy(v.data(), Device::CPU, data(), device(), bytes());
    return v;
  }

 private:
  void assign(const T* src, std::size_t n) {
    if (static_cast<index_t>(n) != numel())
      throw_shape_error("Tensor", std::to_string(n) + " values given for " + std::to_string(numel()) + " elements", shape_);
    std::copy(src, src + n, data());
  }
  void copy_from(const Tensor& o) {
    if (!o.numel()) return;
    if (device() == Device::CPU && o.device() == Device::CPU)
      std::memcpy(data(), o.data(), o.bytes());
    else
      device_copy(data(), device(), o.data(), o.device(), o.bytes());
  }

  Shape shape_ = Shape{0};  // a default tensor is empty (0 elements), not a scalar
  Buffer buf_;
};

}  // namespace dg
