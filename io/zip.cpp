// Stored-zip writer and reader (see zip.hpp). Record layouts (all little-endian), from PKWARE's
// APPNOTE: local header 30 bytes + name + extra; central header 46 + name + extra + comment;
// end record 22 + comment; ZIP64 end record 56; ZIP64 locator 20; ZIP64 extra field id 0x0001.
#include "io/zip.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <new>
#include <set>

#include <zlib.h>

#include "io/error.hpp"

namespace dg::io {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50, kLocator64Sig = 0x07064b50;
constexpr std::uint32_t kMax32 = 0xFFFFFFFF;
constexpr std::uint16_t kMax16 = 0xFFFF;
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01 (time 00:00:00 is 0)

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

// Appends little-endian integers.
struct Out {
  std::vector<std::byte> b;
  void u16(std::uint64_t v) { put(v, 2); }
  void u32(std::uint64_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
  }
  void str(const std::string& s) {
    for (const char c : s) b.push_back(static_cast<std::byte>(c));
  }
};

std::uint64_t load(std::span<const std::byte> s, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(s[at + i]);
  return v;
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 128; });
}

// "where: array 'x'" for an entry "x.npy", "where: entry 'name'" otherwise.
std::string entry_where(const std::string& where, const std::string& name) {
  const bool npy = name.size() >= 4 && name.compare(name.size() - 4, 4, ".npy") == 0;
  return where + (npy ? ": array '" + printable(name.substr(0, name.size() - 4)) + "'"
                      : ": entry '" + printable(name) + "'");
}

void check_crc(std::span<const std::byte> data, std::uint32_t crc, const std::string& at) {
  const std::uint32_t actual = crc32(data);
  if (actual != crc)
    throw IoError(at + ": CRC-32 mismatch (stored " + std::to_string(crc) + ", computed " + std::to_string(actual) +
                  "): the file is corrupt");
}

}  // namespace

std::vector<std::byte> inflate_entry(const ZipEntry& e, const std::string& where) {
  if (e.size > kMaxInflateRatio * e.data.size() + 64)
    throw IoError(where + ": corrupt zip or zip bomb: " + std::to_string(e.data.size()) + " deflated bytes declare " +
                  std::to_string(e.size) + " uncompressed");
  // The output grows with what actually inflates (doubling, at most to the declared size), so a
  // header that lies about the size costs no more memory than the data really hold.
  std::vector<std::byte> out;
  // Raw deflate (no zlib header), fed in pieces of at most 1 GiB (zlib counts in 32-bit unsigned).
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw IoError(where + ": zlib: cannot start inflating");
  std::byte spare{};  // zlib refuses a null output pointer, even with no room
  z.next_out = reinterpret_cast<Bytef*>(&spare);
  constexpr std::size_t kPiece = std::size_t(1) << 30;
  std::size_t in_at = 0;
  std::string problem;
  for (;;) {
    if (z.avail_in == 0 && in_at < e.data.size()) {
      const std::size_t n = std::min(kPiece, e.data.size() - in_at);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(e.data.data() + in_at));
      z.avail_in = static_cast<uInt>(n);
      in_at += n;
    }
    if (z.avail_out == 0 && out.size() < e.size) {
      const std::size_t done = static_cast<std::size_t>(z.total_out);
      const std::size_t grown = static_cast<std::size_t>(
          std::min<std::uint64_t>(e.size, std::max<std::uint64_t>(2 * out.size(), std::uint64_t(1) << 16)));
      try {
        out.resize(grown);
      } catch (const std::bad_alloc&) {
        inflateEnd(&z);
        throw IoError(where + ": cannot allocate " + std::to_string(e.size) + " bytes to inflate the entry");
      }
      z.next_out = reinterpret_cast<Bytef*>(out.data() + done);
      z.avail_out = static_cast<uInt>(std::min(kPiece, grown - done));
    }
    const int status = inflate(&z, Z_NO_FLUSH);
    if (status == Z_STREAM_END) break;
    if (status == Z_OK) continue;
    // No progress: the input ended, or the declared size is full with data still to come.
    if (status == Z_BUF_ERROR && z.avail_in == 0 && in_at == e.data.size())
      problem = "truncated deflate data: " + std::to_string(z.total_out) + " of " + std::to_string(e.size) + " declared bytes";
    else if (status == Z_BUF_ERROR && z.avail_out == 0 && z.total_out == e.size)
      problem = "corrupt zip: the deflated data hold more than the declared " + std::to_string(e.size) + " bytes";
    else
      problem = std::string("corrupt deflate data") + (z.msg ? std::string(": ") + z.msg : std::string());
    break;
  }
  const std::uint64_t produced = z.total_out;
  inflateEnd(&z);
  if (!problem.empty()) throw IoError(where + ": " + problem);
  if (produced != e.size)
    throw IoError(where + ": corrupt zip: the deflated data hold " + std::to_string(produced) + " bytes, " +
                  std::to_string(e.size) + " declared");
  check_crc(out, e.crc, where);
  return out;
}

