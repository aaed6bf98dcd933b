// The three plot kinds and the side-by-side layout (see svg.hpp); drawing helpers are in
// svg_canvas.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "io/error.hpp"
#include "io/file.hpp"
#include "io/svg.hpp"
#include "io/svg_canvas.hpp"

namespace dg::io::svg {
namespace {

using namespace detail;
using Points = std::vector<std::pair<double, double>>;

// Margins around the plot area: room for tick labels, axis labels and the title.
constexpr double kLeft = 64, kRight = 14, kTop = 32, kBottom = 48;

void check_series(const Series& s, const std::string& plot) {
  if (s.x.size() != s.y.size())
    throw IoError("svg: " + plot + ": series '" + s.name + "': x has " + std::to_string(s.x.size()) +
                  " points, y has " + std::to_string(s.y.size()));
}

std::string color_of(const Series& s, std::size_t i) { return s.color.empty() ? palette(i) : s.color; }

// The series as runs of drawable points (finite; y > 0 on a log axis) in pixels; a gap starts a run.
std::vector<Points> runs(const Series& s, const Frame& f) {
  std::vector<Points> out(1);
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    const bool ok = std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && (!f.ay.log || s.y[i] > 0);
    if (ok) out.back().emplace_back(f.px(s.x[i]), f.py(s.y[i]));
    else if (!out.back().empty()) out.emplace_back();
  }
  return out;
}

void draw_series(Canvas& c, const Frame& f, const Series& s, const std::string& color, bool lines, bool dots) {
  for (const Points& run : runs(s, f)) {
    if (lines) c.polyline(run, color, 1.8);
    if (dots || run.size() == 1)
      for (const auto& [x, y] : run) c.circle(x, y, 2, color, "none");
  }
}

Frame frame_of(double w, double h) { return Frame{kLeft, kTop, w - kLeft - kRight, h - kTop - kBottom, {}, {}}; }

// ---- legend placement: a legend never hides data ------------------------------------------------

struct Box {
  double x0, y0, x1, y1;
  bool holds(double x, double y, double r) const { return x + r >= x0 && x - r <= x1 && y + r >= y0 && y - r <= y1; }
  // Whether the segment (ax, ay) - (bx, by) passes through the box (Liang-Barsky clipping).
  bool meets(double ax, double ay, double bx, double by) const {
    double t0 = 0, t1 = 1;
    const double dx = bx - ax, dy = by - ay;
    const double p[4] = {-dx, dx, -dy, dy}, q[4] = {ax - x0, x1 - ax, ay - y0, y1 - ay};
    for (int k = 0; k < 4; ++k) {
      if (p[k] == 0) {
        if (q[k] < 0) return false;
        continue;
      }
      const double t = q[k] / p[k];
      if (p[k] < 0) t0 = std::max(t0, t);
      else t1 = std::min(t1, t);
      if (t0 > t1) return false;
    }
    return true;
  }
};

// What a plot draws in pixels, as far as a legend could hide it: the polylines (or dots) of the
// series and the markers.
struct Drawn {
  std::vector<Points> lines, dots;
  Points markers;
  bool meets(const Box& b) const {
    for (const Points& run : lines)
      for (std::size_t i = 0; i < run.size(); ++i)
        if (i + 1 < run.size() ? b.meets(run[i].first, run[i].second, run[i + 1].first, run[i + 1].second)
                               : b.holds(run[i].first, run[i].second, 2))
          return true;
    for (const Points& run : dots)
      for (const auto& [x, y] : run)
        if (b.holds(x, y, 2)) return true;
    for (const auto& [x, y] : markers)
      if (b.holds(x, y, 6)) return true;
    return false;
  }
};

struct Legend {
  std::vector<std::string> names, colors;
  LegendSize size;
  double x = 0, y = 0;  // top-left corner, in the panel
};

Legend legend_of(const std::vector<Series>& series) {
  Legend l;
  for (std::size_t i = 0; i < series.size(); ++i)
    if (!series[i].name.empty()) l.names.push_back(series[i].name), l.colors.push_back(color_of(series[i], i));
  l.size = legend_size(l.names);
  return l;
}

// Places the legend in the first corner of the plot area (top right, top left, bottom right,
// bottom left) where it hides nothing that `drawn(f)` draws; when every corner has data, the plot
// area is narrowed (`fit(f)` lays its axes out again) and the legend goes to its right, outside
// the axes.
template <class DrawnFn, class FitFn>
void place_legend(Legend& l, Frame& f, DrawnFn&& drawn, FitFn&& fit) {
  if (l.names.empty()) return;
  const Drawn d = drawn(f);
  const double gap = 8, xs[2] = {f.x0 + f.w - l.size.w - gap, f.x0 + gap}, ys[2] = {f.y0 + gap, f.y0 + f.h - l.size.h - gap};
  for (double y : ys)
    for (double x : xs)
      if (!d.meets(Box{x - 3, y - 3, x + l.size.w + 3, y + l.size.h + 3})) {
        l.x = x, l.y = y;
        return;
      }
  f.w -= l.size.w + gap;
  fit(f);
  l.x = f.x0 + f.w + gap, l.y = f.y0;
}

Drawn drawn_series(const std::vector<Series>& series, const Frame& f, bool lines, bool dots) {
  Drawn d;
  for (const Series& s : series)
    for (Points& run : runs(s, f)) {
      if (lines) d.lines.push_back(run);
      if (dots || run.size() == 1) d.dots.push_back(std::move(run));
    }
  return d;
}

void draw(Canvas& c, const LinePlot& p, double w, double h, const std::string& clip) {
  std::vector<const std::vector<double>*> xs, ys;
  for (const Series& s : p.series) {
    check_series(s, "line plot '" + p.title + "'");
    xs.push_back(&s.x), ys.push_back(&s.y);
  }
  Frame f = frame_of(w, h);
  auto fit = [&](Frame& fr) {
    fr.ax = Axis::fit(xs, false, 0.02);
    fr.ay = Axis::fit(ys, p.log_y, 0.05);
  };
  fit(f);
  Legend legend = legend_of(p.series);
  place_legend(legend, f, [&](const Frame& fr) { return drawn_series(p.series, fr, true, false); }, fit);
  draw_axes(c, f, p.title, p.x_label, p.y_label, clip);
  for (std::size_t i = 0; i < p.series.size(); ++i) draw_series(c, f, p.series[i], color_of(p.series[i], i), true, false);
  close_data(c);
  draw_legend(c, legend.x, legend.y, legend.names, legend.colors);
}

void draw(Canvas& c, const ScatterPlot& p, double w, double h, const std::string& clip) {
  std::vector<double> mx, my;  // (M) marker coordinates
  for (const PointMarker& m : p.markers) mx.push_back(m.x), my.push_back(m.y);
  std::vector<const std::vector<double>*> xs{&mx}, ys{&my};
  for (const Series& s : p.series) {
    check_series(s, "scatter plot '" + p.title + "'");
    xs.push_back(&s.x), ys.push_back(&s.y);
  }
  Frame f = frame_of(w, h);
  auto fit = [&](Frame& fr) {
    fr.ax = Axis::fit(xs, false, 0.05);
    fr.ay = Axis::fit(ys, false, 0.05);
    equal_aspect(fr.ax, fr.ay, fr.w, fr.h);
  };
  fit(f);
  Legend legend = legend_of(p.series);
  place_legend(legend, f, [&](const Frame& fr) {
    Drawn d = drawn_series(p.series, fr, p.lines, p.point_markers);
    for (const PointMarker& m : p.markers) d.markers.emplace_back(fr.px(m.x), fr.py(m.y));
    return d;
  }, fit);
  draw_axes(c, f, p.title, p.x_label, p.y_label, clip);
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    draw_series(c, f, s, color_of(s, i), p.lines, p.point_markers);
    // A hollow ring marks where each trajectory starts.
    const Points first = runs(s, f).front();
    if (!first.empty()) c.circle(first[0].first, first[0].second, 4.5, "none", color_of(s, i));
  }
  for (const PointMarker& m : p.markers) draw_marker(c, f.px(m.x), f.py(m.y), m);
  close_data(c);
  draw_legend(c, legend.x, legend.y, legend.names, legend.colors);
}

