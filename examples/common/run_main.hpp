// run_main: the one way an example program ends. It runs the program's body and turns every
// exception into a message on stderr and an exit status, so that no error can end in
// std::terminate (exit 134). The statuses, the same in every example:
//   0  success
//   1  the run failed: a training loss diverged (nn::NonFiniteLoss), a simulation blew up, or any
//      other error
//   2  bad input: an option (std::invalid_argument, the parent of datasets::DatasetError), a file
//      that cannot be read or written (io::IoError), a checkpoint that does not fit or whose
//      settings differ (nn::CheckpointError)
//   3  a check failed (examples/common/checks.hpp: with --check, or a sanity check always)
//   4  stopped on purpose (--interrupt-after); run again with --resume
//
//   int main(int argc, char** argv) {
//     return dg::examples::run_main("nbody_orbits", [&] {
//       ...                                                   // parse, run, write
//       return dg::examples::print_checks(checks, so.check);  // 0 or 3
//     });
//   }
#pragma once

#include <functional>

namespace dg::examples {

inline constexpr int kExitOk = 0, kExitFailed = 1, kExitBadInput = 2, kExitCheckFailed = 3, kExitInterrupted = 4;

// The exit status for the exception being handled (call inside a catch block), after printing
// "<program>: <what>" to stderr.
int report_exception(const char* program);

// body() -> the exit status; any exception -> report_exception's status.
int run_main(const char* program, const std::function<int()>& body);

}  // namespace dg::examples
