// Minimal deterministic SVG plots for the examples (the same data always gives the same bytes).
//   (1) LinePlot: several named series y(x), linear or log y axis (loss curves, energy drift).
//   (2) ScatterPlot: 2D trajectories, polylines with markers, equal aspect (particle paths).
//   (3) QuiverPlot: a 2D vector field on a grid, arrows scaled to the grid spacing and optionally
//       coloured by magnitude, plus point markers ('+' / '-' source charges in red / blue).
// Every plot has a title, axis ticks and labels, and a legend for named series. Several panels
// go side by side in one SVG (e.g. true vs learned field):
//   svg::QuiverPlot truth;
//   truth.title = "true field", truth.x = xs, truth.y = ys, truth.u = Ex, truth.v = Ey;
//   svg::QuiverPlot learned = truth;
//   learned.title = "learned field", learned.u = Ex_hat, learned.v = Ey_hat;
//   truth.arrow_scale = learned.arrow_scale = 0.05;    // same scales for comparable panels
//   truth.max_magnitude = learned.max_magnitude = 3.0;
//   svg::write_svg("field.svg", {truth, learned});
// (Set members by name as above: brace-initialising only some members of these structs makes
// g++ -Wextra warn.)
// Non-finite points are skipped (they break a line); on a log axis so are values <= 0.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace dg::io::svg {

struct Series {
  std::string name;           // legend entry ("" = not in the legend)
  std::vector<double> x, y;   // (N), (N)
  std::string color;          // "" = the next palette colour; else any SVG colour ("#d62728", "red")
};

struct PointMarker {
  double x = 0, y = 0;
  char symbol = 'o';          // '+', '-' (a charge sign in a circle), 'o' (dot), 'x' (cross)
  std::string color = "black";
};

struct LinePlot {
  std::string title, x_label, y_label;
  bool log_y = false;
  std::vector<Series> series;
};

struct ScatterPlot {
  std::string title, x_label, y_label;
  std::vector<Series> series;  // each a polyline through its points
  bool lines = true;           // join the points
  bool point_markers = true;   // a small dot at every point
  std::vector<PointMarker> markers;
};

struct QuiverPlot {
  std::string title, x_label, y_label;
  std::vector<double> x, y;    // grid coordinates: (nx), (ny)
  std::vector<double> u, v;    // field components (ny, nx), row-major: u[j * nx + i] at (x[i], y[j])
  bool color_by_magnitude = true;
  bool unit_arrows = false;    // all arrows 0.9 grid cell long (direction only; colour shows size),
                               // for fields with a large dynamic range such as 1/r^2
  double arrow_scale = 0;      // data length per unit of field; 0: longest arrow = 0.9 grid cell
  double max_magnitude = 0;    // top of the colour scale; 0: the largest magnitude
  std::vector<PointMarker> markers;
};

using Panel = std::variant<LinePlot, ScatterPlot, QuiverPlot>;

// One SVG document with the panels side by side, each panel_width x panel_height pixels.
// Throws IoError for inconsistent data (x and y of different lengths, a field of the wrong size).
std::string render_svg(const std::vector<Panel>& panels, double panel_width = 480, double panel_height = 400);
void write_svg(const std::string& path, const std::vector<Panel>& panels, double panel_width = 480,
               double panel_height = 400);  // atomic

}  // namespace dg::io::svg
