// The example programs' option parser and output-folder check.
#include <doctest/doctest.h>

#include <filesystem>

#include "examples/common/options.hpp"
#include "examples/common/output_dir.hpp"

using dg::examples::Options;

namespace {
void parse(Options& o, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  o.parse_or_throw(static_cast<int>(argv.size()), argv.data());
}
}  // namespace

TEST_CASE("options parse values, flags and defaults") {
  Options o("prog", "test");
  int& steps = o.add("steps", 100, "steps", 1);
  double& lr = o.add("lr", 1e-3, "learning rate", 0.0);
  std::string& out = o.add("out", "results", "folder");
  bool& quick = o.flag("quick", "fast");
  parse(o, {"--steps", "7", "--lr=0.5", "--quick"});
  CHECK(steps == 7);
  CHECK(lr == 0.5);
  CHECK(out == "results");
  CHECK(quick);
  CHECK(o.given("steps"));
  CHECK_FALSE(o.given("out"));
  const std::string u = o.usage();
  CHECK(u.find("--steps N") != std::string::npos);
  CHECK(u.find("[100]") == std::string::npos);  // shows the current value, now 7
  CHECK(u.find("[7]") != std::string::npos);
}

TEST_CASE("bad options are errors naming the option") {
  Options o("prog", "test");
  o.add("steps", 100, "steps", 1);
  o.add("lr", 1e-3, "learning rate", 0.0);
  o.flag("quick", "fast");
  CHECK_THROWS_WITH_AS(parse(o, {"--nope"}), "unknown option --nope", std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse(o, {"--steps"}), "--steps needs a value", std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse(o, {"--steps", "x1"}), "--steps: 'x1' is not a valid integer", std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse(o, {"--steps", "0"}), doctest::Contains("--steps: 0 is outside"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse(o, {"--lr", "-1"}), doctest::Contains("--lr: -1 is outside"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse(o, {"--quick=1"}), "--quick takes no value", std::invalid_argument);
  CHECK_THROWS_AS(parse(o, {"stray"}), std::invalid_argument);
}

TEST_CASE("the output folder is created and checked") {
  namespace fs = std::filesystem;
  const fs::path base = fs::temp_directory_path() / "dg_output_dir_test";
  fs::remove_all(base);
  CHECK(dg::examples::prepare_output_dir((base / "a/b").string()) == (base / "a/b").string() + "/");
  CHECK(fs::is_directory(base / "a/b"));
  fs::create_directories(base);
  { std::FILE* f = std::fopen((base / "file").c_str(), "w"); std::fclose(f); }
  CHECK_THROWS_WITH_AS(dg::examples::prepare_output_dir((base / "file").string()), doctest::Contains("is not a folder"), std::runtime_error);
  CHECK_THROWS_WITH_AS(dg::examples::prepare_output_dir((base / "file/sub").string()), doctest::Contains("cannot be created"), std::runtime_error);
  fs::remove_all(base);
}
