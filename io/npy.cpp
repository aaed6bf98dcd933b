// The Array type and the .npy format: parse, serialize, read, write (see npy.hpp).
// Layout of a .npy file:
//   "\x93NUMPY" major minor | header length (uint16 for 1.0, uint32 for 2.0, little-endian)
//   | header dict text padded with spaces and ending in '\n' (total preamble a multiple of 64)
//   | the data: numel * itemsize bytes, C order.
#include <algorithm>
#include <bit>

#include "io/file.hpp"
#include "io/npy.hpp"
#include "io/npy_header.hpp"

namespace dg::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
constexpr std::size_t kAlign = 64;  // numpy pads the preamble to this

// The dtypes written (and read without conversion): little-endian float32/64, int32/64.
struct DescrInfo {
  const char* descr;
  DType dtype;
};
constexpr DescrInfo kDescrs[] = {
    {"<f4", DType::Float32}, {"<f8", DType::Float64}, {"<i4", DType::Int32}, {"<i8", DType::Int64}};

const char* descr_of(DType dtype) {
  for (const DescrInfo& d : kDescrs)
    if (d.dtype == dtype) return d.descr;
  return "?";
}

// A dtype as stored in a file: kind ('f' float, 'i' signed, 'u' unsigned, 'b' bool), item size,
// byte order, and the DType it is read as (the smallest that holds every value exactly).
struct StoredType {
  char kind = 'f';
  std::size_t size = 8;
  bool big_endian = false;
  DType dtype = DType::Float64;
  bool plain() const { return !big_endian && dtype_size(dtype) == size && (kind == 'f' || kind == 'i'); }  // bytes = values
};

StoredType stored_type(const std::string& descr, const std::string& where) {
  const std::string supported = " (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool, either byte order)";
  if (descr.size() >= 2 && descr[1] == 'O')
    throw IoError(where + ": object arrays (dtype '" + printable(descr, 20) + "') hold Python objects, not numbers: "
                  "they are not read; save a numeric array (numpy.asarray(x, dtype=numpy.float64))");
  StoredType t;
  const bool sized = descr.size() == 3 && descr[2] >= '1' && descr[2] <= '8';
  if (!sized || (descr[0] != '<' && descr[0] != '>' && descr[0] != '|'))
    throw IoError(where + ": unsupported dtype '" + printable(descr, 20) + "'" + supported);
  t.kind = descr[1];
  t.size = static_cast<std::size_t>(descr[2] - '0');
  t.big_endian = descr[0] == '>' && t.size > 1;
  const std::size_t z = t.size;
  if (t.kind == 'f' && (z == 2 || z == 4)) t.dtype = DType::Float32;
  else if (t.kind == 'f' && z == 8) t.dtype = DType::Float64;
  else if (t.kind == 'i' && (z == 1 || z == 2 || z == 4)) t.dtype = DType::Int32;
  else if (t.kind == 'i' && z == 8) t.dtype = DType::Int64;
  else if (t.kind == 'u' && (z == 1 || z == 2)) t.dtype = DType::Int32;
  else if (t.kind == 'u' && (z == 4 || z == 8)) t.dtype = DType::Int64;
  else if (t.kind == 'b' && z == 1) t.dtype = DType::Int32;
  else throw IoError(where + ": unsupported dtype '" + printable(descr, 20) + "'" + supported);
  if (z > 1 && descr[0] == '|') throw IoError(where + ": dtype '" + descr + "' needs a byte order ('<' or '>')");
  return t;
}

