// The `dynagrad-data` command line (see cli.hpp).
#include "datasets/tools/cli.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

#include "autodiff/parallel.hpp"
#include "datasets/generate.hpp"
#include "datasets/info.hpp"
#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::datasets::cli {

namespace {

// Options of `generate` that set one parameter each.
const std::map<std::string, std::string>& parameter_options() {
  static const std::map<std::string, std::string> m = {
      {"--seed", "seed"},   {"--train", "train"},   {"--val", "val"}, {"--test", "test"},
      {"--steps", "steps"}, {"--test-steps", "test_steps"}, {"--every", "every"}, {"--dt", "dt"},
      {"--particles", "particles"},
  };
  return m;
}

int parse_threads(const std::string& text) {
  int n = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || n < 1 || n > 4096)
    throw UsageError("--threads: expected a whole number in [1, 4096], got '" + io::printable(text, 40) + "'");
  return n;
}

std::string list_text(const std::string& name) {
  std::ostringstream os;
  if (name.empty()) {
    os << "Data sets (dynagrad-data list NAME shows the parameters of one):\n";
    for (const Generator* g : all_generators()) os << "  " << g->name() << std::string(18 - std::min<std::size_t>(17, g->name().size()), ' ') << g->summary() << "\n";
    os << "  chaotic           the family lorenz, roessler, double_pendulum (written to DIR/<name>)\n";
    return os.str();
  }
  for (const Generator* g : generators_named(name)) {
    os << g->name() << ": " << g->summary() << "\nParameters (default, and the published setting where it differs):\n"
       << default_params(*g, false).describe();
    // Published values that differ from the defaults are shown by describe() on the defaults.
  }
  if (os.str().empty()) throw UsageError("unknown data set '" + io::printable(name, 60) + "' (see dynagrad-data list)");
  return os.str();
}

// One data set to write: its generator, checked parameters and folder.
struct Job {
  const Generator* generator;
  Params params;
  std::string dir;
};

// Everything that can be checked before work starts; UsageError / DatasetError otherwise.
std::vector<Job> plan(const GenerateOptions& o, std::ostream& err) {
  std::vector<Job> jobs;
  if (!o.from.empty()) {
    ParamsFile f = read_params_file(o.from);
    if (!o.name.empty() && o.name != f.generator->name())
      throw UsageError("--from " + o.from + " describes '" + f.generator->name() + "', not '" + o.name + "'");
    if (f.version != dynagrad_version())
      err << "dynagrad-data: note: " << o.from << " was written by dynagrad " << f.version << ", this is "
          << dynagrad_version() << "; the data may differ if the simulation code changed\n";
    jobs.push_back({f.generator, std::move(f.params), o.out});
  } else {
    const std::vector<const Generator*> gens = generators_named(o.name);
    if (gens.empty()) find_generator(o.name);  // throws, listing the known names
    for (const Generator* g : gens)
      jobs.push_back({g, default_params(*g, o.published), gens.size() > 1 ? (std::filesystem::path(o.out) / g->name()).string() : o.out});
  }
  for (Job& j : jobs) {
    try {
      for (const auto& [key, value] : o.sets) j.params.set_text(key, value);
      j.generator->validate(j.params);
    } catch (const DatasetError& e) {
      const std::string what = e.what(), prefix = j.generator->name() + ": ";
      throw DatasetError(what.rfind(prefix, 0) == 0 ? what : prefix + what);
    }
  }
  // The output folders last (creating them is the first write): usable before any simulation.
  for (const Job& j : jobs) {
    try {
      io::require_writable_dir(j.dir, dataset_file_names());
    } catch (const io::IoError& e) {
      throw DatasetError(std::string("--out: ") + e.what());
    }
  }
  return jobs;
}

int generate(const GenerateOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<Job> jobs;
  try {
    jobs = plan(o, err);
  } catch (const DatasetError& e) {
    throw UsageError(e.what());
  }
  if (o.threads > 0) set_num_threads(o.threads);
  for (const Job& j : jobs) {
    out << "generating " << j.generator->name() << " into " << j.dir << " (train " << j.params.integer("train")
        << ", val " << j.params.integer("val") << ", test " << j.params.integer("test") << " simulations, seed "
        << j.params.integer("seed") << ", " << num_threads() << " threads)\n";
    const auto t0 = std::chrono::steady_clock::now();
    generate_dataset(*j.generator, j.params, j.dir, [&](const std::string& line) { out << "  " << line << "\n"; });
    out << "  done in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  }
  return 0;
}

}  // namespace

