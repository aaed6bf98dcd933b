// Named, typed, range-checked generator parameters (see params.hpp).
#include "datasets/params.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "io/error.hpp"

namespace dg::datasets {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw DatasetError("parameter '" + name + "': " + what);
}

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::Int: return "an integer";
    case ParamKind::Real: return "a number";
    case ParamKind::Text: return "a text";
  }
  return "?";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The value converted to the spec's kind and checked against its range; throws naming the spec.
io::Json checked(const ParamSpec& s, const io::Json& v) {
  switch (s.kind) {
    case ParamKind::Int: {
      if (v.kind() != io::Json::Kind::Int) fail(s.name, "must be an integer, got " + json_text(v));
      const std::int64_t i = v.as_int();
      if (i < s.int_min || i > s.int_max)
        fail(s.name, "must be in [" + std::to_string(s.int_min) + ", " + std::to_string(s.int_max) + "], got " +
                         std::to_string(i));
      return io::Json(i);
    }
    case ParamKind::Real: {
      if (!v.is_number()) fail(s.name, "must be a number, got " + json_text(v));
      const double x = v.as_double();
      const bool below = s.real_exclusive_min ? !(x > s.real_min) : !(x >= s.real_min);
      if (!std::isfinite(x) || below || x > s.real_max) {
        std::ostringstream range;
        range << (s.real_exclusive_min ? "(" : "[") << s.real_min << ", " << s.real_max << "]";
        fail(s.name, "must be finite and in " + range.str() + ", got " + json_text(v));
      }
      return io::Json(x);
    }
    case ParamKind::Text: {
      if (v.kind() != io::Json::Kind::String) fail(s.name, "must be a text, got " + json_text(v));
      for (const auto& c : s.choices)
        if (c == v.as_string()) return v;
      fail(s.name, "must be one of " + join(s.choices) + ", got '" + io::printable(v.as_string(), 60) + "'");
    }
  }
  return v;
}

}  // namespace

std::string json_text(const io::Json& v) {
  if (v.kind() == io::Json::Kind::String) return v.as_string();
  // NaN and Inf have no JSON text (to_json refuses them): printed as C++ prints them.
  if (v.kind() == io::Json::Kind::Double && !std::isfinite(v.as_double())) {
    const double x = v.as_double();
    return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }
  return io::to_json(v, 0);
}

ParamSpec int_param(std::string name, std::int64_t value, std::string help, std::int64_t min, std::int64_t max,
                    std::optional<std::int64_t> published) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::Int;
  s.value = value;
  if (published) s.published = io::Json(*published);
  s.help = std::move(help);
  s.int_min = min;
  s.int_max = max;
  return s;
}

ParamSpec real_param(std::string name, double value, std::string help, double min, double max) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::Real;
  s.value = value;
  s.help = std::move(help);
  s.real_min = min;
  s.real_max = max;
  return s;
}

ParamSpec positive_param(std::string name, double value, std::string help, double max) {
  ParamSpec s = real_param(std::move(name), value, std::move(help), 0.0, max);
  s.real_exclusive_min = true;
  return s;
}

ParamSpec text_param(std::string name, std::string value, std::string help, std::vector<std::string> choices) {
  ParamSpec s;
  s.name = std::move(name);
  s.kind = ParamKind::Text;
  s.value = std::move(value);
  s.help = std::move(help);
  s.choices = std::move(choices);
  return s;
}

Params::Params(std::vector<ParamSpec> specs, bool published) : specs_(std::move(specs)) {
  values_.reserve(specs_.size());
  for (const auto& s : specs_) values_.push_back(checked(s, published && s.published ? *s.published : s.value));
}

const ParamSpec* Params::find_spec(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

void Params::set(const std::string& name, const io::Json& value) {
  const ParamSpec* s = find_spec(name);
  if (!s) {
    std::vector<std::string> names;
    for (const auto& sp : specs_) names.push_back(sp.name);
    fail(name, "no such parameter (parameters: " + join(names) + ")");
  }
  values_[static_cast<std::size_t>(s - specs_.data())] = checked(*s, value);
}

void Params::set_real(const std::string& name, double value) {
  if (!std::isfinite(value)) fail(name, "must be finite, got " + json_text(io::Json(value)));
  set(name, io::Json(value));
}

void Params::set_text(const std::string& name, const std::string& text) {
  const ParamSpec* s = find_spec(name);
  if (!s) return set(name, io::Json(text));  // the unknown-name error
  const char* b = text.data();
  const char* e = b + text.size();
  if (s->kind == ParamKind::Int) {
    std::int64_t i = 0;
    const auto r = std::from_chars(b, e, i);
    if (text.empty() || r.ec != std::errc() || r.ptr != e)
      fail(name, "must be an integer, got '" + io::printable(text, 60) + "'");
    return set(name, io::Json(i));
  }
  if (s->kind == ParamKind::Real) {
    double x = 0;
    const auto r = std::from_chars(b, e, x);
    if (text.empty() || r.ec != std::errc() || r.ptr != e)
      fail(name, "must be a number, got '" + io::printable(text, 60) + "'");
    return set(name, io::Json(x));
  }
  set(name, io::Json(text));
}

void Params::set_all(const io::Json& values) {
  if (values.kind() != io::Json::Kind::Object)
    throw DatasetError("parameters: expected a JSON object, got " + std::string(io::json_kind_name(values.kind())));
  for (const auto& [k, v] : values.as_object()) set(k, v);
}

const io::Json& Params::value_of(const std::string& name, ParamKind kind) const {
  const ParamSpec* s = find_spec(name);
  if (!s) fail(name, "no such parameter");
  if (s->kind != kind) fail(name, std::string("is not ") + kind_name(kind));
  return values_[static_cast<std::size_t>(s - specs_.data())];
}

std::int64_t Params::integer(const std::string& name) const { return value_of(name, ParamKind::Int).as_int(); }
double Params::real(const std::string& name) const { return value_of(name, ParamKind::Real).as_double(); }
const std::string& Params::text(const std::string& name) const { return value_of(name, ParamKind::Text).as_string(); }

io::Json Params::to_json() const {
  io::Json out = io::Json::object();
  for (std::size_t i = 0; i < specs_.size(); ++i) out.set(specs_[i].name, values_[i]);
  return out;
}

std::string Params::describe() const {
  std::ostringstream os;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const ParamSpec& s = specs_[i];
    os << "  " << s.name << " = " << json_text(values_[i]);
    if (s.published && !(*s.published == values_[i])) os << " (published: " << json_text(*s.published) << ")";
    os << "\n      " << s.help << "\n";
  }
  return os.str();
}

}  // namespace dg::datasets
