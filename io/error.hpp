// IoError: the one exception type of io/. Every message names the file (and, inside an .npz,
// the array) and the problem, e.g.
//   "data/train.npz: array 'positions': truncated: header says 4000 bytes, 1200 present"
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace dg::io {

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Text from a file made safe to quote in a message: bytes outside printable ASCII become \xNN,
// and text longer than `max` is cut with "...".
inline std::string printable(std::string_view s, std::size_t max = 200) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 32 && c < 127) out += static_cast<char>(c);
    else out += {'\\', 'x', hex[c >> 4], hex[c & 15]};
  }
  return s.size() > max ? out + "..." : out;
}

// Runs f(); an IoError whose message does not already start with `path` gets "path: " in front.
template <class F>
decltype(auto) with_path(const std::string& path, F&& f) {
  try {
    return f();
  } catch (const IoError& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    throw IoError(path + ": " + what);
  }
}

}  // namespace dg::io
