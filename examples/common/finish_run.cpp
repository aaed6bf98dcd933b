// finish_run (finish_run.hpp).
#include "examples/common/finish_run.hpp"

#include <cstdio>

#include "distributed/world.hpp"

namespace dg::examples {

int finish_run(const std::string& out, double seconds, const std::vector<Check>& checks, bool enforce,
               const std::string& wrote, const std::function<io::Json()>& write) {
  if (distributed::world().rank() != 0) return print_checks(checks, enforce);  // under MPI, rank 0 writes
  io::write_json(out + "results.json", write());
  std::printf("\n%.1f s in all; wrote %s to %s\n", seconds, wrote.c_str(), out.c_str());
  return print_checks(checks, enforce);
}

}  // namespace dg::examples
