// Files a careless or hostile user points the readers at (issue 17): a FIFO is refused at once
// instead of blocking; a huge sparse file whose header does not match its size is refused without
// reading it (memory stays flat); require_writable_dir refuses an unusable output folder.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "io/error.hpp"
#include "io/file.hpp"
#include "io/json.hpp"
#include "io/npy.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

long max_rss_kib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A file of `size` bytes that starts with `head` and is a hole after it (no disk, no memory).
void sparse_file(const std::string& path, const std::vector<std::byte>& head, off_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
  REQUIRE(::ftruncate(fd, size) == 0);
  ::close(fd);
}

}  // namespace

TEST_CASE("a FIFO is refused at once, not read (the reader used to block in open)") {
  test::ScratchDir dir;
  const std::string fifo = dir / "pipe.npy";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  ::alarm(30);  // before the fix open() blocked forever: SIGALRM then ends the test as a failure
  CHECK(error_of([&] { read_npy(fifo); }).find("pipe.npy: not a regular file (a FIFO") != std::string::npos);
  CHECK(error_of([&] { read_npz(fifo); }).find("not a regular file") != std::string::npos);
  CHECK(error_of([&] { read_file(fifo); }).find("not a regular file") != std::string::npos);
  CHECK(error_of([&] { read_json(fifo); }).find("not a regular file") != std::string::npos);
  ::alarm(0);
}

TEST_CASE("a 1 GiB sparse file with a small header is refused from its header, without reading it") {
  test::ScratchDir dir;
  const off_t size = off_t(1) << 30;
  // A valid header for 3 float64 values, then a hole of 1 GiB: "trailing garbage".
  std::vector<std::byte> head = serialize_npy(Array(DType::Float64, {3}));
  head.resize(128);  // the preamble and header only
  sparse_file(dir / "big.npy", head, size);
  sparse_file(dir / "big.npz", head, size);  // no zip end record in its last 64 KiB
  const long before = max_rss_kib();
  CHECK(error_of([&] { read_npy(dir / "big.npy"); }).find("trailing garbage: header says 24 bytes, 1073741696 present") !=
        std::string::npos);
  CHECK(error_of([&] { read_npz(dir / "big.npz"); }).find("not a zip/.npz file") != std::string::npos);
  // The readers used to copy the whole file into memory first (+1 GiB of peak memory).
  CHECK(max_rss_kib() - before < 64 * 1024);
}

TEST_CASE("require_writable_dir: creates the folder, refuses what cannot take files") {
  test::ScratchDir dir;
  require_writable_dir(dir / "new/sub", {"train.npz"});
  CHECK(std::filesystem::is_directory(dir / "new/sub"));
  CHECK(std::filesystem::is_empty(dir / "new/sub"));  // the probe file is gone

  // Meaningful as root too: a path under a regular file, a target name taken by a folder.
  write_file_atomic(dir / "file", std::string_view("x"));
  CHECK(error_of([&] { require_writable_dir(dir / "file/out"); }).find("file/out: cannot create the folder") !=
        std::string::npos);
  std::filesystem::create_directories(dir / "set/train.npz");
  CHECK(error_of([&] { require_writable_dir(dir / "set", {"params.json", "train.npz"}); })
            .find("set/train.npz: is a folder") != std::string::npos);

  // Permission bits stop only non-root users.
  std::filesystem::create_directory(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0555);
  if (::geteuid() == 0) {
    MESSAGE("running as root: permission bits do not stop writes, the read-only folder case is skipped");
  } else {
    CHECK(error_of([&] { require_writable_dir(dir / "ro"); }).find("ro: cannot create files in this folder") !=
          std::string::npos);
  }
  ::chmod((dir / "ro").c_str(), 0755);
}
