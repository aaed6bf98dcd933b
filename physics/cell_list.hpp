// Linked cells for short-range pair forces: O(N) work per step instead of O(N^2).
//
// build() bins the particles into a grid of cells whose side is at least the cutoff, so every
// partner within the cutoff lies in the particle's own cell or one of its 3^d - 1 neighbours.
// The grid covers the periodic box (positions wrapped into it for binning) or, for open and
// reflecting boundaries, the bounding box of the particles (at most about 2N cells, so a few far
// particles cannot blow up the grid). Particles are counting-sorted by cell, in increasing index
// order inside a cell, and their positions copied in that order (cache-friendly sweeps).
//
// Determinism: the kernels run in parallel over fixed chunks of cells; each particle sums its
// partners range by range in a fixed order of neighbour offsets, then by sorted position. The
// order differs from the all-pairs kernel, so the two agree to round-off, not bitwise.
#pragma once

#include <array>
#include <mutex>
#include <vector>

#include "autodiff/tensor.hpp"
#include "physics/boundary.hpp"
#include "physics/pair_kernels.hpp"

namespace dg::physics {

class CellList {
 public:
  // Bins q (n, d). Returns false (and builds nothing) when the periodic box holds fewer than 3
  // cells of side `cutoff` in some dimension: then neighbour cells would repeat and the caller
  // must use all pairs. Throws PhysicsError for NaN/Inf positions (naming the particle) or a
  // cutoff that is not > 0.
  bool build(const Tensor<double>& q, const Boundary& boundary, double cutoff);

  index_t size() const { return static_cast<index_t>(order_.size()); }
  int dim() const { return dim_; }
  index_t num_cells() const { return static_cast<index_t>(start_.size()) - 1; }
  const std::array<index_t, 3>& cells_per_dim() const { return cells_; }
  // Particles of cell c are sorted positions [cell_begin(c), cell_end(c)).
  index_t cell_begin(index_t c) const { return start_[static_cast<std::size_t>(c)]; }
  index_t cell_end(index_t c) const { return start_[static_cast<std::size_t>(c) + 1]; }
  // Original index of sorted position s, and the sorted positions (n, d).
  const index_t* order() const { return order_.data(); }
  const double* sorted_positions() const { return sorted_q_.data(); }
  // The sorted positions of the particles in the neighbour cells of c (itself included), as at
  // most kMaxRanges [begin, end) ranges in a fixed order; returns their count. Cells adjacent
  // along the last axis are contiguous in the sorted order, so a row of 3 cells is one range
  // (two where it wraps around a periodic box): long ranges vectorise well.
  static constexpr int kMaxRanges = 18;
  int neighbour_ranges(index_t c, index_t (*ranges)[2]) const;

 private:
  int dim_ = 0;
  bool periodic_ = false;
  std::array<index_t, 3> cells_{1, 1, 1};
  std::vector<index_t> start_;       // (cells + 1) prefix sums of cell counts
  std::vector<index_t> order_;       // (n) original index of each sorted position
  std::vector<index_t> cell_of_;     // (n) cell of each original particle
  std::vector<index_t> next_;        // (cells) next free sorted slot while filling
  std::vector<double> sorted_q_;     // (n, d) positions in sorted order
};

namespace detail {

inline constexpr index_t kCellGrain = 64;  // cells per chunk

// F (n, D) += the pair forces of `law`, partners found through the cell list. Returns the first
// coincident pair of a singular law (original indices).
template <int D, class Law, class Metric>
Coincidence add_cell_pairs(const Law& law, const Metric& metric, const CellList& cells, double* F) {
  const index_t* order = cells.order();
  const double* xs = cells.sorted_positions();  // (n, D)
  const index_t n_cells = cells.num_cells();
  Coincidence bad;
  std::mutex lock;
  parallel_chunks(n_cells, kCellGrain, cells.size() * 100 * kPairCost, [&](index_t, index_t c0, index_t c1) {
    Coincidence local;
    index_t ranges[CellList::kMaxRanges][2];
    for (index_t c = c0; c < c1; ++c) {
      const int n_ranges = cells.neighbour_ranges(c, ranges);
      for (index_t a = cells.cell_begin(c); a < cells.cell_end(c); ++a) {
        const index_t i = order[a];
        double fi[D] = {};
        bool finite = true;
        for (int m = 0; m < n_ranges; ++m)
          finite &= accumulate_partners_except<D>(law, metric, i, xs + a * D, xs, order, ranges[m][0], ranges[m][1], a, fi);
        if (!finite && law.singular) {
          // Error path: find the partner for the message.
          for (index_t b = 0; b < cells.size(); ++b) {
            double dx[D];
            if (b != a && displacement<D>(metric, xs + a * D, xs + b * D, dx) == 0.0) local.note(i, order[b]);
          }
        }
        for (int k = 0; k < D; ++k) F[i * D + k] += fi[k];
      }
    }
    bad.merge(local, lock);
  });
  return bad;
}

// sum over pairs i < j of f(i, j, r2) through the cell list (ordered pairs, halved).
template <int D, class Metric, class PairFn>
double sum_cell_pairs(const Metric& metric, const CellList& cells, bool singular, PairFn f, Coincidence& bad) {
  const index_t* order = cells.order();
  const double* xs = cells.sorted_positions();
  const index_t n_cells = cells.num_cells();
  std::vector<double> partial(static_cast<std::size_t>(chunk_count(n_cells, kCellGrain)), 0.0);  // (chunks)
  std::mutex lock;
  parallel_chunks(n_cells, kCellGrain, cells.size() * 100 * kPairCost, [&](index_t chunk, index_t c0, index_t c1) {
    Coincidence local;
    index_t ranges[CellList::kMaxRanges][2];
    double total = 0;
    for (index_t c = c0; c < c1; ++c) {
      const int n_ranges = cells.neighbour_ranges(c, ranges);
      for (index_t a = cells.cell_begin(c); a < cells.cell_end(c); ++a) {
        double row = 0;
        for (int m = 0; m < n_ranges; ++m)
          for (index_t b = ranges[m][0]; b < ranges[m][1]; ++b) {
            if (b == a) continue;
            double dx[D];
            const double r2 = displacement<D>(metric, xs + a * D, xs + b * D, dx);
            if (singular && r2 == 0.0) local.note(order[a], order[b]);
            row += f(order[a], order[b], r2);
          }
        total += row;
      }
    }
    partial[static_cast<std::size_t>(chunk)] = total;
    bad.merge(local, lock);
  });
  double total = 0;
  for (double p : partial) total += p;
  return 0.5 * total;
}

}  // namespace detail
}  // namespace dg::physics
