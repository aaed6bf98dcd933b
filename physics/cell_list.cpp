// Linked cells: binning by counting sort, and the neighbour cells of a cell.
#include "physics/cell_list.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

bool CellList::build(const Tensor<double>& q, const Boundary& boundary, double cutoff) {
  const char* where = "CellList::build";
  check_positive(cutoff, where, "cutoff");
  const int d = static_cast<int>(q.cols());
  const index_t n = q.rows();
  if (q.shape().rank != 2 || (d != 2 && d != 3)) fail(where, "positions must be (N, 2) or (N, 3), got " + q.shape().str());
  const double* x = q.data();
  for (index_t i = 0; i < n * d; ++i)
    if (!std::isfinite(x[i])) fail(where, "position of particle " + std::to_string(i / d) + " is " + std::to_string(x[i]));

  // The grid: the periodic box, or the bounding box of the points.
  std::array<double, 3> lo{0, 0, 0}, side{1, 1, 1};
  std::array<index_t, 3> cells{1, 1, 1};
  const bool periodic = boundary.is_periodic();
  if (periodic && boundary.dim() != d)
    fail(where, "positions have d = " + std::to_string(d) + " but the box has d = " + std::to_string(boundary.dim()));
  for (int k = 0; k < d; ++k) {
    if (periodic) {
      lo[k] = boundary.lo(k);
      side[k] = boundary.side(k);
    } else {
      double mn = n ? x[k] : 0, mx = mn;
      for (index_t i = 0; i < n; ++i) {
        mn = std::min(mn, x[i * d + k]);
        mx = std::max(mx, x[i * d + k]);
      }
      lo[k] = mn;
      side[k] = std::max(mx - mn, cutoff);
    }
    cells[k] = std::max<index_t>(1, static_cast<index_t>(std::floor(side[k] / cutoff)));
    if (periodic && cells[k] < 3) return false;
  }
  // Open grids: at most about 2N + 27 cells, coarser cells when the points are spread out.
  if (!periodic) {
    const double limit = 2.0 * static_cast<double>(n) + 27.0;
    double total = 1;
    for (int k = 0; k < d; ++k) total *= static_cast<double>(cells[k]);
    if (total > limit) {
      const double shrink = std::pow(total / limit, 1.0 / d);
      for (int k = 0; k < d; ++k)
        cells[k] = std::max<index_t>(1, static_cast<index_t>(std::floor(static_cast<double>(cells[k]) / shrink)));
    }
  }
  dim_ = d;
  periodic_ = periodic;
  cells_ = cells;
  const index_t n_cells = cells[0] * cells[1] * cells[2];

  // The cell of each particle (positions wrapped into a periodic box; clamped at the far edge).
  cell_of_.resize(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i) {
    index_t c = 0;
    for (int k = 0; k < d; ++k) {
      double u = (x[i * d + k] - lo[k]) / side[k];
      if (periodic) u -= std::floor(u);
      const index_t ck = std::clamp<index_t>(static_cast<index_t>(u * static_cast<double>(cells[k])), 0, cells[k] - 1);
      c = c * cells[k] + ck;
    }
    cell_of_[static_cast<std::size_t>(i)] = c;
  }
  // Counting sort by cell, stable in particle index.
  start_.assign(static_cast<std::size_t>(n_cells + 1), 0);
  for (index_t c : cell_of_) ++start_[static_cast<std::size_t>(c + 1)];
  for (index_t c = 0; c < n_cells; ++c) start_[static_cast<std::size_t>(c + 1)] += start_[static_cast<std::size_t>(c)];
  order_.resize(static_cast<std::size_t>(n));
  sorted_q_.resize(static_cast<std::size_t>(n * d));
  next_.assign(start_.begin(), start_.end() - 1);
  for (index_t i = 0; i < n; ++i) {
    const index_t s = next_[static_cast<std::size_t>(cell_of_[static_cast<std::size_t>(i)])]++;
    order_[static_cast<std::size_t>(s)] = i;
    for (int k = 0; k < d; ++k) sorted_q_[static_cast<std::size_t>(s * d + k)] = x[i * d + k];
  }
  return true;
}

int CellList::neighbour_ranges(index_t c, index_t (*ranges)[2]) const {
  // Cell coordinates of c (row-major over cells_[0..d), the last axis fastest).
  index_t coord[3] = {0, 0, 0};
  for (int k = dim_ - 1; k >= 0; --k) {
    coord[k] = c % cells_[k];
    c /= cells_[k];
  }
  const int last = dim_ - 1;
  const index_t n_last = cells_[last];
  int count = 0;
  // One row of cells along the last axis per offset of the other axes (3 in 2D, 9 in 3D).
  const int reach1 = dim_ == 3 ? 1 : 0;
  for (int o0 = -1; o0 <= 1; ++o0)
    for (int o1 = -reach1; o1 <= reach1; ++o1) {
      const int off[2] = {o0, o1};
      index_t row = 0;  // id of the row's cell at last-axis coordinate 0
      bool inside = true;
      for (int k = 0; k < last; ++k) {
        index_t ck = coord[k] + off[k];
        if (periodic_) ck = (ck + cells_[k]) % cells_[k];
        else if (ck < 0 || ck >= cells_[k]) inside = false;
        row = row * cells_[k] + ck;
      }
      if (!inside) continue;
      row *= n_last;
      const index_t lo = coord[last] - 1, hi = coord[last] + 1;
      auto push = [&](index_t first_cell, index_t last_cell) {
        ranges[count][0] = start_[static_cast<std::size_t>(row + first_cell)];
        ranges[count][1] = start_[static_cast<std::size_t>(row + last_cell + 1)];
        ++count;
      };
      if (!periodic_) {
        push(std::max<index_t>(lo, 0), std::min(hi, n_last - 1));
      } else if (lo < 0) {  // wraps below: the last cell, then the start of the row
        push(n_last - 1, n_last - 1);
        push(0, hi);
      } else if (hi >= n_last) {  // wraps above
        push(lo, n_last - 1);
        push(0, 0);
      } else {
        push(lo, hi);
      }
    }
  return count;
}

}  // namespace dg::physics
