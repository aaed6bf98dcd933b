// Data-set files: what generate_dataset writes reads back bit for bit, params.json regenerates
// the same bytes, and bad parameter files and split files give errors naming the problem.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "datasets/generate.hpp"
#include "datasets/trajectories.hpp"
#include "io/file.hpp"
#include "tests/datasets/helpers.hpp"
#include "tests/io/scratch.hpp"

using namespace dg;
using namespace dg::datasets;
using namespace dg::datasets::test;
using dg::io::test::ScratchDir;

namespace {

// A params.json of `g` with one change made to its JSON before writing it.
std::string params_file_with(const ScratchDir& dir, const Generator& g, const std::function<void(io::Json&)>& edit) {
  io::Json doc = params_document(g, small_params(g, 2));
  edit(doc);
  const std::string path = dir / "params.json";
  io::write_json(path, doc);
  return path;
}

io::NamedArrays small_split() { return generate_split(find_generator("charged"), small_params(find_generator("charged"), 2), Split::Train); }

}  // namespace

TEST_CASE("generate_dataset writes three splits that read back bitwise, and params.json regenerates them") {
  ScratchDir dir;
  const Generator& g = find_generator("springs");
  const Params p = small_params(g, 3);
  generate_dataset(g, p, dir / "set");
  for (Split s : kSplits) CHECK(io::read_npz(split_path(dir / "set", s)) == generate_split(g, p, s));

  const ParamsFile f = read_params_file(params_path(dir / "set"));
  CHECK(f.generator == &g);
  CHECK(f.version == dynagrad_version());
  CHECK(f.params.to_json() == p.to_json());
  generate_dataset(*f.generator, f.params, dir / "again");
  for (Split s : kSplits) CHECK(io::read_file(split_path(dir / "again", s)) == io::read_file(split_path(dir / "set", s)));
  // The file records the seed, every parameter and the version.
  const io::Json doc = io::read_json(params_path(dir / "set"));
  CHECK(doc.at("generator").as_string() == "springs");
  CHECK(doc.at("params").at("seed").as_int() == 42);
  CHECK(doc.at("params").at("spring_constant").as_double() == 0.1);
  CHECK(doc.at("dynagrad_version").as_string() == dynagrad_version());
}

TEST_CASE("params: values keep their bits through JSON; bad values name the parameter") {
  const Generator& g = find_generator("electrostatic");
  Params p = default_params(g, false);
  p.set("dt", 0.1 + 0.2);  // not a short decimal
  Params back = default_params(g, false);
  back.set_all(io::parse_json(io::to_json(p.to_json())));
  CHECK(back.real("dt") == 0.1 + 0.2);

  CHECK(error_of([&] { p.set("train", -1); }).find("parameter 'train': must be in [1,") != std::string::npos);
  CHECK(error_of([&] { p.set("particles", 0); }).find("'particles'") != std::string::npos);
  CHECK(error_of([&] { p.set("dt", 0.0); }).find("'dt'") != std::string::npos);
  CHECK(error_of([&] { p.set("dt", std::numeric_limits<double>::quiet_NaN()); }).find("finite") != std::string::npos);
  CHECK(error_of([&] { p.set("train", 2.5); }).find("must be an integer") != std::string::npos);
  CHECK(error_of([&] { p.set_text("train", "12x"); }).find("must be an integer, got '12x'") != std::string::npos);
  CHECK(error_of([&] { p.set("warp", 1); }).find("no such parameter") != std::string::npos);
  // Checks across parameters: the frame plan.
  p.set("every", 300);
  CHECK(error_of([&] { g.validate(p); }).find("steps must be a multiple of every") != std::string::npos);
  p.set("every", 5000);
  CHECK(error_of([&] { g.validate(p); }).find("no frame would be kept") != std::string::npos);
  p.set("every", 6000);
  CHECK(error_of([&] { g.validate(p); }).find("every must not exceed") != std::string::npos);
  // Text parameters list their choices... and the published sizes are one switch away.
  CHECK(default_params(g, true).integer("train") == 50000);
  CHECK(default_params(g, false).integer("train") == 200);
}