// Smallest positive spacing between sorted grid coordinates (0 if fewer than two).
double min_spacing(std::vector<double> g) {
  std::sort(g.begin(), g.end());
  double d = 0;
  for (std::size_t i = 1; i < g.size(); ++i)
    if (const double gap = g[i] - g[i - 1]; std::isfinite(gap) && gap > 0 && (d == 0 || gap < d)) d = gap;
  return d;
}

void draw(Canvas& c, const QuiverPlot& p, double w, double h, const std::string& clip) {
  const std::size_t nx = p.x.size(), ny = p.y.size();
  if (p.u.size() != nx * ny || p.v.size() != nx * ny)
    throw IoError("svg: quiver plot '" + p.title + "': u and v need ny * nx = " + std::to_string(ny) + " * " +
                  std::to_string(nx) + " values, got " + std::to_string(p.u.size()) + " and " + std::to_string(p.v.size()));
  std::vector<double> mx, my;  // (M) marker coordinates
  for (const PointMarker& m : p.markers) mx.push_back(m.x), my.push_back(m.y);
  Frame f = frame_of(w, h);
  f.ax = Axis::fit({&p.x, &mx}, false, 0.05);
  f.ay = Axis::fit({&p.y, &my}, false, 0.05);
  equal_aspect(f.ax, f.ay, f.w, f.h);
  draw_axes(c, f, p.title, p.x_label, p.y_label, clip);

  // Arrow length: field * scale in data units; by default the longest arrow spans 0.9 grid cells.
  double max_mag = 0;
  for (std::size_t k = 0; k < nx * ny; ++k)
    if (const double m = std::hypot(p.u[k], p.v[k]); std::isfinite(m)) max_mag = std::max(max_mag, m);
  double cell = std::min(min_spacing(p.x), min_spacing(p.y));
  if (cell == 0) cell = std::max(min_spacing(p.x), min_spacing(p.y));
  if (cell == 0) cell = 0.1 * (f.ax.hi - f.ax.lo);
  const double scale = p.arrow_scale > 0 ? p.arrow_scale : max_mag > 0 ? 0.9 * cell / max_mag : 0;
  const double color_top = p.max_magnitude > 0 ? p.max_magnitude : max_mag;

  // One arrow per grid point, centred on it: a shaft and a triangular head.
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) {
      const double mag = std::hypot(p.u[j * nx + i], p.v[j * nx + i]);
      if (!std::isfinite(mag) || !std::isfinite(p.x[i]) || !std::isfinite(p.y[j])) continue;
      const double k = p.unit_arrows ? (mag > 0 ? 0.9 * cell / mag : 0) : scale;  // data length per field unit
      const double u = k * p.u[j * nx + i], v = k * p.v[j * nx + i];
      const double x0 = f.px(p.x[i] - 0.5 * u), y0 = f.py(p.y[j] - 0.5 * v);
      const double x1 = f.px(p.x[i] + 0.5 * u), y1 = f.py(p.y[j] + 0.5 * v);
      const double len = std::hypot(x1 - x0, y1 - y0);
      if (!(len >= 0.5)) continue;
      const std::string color = p.color_by_magnitude && color_top > 0 ? magnitude_color(mag / color_top) : "#333333";
      const double ex = (x1 - x0) / len, ey = (y1 - y0) / len, head = std::min(6.0, 0.4 * len), half = 0.45 * head;
      c.line(x0, y0, x1 - ex * head * 0.5, y1 - ey * head * 0.5, color, 1.3);
      c.polygon({{x1, y1}, {x1 - ex * head - ey * half, y1 - ey * head + ex * half},
                 {x1 - ex * head + ey * half, y1 - ey * head - ex * half}}, color);
    }
  for (const PointMarker& m : p.markers) draw_marker(c, f.px(m.x), f.py(m.y), m);
  close_data(c);

  // How long and what colour a unit of field is, under the plot on the right.
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, color_top, std::chars_format::general, 4).ptr;
  if (p.color_by_magnitude && color_top > 0)
    c.text(f.x0 + f.w, f.y0 + f.h + 34, escape("colour: |field| 0 to " + std::string(buf, end)), "end", 10);
}

}  // namespace

