// JSON: a small value tree, a writer and a reader, for results.json and data-set parameter files.
//   Json params = Json::object({{"name", "electrostatic"}, {"seed", 42}, {"dt", 1e-3},
//                               {"sizes", Json::array({800, 100, 100})}});
//   write_json("data/params.json", params);                 // atomic, pretty-printed
//   const Json p = read_json("data/params.json");
//   const double dt = p.at("dt").as_double();
// Numbers are int64 (literals without fraction or exponent that fit) or double. Doubles are
// written with the shortest text that reads back to the same bits (std::to_chars), always with a
// '.' or an exponent so they stay doubles. NaN and Inf are refused (IoError naming the value's path,
// e.g. "$.metrics[3]"): JSON has no such numbers, and writing null would hide a diverged run.
// Objects keep insertion order; the reader refuses duplicate keys. Reader errors give line and
// column: "params.json:3:14: expected ',' or '}'".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace dg::io {

class Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;

class Json {
 public:
  enum class Kind { Null, Bool, Int, Double, String, Array, Object };

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool b) : v_(b) {}
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  Json(I i) : v_(to_int64(i)) {}
  template <class F>
    requires std::is_floating_point_v<F>
  Json(F f) : v_(static_cast<double>(f)) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(std::string_view s) : v_(std::string(s)) {}
  Json(JsonArray a) : v_(std::move(a)) {}
  Json(JsonObject o) : v_(std::move(o)) {}
  // An array of numbers from a vector: Json(std::vector<double>{...}).
  template <class T>
    requires std::is_arithmetic_v<T>
  Json(const std::vector<T>& values) : v_(JsonArray(values.begin(), values.end())) {}

  static Json array(std::initializer_list<Json> items = {}) { return Json(JsonArray(items)); }
  static Json object(std::initializer_list<std::pair<std::string, Json>> items = {});

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_number() const { return kind() == Kind::Int || kind() == Kind::Double; }

  // Typed access; IoError "JSON: expected <kind>, got <kind>" on a mismatch.
  bool as_bool() const;
  std::int64_t as_int() const;   // also from a double holding an integer
  double as_double() const;      // from either number kind
  const std::string& as_string() const;
  const JsonArray& as_array() const;
  const JsonObject& as_object() const;
  JsonArray& as_array();
  JsonObject& as_object();

  // Objects: the value of `key`, or IoError naming the key and the keys present.
  const Json& at(const std::string& key) const;
  const Json* find(const std::string& key) const;  // nullptr if absent
  bool contains(const std::string& key) const { return find(key) != nullptr; }
  Json& set(const std::string& key, Json value);    // adds, or replaces in place
  // Arrays.
  const Json& at(std::size_t i) const;
  void push_back(Json value) { as_array().push_back(std::move(value)); }
  std::size_t size() const;  // elements of an array or object

  friend bool operator==(const Json&, const Json&) = default;

 private:
  template <class I>
  static std::int64_t to_int64(I i) {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t))
      if (i > static_cast<I>(INT64_MAX)) throw_int_range(static_cast<unsigned long long>(i));
    return static_cast<std::int64_t>(i);
  }
  [[noreturn]] static void throw_int_range(unsigned long long v);
  [[noreturn]] void throw_kind(const char* wanted) const;

  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, JsonArray, JsonObject> v_;
};

const char* json_kind_name(Json::Kind);

// Text of a value: indent > 0 pretty-prints (arrays of scalars stay on one line), 0 gives one line.
std::string to_json(const Json& value, int indent = 2);
// Parses one JSON value (RFC 8259; nesting depth at most 256). `where` starts error messages.
Json parse_json(std::string_view text, const std::string& where = "JSON");
Json read_json(const std::string& path);
void write_json(const std::string& path, const Json& value);  // atomic, ends with a newline

}  // namespace dg::io
