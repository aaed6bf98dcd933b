// Files written by numpy itself (tests/data/numpy, made by tests/data/make_numpy_files.py) are read
// with the right dtype, shape and values; the values are recomputed here from the formulas noted in
// that script. Re-serialising each .npy must give numpy's exact bytes.
#include <doctest/doctest.h>

#include <cmath>

#include "io/file.hpp"
#include "io/npy.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;
using dg::io::test::data_dir;

namespace {
std::string numpy_file(const std::string& name) { return data_dir() + "/numpy/" + name; }
using Shape = std::vector<std::int64_t>;
}  // namespace

TEST_CASE("float64 (3, 4) written by numpy") {
  const Array a = read_npy(numpy_file("f64_3x4.npy"));
  CHECK(a.dtype() == DType::Float64);
  CHECK(a.shape() == Shape{3, 4});
  const auto v = a.as<double>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) CHECK(v[i * 4 + j] == (4 * i + j) * 0.25 - 1.0);
}

TEST_CASE("float32 (2, 3, 2) written by numpy") {
  const Array a = read_npy(numpy_file("f32_2x3x2.npy"));
  CHECK(a.dtype() == DType::Float32);
  CHECK(a.shape() == Shape{2, 3, 2});
  const auto v = a.as<float>();
  for (int n = 0; n < 12; ++n) CHECK(v[n] == static_cast<float>(n) / 8.0f);
}

TEST_CASE("0-d float32, empty int32 and a version 2.0 file") {
  const Array s = read_npy(numpy_file("f32_scalar.npy"));
  CHECK(s.shape().empty());
  CHECK(s.numel() == 1);
  CHECK(s.as<float>()[0] == static_cast<float>(1.0 / 3.0));

  const Array e = read_npy(numpy_file("i32_empty.npy"));
  CHECK(e.dtype() == DType::Int32);
  CHECK(e.shape() == Shape{0, 3});
  CHECK(e.numel() == 0);
  CHECK(e.bytes() == 0);

  const Array v2 = read_npy(numpy_file("i32_v2.npy"));
  CHECK(v2.shape() == Shape{7});
  for (int i = 0; i < 7; ++i) CHECK(v2.as<std::int32_t>()[i] == -i);
}

TEST_CASE("int64 values beyond 32 bits") {
  const Array a = read_npy(numpy_file("i64_arange.npy"));
  CHECK(a.dtype() == DType::Int64);
  for (std::int64_t i = 0; i < 10; ++i) CHECK(a.as<std::int64_t>()[i] == (i - 5) * 1000000007LL);
}

TEST_CASE(".npz written by numpy.savez") {
  const NamedArrays arrays = read_npz(numpy_file("arrays.npz"));
  REQUIRE(arrays.size() == 5);
  // numpy keeps the keyword order of savez.
  CHECK(arrays[0].first == "positions");
  CHECK(arrays[4].first == "dt");
  const std::string where = "arrays.npz";

  const Array& pos = find(arrays, "positions", where);
  CHECK(pos.shape() == Shape{2, 4, 3});
  const auto p = pos.as<double>();
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t < 4; ++t)
      for (int d = 0; d < 3; ++d) CHECK(p[(s * 4 + t) * 3 + d] == s + 0.1 * t - 0.01 * d);

  const auto q = find(arrays, "charges", where).as<float>();
  REQUIRE(q.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(q[i] == static_cast<float>((i % 2 ? -1.0 : 1.0) * (i + 1) / 2));

  CHECK(find(arrays, "steps", where).to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 10, 20, 30});
  CHECK(find(arrays, "ids", where).shape() == Shape{2, 3});
  CHECK(find(arrays, "ids", where).to_vector<std::int32_t>() == std::vector<std::int32_t>{0, 1, 2, 3, 4, 5});
  const Array& dt = find(arrays, "dt", where);
  CHECK(dt.shape().empty());
  CHECK(dt.as<double>()[0] == 0.001);

  CHECK(read_npz(numpy_file("empty.npz")).empty());
}

