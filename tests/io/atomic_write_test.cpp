// write_file_atomic: the previous file survives a write that fails midway (file-size limit hit
// inside write) or a process killed with SIGKILL while writing, and a thrown error never leaves
// a temporary file behind. Children are forked so that limits and kills do not touch the runner.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "io/error.hpp"
#include "io/file.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

namespace {

std::string text_of(const std::string& path) { return read_text_file(path); }

// Exit status of a forked child running `body` (which returns the child's exit code).
template <class F>
int run_in_child(F body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("writes, overwrites, and leaves only the target") {
  test::ScratchDir dir;
  write_file_atomic(dir / "a.txt", std::string_view("first"));
  CHECK(text_of(dir / "a.txt") == "first");
  write_file_atomic(dir / "a.txt", std::string_view("second, longer"));
  CHECK(text_of(dir / "a.txt") == "second, longer");
  write_file_atomic(dir / "empty", std::string_view(""));
  CHECK(text_of(dir / "empty").empty());
  CHECK(dir.count() == 2);

  // The new file gets the usual permissions (0666 filtered by the umask), not mkstemp's 0600.
  const mode_t mask = ::umask(022);
  write_file_atomic(dir / "b.txt", std::string_view("x"));
  ::umask(mask);
  struct stat st {};
  REQUIRE(::stat((dir / "b.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("errors name the file and leave no temporary file") {
  test::ScratchDir dir;
  CHECK_THROWS_WITH_AS(write_file_atomic(dir / "missing/a.txt", std::string_view("x")),
                       doctest::Contains((dir / "missing/a.txt: cannot create temporary file").c_str()), IoError);
  CHECK_THROWS_WITH_AS(read_file(dir / "nope"), doctest::Contains((dir / "nope: cannot open for reading").c_str()), IoError);
  CHECK_THROWS_WITH_AS(read_file(dir.path), doctest::Contains("not a regular file"), IoError);

  // Renaming over a non-empty directory fails after the data was written: the temp file goes.
  std::filesystem::create_directory(dir / "target");
  write_file_atomic(dir / "target/inside", std::string_view("keep"));
  CHECK(dir.count() == 1);
  CHECK_THROWS_WITH_AS(write_file_atomic(dir / "target", std::string_view("data")),
                       doctest::Contains("cannot rename temporary file over it"), IoError);
  CHECK(dir.count() == 1);
  CHECK(text_of(dir / "target/inside") == "keep");
}

TEST_CASE("a write that fails midway keeps the previous file") {
  test::ScratchDir dir;
  const std::string path = dir / "data.bin";
  write_file_atomic(path, std::string_view("previous contents"));

  // In a child: a 64 KiB file-size limit makes write() fail with EFBIG partway through 1 MiB.
  const int code = run_in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{64 << 10, 64 << 10};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 2;
    try {
      write_file_atomic(path, std::string(1 << 20, 'n'));
    } catch (const IoError& e) {
      return std::string(e.what()).find("write failed") != std::string::npos ? 0 : 3;
    }
    return 4;  // no error: the limit did not bite
  });
  CHECK(code == 0);
  CHECK(text_of(path) == "previous contents");
  CHECK(dir.count() == 1);  // the partial temp file was removed
}

TEST_CASE("a writer killed with SIGKILL keeps the previous file") {
  test::ScratchDir dir;
  const std::string path = dir / "checkpoint.npz";
  write_file_atomic(path, std::string_view("old checkpoint"));

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    write_file_atomic(path, std::string(std::size_t(64) << 20, 'n'));  // 64 MiB
    ::_exit(0);
  }
  // Kill the child as soon as its temporary file appears, i.e. while it is writing.
  bool saw_temp = false;
  for (int spin = 0; spin < 20000000 && !saw_temp; ++spin) {
    saw_temp = dir.count() > 1;
    if (!saw_temp && spin % 1000 == 999) ::usleep(50);
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE_MESSAGE(saw_temp, "the child finished before it could be killed");
  CHECK(WIFSIGNALED(status));
  CHECK(text_of(path) == "old checkpoint");

  // The stale temp file is the only trace, and the next save of the same target removes it
  // (issue 17: each killed save used to leave its 2-7 MB temporary file for good).
  CHECK(dir.count() == 2);
  write_file_atomic(path, std::string_view("new checkpoint"));
  CHECK(text_of(path) == "new checkpoint");
  CHECK(dir.count() == 1);
}

TEST_CASE("stale temporary files: only dead writers' files of the same target on this host go") {
  test::ScratchDir dir;
  char host[256] = {};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  // A pid that surely ran and is gone: a child that has exited and been reaped.
  const pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  auto temp = [&](const std::string& target, const std::string& h, long pid) {
    const std::string name = dir / ("." + target + ".tmp-" + h + "-" + std::to_string(pid) + "-3");
    write_file_atomic(name, std::string_view("partial"));
    return name;
  };
  const std::string stale = temp("a.npz", host, dead);
  const std::string live = temp("a.npz", host, ::getpid());     // a save in progress (this process)
  const std::string other_host = temp("a.npz", "elsewhere", dead);  // a writer on another machine
  const std::string other_target = temp("b.npz", host, dead);   // another target's leftover
  CHECK(dir.count() == 4);
  write_file_atomic(dir / "a.npz", std::string_view("data"));
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  CHECK(std::filesystem::exists(other_host));
  CHECK(std::filesystem::exists(other_target));
  CHECK(dir.count() == 4);
}
