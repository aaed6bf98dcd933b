// The output folder of an example run: created if missing, and proven writable (a probe file is
// written atomically and removed) before any work starts, so a bad path fails at once with a
// clear message instead of after an hour of training.
#pragma once

#include <string>

namespace dg::examples {

// Creates `dir` (and parents) and checks that files can be written into it; throws
// io::IoError (a std::runtime_error) naming the folder and the reason otherwise. Returns dir with a trailing '/'.
std::string prepare_output_dir(const std::string& dir);

}  // namespace dg::examples
