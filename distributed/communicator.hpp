// Communicator: the processes (ranks) that share the shards of a training step, and the three
// things they ever say to each other: gather every rank's bytes on every rank, broadcast from
// one rank, and end them all after an error. LocalCommunicator is the single process (no MPI);
// MpiCommunicator (mpi_communicator.hpp, built with -Dmpi) is a job started by mpirun or srun.
// world() (world.hpp) picks the one this process runs under.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <string>

namespace dg::distributed {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Rank r contributes bytes[r] bytes from `mine`; every rank receives all of them, rank 0's
  // first, in `all` (the sum of `bytes`). Called by every rank with the same `bytes`.
  virtual void allgather(const void* mine, std::span<const std::size_t> bytes, void* all) = 0;
  // Rank `root`'s `bytes` bytes at `data` replace those of every other rank.
  virtual void broadcast(void* data, std::size_t bytes, int root) = 0;
  // Ends every rank of the job after `message` (printed by this rank) with exit status 1: an error
  // on one rank must not leave the others waiting for it forever.
  [[noreturn]] virtual void abort(const std::string& message) = 0;
};

// One process, no MPI.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allgather(const void* mine, std::span<const std::size_t> bytes, void* all) override {
    if (bytes[0] > 0 && all != mine) std::memmove(all, mine, bytes[0]);
  }
  void broadcast(void*, std::size_t, int) override {}
  [[noreturn]] void abort(const std::string& message) override;
};

}  // namespace dg::distributed
