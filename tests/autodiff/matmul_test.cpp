// The matmul kernel against a naive double-precision product: every transpose case, with and
// without accumulation, on shapes that take each path (one block, row blocks, slices of k,
// the row kernel (AVX-512, AVX2 or NEON) with full and partial tiles where it is compiled, Eigen
// elsewhere or with DG_ROW_KERNEL=0).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "autodiff/kernels/matmul.hpp"

using namespace dg;

namespace {

// y (m, n) = op(a) op(b) computed naively in double; a stored (m, k) or (k, m), b (k, n) or (n, k).
// `size` gets sum_p |a(r, p) b(p, c)|, the scale of the rounding error of a float sum.
std::vector<double> reference(const std::vector<float>& a, const std::vector<float>& b, index_t m, index_t n, index_t k,
                              bool ta, bool tb, std::vector<double>& size) {
  std::vector<double> y(static_cast<std::size_t>(m * n), 0.0);
  size.assign(y.size(), 0.0);
  for (index_t r = 0; r < m; ++r)
    for (index_t c = 0; c < n; ++c) {
      double s = 0, abs_sum = 0;
      for (index_t p = 0; p < k; ++p) {
        const double term = double(ta ? a[p * m + r] : a[r * k + p]) * double(tb ? b[c * k + p] : b[p * n + c]);
        s += term;
        abs_sum += std::abs(term);
      }
      y[r * n + c] = s;
      size[r * n + c] = abs_sum;
    }
  return y;
}

std::vector<float> random_values(index_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) x = u(rng);
  return v;
}

}  // namespace

TEST_CASE("matmul matches a naive double product on every path") {
  std::mt19937_64 rng(3);
  Arena scratch;
  struct Case { index_t m, n, k; };
  // n multiple of 16 (the row kernel: 64-column tiles plus 16/32/48 remainders, 6-row tiles plus
  // 1-5 remainders) and not; m large (row blocks) and small with long k (slices of k); n under 16
  // with m a multiple of 16 (a^T b as (b^T a)^T); n over 16 but not a multiple (masked last columns);
  // 88 and 28: one and three full vectors after the last full column block of AVX2 (16) and NEON (16).
  for (Case s : {Case{7, 16, 5}, Case{13, 48, 33}, Case{601, 64, 64}, Case{500, 80, 128}, Case{64, 64, 2000},
                 Case{11, 112, 700}, Case{9, 32, 20}, Case{2, 64, 600}, Case{300, 3, 64}, Case{2000, 1, 64},
                 Case{5, 7, 1100}, Case{128, 2, 500}, Case{64, 1, 2000}, Case{16, 15, 33}, Case{500, 131, 128},
                 Case{23, 17, 40}, Case{70, 20, 300}, Case{29, 88, 50}, Case{19, 28, 37}}) {
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      CAPTURE(s.m);
      CAPTURE(s.n);
      CAPTURE(s.k);
      CAPTURE(ta);
      CAPTURE(tb);
      const std::vector<float> a = random_values(s.m * s.k, rng), b = random_values(s.k * s.n, rng);
      std::vector<double> size;
      const std::vector<double> want = reference(a, b, s.m, s.n, s.k, ta, tb, size);
      const std::vector<float> start = random_values(s.m * s.n, rng);
      for (bool accumulate : {false, true}) {
        std::vector<float> y = start;
        scratch.reset();
        kernels::matmul(y.data(), a.data(), b.data(), s.m, s.n, s.k, ta, tb, accumulate, &scratch);
        // Error of a float sum of k terms: of order sqrt(k) u sum |terms| (u = 2^-24) for random
        // signs (at most k u sum |terms|); a wrong or missing term is of order sum |terms| / k.
        double worst = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
          const double expected = want[i] + (accumulate ? double(start[i]) : 0.0);
          const double scale = std::sqrt(double(s.k) + 1) * 0x1p-24 * (size[i] + (accumulate ? std::abs(start[i]) : 0.0));
          worst = std::max(worst, std::abs(double(y[i]) - expected) / scale);
        }
        CHECK(worst < 4.0);
      }
    }
  }
}
