// SVG primitives, axes and ticks (see svg_canvas.hpp).
#include "io/svg_canvas.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace dg::io::svg::detail {

std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  if (std::abs(v) < 0.005) v = 0;  // never "-0.00"
  char buf[64];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2).ptr);
}

std::string escape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      default: break;
    }
    if (c < 0x80) {
      // Control characters are not allowed in XML 1.0 text: drop them.
      if (c >= 0x20 || c == '\t' || c == '\n') out += static_cast<char>(c);
      continue;
    }
    // Multi-byte UTF-8: copy a well-formed sequence, replace anything else by '?'.
    const std::size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    bool ok = len > 0 && i + len <= s.size() && c < 0xF5;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      // No overlong forms, no UTF-16 surrogates, nothing above U+10FFFF.
      const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) && !(c == 0xF0 && c1 < 0x90) &&
           !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len - 1;
    } else {
      out += '?';
    }
  }
  return out;
}

std::string palette(std::size_t i) {
  static const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colors[i % 10];
}

std::string magnitude_color(double t) {
  // Piecewise-linear through five viridis anchor colours.
  static const double anchors[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) * 4 : 0;
  const int k = std::min(static_cast<int>(t), 3);
  const double s = t - k;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "#";
  for (int ch = 0; ch < 3; ++ch) {
    const int v = static_cast<int>(std::lround(anchors[k][ch] * (1 - s) + anchors[k + 1][ch] * s));
    out += hex[v >> 4];
    out += hex[v & 15];
  }
  return out;
}

Axis Axis::fit(const std::vector<const std::vector<double>*>& data, bool log, double pad) {
  Axis a;
  a.log = log;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* values : data)
    for (const double v : *values)
      if (std::isfinite(v) && (!log || v > 0)) {
        const double t = log ? std::log10(v) : v;
        lo = std::min(lo, t), hi = std::max(hi, t);
      }
  if (lo > hi) lo = 0, hi = 1;  // no data
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(lo))) {
    const double half = log ? 0.5 : std::max(0.5, 0.1 * std::abs(lo));
    lo -= half, hi += half;
  }
  const double p = pad * (hi - lo);
  lo -= p, hi += p;
  a.lo = log ? std::pow(10.0, lo) : lo;
  a.hi = log ? std::pow(10.0, hi) : hi;
  return a;
}

double Axis::frac(double v) const {
  if (log) return v > 0 ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : -1;
  return (v - lo) / (hi - lo);
}

namespace {

// A tick step of 1, 2 or 5 times a power of ten, giving about `target` steps over `span`.
double nice_step(double span, double target) {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double n = raw / mag;
  return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

std::string label_of(double v, double step) {
  char buf[64];
  const double big = std::max(std::abs(v), step);
  if (big >= 1e5 || step < 1e-4) {
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 4).ptr);
  }
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  if (std::abs(v) < step * 1e-6) v = 0;
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals).ptr);
}

// "x,y x,y ..." for the points attribute.
void append_points(std::string& out, const std::vector<std::pair<double, double>>& pts) {
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i) out += ' ';
    out += num(pts[i].first);
    out += ',';
    out += num(pts[i].second);
  }
}

}  // namespace

std::vector<Axis::Tick> Axis::ticks() const {
  std::vector<Tick> out;
  if (!log) {
    const double step = nice_step(hi - lo, 5);
    for (double k = std::ceil(lo / step); k * step <= hi + 1e-9 * step && out.size() < 20; ++k)
      out.push_back({k * step, escape(label_of(k * step, step))});
    return out;
  }
  // Log axis: every d-th decade (at most about 8), with 2 and 5 in between when it spans little.
  const double llo = std::log10(lo), lhi = std::log10(hi);
  const int d = std::max(1, static_cast<int>(std::ceil((lhi - llo) / 8)));
  const bool sub = lhi - llo < 2.5;
  for (int k = static_cast<int>(std::floor(llo)); k <= static_cast<int>(std::ceil(lhi)); ++k) {
    if (k % d != 0) continue;
    for (const int m : {1, 2, 5}) {
      if (m != 1 && !sub) continue;
      const double v = m * std::pow(10.0, k);
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      const std::string decade = "10<tspan dy=\"-6\" font-size=\"9\">" + std::to_string(k) + "</tspan>";
      out.push_back({v, m == 1 ? decade : std::to_string(m) + "\u00d7" + decade});
    }
  }
  return out;
}

void equal_aspect(Axis& ax, Axis& ay, double w, double h) {
  const double per_px = std::max((ax.hi - ax.lo) / w, (ay.hi - ay.lo) / h);
  const double cx = 0.5 * (ax.lo + ax.hi), cy = 0.5 * (ay.lo + ay.hi);
  ax.lo = cx - 0.5 * per_px * w, ax.hi = cx + 0.5 * per_px * w;
  ay.lo = cy - 0.5 * per_px * h, ay.hi = cy + 0.5 * per_px * h;
}

