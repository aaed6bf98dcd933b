// TextCursor: the position in a text being parsed and its small moves (peek, skip_space, expect,
// accept, accept_word), shared by the JSON reader and the .npy header parser. Derived (CRTP)
// supplies `[[noreturn]] void fail(const std::string& problem) const`, which formats the error
// its own way (line and column, or offset and the header text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dg::io {

template <class Derived>
struct TextCursor {
  std::string_view s;
  std::size_t pos = 0;

  bool at_end() const { return pos >= s.size(); }
  char peek() const { return at_end() ? '\0' : s[pos]; }
  void skip_space() {
    while (!at_end() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  }
  // Skips space, then consumes `c` or fails with "expected 'c'" and the context, if any.
  void expect(char c, std::string_view context = {}) {
    skip_space();
    if (peek() != c) {
      std::string problem = "expected '";  // built with += (GCC 12 warns falsely on a + chain here)
      problem += c;
      problem += '\'';
      if (!context.empty()) (problem += ' ') += context;
      static_cast<const Derived*>(this)->fail(problem);
    }
    ++pos;
  }
  // Skips space, then consumes `c` if it is next.
  bool accept(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  // Skips space, then consumes `w` if it comes next.
  bool accept_word(std::string_view w) {
    skip_space();
    if (s.substr(pos, w.size()) != w) return false;
    pos += w.size();
    return true;
  }
};

}  // namespace dg::io
