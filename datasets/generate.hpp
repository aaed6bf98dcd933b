// Generating splits in memory and whole data sets on disk, in parallel over simulations.
//
//   const Generator& g = find_generator("electrostatic");
//   Params p = default_params(g, /*published=*/false);
//   p.set("train", 1000);
//   generate_dataset(g, p, "data/electrostatic");   // train.npz, val.npz, test.npz, params.json
//
//   ParamsFile f = read_params_file("data/electrostatic/params.json");   // regenerate exactly
//   generate_dataset(*f.generator, f.params, "data/copy");
//
// Layout of a data-set folder (docs/datasets.md lists every array):
//   train.npz, val.npz, test.npz   one split each: positions (S, F, N, d), velocities (S, F, N, d),
//                                  masses (S, N), [charges (S, N)], the generator's extras, then
//                                  dt (), dt_frame (), frame_steps (F) int64, frame_times (F),
//                                  then the split arrays (sources, field grid, ...); float64;
//                                  last params_digest () int64, the digest of the parameters.
//   params.json                    {"format", "generator", "dynagrad_version", "params", "files"},
//                                  removed first and written last: its presence marks a complete
//                                  data set. load_trajectories refuses a split whose params_digest
//                                  differs from the params.json beside it (a mixed folder).
// Simulations run on the OpenMP threads (dg::set_num_threads); each one writes only its own
// slices, so the bytes do not depend on the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/generator.hpp"
#include "io/json.hpp"
#include "io/npy.hpp"

namespace dg::datasets {

// The generator's defaults, or its published settings.
Params default_params(const Generator& g, bool published);

// Simulations [first, first + count) of a split (count < 0: to the end of the split), with the
// per-split arrays. Validates the parameters first. A simulation that fails (a NaN, a particle
// thrown out of its box) is reported as DatasetError naming the split and simulation.
io::NamedArrays generate_split(const Generator& g, const Params& p, Split split, std::int64_t first = 0,
                               std::int64_t count = -1);

// The parameters' digest stored in every split as `params_digest`: FNV-1a 64 of
// "<generator>\n" + to_json(p.to_json(), 0), its bits as an int64.
std::int64_t params_digest(const Generator& g, const Params& p);

std::string split_path(const std::string& dir, Split split);  // dir/train.npz, ...
std::string params_path(const std::string& dir);              // dir/params.json
std::vector<std::string> dataset_file_names();                // train.npz, val.npz, test.npz, params.json

// The content of params.json.
io::Json params_document(const Generator& g, const Params& p);
// Writes the three splits and params.json into `dir` (created if missing); every write is
// atomic. The folder is checked first (DatasetError if files cannot be created in it, or a
// target name is taken by a folder), before any simulation. `log` receives one line per file written.
void generate_dataset(const Generator& g, const Params& p, const std::string& dir,
                      const std::function<void(const std::string&)>& log = {});

struct ParamsFile {
  const Generator* generator = nullptr;
  Params params;
  std::string version;  // the dynagrad version that wrote the file
};
// Reads and checks a params.json: its format, a known generator, EVERY parameter present and
// valid (a missing one would silently change the data). DatasetError names the file.
ParamsFile read_params_file(const std::string& path);
// read_params_file(dir/params.json), checking that the folder holds `generator`'s data set
// (DatasetError naming the file and both generators otherwise, or saying that the set is
// incomplete when splits are there without params.json).
ParamsFile read_dataset_params(const std::string& dir, const std::string& generator);

}  // namespace dg::datasets