std::string render_svg(const std::vector<Panel>& panels, double panel_width, double panel_height) {
  if (!(panel_width >= 200 && panel_height >= 150 && panel_width <= 1e5 && panel_height <= 1e5))
    throw IoError("svg: panel size " + num(panel_width) + " x " + num(panel_height) + " (need at least 200 x 150)");
  const double width = panel_width * static_cast<double>(std::max<std::size_t>(panels.size(), 1));
  Canvas c;
  c.out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) +
          "\" height=\"" + num(panel_height) + "\" viewBox=\"0 0 " + num(width) + " " + num(panel_height) +
          "\" font-family=\"sans-serif\">\n";
  c.rect(0, 0, width, panel_height, "white", "none");
  // Each panel in its own translated group, with its own clip-path id.
  for (std::size_t i = 0; i < panels.size(); ++i) {
    c.out += "<g transform=\"translate(" + num(panel_width * static_cast<double>(i)) + ",0)\">\n";
    const std::string clip = "plot" + std::to_string(i);
    std::visit([&](const auto& plot) { draw(c, plot, panel_width, panel_height, clip); }, panels[i]);
    c.out += "</g>\n";
  }
  c.out += "</svg>\n";
  return std::move(c.out);
}

void write_svg(const std::string& path, const std::vector<Panel>& panels, double panel_width, double panel_height) {
  with_path(path, [&] { write_file_atomic(path, render_svg(panels, panel_width, panel_height)); });
}

}  // namespace dg::io::svg