// IEEE binary16 bits -> float (exact: every half is a float).
float half_to_float(std::uint32_t h) {
  const std::uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, frac = h & 0x3FF;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(frac), -24);                   // zero, subnormal
  else if (exp == 31) v = frac ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else v = std::ldexp(static_cast<float>(frac | 0x400), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

// Converts `numel` stored elements at `src` into out (C order), transposing Fortran order.
template <class T>
void decode(const std::byte* src, const StoredType& t, bool fortran, Array& out, const std::string& where) {
  T* dst = out.as<T>().data();
  const std::vector<std::int64_t>& shape = out.shape();
  const std::size_t rank = shape.size();
  // C-order strides; for Fortran order the file index runs the first axis fastest.
  std::vector<std::int64_t> stride(rank, 1), index(rank, 0);
  for (std::size_t k = rank; k-- > 1;) stride[k - 1] = stride[k] * shape[k];
  std::int64_t at = 0;  // destination offset of the current file element
  for (std::int64_t n = 0; n < out.numel(); ++n) {
    std::uint64_t bits = 0;
    const std::byte* p = src + static_cast<std::size_t>(n) * t.size;
    for (std::size_t b = 0; b < t.size; ++b)
      bits |= std::to_integer<std::uint64_t>(p[t.big_endian ? t.size - 1 - b : b]) << (8 * b);
    T v{};
    if (t.kind == 'f') {
      if (t.size == 2) v = static_cast<T>(half_to_float(static_cast<std::uint32_t>(bits)));
      else if (t.size == 4) v = static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
      else v = static_cast<T>(std::bit_cast<double>(bits));
    } else if (t.kind == 'i') {
      const unsigned shift = static_cast<unsigned>(64 - 8 * t.size);  // sign-extend
      v = static_cast<T>(static_cast<std::int64_t>(bits << shift) >> shift);
    } else if (t.kind == 'u') {
      if (bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw IoError(where + ": element " + std::to_string(n) + " (" + std::to_string(bits) +
                      ") of a uint64 array does not fit int64");
      v = static_cast<T>(bits);
    } else {
      v = static_cast<T>(bits != 0);  // bool
    }
    dst[fortran ? at : n] = v;
    if (fortran)  // next file element: advance the first axis, carrying into the next ones
      for (std::size_t k = 0; k < rank; ++k) {
        at += stride[k];
        if (++index[k] < shape[k]) break;
        at -= stride[k] * shape[k];
        index[k] = 0;
      }
  }
}

std::uint32_t load_le(const std::byte* p, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint32_t>(p[i]);
  return v;
}

}  // namespace

const char* dtype_name(DType d) {
  switch (d) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
  }
  return "unknown";
}

std::size_t dtype_size(DType d) { return d == DType::Float32 || d == DType::Int32 ? 4 : 8; }

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

std::int64_t checked_numel(const std::vector<std::int64_t>& shape, std::size_t item_size, const std::string& where) {
  // The byte count numel * item_size must fit in int64 (and so in size_t on 64-bit machines).
  const std::int64_t max_numel = std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(item_size);
  std::int64_t n = 1;
  for (const std::int64_t d : shape) {
    if (d < 0) throw IoError(where + ": negative dimension " + std::to_string(d) + " in shape " + shape_string(shape));
    if (d != 0 && n > max_numel / d)
      throw IoError(where + ": shape " + shape_string(shape) + " is too large (element count overflows)");
    n *= d;
  }
  return n;
}

Array::Array(DType dtype, std::vector<std::int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)), numel_(checked_numel(shape_, dtype_size(dtype), "Array")) {
  words_.assign((bytes() + 7) / 8, 0);
}

void Array::check_dtype(DType wanted) const {
  if (wanted != dtype_)
    throw IoError(std::string("Array::as<") + dtype_name(wanted) + ">: the array holds " + dtype_name(dtype_) +
                  " (shape " + shape_string(shape_) + "); use to_vector<" + dtype_name(wanted) + "> to convert");
}

void Array::throw_count_mismatch(std::size_t given, const std::vector<std::int64_t>& shape) {
  throw IoError("Array::from: " + std::to_string(given) + " values given for shape " + shape_string(shape) + " (" +
                std::to_string(checked_numel(shape, 1, "Array::from")) + " elements)");
}

void Array::throw_not_representable(DType to, DType from, std::size_t index, const std::string& value) {
  throw IoError(std::string("Array::to_vector<") + dtype_name(to) + ">: element " + std::to_string(index) + " of a " +
                dtype_name(from) + " array (" + value + ") is not representable");
}

