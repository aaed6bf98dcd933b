// MpiCommunicator (mpi_communicator.hpp).
#include "distributed/mpi_communicator.hpp"

// The C API only: the deprecated C++ bindings include <iostream> (a static initialiser that keeps
// iostreams in libdynagrad_shared.so; tests/capi/no_iostreams.sh).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace dg::distributed {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  std::fprintf(stderr, "dynagrad: %s failed: %.*s\n", what, length, text);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

int as_count(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("MpiCommunicator: " + std::to_string(bytes) + " bytes are more than one message carries");
  return static_cast<int>(bytes);
}

}  // namespace

MpiCommunicator::MpiCommunicator() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    std::atexit([] {
      int finalized = 0;
      MPI_Finalized(&finalized);
      if (!finalized) MPI_Finalize();
    });
  }
  // Errors come back as codes (check() reports them and ends the job) instead of MPI's default
  // handler killing the job without naming the call.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  counts_.resize(static_cast<std::size_t>(size_));
  displs_.resize(static_cast<std::size_t>(size_));
}

void MpiCommunicator::allgather(const void* mine, std::span<const std::size_t> bytes, void* all) {
  std::size_t at = 0;
  for (int r = 0; r < size_; ++r) {
    counts_[std::size_t(r)] = as_count(bytes[std::size_t(r)]);
    displs_[std::size_t(r)] = as_count(at);
    at += bytes[std::size_t(r)];
  }
  // MPI forbids a send buffer inside the receive buffer: a rank whose bytes are already in place
  // (ShardedGradient's rows) says so with MPI_IN_PLACE.
  const bool in_place = static_cast<const char*>(all) + displs_[std::size_t(rank_)] == mine;
  check(MPI_Allgatherv(in_place ? MPI_IN_PLACE : mine, counts_[std::size_t(rank_)], MPI_BYTE, all, counts_.data(),
                       displs_.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgatherv");
}

void MpiCommunicator::broadcast(void* data, std::size_t bytes, int root) {
  check(MPI_Bcast(data, as_count(bytes), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
}

void MpiCommunicator::abort(const std::string& message) {
  std::fprintf(stderr, "dynagrad: rank %d of %d: %s\n", rank_, size_, message.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

}  // namespace dg::distributed
