// The communicator of this process: an MPI job's (when dynagrad was built with -Dmpi and the
// process was started by mpirun, srun or another MPI launcher), else a LocalCommunicator of one
// rank. MPI is started on the first call and finished at exit.
#pragma once

#include "distributed/communicator.hpp"

namespace dg::distributed {

Communicator& world();
bool mpi_built();  // dynagrad was built with the `mpi` option

}  // namespace dg::distributed