void Canvas::line(double x1, double y1, double x2, double y2, const std::string& color, double width,
                  const std::string& extra) {
  out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\" stroke=\"" + escape(color) + "\" stroke-width=\"" + num(width) + "\"" + extra + "/>\n";
}

void Canvas::polyline(const std::vector<std::pair<double, double>>& pts, const std::string& color, double width) {
  if (pts.size() < 2) return;
  out += "<polyline fill=\"none\" stroke=\"" + escape(color) + "\" stroke-width=\"" + num(width) +
         "\" stroke-linejoin=\"round\" points=\"";
  append_points(out, pts);
  out += "\"/>\n";
}

void Canvas::circle(double cx, double cy, double r, const std::string& fill, const std::string& stroke) {
  out += "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\" fill=\"" + escape(fill) +
         "\" stroke=\"" + escape(stroke) + "\"/>\n";
}

void Canvas::polygon(const std::vector<std::pair<double, double>>& pts, const std::string& fill) {
  out += "<polygon fill=\"" + escape(fill) + "\" points=\"";
  append_points(out, pts);
  out += "\"/>\n";
}

void Canvas::rect(double x, double y, double w, double h, const std::string& fill, const std::string& stroke) {
  out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" fill=\"" + escape(fill) + "\" stroke=\"" + escape(stroke) + "\"/>\n";
}

void Canvas::text(double x, double y, const std::string& markup, const char* anchor, double size,
                  const std::string& extra) {
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" + num(size) +
         "\"" + extra + ">" + markup + "</text>\n";
}

void draw_axes(Canvas& c, const Frame& f, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::string& clip_id) {
  // Grid lines and tick labels along both axes.
  for (const Axis::Tick& t : f.ax.ticks()) {
    const double x = f.px(t.value);
    c.line(x, f.y0, x, f.y0 + f.h, "#e0e0e0", 1);
    c.line(x, f.y0 + f.h, x, f.y0 + f.h + 4, "black", 1);
    c.text(x, f.y0 + f.h + 16, t.label, "middle", 10);
  }
  for (const Axis::Tick& t : f.ay.ticks()) {
    const double y = f.py(t.value);
    c.line(f.x0, y, f.x0 + f.w, y, "#e0e0e0", 1);
    c.line(f.x0 - 4, y, f.x0, y, "black", 1);
    c.text(f.x0 - 6, y + 3.5, t.label, "end", 10);
  }
  c.rect(f.x0, f.y0, f.w, f.h, "none", "black");

  // Title and axis labels (the y label rotated along the axis).
  c.text(f.x0 + f.w / 2, f.y0 - 10, escape(title), "middle", 14, " font-weight=\"bold\"");
  c.text(f.x0 + f.w / 2, f.y0 + f.h + 34, escape(x_label), "middle", 12);
  const double ly = f.y0 + f.h / 2;
  c.text(f.x0 - 50, ly, escape(y_label), "middle", 12, " transform=\"rotate(-90 " + num(f.x0 - 50) + " " + num(ly) + ")\"");

  // Data drawn next is clipped to the plot area.
  c.out += "<clipPath id=\"" + clip_id + "\"><rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0) + "\" width=\"" +
           num(f.w) + "\" height=\"" + num(f.h) + "\"/></clipPath>\n<g clip-path=\"url(#" + clip_id + ")\">\n";
}

void close_data(Canvas& c) { c.out += "</g>\n"; }

constexpr double kLegendRow = 16;

LegendSize legend_size(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::size_t longest = 0;
  for (const std::string& n : names) longest = std::max(longest, n.size());
  return {34 + 6.5 * static_cast<double>(std::min<std::size_t>(longest, 40)),
          kLegendRow * static_cast<double>(names.size()) + 6};
}

void draw_legend(Canvas& c, double x, double y, const std::vector<std::string>& names,
                 const std::vector<std::string>& colors) {
  if (names.empty()) return;
  const LegendSize size = legend_size(names);
  const double row = kLegendRow;
  c.rect(x, y, size.w, size.h, "white", "#999999");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double yi = y + 11 + row * static_cast<double>(i);
    c.line(x + 6, yi, x + 24, yi, colors[i], 2);
    c.text(x + 30, yi + 4, escape(names[i]), "start", 11);
  }
}

void draw_marker(Canvas& c, double px, double py, const PointMarker& m) {
  const double r = 6;
  switch (m.symbol) {
    case '+':
    case '-':
      // A charge: its sign in a white circle.
      c.circle(px, py, r, "white", m.color);
      c.line(px - 3.5, py, px + 3.5, py, m.color, 2);
      if (m.symbol == '+') c.line(px, py - 3.5, px, py + 3.5, m.color, 2);
      break;
    case 'x':
      c.line(px - 4, py - 4, px + 4, py + 4, m.color, 2);
      c.line(px - 4, py + 4, px + 4, py - 4, m.color, 2);
      break;
    default: c.circle(px, py, 3.5, m.color, m.color);
  }
}

}  // namespace dg::io::svg::detail
