// libFuzzer target for the checkpoint reader (nn/checkpoint.hpp): the input is written to a file
// and loaded into a small MLP with its Adam state. Any outcome other than a load or a
// CheckpointError (a crash, a sanitizer report, another exception, a hang, an allocation above
// -malloc_limit_mb) is a finding. A failed load must leave the model unchanged (the reader checks
// everything before copying). With DG_FUZZ_WRITE_SEED=FILE the program writes a valid checkpoint
// of that model to FILE and exits: the seed that run_fuzz.sh gives it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/mlp.hpp"

namespace {

using namespace dg;

void require(bool ok) {
  if (!ok) std::abort();
}

struct Model {
  Philox rng{3};
  nn::MLP<float> net{{2, 4, 1}, rng};
  nn::Adam<float> opt{net.parameters()};
};

std::vector<float> values_of(const nn::MLP<float>& net) {
  std::vector<float> v;
  for (const auto& p : net.parameters()) v.insert(v.end(), p.param->value.data(), p.param->value.data() + p.param->value.numel());
  return v;
}

// One file per process, rewritten for every input.
const std::string& input_path() {
  static const std::string path = "/tmp/dg_fuzz_checkpoint_" + std::to_string(::getpid()) + ".npz";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* seed = std::getenv("DG_FUZZ_WRITE_SEED")) {
    Model m;
    nn::save_checkpoint(seed, m.net, m.opt, {.step = 7});
    std::exit(0);
  }
  std::atexit([] { ::unlink(input_path().c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream f(input_path(), std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    require(f.good());
  }
  static Model m;
  const std::vector<float> before = values_of(m.net);
  try {
    nn::load_checkpoint(input_path(), m.net, m.opt);
  } catch (const nn::CheckpointError&) {
    require(values_of(m.net) == before);  // a failed load changes nothing
  }
  return 0;
}
