// SVG plots: well-formed XML (checked here by a small tag/attribute/entity scanner; the Python
// check in check_with_python.py parses the files with xml.etree), determinism, nice ticks, a log
// axis that maps a power law to a straight line, equal aspect, quiver arrows and side-by-side panels.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "io/error.hpp"
#include "io/svg.hpp"
#include "io/svg_canvas.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;
using namespace dg::io::svg;
using Points = std::vector<std::pair<double, double>>;

namespace {

// A small well-formedness check: every '<' starts a tag, tags nest properly, attribute values are
// quoted, '&' starts a known entity, and there is exactly one root element.
bool well_formed(const std::string& s, std::string& why) {
  std::vector<std::string> open;
  std::size_t roots = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      const auto semi = s.find(';', i);
      const std::string ent = semi == std::string::npos ? "" : s.substr(i, semi - i + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;") return why = "bad entity at " + std::to_string(i), false;
      continue;
    }
    if (s[i] == '>') return why = "stray '>' at " + std::to_string(i), false;
    if (s[i] != '<') continue;
    const auto close = s.find('>', i);
    if (close == std::string::npos) return why = "unclosed tag", false;
    std::string tag = s.substr(i + 1, close - i - 1);
    i = close;
    if (tag.starts_with("?")) continue;  // XML declaration
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return why = "mismatched </" + tag.substr(1) + ">", false;
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with("/");
    if (self_closing) tag.pop_back();
    // Attributes: name="value" pairs, values without '<' (already excluded by find('>')), quotes balanced.
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return why = "unbalanced quotes in <" + tag + ">", false;
    std::istringstream words(tag.substr(0, tag.find(' ')));
    std::string name;
    words >> name;
    if (name.empty()) return why = "empty tag name", false;
    if (open.empty()) ++roots;
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return why = "unclosed <" + open.back() + ">", false;
  if (roots != 1) return why = std::to_string(roots) + " root elements", false;
  return true;
}

// The point lists of every <polyline> in the document, in pixels.
std::vector<Points> polylines(const std::string& s) {
  std::vector<Points> out;
  for (std::size_t at = s.find("<polyline"); at != std::string::npos; at = s.find("<polyline", at + 1)) {
    const auto from = s.find("points=\"", at) + 8;
    std::istringstream in(s.substr(from, s.find('"', from) - from));
    Points pts;
    double x, y;
    char comma;
    while (in >> x >> comma >> y) pts.emplace_back(x, y);
    out.push_back(pts);
  }
  return out;
}

// Quiver arrows: a shaft (tail at x1, y1) followed by its head polygon (tip first), in pixels.
struct Arrow {
  double tail_x, tail_y, tip_x, tip_y;
};
std::vector<Arrow> arrows_of(const std::string& svg) {
  std::vector<Arrow> arrows;
  for (auto at = svg.find("<polygon"); at != std::string::npos; at = svg.find("<polygon", at + 1)) {
    const auto shaft = svg.rfind("<line x1", at);
    Arrow r{};
    REQUIRE(std::sscanf(svg.c_str() + shaft, "<line x1=\"%lf\" y1=\"%lf\"", &r.tail_x, &r.tail_y) == 2);
    REQUIRE(std::sscanf(svg.c_str() + svg.find("points=\"", at) + 8, "%lf,%lf", &r.tip_x, &r.tip_y) == 2);
    arrows.push_back(r);
  }
  return arrows;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("linear ticks are 1-2-5 steps inside the range; log ticks are decades") {
  detail::Axis a{0, 1, false};
  std::vector<double> values;
  for (const auto& t : a.ticks()) values.push_back(t.value);
  CHECK(values == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
  CHECK(a.ticks()[1].label == "0.2");
  for (const auto& [lo, hi] : {std::pair{-3.7, 12.1}, {1e-6, 3e-6}, {-1e9, 1e9}, {99.5, 100.5}}) {
    const auto ticks = detail::Axis{lo, hi, false}.ticks();
    CAPTURE(lo);
    CHECK(ticks.size() >= 3);
    CHECK(ticks.size() <= 11);
    const double step = ticks[1].value - ticks[0].value;
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    CHECK((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6));
    for (const auto& t : ticks) CHECK((t.value >= lo - 1e-9 * std::abs(lo) && t.value <= hi + 1e-9 * std::abs(hi)));
  }
  const auto log_ticks = detail::Axis{1e-3, 1e2, true}.ticks();
  REQUIRE(log_ticks.size() == 6);
  CHECK(log_ticks[0].value == doctest::Approx(1e-3));
  CHECK(log_ticks[0].label.find(">-3<") != std::string::npos);
  CHECK(detail::Axis{1e-300, 1e300, true}.ticks().size() <= 10);
}

TEST_CASE("line plot: log axis maps a power law to a straight line; NaN breaks the line") {
  Series power{"10^x", {}, {}, ""};
  for (int i = 0; i <= 30; ++i) power.x.push_back(0.1 * i), power.y.push_back(std::pow(10.0, 0.1 * i));
  Series gap{"with gap", {0, 1, 2, 3}, {5, std::nan(""), 7, 8}, "red"};
  const LinePlot plot{"Loss <&> \"curves\"", "epoch", "loss", true, {power, gap}};
  const std::string svg = render_svg({plot});
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  CHECK(svg == render_svg({plot}));  // deterministic
  CHECK(svg.find("Loss &lt;&amp;&gt; &quot;curves&quot;") != std::string::npos);

  const auto lines = polylines(svg);
  REQUIRE(lines.size() == 2);  // the power law, then the gap series after its NaN
  const Points& p = lines[0];
  REQUIRE(p.size() == 31);
  // Straight: every point on the line through the first and last (within pixel rounding).
  for (const auto& [x, y] : p) {
    const double t = (x - p.front().first) / (p.back().first - p.front().first);
    CHECK(std::abs(y - (p.front().second + t * (p.back().second - p.front().second))) < 0.02);
  }
  CHECK(p.back().second < p.front().second);  // up is smaller y in SVG
  CHECK(lines[1].size() == 2);  // x = 2, 3 after the NaN (the run before it is a single dot)
}

TEST_CASE("scatter plot: equal aspect keeps a circle round") {
  Series circle{"orbit", {}, {}, ""};
  for (int i = 0; i <= 64; ++i) circle.x.push_back(3 * std::cos(i * M_PI / 32)), circle.y.push_back(3 * std::sin(i * M_PI / 32));
  Series line{"drift", {0, 10}, {0, 1}, ""};
  const ScatterPlot plot{"Trajectories", "x", "y", {circle, line}, true, true, {{0, 0, '+', "red"}}};
  const std::string svg = render_svg({plot}, 600, 300);
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  const Points c = polylines(svg).at(0);
  double xmin = 1e9, xmax = -1e9, ymin = 1e9, ymax = -1e9;
  for (const auto& [x, y] : c) xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  CHECK(xmax - xmin == doctest::Approx(ymax - ymin).epsilon(0.01));
  CHECK(count(svg, "stroke=\"red\"") >= 3);  // the '+' marker: circle and two strokes
}

TEST_CASE("quiver plot: one arrow per nonzero grid point, scaled to the grid") {
  QuiverPlot q;
  q.title = "Field";
  for (int i = 0; i < 5; ++i) q.x.push_back(i);
  for (int j = 0; j < 4; ++j) q.y.push_back(j);
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 5; ++i) q.u.push_back(i == 0 && j == 0 ? 0.0 : 1.0 + i), q.v.push_back(0.0);
  q.markers = {{2, 1.5, '+', "red"}, {1, 1.5, '-', "blue"}};
  const std::string svg = render_svg({q});
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  CHECK(count(svg, "<polygon") == 19);  // 20 grid points, one with zero field
  CHECK(svg.find("colour: |field| 0 to 5") != std::string::npos);

  // The field is horizontal, so shafts are; lengths grow as u = 1 + i; the longest spans 0.9 cells.
  const std::vector<Arrow> arrows = arrows_of(svg);
  REQUIRE(arrows.size() == 19);
  const std::vector<Arrow> row(arrows.begin() + 4, arrows.begin() + 9);  // j = 1, i = 0..4
  const double spacing = 0.5 * (row[1].tail_x + row[1].tip_x) - 0.5 * (row[0].tail_x + row[0].tip_x);
  CHECK(spacing > 10);
  for (int i = 0; i < 5; ++i) {
    CHECK(row[i].tip_y == row[i].tail_y);
    CHECK(row[i].tip_x - row[i].tail_x == doctest::Approx(0.9 * spacing * (1 + i) / 5).epsilon(0.02));
  }
  // unit_arrows: every arrow 0.9 cells long whatever the magnitude.
  q.unit_arrows = true;
  for (const Arrow& r : arrows_of(render_svg({q}))) CHECK(r.tip_x - r.tail_x == doctest::Approx(0.9 * spacing).epsilon(0.01));

  QuiverPlot bad;
  bad.title = "bad", bad.x = {0, 1}, bad.y = {0}, bad.u = {1}, bad.v = {1};
  CHECK_THROWS_WITH_AS(render_svg({bad}),
                       doctest::Contains("u and v need ny * nx = 1 * 2 values, got 1 and 1"), IoError);
}

TEST_CASE("two panels side by side; errors name the series") {
  const LinePlot a{"true", "t", "E", false, {{"energy", {0, 1, 2}, {1, 1.01, 0.99}, ""}}};
  const LinePlot b{"learned", "t", "E", false, {{"energy", {0, 1, 2}, {1, 1.2, 0.8}, ""}}};
  const std::string svg = render_svg({a, b}, 400, 300);
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  CHECK(svg.find("width=\"800.00\" height=\"300.00\"") != std::string::npos);
  CHECK(svg.find("translate(400.00,0)") != std::string::npos);
  CHECK(svg.find("id=\"plot0\"") != std::string::npos);
  CHECK(svg.find("id=\"plot1\"") != std::string::npos);

  const LinePlot bad{"p", "", "", false, {{"s1", {0, 1}, {0}, ""}}};
  CHECK_THROWS_WITH_AS(render_svg({bad}), "svg: line plot 'p': series 's1': x has 2 points, y has 1", IoError);

  // Empty plots and odd text still give well-formed documents.
  const std::string empty = render_svg({LinePlot{"bad utf8 \xff\xfe and \x01", "", "", true, {}}, ScatterPlot{}});
  CHECK_MESSAGE(well_formed(empty, why), why);
  CHECK(empty.find("bad utf8 ?? and <") != std::string::npos);

  test::ScratchDir dir;
  write_svg(dir / "two.svg", {a, b});
  CHECK(dir.count() == 1);
}

namespace {

// The legend box (the only rect with the grey border) as x0, y0, x1, y1.
std::vector<double> legend_box(const std::string& svg) {
  const auto at = svg.rfind("<rect", svg.find("stroke=\"#999999\""));
  double x, y, w, h;
  REQUIRE(std::sscanf(svg.c_str() + at, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"", &x, &y, &w, &h) == 4);
  return {x, y, x + w, y + h};
}

// Whether any polyline passes through the box: every segment sampled at 200 points.
bool data_under(const std::string& svg, const std::vector<double>& b) {
  for (const Points& run : polylines(svg))
    for (std::size_t i = 0; i + 1 < run.size(); ++i)
      for (int k = 0; k <= 200; ++k) {
        const double t = k / 200.0;
        const double x = run[i].first + t * (run[i + 1].first - run[i].first);
        const double y = run[i].second + t * (run[i + 1].second - run[i].second);
        if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) return true;
      }
  return false;
}

}  // namespace

TEST_CASE("a legend never hides data: a free corner, else outside the axes") {
  // training.svg's case: one loss falls, the other stays high and ends in the top-right corner.
  Series falls{"field", {}, {}, ""}, flat{"no_field", {}, {}, ""};
  for (int i = 0; i <= 30; ++i) {
    falls.x.push_back(10.0 * i), falls.y.push_back(std::pow(10.0, -0.1 * i));
    flat.x.push_back(10.0 * i), flat.y.push_back(1.0 - 0.001 * i);
  }
  const std::string svg = render_svg({LinePlot{"loss", "step", "loss", true, {falls, flat}}});
  const std::vector<double> box = legend_box(svg);
  CHECK_FALSE(data_under(svg, box));
  // Data in every corner: the legend goes to the right of the plot area.
  Series zigzag{"everywhere", {0, 1, 0, 1, 0.5, 0, 1}, {0, 1, 1, 0, 0.5, 0.05, 0.95}, ""};
  const std::string full = render_svg({LinePlot{"full", "x", "y", false, {zigzag}}});
  const std::vector<double> outside = legend_box(full);
  CHECK_FALSE(data_under(full, outside));
  double right = 0;
  for (const Points& run : polylines(full))
    for (const auto& [x, y] : run) right = std::max(right, x);
  CHECK(outside[0] > right);
  CHECK(outside[2] <= 480);  // still inside the panel (default width 480)
  std::string why;
  CHECK_MESSAGE(well_formed(full, why), why);
}
