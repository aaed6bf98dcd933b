// world() (world.hpp) and LocalCommunicator::abort.
#include "distributed/world.hpp"

#include <cstdio>
#include <cstdlib>

#ifdef DYNAGRAD_MPI
#include "distributed/mpi_communicator.hpp"
#endif

namespace dg::distributed {

void LocalCommunicator::abort(const std::string& message) {
  std::fprintf(stderr, "dynagrad: %s\n", message.c_str());
  std::exit(1);
}

namespace {

#ifdef DYNAGRAD_MPI
// Whether a launcher started this process (the variables OpenMPI's, PMIx's and Slurm's set). A
// program started by hand stays a single process and never initialises MPI.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(name)) return true;
  return false;
}
#endif

}  // namespace

Communicator& world() {
#ifdef DYNAGRAD_MPI
  if (launched_by_mpi()) {
    static MpiCommunicator mpi;
    return mpi;
  }
#endif
  static LocalCommunicator local;
  return local;
}

bool mpi_built() {
#ifdef DYNAGRAD_MPI
  return true;
#else
  return false;
#endif
}

}  // namespace dg::distributed