TEST_CASE("read_params_file refuses files that would not regenerate the data") {
  ScratchDir dir;
  const Generator& g = find_generator("nbody");
  auto err = [&](const std::function<void(io::Json&)>& edit) {
    const std::string path = params_file_with(dir, g, edit);
    return error_of([&] { read_params_file(path); });
  };
  CHECK(err([](io::Json&) {}).empty());
  CHECK(err([](io::Json& d) { d.as_object().erase(d.as_object().begin() + 3); }).find("'params'") != std::string::npos);
  CHECK(err([](io::Json& d) {
          auto& o = d.as_object()[3].second.as_object();
          o.erase(o.begin() + 1);
        }).find("parameter 'train' is missing") != std::string::npos);
  CHECK(err([](io::Json& d) { d.set("generator", "warp_drive"); }).find("unknown data set 'warp_drive'") != std::string::npos);
  CHECK(err([](io::Json& d) { d.set("format", "something else"); }).find("not a dynagrad data-set parameter file") != std::string::npos);
  CHECK(err([](io::Json& d) { d.as_object()[3].second.set("every", 7); }).find("multiple of every") != std::string::npos);
  CHECK(err([](io::Json& d) { d.as_object()[3].second.set("extra", 7); }).find("'extra': no such parameter") != std::string::npos);
  // Every message names the file.
  CHECK(err([](io::Json& d) { d.set("generator", "x"); }).rfind(dir / "params.json", 0) == 0);
  io::write_file_atomic(dir / "broken.json", std::string_view("{\"format\": "));
  CHECK_THROWS_AS(read_params_file(dir / "broken.json"), DatasetError);
}

TEST_CASE("trajectories: a split file reads back with its shapes; bad arrays are named") {
  ScratchDir dir;
  const io::NamedArrays a = small_split();
  io::write_npz(dir / "train.npz", a);
  const Trajectories t = load_trajectories(dir / "train.npz");
  CHECK(t.sims == 2);
  CHECK(t.frames == 3);
  CHECK(t.particles == 5);
  CHECK(t.dim == 2);
  CHECK(t.positions == values(a, "positions"));
  CHECK(t.velocities == values(a, "velocities"));
  CHECK(t.charges == values(a, "charges"));
  CHECK(t.dt_frame == doctest::Approx(0.1));
  CHECK(t.positions_at(1, 2)[3] == values(a, "positions")[((1 * 3 + 2) * 5) * 2 + 3]);

  // A NaN is named by simulation, frame, particle and component.
  auto with = [&](const std::string& name, const std::function<void(io::Array&)>& edit) {
    io::NamedArrays b = a;
    for (auto& [n, arr] : b)
      if (n == name) edit(arr);
    return error_of([&] { trajectories_from_arrays(b, "x.npz"); });
  };
  const std::string nan = with("velocities", [](io::Array& v) { v.as<double>()[((1 * 3 + 2) * 5 + 4) * 2 + 1] = NAN; });
  CHECK(nan.find("x.npz: array 'velocities': non-finite value nan at simulation 1, frame 2, particle 4, component 1") !=
        std::string::npos);
  CHECK(with("positions", [](io::Array& v) { v = io::Array(io::DType::Int64, v.shape()); }).find("must be float32 or float64") != std::string::npos);
  CHECK(with("positions", [](io::Array& v) { v = io::Array(io::DType::Float64, {2, 3, 10}); }).find("rank 4") != std::string::npos);
  CHECK(with("velocities", [](io::Array& v) { v = io::Array(io::DType::Float64, {2, 3, 5, 3}); }).find("differs from positions") != std::string::npos);
  CHECK(with("masses", [](io::Array& v) { v.as<double>()[3] = 0; }).find("simulation 0, particle 3 must be finite and > 0") != std::string::npos);
  CHECK(with("charges", [](io::Array& v) { v = io::Array(io::DType::Float64, {2, 4}); }).find("should be (S, N)") != std::string::npos);
  CHECK(with("dt_frame", [](io::Array& v) { v.as<double>()[0] = -1; }).find("'dt_frame'") != std::string::npos);
  // Every other float array is checked too (issue 17: a NaN source position trained three models).
  const std::string src = [&] {
    io::NamedArrays es = generate_split(find_generator("electrostatic"), small_params(find_generator("electrostatic"), 2),
                                        Split::Train);
    for (auto& [n, arr] : es)
      if (n == "source_positions") arr.as<double>()[7] = NAN;
    io::write_npz(dir / "nan_source.npz", es);
    return error_of([&] { load_trajectories(dir / "nan_source.npz"); });
  }();
  CHECK(src.find("nan_source.npz: array 'source_positions': non-finite value nan at index (3, 1) of shape (20, 2)") !=
        std::string::npos);
  CHECK(with("frame_times", [](io::Array& v) { v.as<double>()[2] = INFINITY; }).find("array 'frame_times': non-finite value inf at index (2,)") !=
        std::string::npos);
  io::NamedArrays no_v = a;
  no_v.erase(no_v.begin() + 1);
  CHECK(error_of([&] { trajectories_from_arrays(no_v, "x.npz"); }).find("no array 'velocities'") != std::string::npos);

  // float32 data are accepted (numpy users write them) and widened exactly.
  io::NamedArrays f32 = a;
  for (auto& [n, arr] : f32)
    if (n == "positions") arr = io::Array::from(arr.shape(), std::vector<float>(static_cast<std::size_t>(arr.numel()), 0.25f));
  CHECK(trajectories_from_arrays(f32, "f32").positions[7] == 0.25);
  // A truncated file is an error naming it, not a crash.
  const auto bytes = io::read_file(dir / "train.npz");
  io::write_file_atomic(dir / "cut.npz", std::span(bytes.data(), bytes.size() / 2));
  CHECK(error_of([&] { load_trajectories(dir / "cut.npz"); }).find("cut.npz") != std::string::npos);
}

