// The header of a .npy file: a Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
// parse_npy_header accepts exactly that grammar (string keys, the three keys once each, string /
// bool / int-tuple values, optional trailing commas) and nothing else: no eval, no recursion, so
// arbitrary bytes are safe. format_npy_header writes what numpy 1.24 writes, byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dg::io {

struct NpyHeader {
  std::string descr;                 // e.g. "<f8"
  bool fortran_order = false;
  std::vector<std::int64_t> shape;   // as written; may hold negative values (checked later)
};

// Throws IoError "<where>: malformed .npy header: <problem> at offset N in: <header text>".
NpyHeader parse_npy_header(std::string_view text, const std::string& where);

// The header dict text including numpy's spare spaces, without padding or the final newline.
std::string format_npy_header(const NpyHeader& header);

}  // namespace dg::io
