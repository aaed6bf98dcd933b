// Trajectories: the content of one split file in memory, validated, for the loaders.
//
//   Trajectories train = load_trajectories("data/electrostatic/train.npz");
//   const double* x = train.positions_at(sim, frame);   // (N, d) of that frame
//
// Checks on reading (DatasetError naming the file, the array and the place):
//   positions and velocities: present, float32 or float64, rank 4 (S, F, N, d) with F, N, d >= 1,
//     the same shape, every value finite (the first NaN/Inf is named by simulation, frame,
//     particle and component);
//   masses, charges (optional): float32/float64 (S, N), finite, masses > 0;
//   dt_frame (optional): a finite scalar > 0.
// Other arrays (sources, field grids, edges, ...) are kept as read, in `others`; their float values
//   must be finite too (the first NaN/Inf is named by its index and the array's shape).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/error.hpp"
#include "io/npy.hpp"

namespace dg::datasets {

struct Trajectories {
  std::string source;  // the file (or a name) for messages
  std::int64_t sims = 0, frames = 0, particles = 0, dim = 0;
  std::vector<double> positions;   // (S, F, N, d)
  std::vector<double> velocities;  // (S, F, N, d)
  std::vector<double> masses;      // (S, N), empty when the file has none
  std::vector<double> charges;     // (S, N), empty when the file has none
  double dt_frame = 0;             // time between frames; 0 when the file does not say
  io::NamedArrays others;          // every other array, as read

  std::size_t frame_offset(std::int64_t sim, std::int64_t frame) const {
    return static_cast<std::size_t>(((sim * frames + frame) * particles) * dim);
  }
  const double* positions_at(std::int64_t sim, std::int64_t frame) const { return positions.data() + frame_offset(sim, frame); }
  const double* velocities_at(std::int64_t sim, std::int64_t frame) const { return velocities.data() + frame_offset(sim, frame); }
};

// Also checks the file against the params.json of its folder, when both say what parameters made
// them: a split with another params_digest is refused (a folder mixing two data sets).
Trajectories load_trajectories(const std::string& path);
// The same checks on arrays already in memory; `where` names them in messages.
Trajectories trajectories_from_arrays(io::NamedArrays arrays, const std::string& where);

// Simulations [first, last) of `t` as trajectories of their own (positions, velocities, masses,
// charges, dt_frame; `others` is not copied). DatasetError naming t.source for a bad range.
Trajectories select_simulations(const Trajectories& t, std::int64_t first, std::int64_t last);

}  // namespace dg::datasets
