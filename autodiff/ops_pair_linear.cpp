// Forward of the fused op `pair_linear`: y[e] = act(p[i_e] + q[j_e] + a[e] W) for pairs e = (i_e, j_e).
// It is the first layer of an MLP on the concatenation [h_i, h_j, a_e] (an edge MLP) computed
// without forming the concatenation: p = h W_i + b and q = h W_j are products over the N rows of
// h, so per pair only two gathered rows and the short product a[e] W (A inputs) remain, done in
// one pass over the output. Unfused, the same layer is two gathers, one product of inner size A,
// two additions and an activation: six passes over (E, H) and as many in the backward.
// When the activation's derivative needs the pre-activation z (silu, softplus, sin), the node
// keeps act'(z) (node.saved), computed here with the activation.
#include <cstring>

#include "autodiff/device_backend.hpp"
#include "autodiff/kernels/unary_vector.hpp"
#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"

namespace dg {

// Pairs per block: blocks are cut at the same places whatever the thread count.
inline constexpr index_t kPairBlock = 128;

template <class T>
Var<T> pair_linear(Var<T> p, std::span<const std::int32_t> i, Var<T> q, std::span<const std::int32_t> j, Var<T> a,
                   Var<T> W, Act act) {
  const char* who = "pair_linear";
  if (!p.tape || q.tape != p.tape) throw std::invalid_argument("pair_linear: p and q are empty or on different tapes");
  if (a.tape != W.tape) throw std::invalid_argument("pair_linear: give both the pair inputs a and their weight W, or neither");
  if (a.tape && a.tape != p.tape) throw std::invalid_argument("pair_linear: a and W are on a different tape than p");
  Tape<T>& t = *p.tape;
  const Shape sp = p.shape(), sq = q.shape();
  if (sp.rank != 2 || sq.rank != 2) throw_shape_error(who, "needs rank-2 p and q", sp, sq);
  if (sp[1] != sq[1]) throw_shape_error(who, "p and q differ in width", sp, sq);
  if (i.size() != j.size())
    throw ShapeError("pair_linear: " + std::to_string(i.size()) + " first indices but " + std::to_string(j.size()) +
                     " second indices");
  const index_t E = static_cast<index_t>(i.size()), H = sp[1];
  check_index(who, i, sp[0]);
  check_index(who, j, sq[0]);
  index_t A = 0;
  if (a.tape) {
    const Shape sa = a.shape(), sw = W.shape();
    if (sa.rank != 2 || sw.rank != 2) throw_shape_error(who, "needs rank-2 a and W", sa, sw);
    if (sa[0] != E) throw_shape_error(who, "a needs one row per pair (" + std::to_string(E) + ")", sa);
    if (sw[0] != sa[1] || sw[1] != H) throw_shape_error(who, "W must be (a's columns, p's width)", sa, sw);
    A = sa[1];
  }
  const DeviceBackend<T>* d = t.backend();
  std::int32_t* device_index = nullptr;  // (2, E) i then j, on a device tape's device
  if (d) {
    device_index = t.arena().template allocate_array<std::int32_t>(static_cast<std::size_t>(2 * E));
    device_copy(device_index, t.device(), i.data(), Device::CPU, i.size_bytes());
    device_copy(device_index + E, t.device(), j.data(), Device::CPU, j.size_bytes());
  }
  Var<T> y = a.tape ? t.make_node(Op::PairLinear, Shape{E, H}, {p, q, a, W})
                   : t.make_node(Op::PairLinear, Shape{E, H}, {p, q});
  Node<T>& n = t.node(y.id);
  n.attr.act = act;
  std::int32_t* index =
      t.host_index_arena().template allocate_array<std::int32_t>(static_cast<std::size_t>(2 * E));  // (2, E) i then j
  if (E > 0) {
    std::memcpy(index, i.data(), i.size_bytes());
    std::memcpy(index + E, j.data(), j.size_bytes());
  }
  n.index = index;
  n.n_index = E;
  n.device_index = device_index;
  const bool keep_derivative = act_needs_preactivation(act) && (n.flags & kRequiresGrad);
  // (E, H) z, then act'(z) when kept
  T* z = keep_derivative ? t.arena().template allocate_array<T>(static_cast<std::size_t>(E * H)) : n.value;
  n.saved = keep_derivative ? z : nullptr;
  T* out = n.value;  // (E, H)
  if (d) {           // the same on a device: act'(z) into `saved`
    const T* av = A > 0 ? a.data() : nullptr;
    const T* wv = A > 0 ? W.data() : nullptr;
    d->pair_linear_forward(act, out, n.saved, p.data(), device_index, q.data(), device_index + E, av, wv, E, H, A);
    t.finish(y);
    return y;
  }
  const T* pv = p.data();                       // (Np, H)
  const T* qv = q.data();                       // (Nq, H)
  const T* av = A > 0 ? a.data() : nullptr;     // (E, A)
  const T* wv = A > 0 ? W.data() : nullptr;     // (A, H)
  parallel_chunks(E, kPairBlock, E * H * (2 + A + 8), [&](index_t, index_t lo, index_t hi) {
    for (index_t e = lo; e < hi; ++e) {
      T* ze = z + e * H;
      const T* pe = pv + static_cast<index_t>(index[e]) * H;
      const T* qe = qv + static_cast<index_t>(index[E + e]) * H;
      for (index_t c = 0; c < H; ++c) ze[c] = pe[c] + qe[c];
      for (index_t k = 0; k < A; ++k) {
        const T ak = av[e * A + k];
        const T* wk = wv + k * H;
        for (index_t c = 0; c < H; ++c) ze[c] += ak * wk[c];
      }
    }
    kernels::apply_activation(act, keep_derivative, out + lo * H, z + lo * H, (hi - lo) * H);
  });
  t.finish(y);
  return y;
}

template Var<float> pair_linear(Var<float>, std::span<const std::int32_t>, Var<float>, std::span<const std::int32_t>,
                                Var<float>, Var<float>, Act);
template Var<double> pair_linear(Var<double>, std::span<const std::int32_t>, Var<double>, std::span<const std::int32_t>,
                                 Var<double>, Var<double>, Act);

}  // namespace dg
