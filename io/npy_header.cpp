// Parser and writer of the .npy header dict (see npy_header.hpp).
#include "io/npy_header.hpp"

#include <limits>

#include "io/error.hpp"
#include "io/text_cursor.hpp"

namespace dg::io {
namespace {

// A cursor over the header text; every failure names the offset and shows the header.
struct Cursor : TextCursor<Cursor> {
  const std::string& where;
  Cursor(std::string_view text, const std::string& w) : TextCursor<Cursor>{text, 0}, where(w) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw IoError(where + ": malformed .npy header: " + problem + " at offset " + std::to_string(pos) +
                  " in: " + printable(s, 100));
  }

  // A Python string literal in single or double quotes, without escapes.
  std::string string_literal() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    const std::size_t start = ++pos;
    while (!at_end() && s[pos] != q) {
      if (s[pos] == '\\' || s[pos] == '\n') fail("escapes and newlines in strings are not supported");
      ++pos;
    }
    if (at_end()) fail("unterminated string");
    return std::string(s.substr(start, pos++ - start));
  }

  // A Python integer (optionally negative, optionally with Python 2's 'L' suffix).
  std::int64_t integer() {
    skip_space();
    const bool negative = accept('-');
    if (!(peek() >= '0' && peek() <= '9')) fail("expected an integer");
    std::int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int d = peek() - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - d) / 10) fail("integer too large");
      v = v * 10 + d;
      ++pos;
    }
    if (peek() == 'L') ++pos;
    return negative ? -v : v;
  }

  // A tuple of integers: "()", "(5,)", "(3, 4)", "(3, 4,)". "(3)" is an int in Python, not a tuple.
  std::vector<std::int64_t> int_tuple() {
    expect('(');
    std::vector<std::int64_t> dims;
    bool trailing_comma = false;
    while (!accept(')')) {
      if (!dims.empty() && !trailing_comma) fail("expected ',' or ')' in the shape tuple");
      dims.push_back(integer());
      trailing_comma = accept(',');
    }
    if (dims.size() == 1 && !trailing_comma) fail("shape '(n)' is not a tuple (numpy writes '(n,)')");
    return dims;
  }
};

}  // namespace

NpyHeader parse_npy_header(std::string_view text, const std::string& where) {
  Cursor c(text, where);
  NpyHeader h;
  bool seen_descr = false, seen_fortran = false, seen_shape = false;

  // '{' key ':' value (',' key ':' value)* ','? '}' then only whitespace.
  c.expect('{');
  while (!c.accept('}')) {
    const std::string key = c.string_literal();
    c.expect(':');
    auto once = [&](bool& seen) {
      if (seen) c.fail("key '" + key + "' appears twice");
      seen = true;
    };
    if (key == "descr") {
      once(seen_descr);
      c.skip_space();
      if (c.peek() == '[') c.fail("descr is a list: structured dtypes are not supported");
      h.descr = c.string_literal();
    } else if (key == "fortran_order") {
      once(seen_fortran);
      if (c.accept_word("True")) h.fortran_order = true;
      else if (c.accept_word("False")) h.fortran_order = false;
      else c.fail("fortran_order must be True or False");
    } else if (key == "shape") {
      once(seen_shape);
      h.shape = c.int_tuple();
    } else {
      c.fail("unexpected key '" + key + "' (expected descr, fortran_order, shape)");
    }
    if (!c.accept(',')) {
      c.expect('}');
      break;
    }
  }
  c.skip_space();
  if (!c.at_end()) c.fail("unexpected text after the closing '}'");
  if (!seen_descr) c.fail("key 'descr' missing");
  if (!seen_fortran) c.fail("key 'fortran_order' missing");
  if (!seen_shape) c.fail("key 'shape' missing");
  return h;
}

std::string format_npy_header(const NpyHeader& h) {
  // Keys sorted, each as "'key': repr(value), ", as numpy.lib.format writes them.
  std::string shape = "(";
  for (std::size_t i = 0; i < h.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(h.shape[i]);
  shape += h.shape.size() == 1 ? ",)" : ")";
  std::string text = "{'descr': '" + h.descr + "', 'fortran_order': " + (h.fortran_order ? "True" : "False") +
                     ", 'shape': " + shape + ", }";

  // numpy's spare room for growing the first axis in place: 21 digits minus those used.
  if (!h.shape.empty()) {
    const std::size_t digits = std::to_string(h.shape[h.fortran_order ? h.shape.size() - 1 : 0]).size();
    if (digits < 21) text.append(21 - digits, ' ');
  }
  return text;
}

}  // namespace dg::io