TEST_CASE("serialize_npy gives numpy's exact bytes") {
  for (const char* name : {"f64_3x4.npy", "f32_2x3x2.npy", "f32_scalar.npy", "i64_arange.npy", "i32_empty.npy"}) {
    CAPTURE(name);
    const std::vector<std::byte> original = read_file(numpy_file(name));
    CHECK(serialize_npy(parse_npy(original, name)) == original);
  }
}

// ---- files as numpy users write them: converted on read (values from make_numpy_files.py) ----

TEST_CASE("float16, big-endian and Fortran-ordered files are converted to C order, little-endian") {
  const Array f16 = read_npy(numpy_file("f16.npy"));
  CHECK(f16.dtype() == DType::Float32);
  for (int i = 0; i < 8; ++i) CHECK(f16.as<float>()[i] == (i - 3) / 4.0f);

  const Array be = read_npy(numpy_file("be_f8.npy"));
  CHECK(be.dtype() == DType::Float64);
  CHECK(be.shape() == Shape{2, 3});
  for (int n = 0; n < 6; ++n) CHECK(be.as<double>()[n] == n + 0.5);
  const Array be_i = read_npy(numpy_file("be_i4.npy"));
  CHECK(be_i.dtype() == DType::Int32);
  for (int i = 0; i < 5; ++i) CHECK(be_i.as<std::int32_t>()[i] == (i - 2) * 70000);

  const Array f = read_npy(numpy_file("fortran.npy"));
  CHECK(f.shape() == Shape{2, 3, 4});
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) CHECK(f.as<double>()[(i * 3 + j) * 4 + k] == 100 * i + 10 * j + k);
  const Array fb = read_npy(numpy_file("fortran_be_i2.npy"));
  CHECK(fb.dtype() == DType::Int32);
  CHECK(fb.shape() == Shape{3, 2});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) CHECK(fb.as<std::int32_t>()[i * 2 + j] == 10 * i - j);
}

TEST_CASE("bool, int8, uint8, int16, uint16, uint32 and uint64 files are widened exactly") {
  const Array mask = read_npy(numpy_file("mask.npy"));
  CHECK(mask.dtype() == DType::Int32);
  for (int i = 0; i < 7; ++i) CHECK(mask.as<std::int32_t>()[i] == (i % 3 == 0 ? 1 : 0));
  for (int i = 0; i < 6; ++i) CHECK(read_npy(numpy_file("u1.npy")).as<std::int32_t>()[i] == 250 + i);
  const Array i1 = read_npy(numpy_file("i1.npy"));
  for (int i = 0; i < 256; ++i) CHECK(i1.as<std::int32_t>()[i] == i - 128);
  for (int i = 0; i < 9; ++i) CHECK(read_npy(numpy_file("i2.npy")).as<std::int32_t>()[i] == (i - 4) * 8000);
  for (int i = 0; i < 3; ++i) CHECK(read_npy(numpy_file("u2.npy")).as<std::int32_t>()[i] == 65535 - i);
  for (int i = 0; i < 3; ++i) CHECK(read_npy(numpy_file("u4.npy")).as<std::int64_t>()[i] == 4000000000LL + i);
  for (int i = 0; i < 3; ++i) CHECK(read_npy(numpy_file("u8.npy")).as<std::int64_t>()[i] == (std::int64_t(1) << 62) + i);
}

TEST_CASE(".npz written by numpy.savez_compressed, a bool mask among its arrays") {
  const NamedArrays arrays = read_npz(numpy_file("compressed.npz"));
  REQUIRE(arrays.size() == 3);
  const auto p = find(arrays, "positions", "c").as<double>();
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t < 4; ++t)
      for (int d = 0; d < 3; ++d) CHECK(p[(s * 4 + t) * 3 + d] == s + 0.1 * t - 0.01 * d);
  const auto m = find(arrays, "mask", "c").as<std::int32_t>();
  for (int i = 0; i < 5; ++i) CHECK(m[i] == i % 2);
  const auto big = find(arrays, "big", "c").as<float>();
  REQUIRE(big.size() == 20000);
  for (int i = 0; i < 20000; ++i)
    if (big[i] != static_cast<float>(i % 7)) FAIL("big[" << i << "] = " << big[i]);
}
