// MetricsLogger: exact CSV text, JSON lines that parse back, appending for resumed runs, and rows
// that survive a process killed with SIGKILL right after logging them.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/file.hpp"
#include "io/json.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

TEST_CASE("CSV: header once, rows of shortest round-trip numbers") {
  test::ScratchDir dir;
  {
    MetricsLogger log(dir / "m.csv", {"epoch", "loss", "note, quoted \"x\""});
    CHECK(log.format() == LogFormat::Csv);
    log.log({1, 0.5, 1e-7});
    log.log({2, 0.1, -1e300});
    log.log({3, std::nan(""), std::numeric_limits<double>::infinity()});
    CHECK_THROWS_WITH_AS(log.log({1, 2}), doctest::Contains("m.csv: 2 values logged for 3 columns"), IoError);
  }
  CHECK(read_text_file(dir / "m.csv") ==
        "epoch,loss,\"note, quoted \"\"x\"\"\"\n"
        "1,0.5,1e-07\n"
        "2,0.1,-1e+300\n"
        "3,nan,inf\n");
  // A new logger without append starts the file over.
  MetricsLogger again(dir / "m.csv", {"a"});
  CHECK(read_text_file(dir / "m.csv") == "a\n");
}

TEST_CASE("JSON lines: one object per row, NaN as null") {
  test::ScratchDir dir;
  {
    MetricsLogger log(dir / "m.jsonl", {"step", "loss"});
    CHECK(log.format() == LogFormat::JsonLines);
    log.log({10, 0.25});
    log.log({20, std::nan("")});
  }
  std::ifstream in(dir / "m.jsonl");
  std::string line;
  REQUIRE(std::getline(in, line));
  const Json first = parse_json(line);
  CHECK(first.at("step").as_int() == 10);
  CHECK(first.at("loss").as_double() == 0.25);
  REQUIRE(std::getline(in, line));
  CHECK(parse_json(line).at("loss").is_null());
  CHECK(!std::getline(in, line));
}

TEST_CASE("append continues a resumed run and checks the header") {
  test::ScratchDir dir;
  const std::string path = dir / "m.csv";
  { MetricsLogger(path, {"epoch", "loss"}).log({1, 0.5}); }
  { MetricsLogger(path, {"epoch", "loss"}, LogFormat::Auto, /*append=*/true).log({2, 0.25}); }
  CHECK(read_text_file(path) == "epoch,loss\n1,0.5\n2,0.25\n");
  CHECK_THROWS_WITH_AS(MetricsLogger(path, {"epoch", "val_loss"}, LogFormat::Auto, true),
                       doctest::Contains("header 'epoch,loss' differs from 'epoch,val_loss'"), IoError);

  // A file whose last line was cut off gets a line break before the next row.
  write_file_atomic(path, std::string_view("epoch,loss\n1,0.5\n2,0."));
  { MetricsLogger(path, {"epoch", "loss"}, LogFormat::Auto, true).log({3, 0.125}); }
  CHECK(read_text_file(path) == "epoch,loss\n1,0.5\n2,0.\n3,0.125\n");
  // Appending to a file that does not exist yet writes the header.
  { MetricsLogger(dir / "new.csv", {"x"}, LogFormat::Csv, true).log({1}); }
  CHECK(read_text_file(dir / "new.csv") == "x\n1\n");
}

TEST_CASE("rows logged before a SIGKILL are kept") {
  test::ScratchDir dir;
  const std::string path = dir / "killed.csv";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    MetricsLogger log(path, {"step", "loss"});
    for (int step = 0; step < 3; ++step) log.log({double(step), 1.0 / (step + 1)});
    ::raise(SIGKILL);  // no destructor, no flush at exit
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(read_text_file(path) == "step,loss\n0,1\n1,0.5\n2,0.3333333333333333\n");
}

TEST_CASE("errors name the file") {
  test::ScratchDir dir;
  CHECK_THROWS_WITH_AS(MetricsLogger(dir / "no/such/dir.csv", {"a"}), doctest::Contains("dir.csv: cannot open for writing"),
                       IoError);
  CHECK_THROWS_WITH_AS(MetricsLogger(dir / "a.csv", {}), doctest::Contains("at least one column"), IoError);
}
