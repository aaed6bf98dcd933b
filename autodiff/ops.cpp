// Forward of every op: check shapes, append the node, run the kernel: the CPU's, or on a device
// tape its backend's (autodiff/device_backend.hpp). The backward of each op is one case in
// autodiff/backward.cpp (numeric; autodiff/backward_device.cpp on a device) and one in
// autodiff/backward_graph.cpp (as ops).
#include "autodiff/ops.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "autodiff/device_backend.hpp"
#include "autodiff/kernels/broadcast.hpp"
#include "autodiff/kernels/matmul.hpp"
#include "autodiff/kernels/rows.hpp"
#include "autodiff/kernels/unary_vector.hpp"

namespace dg {

namespace {

template <class T>
Tape<T>& tape_of(const char* op, Var<T> a) {
  if (!a.tape) throw std::invalid_argument(std::string(op) + ": empty Var (not on any tape)");
  return *a.tape;
}

template <class T>
Tape<T>& tape_of(const char* op, Var<T> a, Var<T> b) {
  Tape<T>& t = tape_of(op, a);
  if (b.tape != &t) throw std::invalid_argument(std::string(op) + ": inputs are on different tapes");
  return t;
}

void require_rank2(const char* op, const Shape& s) {
  if (s.rank != 2) throw_shape_error(op, "needs a rank-2 tensor", s);
}

void require_axis(const char* op, int axis) {
  if (axis != 0 && axis != 1) throw ShapeError(std::string(op) + ": axis must be 0 or 1, got " + std::to_string(axis));
}

// Work estimate of one transcendental evaluation, in simple flops.
constexpr index_t kTranscendentalCost = 8;

template <class T, class F>
Var<T> binary(Op op, Var<T> a, Var<T> b, F f) {
  Tape<T>& t = tape_of(op_name(op), a, b);
  const Shape sa = a.shape(), sb = b.shape();
  const Shape sy = broadcast_shapes(op_name(op), sa, sb);
  Var<T> y = t.make_node(op, sy, {a, b});
  if (const DeviceBackend<T>* d = t.backend())
    d->binary_forward(op, t.node(y.id).value, a.data(), b.data(), sy, sa, sb);
  else
    kernels::broadcast_binary(t.node(y.id).value, a.data(), b.data(), sy, sa, sb, f);
  t.finish(y);
  return y;
}

template <class T>
Var<T> unary(Op op, Var<T> x, Attributes at = {}) {
  Tape<T>& t = tape_of(op_name(op), x);
  const Shape s = x.shape();
  Var<T> y = t.make_node(op, s, {x});
  Node<T>& n = t.node(y.id);
  n.attr = at;
  if (op == Op::Mask || op == Op::Sign) n.flags = 0;  // piecewise constant: no gradient flows
  const T* px = x.data();
  T* py = n.value;
  const index_t N = s.numel();
  if (const DeviceBackend<T>* d = t.backend()) {
    d->unary_forward(op, py, px, N, at);
    t.finish(y);
    return y;
  }
  kernels::dispatch_unary(op, [&]<Op o>() {
    parallel_for(N, N * kTranscendentalCost, [&](index_t lo, index_t hi) {
      kernels::unary_forward_range<o>(py + lo, px + lo, hi - lo, at);
    });
  });
  t.finish(y);
  return y;
}

}  // namespace

// ---- elementwise -----------------------------------------------------------------------------
template <class T> Var<T> add(Var<T> a, Var<T> b) { return binary(Op::Add, a, b, [](T u, T v) { return u + v; }); }
template <class T> Var<T> sub(Var<T> a, Var<T> b) { return binary(Op::Sub, a, b, [](T u, T v) { return u - v; }); }
template <class T> Var<T> mul(Var<T> a, Var<T> b) { return binary(Op::Mul, a, b, [](T u, T v) { return u * v; }); }
template <class T> Var<T> div(Var<T> a, Var<T> b) { return binary(Op::Div, a, b, [](T u, T v) { return u / v; }); }

#define DG_UNARY_DEFINE(e, f) \
  template <class T>          \
  Var<T> f(Var<T> x) {        \
    return unary(Op::e, x);   \
  }
DG_UNARY_OPS(DG_UNARY_DEFINE)
#undef DG_UNARY_DEFINE
template <class T> Var<T> pow(Var<T> x, double p) { return unary(Op::Pow, x, {.exponent = p}); }
template <class T> Var<T> clamp(Var<T> x, double lo, double hi) {
  if (!(lo <= hi)) throw ShapeError("clamp: lower bound " + std::to_string(lo) + " above upper bound " + std::to_string(hi));
  return unary(Op::Clamp, x, {.bounds = {lo, hi}});
}
template <class T> Var<T> scale(Var<T> x, double c) { return unary(Op::Scale, x, {.factor = c}); }
template <class T> Var<T> add_scalar(Var<T> x, double c) { return unary(Op::AddScalar, x, {.addend = c}); }
template <class T> Var<T> mask(Var<T> x, double lo, double hi) { return unary(Op::Mask, x, {.bounds = {lo, hi}}); }

// ---- linear algebra and shapes ---------------------------------------------------------------

template <class T>
Var<T> matmul(Var<T> a, Var<T> b, bool transpose_a, bool transpose_b) {
  Tape<T>& t = tape_of("matmul", a, b);
  const Shape sa = a.shape(), sb = b.shape();
  if (sa.rank != 2 || sb.rank != 2) throw_shape_error("matmul", "needs rank-2 inputs", sa, sb);
  const index_t m = transpose_a ? sa[1] : sa[0], k = transpose_a ? sa[0] : sa[1];
  const index_t kb = transpose_b ? sb[1] : sb[0], n = transpose_b ? sb[0] : sb[1];
  if (k != kb)
    throw_shape_error("matmul", std::string("inner dimensions differ") + (transpose_a ? " (a transposed)" : "") +
                                    (transpose_b ? " (b transposed)" : ""), sa, sb);
  Var<T> y = t.make_node(Op::MatMul, Shape{m, n}, {a, b});
  Node<T>& nd = t.node(y.id);
  nd.attr.transposed = {transpose_a, transpose_b};
  if (const DeviceBackend<T>* d = t.backend())
    d->matmul(nd.value, a.data(), b.data(), m, n, k, transpose_a, transpose_b, false);
  else
    kernels::matmul(nd.value, a.data(), b.data(), m, n, k, transpose_a, transpose_b, false, &t.arena());
  t.finish(y);
  return y;
}

template <class T>
Var<T> transpose(Var<T> x) {
  Tape<T>& t = tape_of("transpose", x);
  const Shape s = x.shape();
  require_rank2("transpose", s);
  const index_t R = s[0], C = s[1];
  Var<T> y = t.make_node(Op::Transpose, Shape{C, R}, {x});
  T* py = t.node(y.id).value;
  const T* px = x.data();
  if (const DeviceBackend<T>* d = t.backend()) {
    d->transpose(py, px, R, C, false);
    t.finish(y);
    return y;
  }
  parallel_for(C, R * C, [&](index_t lo, index_t hi) {
    for (index_t c = lo; c < hi; ++c)
      for (index_t r = 0; r < R; ++r) py[c * R + r] = px[r * C + c];
  });
  t.finish(y);
  return y;
}

template <class T>
Var<T> reshape(Var<T> x, const Shape& shape) {
  Tape<T>& t = tape_of("reshape", x);
  if (shape.numel() != x.numel()) throw_shape_error("reshape", "element count differs", x.shape(), shape);
  T* shared = const_cast<T*>(x.data());  // values are never written after creation
  return t.make_node(Op::Reshape, shape, {x}, shared);
}

template <class T>
Var<T> expand(Var<T> x, const Shape& shape) {
  Tape<T>& t = tape_of("expand", x);
  const Shape sx = x.shape();
  if (sx == shape) return x;
  if (broadcast_shapes("expand", sx, shape) != shape) throw_shape_error("expand", "cannot broadcast", sx, shape);
  Var<T> y = t.make_node(Op::Expand, shape, {x});
  if (const DeviceBackend<T>* d = t.backend())
    d->expand(t.node(y.id).value, false, shape, x.data(), sx);
  else
    kernels::expand_forward(t.node(y.id).value, shape, x.data(), sx);
  t.finish(y);
  return y;
}

template <class T>
Var<T> sum_to(Var<T> x, const Shape& shape) {
  Tape<T>& t = tape_of("sum_to", x);
  const Shape sx = x.shape();
  if (sx == shape) return x;
  if (broadcast_shapes("sum_to", shape, sx) != sx) throw_shape_error("sum_to", "target does not broadcast to the input", shape, sx);
  Var<T> y = t.make_node(Op::SumTo, shape, {x});
  T* py = t.node(y.id).value;
  if (const DeviceBackend<T>* d = t.backend()) {
    d->sum_to(py, false, shape, x.data(), sx);
    t.finish(y);
    return y;
  }
  std::fill(py, py + shape.numel(), T(0));
  kernels::sum_to_accumulate(py, shape, x.data(), sx, t.arena());
  t.finish(y);
  return y;
}

template <class T>
Var<T> sum(Var<T> x) {
  tape_of("sum", x);
  return sum_to(x, Shape::scalar());
}

template <class T>
Var<T> sum(Var<T> x, int axis) {
  tape_of("sum", x);
  require_rank2("sum", x.shape());
  require_axis("sum", axis);
  const Shape s = x.shape();
  return sum_to(x, axis == 0 ? Shape{1, s[1]} : Shape{s[0], 1});
}

template <class T>
Var<T> mean(Var<T> x) {
  tape_of("mean", x);
  const index_t n = x.numel();
  if (n == 0) throw_shape_error("mean", "of an empty tensor", x.shape());
  return scale(sum(x), 1.0 / static_cast<double>(n));
}

template <class T>
Var<T> mean(Var<T> x, int axis) {
  Var<T> s = sum(x, axis);
  const index_t n = x.shape()[axis];
  if (n == 0) throw_shape_error("mean", "over an empty axis", x.shape());
  return scale(s, 1.0 / static_cast<double>(n));
}

template <class T>
Var<T> concat(std::span<const Var<T>> xs, int axis) {
  if (xs.empty()) throw ShapeError("concat: no inputs");
  require_axis("concat", axis);
  Tape<T>& t = tape_of("concat", xs[0]);
  if (xs.size() == 1) return xs[0];
  if (xs.size() > 4) {  // a node holds at most 4 inputs: join in groups
    Var<T> head = concat(xs.subspan(0, 4), axis);
    std::vector<Var<T>> rest{head};
    rest.insert(rest.end(), xs.begin() + 4, xs.end());
    return concat(std::span<const Var<T>>(rest), axis);
  }
  const int other = 1 - axis;
  const Shape s0 = xs[0].shape();
  index_t along = 0;
  for (const Var<T>& v : xs) {
    tape_of("concat", xs[0], v);
    const Shape s = v.shape();
    require_rank2("concat", s);
    if (s[other] != s0[other])
      throw_shape_error("concat", std::string("sizes differ along axis ") + std::to_string(other), s0, s);
    along += s[axis];
  }
  const Shape sy = axis == 0 ? Shape{along, s0[1]} : Shape{s0[0], along};
  Var<T> y;
  switch (xs.size()) {
    case 2: y = t.make_node(Op::Concat, sy, {xs[0], xs[1]}); break;
    case 3: y = t.make_node(Op::Concat, sy, {xs[0], xs[1], xs[2]}); break;
    default: y = t.make_node(Op::Concat, sy, {xs[0], xs[1], xs[2], xs[3]}); break;
  }
  Node<T>& nd = t.node(y.id);
  nd.attr.axis = axis;
  index_t offset = 0;
  for (const Var<T>& v : xs) {
    const Shape s = v.shape();
    T* dst = axis == 0 ? nd.value + offset * sy[1] : nd.value + offset;
    if (const DeviceBackend<T>* d = t.backend())
      d->copy_block(dst, sy[1], v.data(), s[1], s[0], s[1], false);
    else
      kernels::copy_block(dst, sy[1], v.data(), s[1], s[0], s[1]);
    offset += s[axis];
  }
  t.finish(y);
  return y;
}

template <class T>
Var<T> concat(std::initializer_list<Var<T>> xs, int axis) {
  return concat(std::span<const Var<T>>(xs.begin(), xs.size()), axis);
}

template <class T>
Var<T> slice(Var<T> x, int axis, index_t start, index_t length) {
  Tape<T>& t = tape_of("slice", x);
  const Shape s = x.shape();
  require_rank2("slice", s);
  require_axis("slice", axis);
  if (start < 0 || length < 0 || start + length > s[axis])
    throw_shape_error("slice", "range [" + std::to_string(start) + ", " + std::to_string(start + length) +
                                   ") outside axis " + std::to_string(axis), s);
  const Shape sy = axis == 0 ? Shape{length, s[1]} : Shape{s[0], length};
  Var<T> y = t.make_node(Op::Slice, sy, {x});
  Node<T>& nd = t.node(y.id);
  nd.attr.range = {axis, start};
  const T* src = axis == 0 ? x.data() + start * s[1] : x.data() + start;
  if (const DeviceBackend<T>* d = t.backend())
    d->copy_block(nd.value, sy[1], src, s[1], sy[0], sy[1], false);
  else
    kernels::copy_block(nd.value, sy[1], src, s[1], sy[0], sy[1]);
  t.finish(y);
  return y;
}

template <class T>
Var<T> pad(Var<T> x, int axis, index_t start, index_t total) {
  Tape<T>& t = tape_of("pad", x);
  const Shape s = x.shape();
  require_rank2("pad", s);
  require_axis("pad", axis);
  if (start < 0 || start + s[axis] > total)
    throw_shape_error("pad", "offset " + std::to_string(start) + " and total " + std::to_string(total) + " do not fit", s);
  const Shape sy = axis == 0 ? Shape{total, s[1]} : Shape{s[0], total};
  Var<T> y = t.make_node(Op::Pad, sy, {x});
  Node<T>& nd = t.node(y.id);
  nd.attr.range = {axis, start};
  T* dst = axis == 0 ? nd.value + start * sy[1] : nd.value + start;
  if (const DeviceBackend<T>* d = t.backend()) {
    d->fill(nd.value, sy.numel(), T(0));
    d->copy_block(dst, sy[1], x.data(), s[1], s[0], s[1], false);
  } else {
    std::fill(nd.value, nd.value + sy.numel(), T(0));
    kernels::copy_block(dst, sy[1], x.data(), s[1], s[0], s[1]);
  }
  t.finish(y);
  return y;
}

// ---- rows --------------------------------------------------------------------------------

template <class T>
Var<T> gather_rows(Var<T> x, std::span<const std::int32_t> index) {
  Tape<T>& t = tape_of("gather_rows", x);
  const Shape s = x.shape();
  require_rank2("gather_rows", s);
  check_index("gather_rows", index, s[0]);
  const index_t E = static_cast<index_t>(index.size());
  const std::int32_t* stored = t.store_index(index);
  const DeviceBackend<T>* d = t.backend();
  const std::int32_t* on_device = d ? t.store_device_index(index) : nullptr;
  Var<T> y = t.make_node(Op::GatherRows, Shape{E, s[1]}, {x});
  Node<T>& nd = t.node(y.id);
  nd.index = stored;
  nd.n_index = E;
  nd.device_index = on_device;
  if (d)
    d->gather_rows(nd.value, false, x.data(), on_device, E, s[1]);
  else
    kernels::gather_rows(nd.value, x.data(), stored, E, s[1]);
  t.finish(y);
  return y;
}

template <class T>
Var<T> scatter_add_rows(Var<T> x, std::span<const std::int32_t> index, index_t num_rows) {
  Tape<T>& t = tape_of("scatter_add_rows", x);
  const Shape s = x.shape();
  require_rank2("scatter_add_rows", s);
  if (static_cast<index_t>(index.size()) != s[0])
    throw_shape_error("scatter_add_rows", std::to_string(index.size()) + " indices for " + std::to_string(s[0]) + " rows", s);
  if (num_rows < 0) throw ShapeError("scatter_add_rows: negative number of rows");
  check_index("scatter_add_rows", index, num_rows);
  const std::int32_t* stored = t.store_index(index);
  const DeviceBackend<T>* d = t.backend();
  const std::int32_t* on_device = d ? t.store_device_index(index) : nullptr;  // the backward gathers with it
  Var<T> y = t.make_node(Op::ScatterAddRows, Shape{num_rows, s[1]}, {x});
  Node<T>& nd = t.node(y.id);
  nd.index = stored;
  nd.n_index = s[0];
  nd.device_index = on_device;
  if (d) {
    d->segment_sum(nd.value, false, x.data(), stored, s[0], num_rows, s[1], t.arena(), t.host_index_arena());
    t.finish(y);
    return y;
  }
  std::fill(nd.value, nd.value + num_rows * s[1], T(0));
  kernels::scatter_add_rows(nd.value, x.data(), stored, s[0], s[1], num_rows, t.arena());
  t.finish(y);
  return y;
}

template <class T>
Var<T> segment_sum(Var<T> x, std::span<const std::int32_t> segment, index_t num_segments) {
  return scatter_add_rows(x, segment, num_segments);
}

template <class T>
Var<T> segment_mean(Var<T> x, std::span<const std::int32_t> segment, index_t num_segments) {
  Var<T> total = scatter_add_rows(x, segment, num_segments);
  Tape<T>& t = *x.tape;
  Var<T> inv = t.constant_written(Shape{num_segments, 1}, [&](T* pinv) {  // (S, 1) 1 / count, 0 for empty segments
    std::fill(pinv, pinv + num_segments, T(0));
    for (std::int32_t s : segment) pinv[s] += T(1);
    for (index_t s = 0; s < num_segments; ++s) pinv[s] = pinv[s] > 0 ? T(1) / pinv[s] : T(0);
  });
  return mul(total, inv);
}

template <class T>
Var<T> row_dot(Var<T> a, Var<T> b) {
  Tape<T>& t = tape_of("row_dot", a, b);
  const Shape sa = a.shape(), sb = b.shape();
  require_rank2("row_dot", sa);
  if (sa != sb) throw_shape_error("row_dot", "shapes differ", sa, sb);
  Var<T> y = t.make_node(Op::RowDot, Shape{sa[0], 1}, {a, b});
  if (const DeviceBackend<T>* d = t.backend())
    d->row_dot(t.node(y.id).value, a.data(), b.data(), sa[0], sa[1], false);
  else
    kernels::row_dot(t.node(y.id).value, a.data(), b.data(), sa[0], sa[1]);
  t.finish(y);
  return y;
}

template <class T>
Var<T> row_norm(Var<T> x) {
  Tape<T>& t = tape_of("row_norm", x);
  const Shape s = x.shape();
  require_rank2("row_norm", s);
  Var<T> y = t.make_node(Op::RowNorm, Shape{s[0], 1}, {x});
  if (const DeviceBackend<T>* d = t.backend())
    d->row_dot(t.node(y.id).value, x.data(), nullptr, s[0], s[1], true);
  else
    kernels::row_norm(t.node(y.id).value, x.data(), s[0], s[1]);
  t.finish(y);
  return y;
}

// ---- explicit instantiation for float and double ---------------------------------------------
#define DG_INSTANTIATE_UNARY(e, f) \
  template Var<float> f(Var<float>); \
  template Var<double> f(Var<double>);
DG_UNARY_OPS(DG_INSTANTIATE_UNARY)
#define DG_INSTANTIATE(T)                                                                              \
  template Var<T> add(Var<T>, Var<T>);                                                                 \
  template Var<T> sub(Var<T>, Var<T>);                                                                 \
  template Var<T> mul(Var<T>, Var<T>);                                                                 \
  template Var<T> div(Var<T>, Var<T>);                                                                 \
  template Var<T> pow(Var<T>, double);                                                                 \
  template Var<T> clamp(Var<T>, double, double);                                                       \
  template Var<T> scale(Var<T>, double);                                                               \
  template Var<T> add_scalar(Var<T>, double);                                                          \
  template Var<T> mask(Var<T>, double, double);                                                        \
  template Var<T> matmul(Var<T>, Var<T>, bool, bool);                                                  \
  template Var<T> transpose(Var<T>);                                                                   \
  template Var<T> reshape(Var<T>, const Shape&);                                                       \
  template Var<T> expand(Var<T>, const Shape&);                                                        \
  template Var<T> sum_to(Var<T>, const Shape&);                                                        \
  template Var<T> sum(Var<T>);                                                                         \
  template Var<T> sum(Var<T>, int);                                                                    \
  template Var<T> mean(Var<T>);                                                                        \
  template Var<T> mean(Var<T>, int);                                                                   \
  template Var<T> concat(std::span<const Var<T>>, int);                                                \
  template Var<T> concat(std::initializer_list<Var<T>>, int);                                          \
  template Var<T> slice(Var<T>, int, index_t, index_t);                                                \
  template Var<T> pad(Var<T>, int, index_t, index_t);                                                  \
  template Var<T> gather_rows(Var<T>, std::span<const std::int32_t>);                                  \
  template Var<T> scatter_add_rows(Var<T>, std::span<const std::int32_t>, index_t);                    \
  template Var<T> segment_sum(Var<T>, std::span<const std::int32_t>, index_t);                         \
  template Var<T> segment_mean(Var<T>, std::span<const std::int32_t>, index_t);                        \
  template Var<T> row_dot(Var<T>, Var<T>);                                                             \
  template Var<T> row_norm(Var<T>);

DG_INSTANTIATE(float)
DG_INSTANTIATE(double)
#undef DG_INSTANTIATE
#undef DG_INSTANTIATE_UNARY

}  // namespace dg