TEST_CASE("an interrupted regeneration leaves a visibly incomplete set; a mixed folder is refused") {
  ScratchDir dir;
  const Generator& g = find_generator("electrostatic");
  const std::string set = dir / "set";
  Params old_p = small_params(g, 2), new_p = small_params(g, 3);
  new_p.set("seed", 7);
  generate_dataset(g, old_p, set);
  CHECK(read_dataset_params(set, "electrostatic").params.integer("seed") == 42);

  // Regenerate with other parameters and stop (as a kill would) once the new train.npz is in place.
  struct Interrupted {};
  CHECK_THROWS_AS(generate_dataset(g, new_p, set,
                                   [](const std::string& line) {
                                     if (line.find("train.npz") != std::string::npos) throw Interrupted{};
                                   }),
                  Interrupted);
  CHECK_FALSE(std::filesystem::exists(params_path(set)));  // removed before the first split
  CHECK(error_of([&] { read_dataset_params(set, "electrostatic"); }).find("params.json: missing: the data set is incomplete") !=
        std::string::npos);

  // Splits of two data sets in one folder with a params.json (files copied by hand, or an old
  // params.json put back): each split is checked against params.json by its digest.
  generate_dataset(g, old_p, set);
  generate_dataset(g, new_p, dir / "other");
  std::filesystem::copy_file(split_path(dir / "other", Split::Train), split_path(set, Split::Train),
                             std::filesystem::copy_options::overwrite_existing);
  const std::string mixed = error_of([&] { load_trajectories(split_path(set, Split::Train)); });
  CHECK(mixed.find("train.npz: generated with other parameters than " + params_path(set)) != std::string::npos);
  CHECK(mixed.find("mixes two data sets") != std::string::npos);
  CHECK(error_of([&] { load_trajectories(split_path(set, Split::Test)); }).empty());  // still consistent
  // The digest is that of the parameters: the same for every split, another for other parameters.
  CHECK(io::find(io::read_npz(split_path(set, Split::Test)), "params_digest", "test").as<std::int64_t>()[0] ==
        params_digest(g, old_p));
  CHECK(params_digest(g, old_p) != params_digest(g, new_p));
}
