// run_main and the mapping from exception types to exit statuses (run_main.hpp).
#include "examples/common/run_main.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>

#include "io/error.hpp"
#include "nn/checkpoint.hpp"

namespace dg::examples {

namespace {

bool is_bad_input(const std::exception& e) {
  return dynamic_cast<const std::invalid_argument*>(&e) || dynamic_cast<const io::IoError*>(&e) ||
         dynamic_cast<const nn::CheckpointError*>(&e);
}

}  // namespace

int report_exception(const char* program) {
  try {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return is_bad_input(e) ? kExitBadInput : kExitFailed;
  } catch (...) {
    std::fprintf(stderr, "%s: an unknown error (not a std::exception)\n", program);
    return kExitFailed;
  }
}

int run_main(const char* program, const std::function<int()>& body) {
  try {
    const int status = body();
    std::fflush(stdout);
    return status;
  } catch (...) {
    std::fflush(stdout);
    return report_exception(program);
  }
}

}  // namespace dg::examples
