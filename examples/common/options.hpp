// Command-line options for the example programs: each option is declared once with its default
// and a help line; `--help` lists them all; an unknown option, a missing value or a malformed or
// out-of-range number is an error that names the option (exit code 2), before any work starts.
//
//   Options opt("field_discovery", "Learns the unseen field of the electrostatic data set.");
//   int& steps = opt.add("steps", 6000, "training steps", 1);     // minimum 1
//   bool& quick = opt.flag("quick", "a run under 60 s (used by the tests)");
//   opt.parse(argc, argv);                                        // exits on --help or an error
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace dg::examples {

class Options {
 public:
  Options(std::string program, std::string description);

  int& add(const std::string& name, int value, const std::string& help, int min = std::numeric_limits<int>::min(),
           int max = std::numeric_limits<int>::max());
  std::int64_t& add(const std::string& name, std::int64_t value, const std::string& help,
                    std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                    std::int64_t max = std::numeric_limits<std::int64_t>::max());
  double& add(const std::string& name, double value, const std::string& help,
              double min = -std::numeric_limits<double>::infinity(), double max = std::numeric_limits<double>::infinity());
  std::string& add(const std::string& name, const std::string& value, const std::string& help);
  std::string& add(const std::string& name, const char* value, const std::string& help) { return add(name, std::string(value), help); }
  bool& flag(const std::string& name, const std::string& help);  // off unless given

  // Parses `--name value`, `--name=value` and `--flag`. On --help prints usage to stdout and
  // exits 0; on an error prints it and the usage hint to stderr and exits 2.
  void parse(int argc, char** argv);
  // Same, but throws std::invalid_argument instead of exiting (for tests).
  void parse_or_throw(int argc, char** argv);

  bool given(const std::string& name) const;  // set on the command line (not a default)
  std::string usage() const;
  // "name=value" for every option, for results.json and logs.
  std::vector<std::pair<std::string, std::string>> values() const;
  // The same for the options in `names` only, in declaration order (e.g. the settings a resumed
  // run must share with its checkpoint); std::invalid_argument for a name not declared.
  std::vector<std::pair<std::string, std::string>> values_of(const std::vector<std::string>& names) const;

 private:
  struct Entry {
    std::string name, help;
    std::variant<int*, std::int64_t*, double*, std::string*, bool*> target;
    double min, max;
    bool given = false;
  };
  Entry* find(const std::string& name);
  const Entry* find(const std::string& name) const;
  void set(Entry& e, const std::string& text);

  std::string program_, description_;
  std::vector<Entry> entries_;
  // Stable storage for the values the references point at.
  std::deque<int> ints_;
  std::deque<std::int64_t> longs_;
  std::deque<double> doubles_;
  std::deque<std::string> strings_;
  std::deque<bool> flags_;
};

}  // namespace dg::examples
