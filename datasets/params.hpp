// The parameters of a data-set generator: named, typed, range-checked values with a default and
// the published setting, written to and read back from the data set's params.json exactly.
//
//   Params p(generator.param_specs(), /*published=*/false);
//   p.set("train", 1000);                      // ParamError if unknown, of the wrong kind or out of range
//   const double dt = p.real("dt");
//   io::write_json("params.json", p.to_json());
//
// Integers are int64, reals are doubles (JSON keeps their exact bits: io/json.hpp writes the
// shortest text that reads back to the same double), texts are strings with a list of choices.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "datasets/error.hpp"
#include "io/json.hpp"

namespace dg::datasets {

enum class ParamKind { Int, Real, Text };

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::Real;
  io::Json value;                    // the default
  std::optional<io::Json> published; // the published setting where it differs from the default
  std::string help;
  // Allowed values: [int_min, int_max] for Int, [real_min, real_max] for Real, `choices` for Text.
  std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
  double real_min = -std::numeric_limits<double>::max();
  double real_max = std::numeric_limits<double>::max();
  bool real_exclusive_min = false;  // (real_min, real_max]: e.g. dt > 0
  std::vector<std::string> choices;
};

// Builders for the three kinds (ranges inclusive unless said otherwise).
ParamSpec int_param(std::string name, std::int64_t value, std::string help, std::int64_t min, std::int64_t max,
                    std::optional<std::int64_t> published = {});
ParamSpec real_param(std::string name, double value, std::string help, double min, double max);
// A real that must be > min (a time step, a length).
ParamSpec positive_param(std::string name, double value, std::string help, double max = std::numeric_limits<double>::max());
ParamSpec text_param(std::string name, std::string value, std::string help, std::vector<std::string> choices);

class Params {
 public:
  Params() = default;
  // The defaults of every spec, or the published settings when `published`.
  Params(std::vector<ParamSpec> specs, bool published);

  // Sets one value; DatasetError "parameter 'name': ..." for an unknown name, a wrong kind (a
  // real for an integer, a number for a text) or a value out of range.
  void set(const std::string& name, const io::Json& value);
  // A floating-point value: NaN and Inf are refused here, naming the parameter (a JSON value
  // cannot even hold them).
  template <class F>
    requires std::is_floating_point_v<F>
  void set(const std::string& name, F value) {
    set_real(name, static_cast<double>(value));
  }
  // Sets from command-line text ("1000", "1e-3", "lorenz"), parsed by the parameter's kind.
  void set_text(const std::string& name, const std::string& text);
  void set_real(const std::string& name, double value);
  // Every key of `values` (a JSON object) through set(); unknown keys are errors.
  void set_all(const io::Json& values);

  bool has(const std::string& name) const { return find_spec(name) != nullptr; }
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  const std::string& text(const std::string& name) const;

  // {"name": value, ...} in spec order.
  io::Json to_json() const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  // "name = value" lines with the help text, for --help and `list`.
  std::string describe() const;

 private:
  const ParamSpec* find_spec(const std::string& name) const;
  const io::Json& value_of(const std::string& name, ParamKind kind) const;

  std::vector<ParamSpec> specs_;
  std::vector<io::Json> values_;  // (specs) current values
};

// A value as text for messages ("0.001", "50000", "lorenz", "nan", "-inf").
std::string json_text(const io::Json& v);

}  // namespace dg::datasets