GenerateOptions parse_generate(const std::vector<std::string>& args) {
  GenerateOptions o;
  bool steps_given = false, test_steps_given = false;
  std::string steps_value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string opt = args[i], value;
    if (opt.rfind("--", 0) != 0) {
      if (!o.name.empty()) throw UsageError("generate: unexpected argument '" + io::printable(opt, 60) + "' (one data set name at most)");
      o.name = opt;
      continue;
    }
    if (opt == "--published") {
      o.published = true;
      continue;
    }
    // Every other option takes a value: "--opt value" or "--opt=value".
    const auto eq = opt.find('=');
    if (eq != std::string::npos) {
      value = opt.substr(eq + 1);
      opt = opt.substr(0, eq);
    }
    const bool known = opt == "--out" || opt == "--from" || opt == "--threads" || opt == "--set" ||
                       parameter_options().count(opt) > 0;
    if (!known) throw UsageError("generate: unknown option '" + io::printable(opt, 60) + "' (see dynagrad-data --help)");
    if (eq == std::string::npos) {
      if (i + 1 >= args.size()) throw UsageError("generate: option " + opt + " needs a value");
      value = args[++i];
    }
    if (opt == "--out") o.out = value;
    else if (opt == "--from") o.from = value;
    else if (opt == "--threads") o.threads = parse_threads(value);
    else if (opt == "--set") {
      const auto at = value.find('=');
      if (at == std::string::npos || at == 0) throw UsageError("--set: expected NAME=VALUE, got '" + io::printable(value, 60) + "'");
      o.sets.emplace_back(value.substr(0, at), value.substr(at + 1));
    } else {
      const std::string& key = parameter_options().at(opt);
      o.sets.emplace_back(key, value);
      if (key == "steps") steps_given = true, steps_value = value;
      if (key == "test_steps") test_steps_given = true;
    }
  }
  // --steps sets the test split's steps too, unless --test-steps says otherwise.
  if (steps_given && !test_steps_given) o.sets.emplace_back("test_steps", steps_value);
  if (o.out.empty()) throw UsageError("generate: --out DIR is required");
  if (o.name.empty() && o.from.empty()) throw UsageError("generate: name a data set (see dynagrad-data list) or give --from");
  if (!o.from.empty() && o.published) throw UsageError("generate: --published and --from exclude each other");
  return o;
}

std::string usage() {
  return R"(dynagrad-data: generates and inspects the data sets of dynagrad (docs/datasets.md).

Usage:
  dynagrad-data generate NAME --out DIR [options]     write DIR/{train,val,test}.npz and DIR/params.json
  dynagrad-data generate --from PARAMS --out DIR      regenerate a data set from its params.json
  dynagrad-data info FILE                             arrays, shapes, dtypes, min/max of an .npz/.npy
  dynagrad-data list [NAME]                           the data sets, or the parameters of one
  dynagrad-data --help

Options of generate:
  --out DIR            folder to write (created if missing)
  --seed S             seed of the random draws (default 42)
  --train N, --val N, --test N
                       simulations per split
  --steps N            integration steps per simulation (the test split's too, unless --test-steps)
  --test-steps N       integration steps per test simulation
  --every N            steps between saved frames (frames: every, 2 every, ..., steps - every)
  --dt X               integration time step
  --particles N        moving particles per simulation
  --published          the published sizes (split sizes of the papers)
  --set NAME=VALUE     any other parameter (dynagrad-data list NAME shows them)
  --threads N          OpenMP threads (the data do not depend on it)
  --from PARAMS        start from the parameters of an existing data set; options override them
)";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) throw UsageError("no command given");
    const std::string& cmd = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : args)
      if (a == "--help" || a == "-h") {
        out << usage();
        return 0;
      }
    if (cmd == "help") {
      out << usage();
      return 0;
    }
    if (cmd == "list") {
      if (rest.size() > 1) throw UsageError("list: at most one data set name");
      out << list_text(rest.empty() ? "" : rest[0]);
      return 0;
    }
    if (cmd == "info") {
      if (rest.size() != 1) throw UsageError("info: expected one file");
      out << describe_file(rest[0]);
      return 0;
    }
    if (cmd == "generate") return generate(parse_generate(rest), out, err);
    throw UsageError("unknown command '" + io::printable(cmd, 60) + "'");
  } catch (const UsageError& e) {
    err << "dynagrad-data: " << e.what() << "\n(dynagrad-data --help lists the commands and options)\n";
    return 2;
  } catch (const std::exception& e) {
    err << "dynagrad-data: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace dg::datasets::cli
