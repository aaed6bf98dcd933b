// A minimal zip archive: the container of .npz files. Written with "stored" (uncompressed)
// entries; read with stored or deflated entries (numpy.savez_compressed, inflated with zlib).
// Writer: local headers, central directory and end record with CRC-32, fixed timestamps
// (1980-01-01 00:00) and fixed attributes, so the same entries always give the same bytes. ZIP64
// extra fields and end records are written when an entry size or offset reaches 0xFFFFFFFF or
// there are 65535 entries or more (force_zip64 writes them always; numpy/Python read both).
// Reader: walks the central directory (ZIP64 included) and refuses, with a clear IoError,
// encrypted entries, methods other than stored and deflate, entries pointing outside the file or
// overlapping each other, CRC-32 mismatches, duplicate names and multi-disk archives. Entries are
// returned as slices of the input. A deflated entry is inflated by inflate_entry into exactly its
// declared size, which may not exceed kMaxInflateRatio times its compressed size (deflate cannot
// do better), so no input makes the reader allocate more than that ratio times the input's size.
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
  std::span<const std::byte> data;  // the bytes as stored (compressed when `deflated`)
  bool deflated = false;
  std::uint64_t size = 0;           // uncompressed size (read_zip fills it)
  std::uint32_t crc = 0;            // CRC-32 of the uncompressed bytes (read_zip fills it)
};

// Deflate's best ratio is 1032:1; a larger declared ratio is a corrupt file or a zip bomb.
constexpr std::uint64_t kMaxInflateRatio = 1032;

// Throws IoError for duplicate names or names longer than 65535 bytes.
std::vector<std::byte> write_stored_zip(const std::vector<ZipEntry>& entries, bool force_zip64 = false);
// The entries in central-directory order; `data` points into `bytes`. Stored entries have their
// CRC checked here, deflated ones by inflate_entry.
std::vector<ZipEntry> read_zip(std::span<const std::byte> bytes, const std::string& where);
// The uncompressed bytes of a deflated entry, checked: exactly `size` bytes, the right CRC-32.
// `where` names the entry in errors.
std::vector<std::byte> inflate_entry(const ZipEntry& entry, const std::string& where);

}  // namespace dg::io
