// JSON writer and reader: exact text of a small document, bitwise round trips of doubles,
// escapes and Unicode, NaN refusal with the value's path, reader errors with line and column,
// the nesting limit, and robustness on mutated input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "io/error.hpp"
#include "io/json.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

namespace {
std::string error_of(std::string_view text) {
  try {
    parse_json(text, "p.json");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("writer: exact text, pretty and compact") {
  const Json doc = Json::object({{"name", "electrostatic"},
                                 {"seed", 42},
                                 {"dt", 0.001},
                                 {"one", 1.0},
                                 {"ok", true},
                                 {"none", nullptr},
                                 {"sizes", Json::array({800, 100, 100})},
                                 {"nested", Json::array({Json::object({{"a", -1}}), Json::array()})},
                                 {"empty", Json::object()}});
  CHECK(to_json(doc, 0) ==
        R"({"name":"electrostatic","seed":42,"dt":0.001,"one":1.0,"ok":true,"none":null,"sizes":[800,100,100],)"
        R"("nested":[{"a":-1},[]],"empty":{}})");
  CHECK(to_json(doc) == R"({
  "name": "electrostatic",
  "seed": 42,
  "dt": 0.001,
  "one": 1.0,
  "ok": true,
  "none": null,
  "sizes": [800, 100, 100],
  "nested": [
    {
      "a": -1
    },
    []
  ],
  "empty": {}
})");
  CHECK(parse_json(to_json(doc)) == doc);
  CHECK(parse_json(to_json(doc, 0)) == doc);
}

TEST_CASE("doubles round trip bitwise and stay doubles") {
  std::mt19937_64 rng(3);
  std::vector<double> values = {0.1, -0.0, 1e300, -1e-300, std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                                1.0 / 3.0, 2.5e-8, 123456789012345678.0};
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
  }
  const Json back = parse_json(to_json(Json(values), 0));
  REQUIRE(back.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    CHECK(back.at(i).kind() == Json::Kind::Double);
    const double r = back.at(i).as_double();
    CHECK(std::memcmp(&r, &values[i], sizeof r) == 0);
  }
  CHECK(parse_json("9223372036854775807").as_int() == std::numeric_limits<std::int64_t>::max());
  CHECK(parse_json("9223372036854775808").kind() == Json::Kind::Double);  // beyond int64: a double
  CHECK(parse_json("1e-400").as_double() == 0.0);
  CHECK(error_of("1e400") == "p.json:1:6: number out of range");
  CHECK(parse_json("1e6").as_int() == 1000000);
  CHECK_THROWS_WITH_AS(parse_json("1.5").as_int(), doctest::Contains("expected an integer"), IoError);
}

TEST_CASE("NaN and Inf are refused, naming the value") {
  Json doc = Json::object({{"metrics", Json(std::vector<double>{1.0, 2.0, 0.5, std::nan("")})}});
  CHECK_THROWS_WITH_AS(to_json(doc), "JSON: value at $.metrics[3] is NaN; JSON cannot represent it", IoError);
  doc.set("metrics", -std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH_AS(to_json(doc), doctest::Contains("$.metrics is infinite"), IoError);
}

TEST_CASE("strings: escapes and Unicode") {
  const std::string s = "quote \" backslash \\ slash / tab \t nl \n ctrl \x01 theta \xce\xb8";
  CHECK(to_json(Json(s)) == R"("quote \" backslash \\ slash / tab \t nl \n ctrl \u0001 theta )" "\xce\xb8\"");
  CHECK(parse_json(to_json(Json(s))).as_string() == s);
  // \u escapes, including a surrogate pair (U+1F600) and U+00E9.
  CHECK(parse_json(R"("\u00e9\ud83d\ude00\/\b\f\r")").as_string() == "\xc3\xa9\xf0\x9f\x98\x80/\b\f\r");
  CHECK(error_of(R"("\ud83d")").find("unpaired surrogate") != std::string::npos);
  CHECK(error_of(R"("\x")") == R"(p.json:1:3: unknown escape '\x')");
  CHECK(error_of("\"a\nb\"") == "p.json:1:3: control character in a string (escape it)");
}

TEST_CASE("reader errors give line and column") {
  CHECK(error_of("{\n  \"a\": 1,\n  \"b\" 2\n}") == "p.json:3:7: expected ':' after an object key");
  CHECK(error_of("[1, 2") == "p.json:1:6: expected ']' or ',' in an array");
  CHECK(error_of("{\"a\": 1, \"a\": 2}") == "p.json:1:10: duplicate key 'a'");
  CHECK(error_of("[1] x") == "p.json:1:5: unexpected text after the value");
  CHECK(error_of("") == "p.json:1:1: unexpected end of input, expected a value");
  CHECK(error_of("[01]") == "p.json:1:3: expected ']' or ',' in an array");
  CHECK(error_of("-") == "p.json:1:2: bad number");
  CHECK(error_of("1.") == "p.json:1:3: bad number: digits expected after '.'");
  CHECK(error_of("[tru]") == "p.json:1:2: unexpected character 't'");
  CHECK(error_of("{\"a\": NaN}") == "p.json:1:7: unexpected character 'N'");
  CHECK(error_of(std::string(300, '[')) == "p.json:1:258: nesting deeper than 256");
  CHECK(parse_json(std::string(200, '[') + std::string(200, ']')).size() == 1);
}

TEST_CASE("accessors name what is wrong") {
  const Json doc = parse_json(R"({"n": 5, "name": "x"})");
  CHECK(doc.at("n").as_int() == 5);
  CHECK(doc.at("n").as_double() == 5.0);
  CHECK_THROWS_WITH_AS(doc.at("dt"), "JSON: no key 'dt' (keys: 'n', 'name')", IoError);
  CHECK_THROWS_WITH_AS(doc.at("name").as_double(), "JSON: expected number, got string", IoError);
  CHECK_THROWS_WITH_AS(doc.at(std::size_t(0)), "JSON: expected array, got object", IoError);
  CHECK_THROWS_WITH_AS(Json(std::numeric_limits<std::uint64_t>::max()), doctest::Contains("does not fit int64"), IoError);
}

TEST_CASE("files: write_json and read_json") {
  test::ScratchDir dir;
  const Json doc = Json::object({{"seed", 7}, {"loss", Json(std::vector<float>{0.5f, 0.25f})}});
  write_json(dir / "r.json", doc);
  CHECK(read_json(dir / "r.json") == doc);
  CHECK_THROWS_WITH_AS(read_json(dir / "none.json"), doctest::Contains("none.json: cannot open"), IoError);
}

TEST_CASE("mutated input gives a value or an error") {
  const std::string good = R"({"a": [1, 2.5, -3e2, "x\u00e9", true, null], "b": {"c": ""}})";
  std::mt19937 rng(5);
  const char alphabet[] = "{}[]\",:\\u0123456789.eE+-tfn ";
  for (int trial = 0; trial < 5000; ++trial) {
    std::string s = good;
    for (int f = 0; f < 1 + trial % 3; ++f) s[rng() % s.size()] = alphabet[rng() % (sizeof alphabet - 1)];
    try {
      const Json v = parse_json(s);
      CHECK(parse_json(to_json(v)) == v);  // whatever parses, round trips
    } catch (const IoError&) {
    }
  }
}
