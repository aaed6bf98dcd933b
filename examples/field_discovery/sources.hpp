// Sources of the learned field (issue 19): the field model's E_theta(x) read back as point
// charges, and its physical consistency.
//
// The true field is a gradient field (E = -grad phi, phi = k sum_j q_j / |x - s_j|): its curl is 0,
// and in the plane of the data its divergence, -k q / |x - s|^3 near a charge q at s, is sharply
// peaked at each source with the opposite sign of its charge. On a G x G grid over the box of the
// field grid (where the training positions go), the learned field's Jacobian is computed exactly
// by the tape (nn/field/field_derivatives.hpp), giving its divergence and curl; then
// nn::recover_sources (nn/field/source_recovery.hpp) finds candidates at the peaks of |div E|,
// fits point charges to the learned field by least squares at the grid points the training data
// visited, and keeps a candidate when it lowers the BIC. Each true source is matched to the
// nearest recovered one (nn/field/source_matching.hpp); a missed one is reported with the density
// of training positions around it (particles that never go there cannot show its field).
// Consistency: rms |curl| / rms |J|_F over the field grid's evaluated points (the truth has 0).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/field_discovery/evaluate.hpp"
#include "io/json.hpp"
#include "nn/field/field_derivatives.hpp"
#include "nn/field/source_matching.hpp"

namespace dg::field_discovery {

struct SourceReport {
  std::vector<double> xs, ys;            // (G), (G) the recovery grid
  Tensor<double> points;                 // (G*G, 2)
  nn::FieldDerivatives derivatives;      // of the learned field on it
  std::vector<double> density;           // (G*G) training positions nearest to each grid point
  nn::CurlMeasure curl;                  // on the field grid's evaluated points
  nn::SourceRecovery recovery;
  nn::SourceMatching matching;
  std::vector<nn::PointSource> truth;
  std::vector<double> density_near_truth;  // (S) training positions within 0.5 of each true source
  double seconds = 0;
};

// G points per axis; the field grid gives the box and the points of the curl measure.
SourceReport find_sources(DynamicsModel& model, const ElectrostaticData& data, const FieldGrid& grid, index_t G);

// The data's true sources (S of them) as point sources.
std::vector<nn::PointSource> true_sources(const ElectrostaticData& data);
// The field_sources model's own trained point sources against the truth (nn::match_sources): one
// printed line, and the JSON of results.json's "field_sources_point_sources".
void print_learned_sources(const std::vector<nn::PointSource>& learned, const std::vector<nn::PointSource>& truth);
io::Json learned_sources_json(const std::vector<nn::PointSource>& learned, const std::vector<nn::PointSource>& truth);

// The summary lines, then one line per missed true source (not located within 0.2 with its sign).
void print_sources(const SourceReport& r);
io::Json sources_json(const SourceReport& r);
// sources.svg: the learned field with the true ('+' / '-') and recovered ('x') sources.
void write_sources_svg(const std::string& path, const SourceReport& r);
// quick: at least 8 true sources located within 0.5 with the right sign, at most 8 false ones;
// otherwise the targets: >= 15 of them within 0.2 with the right sign, <= 2 false.
std::vector<examples::Check> source_checks(const SourceReport& r, bool quick);

}  // namespace dg::field_discovery
