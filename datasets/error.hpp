// DatasetError: the one exception type of datasets/. Its message names the data set, file,
// parameter or array and the problem, e.g.
//   "electrostatic: steps = 5000, every = 300: steps must be a multiple of every"
//   "data/train.npz: array 'positions': non-finite value nan at simulation 3, frame 17, ..."
#pragma once

#include <stdexcept>

namespace dg::datasets {

struct DatasetError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

}  // namespace dg::datasets