std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc) {
  crc = ~crc;
  for (const std::byte b : bytes) crc = kCrcTable[(crc ^ std::to_integer<std::uint32_t>(b)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::vector<std::byte> write_stored_zip(const std::vector<ZipEntry>& entries, bool force_zip64) {
  std::set<std::string> seen;
  for (const ZipEntry& e : entries) {
    if (e.name.size() > kMax16) throw IoError("zip: entry name longer than 65535 bytes: " + printable(e.name));
    if (!seen.insert(e.name).second) throw IoError("zip: duplicate entry name '" + printable(e.name) + "'");
  }

  // Local header + data of each entry; remember offsets and CRCs for the central directory.
  Out out;
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> crcs;
  for (const ZipEntry& e : entries) {
    const std::uint64_t size = e.data.size();
    const bool big = force_zip64 || size >= kMax32;
    offsets.push_back(out.b.size());
    crcs.push_back(crc32(e.data));
    out.u32(kLocalSig);
    out.u16(big ? 45 : 20);                    // version needed: 4.5 for ZIP64, else 2.0
    out.u16(is_ascii(e.name) ? 0 : 0x0800);    // flags: bit 11 = UTF-8 name
    out.u16(0);                                // method: stored
    out.u16(0);                                // time 00:00:00
    out.u16(kDosDate);
    out.u32(crcs.back());
    out.u32(big ? kMax32 : size);              // compressed size
    out.u32(big ? kMax32 : size);              // uncompressed size
    out.u16(e.name.size());
    out.u16(big ? 20 : 0);                     // extra length
    out.str(e.name);
    if (big) {
      out.u16(1), out.u16(16), out.u64(size), out.u64(size);
    }
    out.b.insert(out.b.end(), e.data.begin(), e.data.end());
  }

  // Central directory: ZIP64 extra holds (in this order) the sizes and the offset that overflow.
  const std::uint64_t cd_offset = out.b.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ZipEntry& e = entries[i];
    const std::uint64_t size = e.data.size();
    const bool big_size = force_zip64 || size >= kMax32;
    const bool big_offset = force_zip64 || offsets[i] >= kMax32;
    const int extra = (big_size ? 16 : 0) + (big_offset ? 8 : 0);
    out.u32(kCentralSig);
    out.u16(0x0300 | (extra ? 45 : 20));       // made by: Unix, version 4.5 or 2.0
    out.u16(extra ? 45 : 20);
    out.u16(is_ascii(e.name) ? 0 : 0x0800);
    out.u16(0);
    out.u16(0);
    out.u16(kDosDate);
    out.u32(crcs[i]);
    out.u32(big_size ? kMax32 : size);
    out.u32(big_size ? kMax32 : size);
    out.u16(e.name.size());
    out.u16(extra ? extra + 4 : 0);
    out.u16(0);                                // comment length
    out.u16(0);                                // disk number
    out.u16(0);                                // internal attributes
    out.u32(0100644u << 16);                   // external attributes: regular file rw-r--r--
    out.u32(big_offset ? kMax32 : offsets[i]);
    out.str(e.name);
    if (extra) {
      out.u16(1), out.u16(extra);
      if (big_size) out.u64(size), out.u64(size);
      if (big_offset) out.u64(offsets[i]);
    }
  }
  const std::uint64_t cd_size = out.b.size() - cd_offset, count = entries.size();

  // ZIP64 end record and locator when a count, size or offset does not fit the plain end record.
  const bool end64 = force_zip64 || count >= kMax16 || cd_size >= kMax32 || cd_offset >= kMax32;
  if (end64) {
    const std::uint64_t end64_offset = out.b.size();
    out.u32(kEnd64Sig);
    out.u64(44);                               // size of the rest of this record
    out.u16(0x0300 | 45), out.u16(45);
    out.u32(0), out.u32(0);                    // this disk, disk of the central directory
    out.u64(count), out.u64(count), out.u64(cd_size), out.u64(cd_offset);
    out.u32(kLocator64Sig);
    out.u32(0), out.u64(end64_offset), out.u32(1);
  }
  out.u32(kEndSig);
  out.u16(0), out.u16(0);
  out.u16(end64 ? kMax16 : count), out.u16(end64 ? kMax16 : count);
  out.u32(end64 ? kMax32 : cd_size), out.u32(end64 ? kMax32 : cd_offset);
  out.u16(0);                                  // comment length
  return std::move(out.b);
}

std::vector<ZipEntry> read_zip(std::span<const std::byte> s, const std::string& where) {
  const std::size_t size = s.size();

  // End record: the last signature whose comment runs exactly to the end of the file.
  std::size_t end = size;
  if (size >= 22) {
    const std::size_t lowest = size - 22 > 65535 ? size - 22 - 65535 : 0;
    for (std::size_t p = size - 22 + 1; p-- > lowest;)
      if (load(s, p, 4) == kEndSig && p + 22 + load(s, p + 20, 2) == size) {
        end = p;
        break;
      }
  }
  if (end == size) throw IoError(where + ": not a zip/.npz file (no end-of-central-directory record)");
  std::uint64_t disk = load(s, end + 4, 2), cd_disk = load(s, end + 6, 2);
  std::uint64_t count = load(s, end + 10, 2), cd_size = load(s, end + 12, 4), cd_offset = load(s, end + 16, 4);
  std::uint64_t cd_limit = end;  // the central directory must end before this

  // ZIP64: a locator right before the end record points to the ZIP64 end record.
  if (end >= 20 && load(s, end - 20, 4) == kLocator64Sig) {
    const std::uint64_t at = load(s, end - 12, 8);
    if (at > end - 20 || end - 20 - at < 56 || load(s, at, 4) != kEnd64Sig)
      throw IoError(where + ": corrupt zip: bad ZIP64 end-of-central-directory locator");
    disk = load(s, at + 16, 4), cd_disk = load(s, at + 20, 4);
    count = load(s, at + 32, 8), cd_size = load(s, at + 40, 8), cd_offset = load(s, at + 48, 8);
    cd_limit = at;
  }
  if (disk != 0 || cd_disk != 0) throw IoError(where + ": multi-disk zip archives are not supported");
  if (cd_offset > cd_limit || cd_size > cd_limit - cd_offset)
    throw IoError(where + ": corrupt zip: the central directory (offset " + std::to_string(cd_offset) + ", " +
                  std::to_string(cd_size) + " bytes) lies outside the file");

  // Walk the central directory; each header is at least 46 bytes, so the loop is bounded by the file.
  std::vector<ZipEntry> entries;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // [local header, data end) per entry
  std::set<std::string> names;
  std::uint64_t p = cd_offset;
  const std::uint64_t cd_end = cd_offset + cd_size;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (cd_end - p < 46 || load(s, p, 4) != kCentralSig)
      throw IoError(where + ": corrupt zip: central directory entry " + std::to_string(i) + " of " +
                    std::to_string(count) + " is missing or damaged");
    const std::uint64_t flags = load(s, p + 8, 2), method = load(s, p + 10, 2), crc = load(s, p + 16, 4);
    std::uint64_t csize = load(s, p + 20, 4), usize = load(s, p + 24, 4);
    const std::uint64_t name_len = load(s, p + 28, 2), extra_len = load(s, p + 30, 2), comment_len = load(s, p + 32, 2);
    std::uint64_t entry_disk = load(s, p + 34, 2), offset = load(s, p + 42, 4);
    if (cd_end - p - 46 < name_len + extra_len + comment_len)
      throw IoError(where + ": corrupt zip: central directory entry " + std::to_string(i) + " runs past its end");
    const std::string name(reinterpret_cast<const char*>(s.data() + p + 46), name_len);
    const std::string at = entry_where(where, name);

    // ZIP64 extra field: 8-byte values for the 32-bit fields that hold 0xFFFFFFFF, in APPNOTE order.
    for (std::uint64_t q = p + 46 + name_len, qend = q + extra_len; qend - q >= 4;) {
      const std::uint64_t id = load(s, q, 2), len = load(s, q + 2, 2);
      if (qend - q - 4 < len) throw IoError(at + ": corrupt zip: extra field runs past its end");
      if (id == 1) {
        std::uint64_t r = q + 4;
        auto take = [&](std::uint64_t& field, int bytes) {
          if (q + 4 + len - r < static_cast<std::uint64_t>(bytes)) throw IoError(at + ": corrupt zip: short ZIP64 extra field");
          field = load(s, r, bytes);
          r += bytes;
        };
        if (usize == kMax32) take(usize, 8);
        if (csize == kMax32) take(csize, 8);
        if (offset == kMax32) take(offset, 8);
        if (entry_disk == kMax16) take(entry_disk, 4);
      }
      q += 4 + len;
    }
    p += 46 + name_len + extra_len + comment_len;

    // What this reader supports: stored or deflated, unencrypted, single disk, sizes that agree.
    if (flags & 1) throw IoError(at + ": encrypted zip entries are not supported");
    if (method != 0 && method != 8)
      throw IoError(at + ": zip compression method " + std::to_string(method) +
                    " is not supported (stored and deflate are: numpy.savez, numpy.savez_compressed)");
    if (entry_disk != 0) throw IoError(at + ": multi-disk zip archives are not supported");
    if (method == 0 && csize != usize)
      throw IoError(at + ": corrupt zip: stored entry with compressed size " + std::to_string(csize) +
                    " != uncompressed size " + std::to_string(usize));
    if (method == 8 && usize > kMaxInflateRatio * csize + 64)
      throw IoError(at + ": corrupt zip or zip bomb: " + std::to_string(csize) + " deflated bytes declare " +
                    std::to_string(usize) + " uncompressed (deflate reaches at most " +
                    std::to_string(kMaxInflateRatio) + ":1)");
    if (!names.insert(name).second) throw IoError(at + ": duplicate entry name in the zip archive");

    // The local header and the data must lie before the central directory.
    if (offset > cd_offset || cd_offset - offset < 30 || load(s, offset, 4) != kLocalSig)
      throw IoError(at + ": corrupt zip: local header offset " + std::to_string(offset) + " points outside the file "
                         "or to no local header");
    const std::uint64_t local_name_len = load(s, offset + 26, 2), local_extra_len = load(s, offset + 28, 2);
    const std::uint64_t data_at = offset + 30 + local_name_len + local_extra_len;
    if (data_at > cd_offset || cd_offset - data_at < csize)
      throw IoError(at + ": truncated or corrupt zip: entry data (" + std::to_string(csize) +
                    " bytes) points outside the file");
    if (local_name_len != name_len || std::memcmp(s.data() + offset + 30, name.data(), name_len) != 0)
      throw IoError(at + ": corrupt zip: local header name differs from the central directory");
    const std::span<const std::byte> data = s.subspan(data_at, csize);
    if (method == 0) check_crc(data, static_cast<std::uint32_t>(crc), at);
    entries.push_back({name, data, method == 8, usize, static_cast<std::uint32_t>(crc)});
    spans.emplace_back(offset, data_at + csize);
  }

  // Entries may not overlap: each byte belongs to one entry, so nothing is read twice.
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second) throw IoError(where + ": corrupt zip: entries overlap");
  return entries;
}

}  // namespace dg::io
