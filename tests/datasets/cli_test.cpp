// The `dynagrad-data` command line through cli::run: generate into a scratch folder, then info
// and list on what it wrote; --help; usage errors (exit 2, the option named, nothing written);
// generate --from params.json reproduces the same bytes.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "autodiff/parallel.hpp"
#include "datasets/generate.hpp"
#include "datasets/tools/cli.hpp"
#include "io/file.hpp"
#include "tests/datasets/helpers.hpp"
#include "tests/io/scratch.hpp"

using namespace dg;
using namespace dg::datasets;
using dg::io::test::ScratchDir;

namespace {

struct Result {
  int code;
  std::string out, err;
};

// Runs the tool's command line and restores the thread count it may change.
Result run_cli(const std::vector<std::string>& args) {
  const int threads = num_threads();
  std::ostringstream out, err;
  const int code = cli::run(args, out, err);
  set_num_threads(threads);
  return {code, out.str(), err.str()};
}

// A small electrostatic set: 2 / 1 / 1 simulations of 2 frames, a 10 x 10 field grid.
std::vector<std::string> small_generate(const std::string& dir) {
  return {"generate", "electrostatic", "--out", dir, "--train", "2", "--val=1", "--test", "1",
          "--steps", "300", "--seed", "5", "--set", "grid=10", "--threads", "2"};
}

}  // namespace

TEST_CASE("generate writes a data set that info and list describe") {
  ScratchDir dir;
  const std::string set = dir / "set";
  const Result gen = run_cli(small_generate(set));
  INFO(gen.err);
  REQUIRE(gen.code == 0);
  CHECK(gen.out.find("generating electrostatic into " + set) != std::string::npos);
#ifdef _OPENMP
  CHECK(gen.out.find("seed 5, 2 threads") != std::string::npos);
#else  // -Dopenmp=disabled: --threads 2 runs on the one thread there is, and says so
  CHECK(gen.out.find("seed 5, 1 threads") != std::string::npos);
#endif

  // The options reached the parameters.
  const ParamsFile f = read_params_file(params_path(set));
  CHECK(f.generator == &find_generator("electrostatic"));
  CHECK(f.params.integer("train") == 2);
  CHECK(f.params.integer("val") == 1);
  CHECK(f.params.integer("test") == 1);
  CHECK(f.params.integer("steps") == 300);
  CHECK(f.params.integer("test_steps") == 300);  // --steps sets both
  CHECK(f.params.integer("seed") == 5);
  CHECK(f.params.integer("grid") == 10);
  // ... and the files are what the library makes from them.
  for (Split s : kSplits) CHECK(io::read_npz(split_path(set, s)) == generate_split(*f.generator, f.params, s));

  // info: every array of the file with its dtype and shape, then the parameters.
  const Result info = run_cli({"info", split_path(set, Split::Train)});
  REQUIRE(info.code == 0);
  const io::NamedArrays arrays = io::read_npz(split_path(set, Split::Train));
  CHECK(info.out.find(std::to_string(arrays.size()) + " arrays") != std::string::npos);
  for (const auto& [name, a] : arrays) {
    CAPTURE(name);
    const std::string line = info.out.substr(info.out.find("  " + name + " "));
    const std::string first_line = line.substr(0, line.find('\n'));
    CHECK(first_line.find(io::dtype_name(a.dtype())) != std::string::npos);
    CHECK(first_line.find(io::shape_string(a.shape())) != std::string::npos);
  }
  CHECK(info.out.find("(2, 2, 5, 2)") != std::string::npos);  // positions: S, F, N, d
  CHECK(info.out.find("parameters (" + params_path(set) + ")") != std::string::npos);
  CHECK(info.out.find("\"grid\": 10") != std::string::npos);

  // list: every data set and the family; list NAME: every parameter of that set.
  const Result list = run_cli({"list"});
  REQUIRE(list.code == 0);
  for (const Generator* g : all_generators()) CHECK(list.out.find("  " + g->name() + " ") != std::string::npos);
  CHECK(list.out.find("chaotic") != std::string::npos);
  const Result one = run_cli({"list", "springs"});
  REQUIRE(one.code == 0);
  for (const ParamSpec& spec : find_generator("springs").param_specs()) CHECK(one.out.find(spec.name) != std::string::npos);
  CHECK(run_cli({"list", "warp"}).code == 2);

  // A file that is not there is a failure while working (exit 1), naming it.
  const Result missing = run_cli({"info", dir / "nothing.npz"});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("nothing.npz") != std::string::npos);
}

TEST_CASE("--help prints the usage and exits 0") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"help"}, {"generate", "--help"}}) {
    const Result r = run_cli(args);
    CHECK(r.code == 0);
    CHECK(r.out == cli::usage());
    CHECK(r.err.empty());
  }
  CHECK(cli::usage().find("dynagrad-data generate NAME --out DIR") != std::string::npos);
}

