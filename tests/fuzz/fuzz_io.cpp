// libFuzzer target for the readers of io/: parse_npy, read_npz_bytes and parse_json on the same
// input. Any outcome other than a value or an IoError (a crash, a sanitizer report, another
// exception, an allocation above -malloc_limit_mb, a hang) is a finding. Arrays may be up to 4x
// their bytes in the input (int8 -> int32), deflated members up to kMaxInflateRatio more. Values
// that parse must also survive a write -> read round trip unchanged. Built by `meson -Dfuzz=true`
// with clang (see tests/io/meson.build) and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "io/error.hpp"
#include "io/json.hpp"
#include "io/npy.hpp"
#include "io/zip.hpp"

namespace {
void require(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dg::io;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);

  try {
    const Array a = parse_npy(bytes, "fuzz.npy");
    require(a.bytes() <= 4 * size);  // int8/uint8/bool widen to int32: at most 4x the input
    require(parse_npy(serialize_npy(a), "again.npy") == a);
  } catch (const IoError&) {
  }

  try {
    const NamedArrays arrays = read_npz_bytes(bytes, "fuzz.npz");
    std::size_t total = 0;
    for (const auto& [name, a] : arrays) total += a.bytes();
    require(total <= 4 * kMaxInflateRatio * size);  // deflated members: deflate's largest ratio
    const NamedArrays again = read_npz_bytes(serialize_npz(arrays), "again.npz");
    require(again == arrays);
  } catch (const IoError&) {
  }

  try {
    const Json v = parse_json(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    require(parse_json(to_json(v)) == v);
  } catch (const IoError&) {
  }
  return 0;
}
