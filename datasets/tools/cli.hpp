// The `dynagrad-data` command line, as a function that tests can call directly:
//
//   dynagrad-data generate NAME --out DIR [--seed S] [--train N --val N --test N] [--steps N]
//                 [--test-steps N] [--every N] [--dt X] [--particles N] [--published]
//                 [--set NAME=VALUE]... [--threads N]
//   dynagrad-data generate --from DIR/params.json --out DIR2 [options as above]
//   dynagrad-data info FILE         arrays, shapes, dtypes, min/max (+ params.json next to it)
//   dynagrad-data list [NAME]       the data sets, or the parameters of one
//   dynagrad-data --help
//
// Exit codes: 0 success, 1 failure while working (a file that cannot be read or written, a
// simulation that fails), 2 a usage error (unknown option, impossible value), reported before
// any work starts.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dg::datasets::cli {

// A command line that cannot be run: the message names the option or value.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The parsed options of `generate`.
struct GenerateOptions {
  std::string name;                                        // data set or family ("chaotic"); may be empty with --from
  std::string out;                                         // --out
  std::string from;                                        // --from
  bool published = false;                                  // --published
  int threads = 0;                                         // --threads (0: OpenMP's default)
  std::vector<std::pair<std::string, std::string>> sets;  // parameter name -> text, in order given
};

// Parses the arguments after "generate"; UsageError on unknown options, missing values,
// malformed --set or conflicting options. Parameter values are checked later, by the generator.
GenerateOptions parse_generate(const std::vector<std::string>& args);

// The usage text printed by --help.
std::string usage();

// Runs a whole command line (args without the program name); returns the exit code.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dg::datasets::cli
