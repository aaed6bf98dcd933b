// Internals of io/svg: an SVG element writer, axes with "nice" ticks (linear and log), legend and
// markers. Numbers are written with two decimals (std::to_chars, locale-free), so output is
// byte-for-byte deterministic. Used by svg_plots.cpp only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "io/svg.hpp"

namespace dg::io::svg::detail {

std::string num(double v);              // "12.35": pixel coordinates, two decimals
std::string escape(std::string_view s);  // XML text and attribute values
std::string palette(std::size_t i);     // the i-th series colour (10 colours, repeating)
std::string magnitude_color(double t);  // t in [0, 1] -> dark blue ... yellow (viridis-like)

// One axis: a data interval mapped to [0, 1]; log axes work in log10 space.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;

  // Smallest interval holding the finite values (positive ones when log), padded by `pad` of its
  // width on each side; [0, 1] (or [1, 10]) when there are none; widened when it is a point.
  static Axis fit(const std::vector<const std::vector<double>*>& data, bool log, double pad);
  double frac(double v) const;          // position of v in [0, 1]
  struct Tick {
    double value;
    std::string label;                  // SVG markup (escaped; log decades use a superscript)
  };
  std::vector<Tick> ticks() const;      // about 4 to 10 ticks inside [lo, hi]
};

// Stretches the wider-per-pixel of two linear axes so that one data unit has the same length
// on both (equal aspect) for a plot area w x h pixels.
void equal_aspect(Axis& ax, Axis& ay, double w, double h);

// The plot area of a panel in pixels, with its two axes.
struct Frame {
  double x0, y0, w, h;
  Axis ax, ay;
  double px(double x) const { return x0 + ax.frac(x) * w; }
  double py(double y) const { return y0 + (1 - ay.frac(y)) * h; }
};

// Appends SVG elements to a string.
struct Canvas {
  std::string out;
  void line(double x1, double y1, double x2, double y2, const std::string& color, double width,
            const std::string& extra = "");
  void polyline(const std::vector<std::pair<double, double>>& pts, const std::string& color, double width);
  void circle(double cx, double cy, double r, const std::string& fill, const std::string& stroke);
  void polygon(const std::vector<std::pair<double, double>>& pts, const std::string& fill);
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& stroke);
  // `markup` is inserted as is (escape plain text first); anchor: start, middle, end.
  void text(double x, double y, const std::string& markup, const char* anchor, double size,
            const std::string& extra = "");
};

// Frame, grid, ticks with labels, axis labels and title. Opens a clipped group for the data: call
// close_data() after drawing it.
void draw_axes(Canvas& c, const Frame& f, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::string& clip_id);
void close_data(Canvas& c);
// The legend box of the named entries: its size, and drawn with its top-left corner at (x, y).
// Where it goes is the plot's choice (svg_plots.cpp: a corner free of data, else outside).
struct LegendSize {
  double w = 0, h = 0;
};
LegendSize legend_size(const std::vector<std::string>& names);
void draw_legend(Canvas& c, double x, double y, const std::vector<std::string>& names,
                 const std::vector<std::string>& colors);
void draw_marker(Canvas& c, double px, double py, const PointMarker& m);

}  // namespace dg::io::svg::detail
