// prepare_output_dir: create the folder and prove it writable.
#include "examples/common/output_dir.hpp"

#include <filesystem>
#include <system_error>

#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::examples {

std::string prepare_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw io::IoError("output folder: empty path");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw io::IoError("output folder '" + dir + "' exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw io::IoError("output folder '" + dir + "' cannot be created: " + ec.message());
  const std::string probe = (fs::path(dir) / ".write_probe").string();
  try {
    io::write_file_atomic(probe, std::string_view("ok\n"));
  } catch (const std::exception& e) {
    throw io::IoError("output folder '" + dir + "' is not writable: " + e.what());
  }
  fs::remove(probe, ec);
  return dir.back() == '/' ? dir : dir + "/";
}

}  // namespace dg::examples
