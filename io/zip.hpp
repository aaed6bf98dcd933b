// A minimal zip archive of "stored" (uncompressed) entries: the container of .npz files.
// Writer: local headers, central directory and end record with CRC-32, fixed timestamps
// (1980-01-01 00:00) and fixed attributes, so the same entries always give the same bytes. ZIP64
// extra fields and end records are written when an entry size or offset reaches 0xFFFFFFFF or
// there are 65535 entries or more (force_zip64 writes them always; numpy/Python read both).
// Reader: walks the central directory (ZIP64 included) and refuses, with a clear IoError,
// compressed or encrypted entries, entries pointing outside the file or overlapping each other,
// CRC-32 mismatches, duplicate names and multi-disk archives. Entries are returned as slices of
// the input, so reading never allocates more than the input's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dg::io {

std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc = 0);

struct ZipEntry {
  std::string name;
  std::span<const std::byte> data;
};

// Throws IoError for duplicate names or names longer than 65535 bytes.
std::vector<std::byte> write_stored_zip(const std::vector<ZipEntry>& entries, bool force_zip64 = false);
// The entries in central-directory order; `data` points into `bytes`.
std::vector<ZipEntry> read_stored_zip(std::span<const std::byte> bytes, const std::string& where);

}  // namespace dg::io
