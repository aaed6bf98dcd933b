// Tests of Message (autodiff/message.hpp), the iostream-free message builder of the library's
// error messages and descriptions: every kind of value it prints must read exactly as a default
// std::ostringstream prints it (the messages were built with one before, and tests match them).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "autodiff/message.hpp"

using namespace dg;

namespace {

template <class V>
void same_as_ostream(V v) {
  std::ostringstream expected;
  expected << "[" << v << "]";
  Message m;
  m << "[" << v << "]";
  CHECK(m.str() == expected.str());
}

}  // namespace

TEST_CASE("Message prints floating point as a default std::ostream does") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (double v : {0.0,
                   -0.0,
                   1.0,
                   -2.5,
                   1.0 / 3.0,
                   2.0 / 3.0,
                   0.1,
                   1e-4,
                   1e-5,
                   123456.0,
                   1234567.0,
                   999999.5,
                   1e300,
                   -1e-300,
                   5e-324,
                   std::numeric_limits<double>::max(),
                   3.14159265358979,
                   100.0,
                   inf,
                   -inf,
                   nan,
                   -nan})
    same_as_ostream(v);
  for (float v :
       {0.1f, 1.0f / 3.0f, 1e-7f, 16777217.0f, std::numeric_limits<float>::max(), std::numeric_limits<float>::min()})
    same_as_ostream(v);
  // Known answers, independent of the standard library's stream.
  Message m;
  m << 1.0 / 3.0 << " " << 1234567.0 << " " << 0.5f << " " << -inf;
  CHECK(m.str() == "0.333333 1.23457e+06 0.5 -inf");
}

TEST_CASE("Message prints integers, characters and text as a default std::ostream does") {
  same_as_ostream(0);
  same_as_ostream(-1);
  same_as_ostream(std::numeric_limits<std::int32_t>::min());
  same_as_ostream(std::numeric_limits<std::int64_t>::min());
  same_as_ostream(std::numeric_limits<std::int64_t>::max());
  same_as_ostream(std::numeric_limits<std::size_t>::max());
  same_as_ostream(static_cast<short>(-12));
  same_as_ostream(static_cast<unsigned short>(65535));
  same_as_ostream(4000000000u);
  same_as_ostream('x');
  same_as_ostream("text");
  same_as_ostream(std::string("a string"));
  same_as_ostream(std::string_view("a view"));
  Message m;
  m << "node " << std::int32_t{7} << ", element " << std::int64_t{-3} << ", " << std::size_t{12} << '!';
  CHECK(m.str() == "node 7, element -3, 12!");
}