Array parse_npy(std::span<const std::byte> bytes, const std::string& where) {
  // Magic and version.
  const std::size_t size = bytes.size();
  if (size < kMagicLen || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0)
    throw IoError(where + ": not a .npy file (bad magic; expected \\x93NUMPY)");
  if (size < kMagicLen + 2) throw IoError(where + ": truncated: the file ends inside the .npy version");
  const int major = std::to_integer<int>(bytes[6]), minor = std::to_integer<int>(bytes[7]);
  if ((major != 1 && major != 2) || minor != 0)
    throw IoError(where + ": unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                  " (supported: 1.0, 2.0)");

  // Header length (2 or 4 bytes) and header text; all sizes are compared, never added past `size`.
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = kMagicLen + 2 + len_bytes;
  if (size < header_start) throw IoError(where + ": truncated: the file ends inside the .npy header length");
  const std::size_t header_len = load_le(bytes.data() + kMagicLen + 2, static_cast<int>(len_bytes));
  if (header_len > size - header_start)
    throw IoError(where + ": truncated: header length " + std::to_string(header_len) + " but only " +
                  std::to_string(size - header_start) + " bytes follow");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + header_start, header_len);
  const NpyHeader header = parse_npy_header(text, where);

  // Dtype, shape, then the data size must match exactly.
  const StoredType stored = stored_type(header.descr, where);
  const std::int64_t numel = checked_numel(header.shape, std::max(stored.size, dtype_size(stored.dtype)), where);
  const std::size_t data_start = header_start + header_len;
  const std::size_t want = static_cast<std::size_t>(numel) * stored.size;
  const std::size_t have = size - data_start;
  if (have < want)
    throw IoError(where + ": truncated: header says " + std::to_string(want) + " bytes, " + std::to_string(have) +
                  " present");
  if (have > want)
    throw IoError(where + ": trailing garbage: header says " + std::to_string(want) + " bytes, " +
                  std::to_string(have) + " present");

  // The bytes as they are, or converted (byte order, narrower types, Fortran order).
  Array a(stored.dtype, header.shape);
  const bool fortran = header.fortran_order && header.shape.size() > 1;
  const std::byte* src = bytes.data() + data_start;
  if (stored.plain() && !fortran) {
    if (want > 0) std::memcpy(a.raw(), src, want);
    return a;
  }
  switch (stored.dtype) {
    case DType::Float32: decode<float>(src, stored, fortran, a, where); break;
    case DType::Float64: decode<double>(src, stored, fortran, a, where); break;
    case DType::Int32: decode<std::int32_t>(src, stored, fortran, a, where); break;
    case DType::Int64: decode<std::int64_t>(src, stored, fortran, a, where); break;
  }
  return a;
}

std::vector<std::byte> serialize_npy(const Array& a) {
  std::string text = format_npy_header({descr_of(a.dtype()), false, a.shape()});

  // Version 1.0 (uint16 length) unless the padded header does not fit; then 2.0 (uint32).
  const std::size_t hlen = text.size() + 1;  // + '\n'
  int major = 1;
  std::size_t preamble = kMagicLen + 2 + 2;
  std::size_t pad = kAlign - (preamble + hlen) % kAlign;  // numpy pads a full 64 when already aligned
  if (hlen + pad > 0xFFFF) {
    major = 2;
    preamble = kMagicLen + 2 + 4;
    pad = kAlign - (preamble + hlen) % kAlign;
  }
  text.append(pad, ' ');
  text += '\n';

  // Magic, version, little-endian header length, header, data.
  std::vector<std::byte> out;
  out.reserve(preamble + text.size() + a.bytes());
  for (std::size_t i = 0; i < kMagicLen; ++i) out.push_back(static_cast<std::byte>(kMagic[i]));
  out.push_back(static_cast<std::byte>(major));
  out.push_back(std::byte{0});
  for (std::size_t i = 0; i < preamble - kMagicLen - 2; ++i) out.push_back(static_cast<std::byte>((text.size() >> (8 * i)) & 0xFF));
  for (const char c : text) out.push_back(static_cast<std::byte>(c));
  out.insert(out.end(), a.raw(), a.raw() + a.bytes());
  return out;
}

Array read_npy(const std::string& path) {
  const MappedFile file(path);  // parse_npy checks the header and the size before the data
  return parse_npy(file.bytes(), path);
}

void write_npy(const std::string& path, const Array& a) { write_file_atomic(path, serialize_npy(a)); }

const Array& find(const NamedArrays& arrays, const std::string& name, const std::string& where) {
  for (const auto& [n, a] : arrays)
    if (n == name) return a;
  std::string names;
  for (const auto& [n, a] : arrays) names += (names.empty() ? "" : ", ") + n;
  throw IoError(where + ": no array '" + name + "' (arrays: " + (names.empty() ? "none" : names) + ")");
}

}  // namespace dg::io
