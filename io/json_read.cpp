// The JSON reader (RFC 8259): recursive descent with a depth limit, so any input is safe.
// Errors give "<where>:<line>:<column>: <problem>".
#include <charconv>
#include <cmath>

#include "io/error.hpp"
#include "io/file.hpp"
#include "io/json.hpp"
#include "io/text_cursor.hpp"

namespace dg::io {
namespace {

constexpr int kMaxDepth = 256;

struct Parser : TextCursor<Parser> {
  const std::string& where;
  Parser(std::string_view text, const std::string& w) : TextCursor<Parser>{text, 0}, where(w) {}

  [[noreturn]] void fail(const std::string& problem) const {
    // Line and column (1-based, in bytes) of the current position.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos && i < s.size(); ++i) {
      if (s[i] == '\n') ++line, column = 1;
      else ++column;
    }
    throw IoError(where + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + problem);
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth));
    skip_space();
    if (at_end()) fail("unexpected end of input, expected a value");
    const char c = peek();
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return Json(string());
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (const auto& [word, v] : {std::pair<std::string_view, Json>{"true", true}, {"false", false}, {"null", nullptr}})
      if (s.substr(pos, word.size()) == word) {
        pos += word.size();
        return v;
      }
    fail("unexpected character '" + printable(s.substr(pos, 1)) + "'");
  }

  Json object(int depth) {
    ++pos;  // '{'
    Json o{JsonObject{}};
    if (accept('}')) return o;
    do {
      skip_space();
      if (peek() != '"') fail("expected a string key");
      const std::size_t key_pos = pos;
      std::string key = string();
      expect(':', "after an object key");
      Json v = value(depth + 1);
      if (o.contains(key)) {
        pos = key_pos;
        fail("duplicate key '" + printable(key) + "'");
      }
      o.as_object().emplace_back(std::move(key), std::move(v));
    } while (accept(','));
    expect('}', "or ',' in an object");
    return o;
  }

  Json array(int depth) {
    ++pos;  // '['
    Json a{JsonArray{}};
    if (accept(']')) return a;
    do a.push_back(value(depth + 1));
    while (accept(','));
    expect(']', "or ',' in an array");
    return a;
  }

  unsigned hex4() {
    if (s.size() - pos < 4) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s[pos++];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) fail("bad hex digit in \\u escape");
      v = v * 16 + static_cast<unsigned>(d);
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    ++pos;  // opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      const char c = s[pos++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos;
        fail("control character in a string (escape it)");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail("unterminated string");
      switch (const char e = s[pos++]) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          // \uXXXX, with UTF-16 surrogate pairs combined into one code point.
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (s.substr(pos, 2) != "\\u") fail("unpaired surrogate in \\u escape");
            pos += 2;
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo >= 0xE000) fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("unpaired surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default: --pos; fail("unknown escape '\\" + printable(s.substr(pos, 1)) + "'");
      }
    }
  }

  Json number() {
    // Check the JSON grammar first: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    const std::size_t start = pos;
    auto digits = [&] {
      const std::size_t from = pos;
      while (peek() >= '0' && peek() <= '9') ++pos;
      return pos - from;
    };
    if (peek() == '-') ++pos;
    if (peek() == '0') ++pos;
    else if (digits() == 0) fail("bad number");
    bool integral = true;
    if (peek() == '.') {
      ++pos, integral = false;
      if (digits() == 0) fail("bad number: digits expected after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos, integral = false;
      if (peek() == '+' || peek() == '-') ++pos;
      if (digits() == 0) fail("bad number: digits expected in the exponent");
    }
    const char* first = s.data() + start;
    const char* last = s.data() + pos;
    // Integers that fit int64 stay exact; everything else is a double.
    if (integral) {
      std::int64_t i = 0;
      const auto r = std::from_chars(first, last, i);
      if (r.ec == std::errc() && r.ptr == last) return Json(i);
    }
    double d = 0;
    const auto r = std::from_chars(first, last, d);
    if (r.ptr != last) fail("bad number");
    if (r.ec == std::errc::result_out_of_range) {
      // from_chars leaves d untouched: a negative exponent underflowed to zero, anything else overflowed.
      const std::string_view text(first, pos - start);
      const auto e = text.find_first_of("eE");
      if (e == std::string_view::npos || e + 1 >= text.size() || text[e + 1] != '-') fail("number out of range");
      d = text[0] == '-' ? -0.0 : 0.0;
    }
    return Json(d);
  }
};

}  // namespace

Json parse_json(std::string_view text, const std::string& where) {
  Parser p(text, where);
  Json v = p.value(0);
  p.skip_space();
  if (!p.at_end()) p.fail("unexpected text after the value");
  return v;
}

Json read_json(const std::string& path) { return parse_json(read_text_file(path), path); }

}  // namespace dg::io
