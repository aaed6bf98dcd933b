// Array and the .npy format: bitwise round trips for every dtype, 0-d and empty arrays, the 2.0
// header, the accepted header grammar, checked conversions, and that every truncation or byte
// flip of a valid file gives a value or an IoError, never a crash (run under ASan/UBSan).
#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <random>

#include "io/npy.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;
using Shape = std::vector<std::int64_t>;

namespace {

// A .npy file with the given header text (padded as numpy pads it) and data bytes.
std::vector<std::byte> npy_with_header(const std::string& header, std::size_t data_bytes) {
  std::string text = header;
  text.append(64 - (10 + text.size() + 1) % 64, ' ');
  text += '\n';
  std::string s = std::string("\x93NUMPY\x01\x00", 8) + char(text.size() & 0xFF) + char(text.size() >> 8) + text;
  s.append(data_bytes, '\0');
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::string error_of(std::span<const std::byte> bytes) {
  try {
    parse_npy(bytes, "x.npy");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE_TEMPLATE("round trip is bitwise for every dtype", T, float, double, std::int32_t, std::int64_t) {
  test::ScratchDir dir;
  std::vector<T> values(2 * 3 * 4);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(i * 7) - T(40);
  if constexpr (std::is_floating_point_v<T>) {
    values[1] = std::numeric_limits<T>::quiet_NaN();  // NaN bits survive
    values[2] = -T(0);
    values[3] = std::numeric_limits<T>::denorm_min();
    values[4] = std::numeric_limits<T>::infinity();
  } else {
    values[5] = std::numeric_limits<T>::min();
    values[6] = std::numeric_limits<T>::max();
  }
  for (const Shape& shape : {Shape{24}, Shape{2, 12}, Shape{2, 3, 4}, Shape{1, 2, 1, 3, 4}}) {
    const Array a = Array::from<T>(shape, values);
    CHECK(a.dtype() == dtype_of<T>());
    write_npy(dir / "a.npy", a);
    const Array b = read_npy(dir / "a.npy");
    CHECK(b.shape() == shape);
    CHECK(b == a);
    CHECK(std::memcmp(b.as<T>().data(), values.data(), values.size() * sizeof(T)) == 0);
  }
  CHECK(dir.count() == 1);  // no temporary file left behind

  // 0-d and empty arrays.
  const T one = T(1);
  const Array scalar = Array::from<T>({}, &one);
  CHECK(scalar.numel() == 1);
  CHECK(parse_npy(serialize_npy(scalar), "s") == scalar);
  const Array empty(dtype_of<T>(), {3, 0, 2});
  CHECK(empty.numel() == 0);
  const Array e2 = parse_npy(serialize_npy(empty), "e");
  CHECK(e2 == empty);
  CHECK(e2.shape() == Shape{3, 0, 2});
  CHECK(parse_npy(serialize_npy(Array()), "default").shape() == Shape{0});
}

TEST_CASE("preamble is 64-byte aligned and a huge header switches to version 2.0") {
  const Array a(DType::Float32, {5});
  const auto bytes = serialize_npy(a);
  CHECK((bytes.size() - a.bytes()) % 64 == 0);
  CHECK(bytes[6] == std::byte{1});

  // 25000 dimensions "0, " do not fit a uint16 header length.
  const Array many(DType::Int64, Shape(25000, 0));
  const auto big = serialize_npy(many);
  CHECK(big[6] == std::byte{2});
  CHECK(big.size() % 64 == 0);
  CHECK(parse_npy(big, "many") == many);
}

TEST_CASE("header grammar: what numpy and Python 2 era files contain") {
  auto shape_of = [](const std::string& header, std::size_t data) { return parse_npy(npy_with_header(header, data), "h").shape(); };
  CHECK(shape_of("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", 96) == Shape{3, 4});
  CHECK(shape_of("{\"descr\":\"<i4\",\"fortran_order\":False,\"shape\":(2,)}", 8) == Shape{2});
  CHECK(shape_of("{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<i8'}", 48) == Shape{2, 3});
  CHECK(shape_of("{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 1 , 2 , ) , }", 8) == Shape{1, 2});
  CHECK(shape_of("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", 4).empty());

  CHECK(error_of(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3 4)}", 0))
            .find("expected ',' or ')'") != std::string::npos);
  CHECK(error_of(npy_with_header("{'descr': '<f8' 'fortran_order': False, 'shape': ()}", 8)).find("expected '}'") !=
        std::string::npos);
  CHECK(error_of(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", 0))
            .find("x.npy: negative dimension -1") == 0);
  CHECK(error_of(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,)}", 0))
            .find("is too large") != std::string::npos);
}

TEST_CASE("as<T> checks the dtype; to_vector<T> converts only representable values") {
  const Array d = Array::from<double>({4}, std::vector<double>{1.0, -2.0, 3.0, 1e10});
  CHECK_THROWS_WITH_AS(d.as<float>(), doctest::Contains("the array holds float64"), IoError);
  CHECK(d.to_vector<float>() == std::vector<float>{1.0f, -2.0f, 3.0f, 1e10f});
  CHECK(d.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, -2, 3, 10000000000});
  CHECK_THROWS_WITH_AS(d.to_vector<std::int32_t>(), doctest::Contains("element 3 of a float64 array"), IoError);

  const Array frac = Array::from<float>({1}, std::vector<float>{0.5f});
  CHECK_THROWS_AS(frac.to_vector<std::int64_t>(), IoError);
  const Array nan = Array::from<double>({1}, std::vector<double>{std::nan("")});
  CHECK_THROWS_AS(nan.to_vector<std::int32_t>(), IoError);
  CHECK(std::isnan(nan.to_vector<float>()[0]));
  const Array huge = Array::from<double>({1}, std::vector<double>{1e300});
  CHECK_THROWS_AS(huge.to_vector<float>(), IoError);
  const Array edge = Array::from<double>({2}, std::vector<double>{-9223372036854775808.0, 9223372036854775808.0});
  CHECK_THROWS_AS(edge.to_vector<std::int64_t>(), IoError);  // 2^63 is out of range, -2^63 is not

  const std::int64_t big = (std::int64_t(1) << 53) + 1;
  const Array i = Array::from<std::int64_t>({3}, std::vector<std::int64_t>{-7, 1 << 24, big});
  CHECK_THROWS_AS(i.to_vector<double>(), IoError);  // 2^53 + 1 is not a double
  CHECK_THROWS_AS(i.to_vector<float>(), IoError);
  const Array small = Array::from<std::int64_t>({2}, std::vector<std::int64_t>{-7, 1 << 24});
  CHECK(small.to_vector<float>() == std::vector<float>{-7.0f, 16777216.0f});
  CHECK(small.to_vector<std::int32_t>() == std::vector<std::int32_t>{-7, 1 << 24});
  const Array wide = Array::from<std::int64_t>({1}, std::vector<std::int64_t>{std::int64_t(1) << 40});
  CHECK_THROWS_WITH_AS(wide.to_vector<std::int32_t>(), doctest::Contains("not representable"), IoError);

  CHECK_THROWS_WITH_AS(Array::from<float>({2, 2}, std::vector<float>{1, 2, 3}), doctest::Contains("3 values given"),
                       IoError);
  CHECK_THROWS_AS(Array(DType::Float64, {-1}), IoError);
}

TEST_CASE("every truncation and random byte flips give a value or an IoError") {
  const Array a = Array::from<std::int32_t>({2, 3}, std::vector<std::int32_t>{1, 2, 3, 4, 5, 6});
  const std::vector<std::byte> good = serialize_npy(a);
  for (std::size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK_THROWS_AS(parse_npy(std::span(good.data(), n), "cut.npy"), IoError);
  }

  // Deterministic mutations: valid results must still be self-consistent.
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::byte> bytes = good;
    const int flips = 1 + trial % 4;
    for (int f = 0; f < flips; ++f)
      bytes[rng() % bytes.size()] = static_cast<std::byte>(rng() & 0xFF);
    try {
      const Array b = parse_npy(bytes, "mutated.npy");
      CHECK(b.bytes() <= bytes.size());
    } catch (const IoError&) {
    }
  }
}
