// JSON values and the writer (see json.hpp); the reader is in json_read.cpp.
#include "io/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::io {

const char* json_kind_name(Json::Kind k) {
  switch (k) {
    case Json::Kind::Null: return "null";
    case Json::Kind::Bool: return "bool";
    case Json::Kind::Int: return "integer";
    case Json::Kind::Double: return "number";
    case Json::Kind::String: return "string";
    case Json::Kind::Array: return "array";
    case Json::Kind::Object: return "object";
  }
  return "?";
}

Json Json::object(std::initializer_list<std::pair<std::string, Json>> items) {
  Json o{JsonObject{}};
  for (const auto& [key, value] : items) o.set(key, value);
  return o;
}

void Json::throw_int_range(unsigned long long v) {
  throw IoError("JSON: integer " + std::to_string(v) + " does not fit int64");
}

void Json::throw_kind(const char* wanted) const {
  throw IoError(std::string("JSON: expected ") + wanted + ", got " + json_kind_name(kind()));
}

bool Json::as_bool() const {
  if (kind() != Kind::Bool) throw_kind("bool");
  return std::get<bool>(v_);
}

std::int64_t Json::as_int() const {
  if (kind() == Kind::Int) return std::get<std::int64_t>(v_);
  // A double that holds an integer in range (e.g. 1e6) is accepted.
  if (kind() == Kind::Double) {
    const double d = std::get<double>(v_);
    if (d == std::trunc(d) && d >= -0x1p63 && d < 0x1p63) return static_cast<std::int64_t>(d);
    throw IoError("JSON: expected an integer, got " + std::to_string(d));
  }
  throw_kind("integer");
}

double Json::as_double() const {
  if (kind() == Kind::Double) return std::get<double>(v_);
  if (kind() == Kind::Int) return static_cast<double>(std::get<std::int64_t>(v_));
  throw_kind("number");
}

const std::string& Json::as_string() const {
  if (kind() != Kind::String) throw_kind("string");
  return std::get<std::string>(v_);
}
const JsonArray& Json::as_array() const {
  if (kind() != Kind::Array) throw_kind("array");
  return std::get<JsonArray>(v_);
}
JsonArray& Json::as_array() {
  if (kind() != Kind::Array) throw_kind("array");
  return std::get<JsonArray>(v_);
}
const JsonObject& Json::as_object() const {
  if (kind() != Kind::Object) throw_kind("object");
  return std::get<JsonObject>(v_);
}
JsonObject& Json::as_object() {
  if (kind() != Kind::Object) throw_kind("object");
  return std::get<JsonObject>(v_);
}

const Json* Json::find(const std::string& key) const {
  for (const auto& [k, v] : as_object())
    if (k == key) return &v;
  return nullptr;
}

const Json& Json::at(const std::string& key) const {
  if (const Json* v = find(key)) return *v;
  std::string keys;
  for (const auto& [k, v] : as_object()) keys += (keys.empty() ? "'" : ", '") + k + "'";
  throw IoError("JSON: no key '" + key + "' (keys: " + (keys.empty() ? "none" : keys) + ")");
}

Json& Json::set(const std::string& key, Json value) {
  for (auto& [k, v] : as_object())
    if (k == key) return v = std::move(value);
  return as_object().emplace_back(key, std::move(value)).second;
}

const Json& Json::at(std::size_t i) const {
  const JsonArray& a = as_array();
  if (i >= a.size())
    throw IoError("JSON: index " + std::to_string(i) + " out of range (array of " + std::to_string(a.size()) + ")");
  return a[i];
}

std::size_t Json::size() const { return kind() == Kind::Array ? as_array().size() : as_object().size(); }

// ---- writer ------------------------------------------------------------------------------------

namespace {

void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out += {'\\', 'u', '0', '0', hex[(c >> 4) & 15], hex[c & 15]};
        } else {
          out += c;  // UTF-8 passes through
        }
    }
  }
  out += '"';
}

void write_double(std::string& out, double d, const std::string& path) {
  if (!std::isfinite(d))
    throw IoError("JSON: value at " + path + " is " + (std::isnan(d) ? "NaN" : "infinite") +
                  "; JSON cannot represent it");
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;
  const std::string_view text(buf, end - buf);
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";  // stays a double when read back
}

bool is_scalar(const Json& v) { return v.kind() != Json::Kind::Array && v.kind() != Json::Kind::Object; }

void write_value(std::string& out, const Json& v, int indent, int depth, const std::string& path) {
  auto newline = [&](int d) {
    if (indent > 0) out += '\n' + std::string(static_cast<std::size_t>(indent * d), ' ');
  };
  switch (v.kind()) {
    case Json::Kind::Null: out += "null"; break;
    case Json::Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Json::Kind::Int: out += std::to_string(v.as_int()); break;
    case Json::Kind::Double: write_double(out, v.as_double(), path); break;
    case Json::Kind::String: write_string(out, v.as_string()); break;
    case Json::Kind::Array: {
      // Arrays of scalars stay on one line; nested ones get one element per line.
      const JsonArray& a = v.as_array();
      const bool flat = std::all_of(a.begin(), a.end(), is_scalar);
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += flat && indent > 0 ? ", " : ",";
        if (!flat) newline(depth + 1);
        write_value(out, a[i], indent, depth + 1, path + "[" + std::to_string(i) + "]");
      }
      if (!flat && !a.empty()) newline(depth);
      out += ']';
      break;
    }
    case Json::Kind::Object: {
      const JsonObject& o = v.as_object();
      out += '{';
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        write_string(out, o[i].first);
        out += indent > 0 ? ": " : ":";
        write_value(out, o[i].second, indent, depth + 1, path + "." + o[i].first);
      }
      if (!o.empty()) newline(depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string to_json(const Json& value, int indent) {
  std::string out;
  write_value(out, value, indent, 0, "$");
  return out;
}

void write_json(const std::string& path, const Json& value) {
  with_path(path, [&] { write_file_atomic(path, to_json(value) + "\n"); });
}

}  // namespace dg::io
