// A readable summary of a data-set file, for `dynagrad-data info`: every array with its dtype,
// shape and range, and the parameters of the data set when its params.json lies next to it.
#pragma once

#include <string>

#include "io/npy.hpp"

namespace dg::datasets {

// One line per array: "  name  dtype  (shape)  min X  max Y" (plus the count of NaN/Inf values).
std::string describe_arrays(const io::NamedArrays& arrays);
// The summary of an .npz or .npy file, followed by the params.json of its folder if present.
// Throws io::IoError / DatasetError naming the file when it cannot be read.
std::string describe_file(const std::string& path);

}  // namespace dg::datasets
