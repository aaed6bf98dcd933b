// Message: builds an error message or a description piece by piece, printing numbers exactly as
// a default std::ostringstream does (integers in decimal, floating point as "%g": 6 significant
// digits), without iostreams. A program that links dynagrad statically then carries no iostream
// or locale code (about 0.4 MB of libstdc++ and as much of glibc; README.md, "Footprint").
// Numbers are printed with snprintf, so a program that changes the C locale's LC_NUMERIC gets its
// decimal point; one that only sets the C++ global locale does not.
//   Message m;  m << "got " << value << " at row " << i;  throw std::invalid_argument(m.str());
#pragma once

#include <concepts>
#include <string>
#include <string_view>

namespace dg {

class Message {
 public:
  Message& operator<<(std::string_view s) {
    text_ += s;
    return *this;
  }
  Message& operator<<(const char* s) {
    text_ += s;
    return *this;
  }
  Message& operator<<(char c) {
    text_ += c;
    return *this;
  }
  // Integers of every width (not char, above): decimal, as std::to_string.
  template <std::integral I>
  requires(sizeof(I) > 1) Message& operator<<(I v) {
    text_ += std::to_string(v);
    return *this;
  }
  Message& operator<<(double v);  // "%g", as std::ostream with its default precision 6
  Message& operator<<(float v) { return *this << static_cast<double>(v); }  // as std::ostream: through double

  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace dg
