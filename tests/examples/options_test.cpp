// The example programs' shared pieces: the option parser, the output-folder check, the standard
// options' --threads default, run_main's exit statuses, and the checks' exit status.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/options.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "io/error.hpp"
#include "nn/checkpoint.hpp"
#include "nn/step_trainer.hpp"

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

TEST_CASE("values_of gives the named options in declaration order, with values set after parsing") {
  Options o("prog", "test");
  int& steps = o.add("steps", 100, "steps", 1);
  o.add("lr", 0.5, "lr");
  o.flag("quick", "quick");
  parse(o, {"--quick"});
  steps = 7;  // as a --quick default would set it
  const auto v = o.values_of({"quick", "steps"});
  REQUIRE(v.size() == 2);
  CHECK(v[0] == std::pair<std::string, std::string>{"steps", "7"});
  CHECK(v[1] == std::pair<std::string, std::string>{"quick", "true"});
  CHECK_THROWS_AS(o.values_of({"steps", "no-such"}), std::invalid_argument);
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

TEST_CASE("--threads defaults to OpenMP's setting, not to a fixed number") {
  const int before = dg::num_threads();
  dg::set_num_threads(3);  // as OMP_NUM_THREADS=3 would
  Options o("prog", "test");
  const dg::examples::StandardOptions so = dg::examples::add_standard_options(o, "prog");
#ifdef _OPENMP
  CHECK(so.threads == 3);
#else
  CHECK(so.threads == 1);  // -Dopenmp=disabled: one thread, whatever is asked
#endif
  parse(o, {"--threads", "1"});
  CHECK(so.threads == 1);
  dg::set_num_threads(before);
}

TEST_CASE("run_main turns every exception into an exit status; nothing reaches terminate") {
  using namespace dg::examples;
  CHECK(run_main("prog", [] { return 0; }) == kExitOk);
  CHECK(run_main("prog", [] { return 3; }) == 3);
  CHECK(run_main("prog", []() -> int { throw std::invalid_argument("--x: bad"); }) == kExitBadInput);
  CHECK(run_main("prog", []() -> int { throw dg::io::IoError("f.npz: truncated"); }) == kExitBadInput);
  CHECK(run_main("prog", []() -> int { throw dg::nn::CheckpointError("c.npz: other settings"); }) == kExitBadInput);
  CHECK(run_main("prog", []() -> int { throw dg::nn::NonFiniteLoss("field: the loss is nan at step 3"); }) == kExitFailed);
  CHECK(run_main("prog", []() -> int { throw std::runtime_error("PhysicsError-like"); }) == kExitFailed);
  CHECK(run_main("prog", []() -> int { throw 42; }) == kExitFailed);
}

TEST_CASE("a failed required check sets exit status 3 even without --check; a missed target only with it") {
  using dg::examples::Check;
  const std::vector<Check> target_missed = {{"ratio", 2.0, 1.0, Check::AtMost}};
  CHECK(dg::examples::print_checks(target_missed, false) == 0);
  CHECK(dg::examples::print_checks(target_missed, true) == 3);
  const std::vector<Check> diverged = {{"rollouts finite", 0.0, 1.0, Check::AtLeast, true}};
  CHECK(dg::examples::print_checks(diverged, false) == 3);
  const std::vector<Check> nan_value = {{"ratio", std::nan(""), 1.0, Check::AtMost}};
  CHECK_FALSE(nan_value[0].passed());
  // NaN becomes null in results.json (a JSON number cannot be NaN).
  CHECK(dg::examples::checks_json(nan_value).as_array().at(0).at("value").is_null());
}