TEST_CASE("usage errors exit 2 naming the option, before any work") {
  ScratchDir dir;
  const std::string out = dir / "never";
  struct Case {
    std::vector<std::string> args;
    std::string named;  // what the message must contain
  };
  const std::vector<Case> cases = {
      {{"generate", "electrostatic", "--out", out, "--bogus", "1"}, "'--bogus'"},
      {{"generate", "electrostatic", "--out", out, "--train", "-5"}, "parameter 'train'"},
      {{"generate", "electrostatic", "--out", out, "--val=-1"}, "parameter 'val'"},
      {{"generate", "electrostatic", "--out", out, "--particles", "0"}, "parameter 'particles'"},
      {{"generate", "charged", "--out", out, "--set", "particles=0"}, "parameter 'particles'"},
      {{"generate", "electrostatic", "--out", out, "--train", "ten"}, "'train': must be an integer, got 'ten'"},
      {{"generate", "electrostatic", "--out", out, "--dt", "0"}, "parameter 'dt'"},
      {{"generate", "electrostatic", "--out", out, "--dt", "nan"}, "parameter 'dt': must be finite and in (0, "},
      {{"generate", "electrostatic", "--out", out, "--dt=-inf"}, "parameter 'dt': must be finite and in (0, "},
      {{"generate", "electrostatic", "--out", out, "--set", "force_cap=inf"}, "parameter 'force_cap': must be finite"},
      {{"generate", "electrostatic", "--out", out, "--steps", "250"}, "multiple of every"},
      {{"generate", "electrostatic", "--out", out, "--set", "warp=1"}, "'warp': no such parameter"},
      {{"generate", "electrostatic", "--out", out, "--set", "grid"}, "--set: expected NAME=VALUE"},
      {{"generate", "electrostatic", "--out", out, "--threads", "0"}, "--threads"},
      {{"generate", "electrostatic", "--out"}, "--out needs a value"},
      {{"generate", "electrostatic"}, "--out DIR is required"},
      {{"generate", "--out", out}, "name a data set"},
      {{"generate", "warp_drive", "--out", out}, "unknown data set 'warp_drive'"},
      {{"generate", "--from", dir / "absent.json", "--out", out}, "absent.json"},
      {{"generate", "electrostatic", "nbody", "--out", out}, "unexpected argument 'nbody'"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{}, "no command given"},
      {{"info"}, "info: expected one file"},
  };
  for (const Case& c : cases) {
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    CAPTURE(line);
    const Result r = run_cli(c.args);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.named) != std::string::npos);
    CHECK(r.err.find("--help") != std::string::npos);
    CHECK(r.out.empty());  // nothing started
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("generate --from params.json reproduces the same bytes; options still override it") {
  ScratchDir dir;
  const std::string set = dir / "set", again = dir / "again", other = dir / "other";
  REQUIRE(run_cli(small_generate(set)).code == 0);
  const Result from = run_cli({"generate", "--from", params_path(set), "--out", again, "--threads", "1"});
  INFO(from.err);
  REQUIRE(from.code == 0);
  CHECK(from.err.empty());  // same version: no note
  for (Split s : kSplits) CHECK(io::read_file(split_path(again, s)) == io::read_file(split_path(set, s)));
  CHECK(io::read_file(params_path(again)) == io::read_file(params_path(set)));

  // The name must agree with the file; an override changes the data and is recorded.
  const Result wrong = run_cli({"generate", "nbody", "--from", params_path(set), "--out", other});
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("describes 'electrostatic', not 'nbody'") != std::string::npos);
  CHECK(run_cli({"generate", "--from", params_path(set), "--out", other, "--published"}).code == 2);
  REQUIRE(run_cli({"generate", "electrostatic", "--from", params_path(set), "--out", other, "--seed", "6"}).code == 0);
  CHECK(read_params_file(params_path(other)).params.integer("seed") == 6);
  CHECK(read_params_file(params_path(other)).params.integer("grid") == 10);
  CHECK(io::read_file(split_path(other, Split::Train)) != io::read_file(split_path(set, Split::Train)));
}

TEST_CASE("an unusable --out is refused before any simulation (exit 2), not after the train split") {
  ScratchDir dir;
  // Meaningful as root: a target name taken by a folder (rename cannot replace it), and a path
  // under a regular file.
  std::filesystem::create_directories(dir / "set/val.npz");
  const Result taken = run_cli(small_generate(dir / "set"));
  CHECK(taken.code == 2);
  CHECK(taken.err.find("--out: " + dir / "set/val.npz: is a folder") != std::string::npos);
  CHECK(taken.out.empty());  // nothing generated
  CHECK_FALSE(std::filesystem::exists(dir / "set/train.npz"));

  io::write_file_atomic(dir / "file", std::string_view("x"));
  const Result under_file = run_cli(small_generate(dir / "file/set"));
  CHECK(under_file.code == 2);
  CHECK(under_file.err.find("cannot create the folder") != std::string::npos);

  // The library checks too, before simulating (DatasetError naming the folder).
  const Generator& g = find_generator("electrostatic");
  CHECK(test::error_of([&] { generate_dataset(g, test::small_params(g, 2), dir / "set"); }).find("val.npz: is a folder") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "set/train.npz"));

  // A read-only folder stops only non-root users (CI runs as root).
  std::filesystem::create_directory(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0555);
  if (::geteuid() == 0) {
    MESSAGE("running as root: permission bits do not stop writes, the read-only --out case is skipped");
  } else {
    const Result ro = run_cli(small_generate(dir / "ro"));
    CHECK(ro.code == 2);
    CHECK(ro.err.find("cannot create files in this folder") != std::string::npos);
  }
  ::chmod((dir / "ro").c_str(), 0755);
}
