// Parsing and printing of example options.
#include "examples/common/options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace dg::examples {

Options::Options(std::string program, std::string description)
    : program_(std::move(program)), description_(std::move(description)) {}

int& Options::add(const std::string& name, int value, const std::string& help, int min, int max) {
  ints_.push_back(value);
  entries_.push_back({name, help, &ints_.back(), double(min), double(max)});
  return ints_.back();
}
std::int64_t& Options::add(const std::string& name, std::int64_t value, const std::string& help, std::int64_t min,
                           std::int64_t max) {
  longs_.push_back(value);
  entries_.push_back({name, help, &longs_.back(), double(min), double(max)});
  return longs_.back();
}
double& Options::add(const std::string& name, double value, const std::string& help, double min, double max) {
  doubles_.push_back(value);
  entries_.push_back({name, help, &doubles_.back(), min, max});
  return doubles_.back();
}
std::string& Options::add(const std::string& name, const std::string& value, const std::string& help) {
  strings_.push_back(value);
  entries_.push_back({name, help, &strings_.back(), 0, 0});
  return strings_.back();
}
bool& Options::flag(const std::string& name, const std::string& help) {
  flags_.push_back(false);
  entries_.push_back({name, help, &flags_.back(), 0, 0});
  return flags_.back();
}

Options::Entry* Options::find(const std::string& name) {
  for (Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}
const Options::Entry* Options::find(const std::string& name) const {
  for (const Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

bool Options::given(const std::string& name) const {
  const Entry* e = find(name);
  return e && e->given;
}

namespace {

template <class N>
N parse_number(const std::string& option, const std::string& text) {
  N v{};
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty())
    throw std::invalid_argument("--" + option + ": '" + text + "' is not a valid " +
                                (std::is_floating_point_v<N> ? "number" : "integer"));
  return v;
}

std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

void Options::set(Entry& e, const std::string& text) {
  auto check_range = [&](double v) {
    if (!(v >= e.min && v <= e.max))
      throw std::invalid_argument("--" + e.name + ": " + text + " is outside [" + show(e.min) + ", " + show(e.max) + "]");
  };
  if (auto* p = std::get_if<int*>(&e.target)) {
    **p = parse_number<int>(e.name, text);
    check_range(**p);
  } else if (auto* p = std::get_if<std::int64_t*>(&e.target)) {
    **p = parse_number<std::int64_t>(e.name, text);
    check_range(double(**p));
  } else if (auto* p = std::get_if<double*>(&e.target)) {
    **p = parse_number<double>(e.name, text);
    check_range(**p);
  } else if (auto* p = std::get_if<std::string*>(&e.target)) {
    **p = text;
  }
  e.given = true;
}

void Options::parse_or_throw(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + arg + "' (options start with --)");
    arg = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    Entry* e = find(arg);
    if (!e) throw std::invalid_argument("unknown option --" + arg);
    if (std::holds_alternative<bool*>(e->target)) {
      if (has_value) throw std::invalid_argument("--" + arg + " takes no value");
      *std::get<bool*>(e->target) = true;
      e->given = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) throw std::invalid_argument("--" + arg + " needs a value");
      value = argv[++i];
    }
    set(*e, value);
  }
}

void Options::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(usage().c_str(), stdout);
      std::exit(0);
    }
  try {
    parse_or_throw(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n(see %s --help)\n", program_.c_str(), e.what(), program_.c_str());
    std::exit(2);
  }
}

std::string Options::usage() const {
  std::ostringstream s;
  s << "usage: " << program_ << " [options]\n" << description_ << "\n\noptions (default in brackets):\n";
  for (const Entry& e : entries_) {
    std::string name = "--" + e.name;
    std::string def;
    if (auto* p = std::get_if<int*>(&e.target)) name += " N", def = std::to_string(**p);
    else if (auto* p = std::get_if<std::int64_t*>(&e.target)) name += " N", def = std::to_string(**p);
    else if (auto* p = std::get_if<double*>(&e.target)) name += " X", def = show(**p);
    else if (auto* p = std::get_if<std::string*>(&e.target)) name += " S", def = "'" + **p + "'";
    else def = "off";
    s << "  " << name;
    for (std::size_t pad = name.size(); pad < 24; ++pad) s << ' ';
    s << ' ' << e.help << " [" << def << "]\n";
  }
  s << "  --help                   this list\n";
  return s.str();
}

std::vector<std::pair<std::string, std::string>> Options::values() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : entries_) {
    std::string v;
    if (auto* p = std::get_if<int*>(&e.target)) v = std::to_string(**p);
    else if (auto* p = std::get_if<std::int64_t*>(&e.target)) v = std::to_string(**p);
    else if (auto* p = std::get_if<double*>(&e.target)) v = show(**p);
    else if (auto* p = std::get_if<std::string*>(&e.target)) v = **p;
    else v = *std::get<bool*>(e.target) ? "true" : "false";
    out.emplace_back(e.name, v);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Options::values_of(const std::vector<std::string>& names) const {
  for (const std::string& n : names)
    if (!find(n)) throw std::invalid_argument(program_ + ": values_of: no option '" + n + "'");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : values())
    if (std::find(names.begin(), names.end(), name) != names.end()) out.emplace_back(name, value);
  return out;
}

}  // namespace dg::examples
