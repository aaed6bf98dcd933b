// MpiCommunicator: the ranks of MPI_COMM_WORLD (built only with the `mpi` Meson option). The
// gathers and broadcasts are MPI_Allgatherv and MPI_Bcast on bytes; abort() is MPI_Abort, which
// mpirun turns into the end of every rank. Threads: MPI_THREAD_FUNNELED (only the thread that
// runs the training step calls MPI, outside its parallel regions).
#pragma once

#include <vector>

#include "distributed/communicator.hpp"

namespace dg::distributed {

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator();  // MPI_Init_thread; MPI_Finalize at exit
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allgather(const void* mine, std::span<const std::size_t> bytes, void* all) override;
  void broadcast(void* data, std::size_t bytes, int root) override;
  [[noreturn]] void abort(const std::string& message) override;

 private:
  int rank_ = 0, size_ = 1;
  std::vector<int> counts_, displs_;  // (size) of the last allgather, reused
};

}  // namespace dg::distributed
