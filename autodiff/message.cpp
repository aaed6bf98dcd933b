// Message's floating-point printing (message.hpp): the "%.6g" that std::ostream uses by default.
#include "autodiff/message.hpp"

#include <cstdio>

namespace dg {

Message& Message::operator<<(double v) {
  char buf[32];  // "%.6g" needs at most 13 characters ("-1.23457e+308")
  const int n = std::snprintf(buf, sizeof buf, "%.6g", v);
  text_.append(buf, static_cast<std::size_t>(n));
  return *this;
}

}  // namespace dg
