// .npz and the stored-zip layer: CRC-32 against the standard check value, bitwise round trips,
// same bytes for the same data, ZIP64 records, name handling, and robustness of the reader on
// truncations and byte flips of a valid archive.
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "io/file.hpp"
#include "io/npy.hpp"
#include "io/zip.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

namespace {

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

NamedArrays sample() {
  NamedArrays arrays;
  arrays.emplace_back("positions", Array::from<double>({2, 3}, std::vector<double>{0.5, -1, 2, 3.25, 4, 1e-300}));
  arrays.emplace_back("charges", Array::from<float>({3}, std::vector<float>{1, -1, 0.5f}));
  arrays.emplace_back("encoder.layers.2.weight", Array(DType::Float32, {2, 2}));
  arrays.emplace_back("edges", Array::from<std::int64_t>({2, 2}, std::vector<std::int64_t>{0, 1, 1, (1LL << 40)}));
  arrays.emplace_back("empty", Array(DType::Int32, {0}));
  const double dt = 0.01;
  arrays.emplace_back("dt", Array::from<double>({}, &dt));
  return arrays;
}

}  // namespace

TEST_CASE("CRC-32 check value") {
  // The standard check value of CRC-32 (ISO-HDLC) for "123456789".
  CHECK(crc32(bytes_of("123456789")) == 0xCBF43926u);
  CHECK(crc32({}) == 0u);
  // Incremental use gives the same result.
  const auto b = bytes_of("123456789");
  CHECK(crc32(std::span(b).subspan(4), crc32(std::span(b).first(4))) == 0xCBF43926u);
}

TEST_CASE("npz round trip is bitwise, ordered, and deterministic") {
  test::ScratchDir dir;
  const NamedArrays arrays = sample();
  write_npz(dir / "a.npz", arrays);
  const NamedArrays back = read_npz(dir / "a.npz");
  REQUIRE(back.size() == arrays.size());
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    CHECK(back[i].first == arrays[i].first);
    CHECK(back[i].second == arrays[i].second);
  }
  // Same data, same bytes (fixed timestamps); different data, different bytes.
  write_npz(dir / "b.npz", arrays);
  CHECK(read_file(dir / "a.npz") == read_file(dir / "b.npz"));
  NamedArrays changed = arrays;
  changed[1].second.as<float>()[0] = 2.0f;
  CHECK(serialize_npz(changed) != serialize_npz(arrays));
  CHECK(dir.count() == 2);

  CHECK(read_npz_bytes(serialize_npz({}), "empty").empty());
}

TEST_CASE("forced ZIP64 records are read back") {
  const NamedArrays arrays = sample();
  const auto plain = serialize_npz(arrays);
  const auto z64 = serialize_npz(arrays, /*force_zip64=*/true);
  CHECK(z64.size() > plain.size());
  // End record fields hold the ZIP64 markers; the ZIP64 end record sits before the locator.
  const std::size_t n = z64.size();
  CHECK(std::to_integer<int>(z64[n - 22 + 10]) == 0xFF);
  CHECK(std::to_integer<int>(z64[n - 22 - 20]) == 0x50);
  const NamedArrays back = read_npz_bytes(z64, "z64");
  REQUIRE(back.size() == arrays.size());
  for (std::size_t i = 0; i < arrays.size(); ++i) CHECK(back[i].second == arrays[i].second);
}

TEST_CASE("65535 entries or more switch to ZIP64 end records by themselves") {
  const auto one = bytes_of("x");
  std::vector<std::string> names;
  for (int i = 0; i < 70000; ++i) names.push_back(std::string("e").append(std::to_string(i)).append(".npy"));
  std::vector<ZipEntry> entries;
  for (const std::string& n : names) entries.push_back({n, one});
  const auto zip = write_stored_zip(entries);
  const std::size_t n = zip.size();
  // Plain end record: entry counts are the 0xFFFF marker; a ZIP64 locator precedes it.
  CHECK(std::to_integer<int>(zip[n - 22 + 8]) == 0xFF);
  CHECK(std::to_integer<int>(zip[n - 22 + 9]) == 0xFF);
  CHECK(std::to_integer<int>(zip[n - 42 + 2]) == 0x06);
  CHECK(std::to_integer<int>(zip[n - 42 + 3]) == 0x07);
  const auto back = read_zip(zip, "many.zip");
  REQUIRE(back.size() == 70000);
  CHECK(back[69999].name == "e69999.npy");
  CHECK(back[69999].data.size() == 1);
}

TEST_CASE("find names the missing array and the ones present") {
  const NamedArrays arrays = sample();
  CHECK(find(arrays, "charges", "f.npz").numel() == 3);
  CHECK_THROWS_WITH_AS(find(arrays, "velocities", "f.npz"),
                       doctest::Contains("f.npz: no array 'velocities' (arrays: positions, charges,"), IoError);
  CHECK_THROWS_WITH_AS(find({}, "x", "f.npz"), "f.npz: no array 'x' (arrays: none)", IoError);
}

TEST_CASE("writer refuses duplicate names and keeps the old file") {
  test::ScratchDir dir;
  write_npz(dir / "c.npz", sample());
  const auto before = read_file(dir / "c.npz");
  NamedArrays dup = sample();
  dup.push_back(dup[0]);
  CHECK_THROWS_WITH_AS(write_npz(dir / "c.npz", dup), doctest::Contains("duplicate entry name 'positions.npy'"), IoError);
  CHECK(read_file(dir / "c.npz") == before);
  CHECK(dir.count() == 1);
}

TEST_CASE("zip entries that are not .npy and non-ASCII names") {
  // A non-.npy entry is refused by name.
  const auto txt = bytes_of("hello");
  const auto zip = write_stored_zip({{"notes.txt", txt}});
  CHECK_THROWS_WITH_AS(read_npz_bytes(zip, "n.npz"), "n.npz: entry 'notes.txt' is not a .npy file", IoError);
  // UTF-8 names round trip unchanged.
  NamedArrays arrays;
  arrays.emplace_back("\xce\xb8_angle", Array(DType::Float64, {2}));
  const NamedArrays back = read_npz_bytes(serialize_npz(arrays), "u.npz");
  CHECK(back.at(0).first == "\xce\xb8_angle");
}

TEST_CASE("every truncation and random byte flips of an npz give arrays or an IoError") {
  NamedArrays arrays;
  arrays.emplace_back("a", Array::from<std::int32_t>({3}, std::vector<std::int32_t>{1, 2, 3}));
  arrays.emplace_back("b", Array::from<double>({1}, std::vector<double>{0.5}));
  for (const bool z64 : {false, true}) {
    const std::vector<std::byte> good = serialize_npz(arrays, z64);
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      CHECK_THROWS_AS(read_npz_bytes(std::span(good.data(), n), "cut.npz"), IoError);
    }
    std::mt19937 rng(z64 ? 7 : 8);
    std::size_t accepted = 0;
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<std::byte> bytes = good;
      bytes[rng() % bytes.size()] = static_cast<std::byte>(rng() & 0xFF);
      try {
        const NamedArrays got = read_npz_bytes(bytes, "mutated.npz");
        ++accepted;
        std::size_t total = 0;
        for (const auto& [name, a] : got) total += a.bytes();
        CHECK(total <= bytes.size());
      } catch (const IoError&) {
      }
    }
    // Flips of data bytes are caught by the CRC, so few mutations survive (timestamps, attributes).
    CHECK(accepted < 1000);
  }
}
