// .npz files: a zip (stored or deflated entries) whose entries are "<name>.npy" files (see npy.hpp and zip.hpp).
#include "io/file.hpp"
#include "io/npy.hpp"
#include "io/zip.hpp"

namespace dg::io {

NamedArrays read_npz_bytes(std::span<const std::byte> bytes, const std::string& where) {
  NamedArrays arrays;
  for (const ZipEntry& e : read_zip(bytes, where)) {
    if (e.name.size() < 4 || e.name.compare(e.name.size() - 4, 4, ".npy") != 0)
      throw IoError(where + ": entry '" + printable(e.name) + "' is not a .npy file");
    std::string name = e.name.substr(0, e.name.size() - 4);
    const std::string at = where + ": array '" + printable(name) + "'";
    // A deflated entry is inflated into its own buffer (bounded by zip.hpp's ratio), one at a time.
    const std::vector<std::byte> inflated = e.deflated ? inflate_entry(e, at) : std::vector<std::byte>{};
    Array a = parse_npy(e.deflated ? std::span<const std::byte>(inflated) : e.data, at);
    arrays.emplace_back(std::move(name), std::move(a));
  }
  return arrays;
}

NamedArrays read_npz(const std::string& path) {
  const MappedFile file(path);  // the zip's end records are read first, then only what they declare
  return read_npz_bytes(file.bytes(), path);
}

std::vector<std::byte> serialize_npz(const NamedArrays& arrays, bool force_zip64) {
  // Each array as .npy bytes, then all of them zipped (the zip writer refuses duplicate names).
  std::vector<std::vector<std::byte>> npys;
  npys.reserve(arrays.size());
  std::vector<ZipEntry> entries;
  for (const auto& [name, array] : arrays) {
    npys.push_back(serialize_npy(array));
    entries.push_back({name + ".npy", npys.back()});
  }
  return write_stored_zip(entries, force_zip64);
}

void write_npz(const std::string& path, const NamedArrays& arrays) {
  with_path(path, [&] { write_file_atomic(path, serialize_npz(arrays)); });
}

}  // namespace dg::io
