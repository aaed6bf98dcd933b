// The generation driver: splits in parallel over simulations, data-set folders, params.json.
#include "datasets/generate.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::datasets {

namespace {

constexpr const char* kFormat = "dynagrad-data 1";

// Shape (S, ...) from a per-simulation shape.
std::vector<std::int64_t> with_count(std::int64_t count, const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> out = {count};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

std::int64_t numel(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) n *= s;
  return n;
}

// dt, dt_frame, frame_steps and frame_times of a split.
void add_frame_times(const Params& p, Split split, std::int64_t frames, io::NamedArrays& arrays) {
  const double dt = p.real("dt");
  const std::int64_t every = p.integer("every");
  std::vector<std::int64_t> steps(static_cast<std::size_t>(frames));
  std::vector<double> times(static_cast<std::size_t>(frames));
  for (std::int64_t f = 0; f < frames; ++f) {
    steps[static_cast<std::size_t>(f)] = frame_step(f, every);
    times[static_cast<std::size_t>(f)] = static_cast<double>(frame_step(f, every)) * dt;
  }
  const double dt_frame = static_cast<double>(every) * dt;
  arrays.emplace_back("dt", io::Array::from<double>({}, &dt));
  arrays.emplace_back("dt_frame", io::Array::from<double>({}, &dt_frame));
  arrays.emplace_back("frame_steps", io::Array::from({frames}, steps));
  arrays.emplace_back("frame_times", io::Array::from({frames}, times));
  (void)split;
}

}  // namespace

Params default_params(const Generator& g, bool published) { return Params(g.param_specs(), published); }

io::NamedArrays generate_split(const Generator& g, const Params& p, Split split, std::int64_t first,
                               std::int64_t count) {
  g.validate(p);
  const std::int64_t total = split_size(p, split);
  if (first < 0 || first > total) throw DatasetError(g.name() + ": first simulation " + std::to_string(first) + " out of range");
  if (count < 0) count = total - first;
  if (first + count > total)
    throw DatasetError(g.name() + ": simulations [" + std::to_string(first) + ", " + std::to_string(first + count) +
                       ") exceed the " + split_name(split) + " split of " + std::to_string(total));

  // Per-simulation arrays, zero-filled, in file order.
  const SplitLayout l = g.layout(p, split);
  std::vector<ArraySpec> specs = {{"positions", {l.frames, l.particles, l.dim}},
                                  {"velocities", {l.frames, l.particles, l.dim}},
                                  {"masses", {l.particles}}};
  if (l.charges) specs.push_back({"charges", {l.particles}});
  specs.insert(specs.end(), l.extras.begin(), l.extras.end());
  io::NamedArrays arrays;
  for (const auto& s : specs) arrays.emplace_back(s.name, io::Array(io::DType::Float64, with_count(count, s.shape)));

  // One simulation per iteration; an exception is kept per simulation and the first one (by
  // index, not by time) is rethrown, so the error is the same with any number of threads.
  std::vector<std::string> errors(static_cast<std::size_t>(count));
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t i = 0; i < count; ++i) {
    SimulationRecord rec;
    std::vector<double*> slices;
    for (std::size_t a = 0; a < specs.size(); ++a)
      slices.push_back(arrays[a].second.as<double>().data() + i * numel(specs[a].shape));
    rec.positions = slices[0];
    rec.velocities = slices[1];
    rec.masses = slices[2];
    const std::size_t extras_at = l.charges ? 4 : 3;
    if (l.charges) rec.charges = slices[3];
    rec.extras.assign(slices.begin() + static_cast<std::ptrdiff_t>(extras_at), slices.end());
    try {
      g.simulate(p, split, first + i, rec);
    } catch (const std::exception& e) {
      errors[static_cast<std::size_t>(i)] = e.what();
    }
  }
  for (std::int64_t i = 0; i < count; ++i)
    if (!errors[static_cast<std::size_t>(i)].empty())
      throw DatasetError(g.name() + ": " + split_name(split) + " simulation " + std::to_string(first + i) + ": " +
                         errors[static_cast<std::size_t>(i)]);

  add_frame_times(p, split, l.frames, arrays);
  g.add_split_arrays(p, split, arrays);
  const std::int64_t digest = params_digest(g, p);
  arrays.emplace_back("params_digest", io::Array::from<std::int64_t>({}, &digest));
  return arrays;
}

std::int64_t params_digest(const Generator& g, const Params& p) {
  // FNV-1a, 64 bits, over "<generator>\n<parameters as one-line JSON>"; the bits as an int64.
  const std::string text = g.name() + "\n" + io::to_json(p.to_json(), 0);
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return static_cast<std::int64_t>(h);
}

std::string split_path(const std::string& dir, Split split) {
  return (std::filesystem::path(dir) / (std::string(split_name(split)) + ".npz")).string();
}

std::vector<std::string> dataset_file_names() {
  std::vector<std::string> names;
  for (Split s : kSplits) names.push_back(std::string(split_name(s)) + ".npz");
  names.push_back("params.json");
  return names;
}

std::string params_path(const std::string& dir) { return (std::filesystem::path(dir) / "params.json").string(); }

io::Json params_document(const Generator& g, const Params& p) {
  io::Json files = io::Json::object();
  for (Split s : kSplits) files.set(split_name(s), std::string(split_name(s)) + ".npz");
  return io::Json::object({{"format", kFormat},
                           {"generator", g.name()},
                           {"dynagrad_version", dynagrad_version()},
                           {"params", p.to_json()},
                           {"files", files}});
}

void generate_dataset(const Generator& g, const Params& p, const std::string& dir,
                      const std::function<void(const std::string&)>& log) {
  g.validate(p);
  // The folder must take the files before any simulation runs.
  try {
    io::require_writable_dir(dir, dataset_file_names());
  } catch (const io::IoError& e) {
    throw DatasetError(std::string("output folder: ") + e.what());
  }
  std::error_code ec;
  // params.json marks a complete set: it goes first and comes back last, so that an interrupted
  // run leaves a visibly incomplete folder, never old parameters beside new splits.
  std::filesystem::remove(params_path(dir), ec);
  if (ec) throw DatasetError(params_path(dir) + ": cannot remove the old parameter file: " + ec.message());
  for (Split s : kSplits) {
    const io::NamedArrays arrays = generate_split(g, p, s);
    const std::string path = split_path(dir, s);
    io::write_npz(path, arrays);
    if (log) {
      const auto& shape = arrays.front().second.shape();
      log("wrote " + path + ": " + std::to_string(shape[0]) + " simulations, " + std::to_string(shape[1]) +
          " frames, " + std::to_string(shape[2]) + " particles in " + std::to_string(shape[3]) + "D");
    }
  }
  io::write_json(params_path(dir), params_document(g, p));
  if (log) log("wrote " + params_path(dir));
}

ParamsFile read_params_file(const std::string& path) {
  try {
    const io::Json doc = io::read_json(path);
    if (doc.kind() != io::Json::Kind::Object) throw DatasetError("expected a JSON object");
    const io::Json* format = doc.find("format");
    if (!format || format->kind() != io::Json::Kind::String || format->as_string() != kFormat)
      throw DatasetError(std::string("not a dynagrad data-set parameter file (\"format\" must be \"") + kFormat + "\")");
    ParamsFile out;
    out.generator = &find_generator(doc.at("generator").as_string());
    out.params = default_params(*out.generator, false);
    const io::Json& values = doc.at("params");
    out.params.set_all(values);
    for (const auto& spec : out.params.specs())
      if (!values.contains(spec.name))
        throw DatasetError("parameter '" + spec.name + "' is missing (every parameter must be given)");
    out.generator->validate(out.params);
    if (const io::Json* v = doc.find("dynagrad_version"); v && v->kind() == io::Json::Kind::String)
      out.version = v->as_string();
    return out;
  } catch (const DatasetError& e) {
    throw DatasetError(path + ": " + e.what());
  } catch (const io::IoError& e) {
    const std::string message = e.what();  // names the file already when reading failed
    throw DatasetError(message.rfind(path, 0) == 0 ? message : path + ": " + message);
  }
}

ParamsFile read_dataset_params(const std::string& dir, const std::string& generator) {
  std::error_code ec;
  if (!std::filesystem::exists(params_path(dir), ec) && std::filesystem::is_directory(dir, ec))
    for (Split s : kSplits)
      if (std::filesystem::exists(split_path(dir, s), ec))
        throw DatasetError(params_path(dir) + ": missing: the data set is incomplete (params.json is written last; "
                           "was its generation interrupted?); generate it again");
  ParamsFile params = read_params_file(params_path(dir));
  if (params.generator->name() != generator)
    throw DatasetError(params_path(dir) + ": generator '" + params.generator->name() + "', expected '" + generator + "'");
  return params;
}

}  // namespace dg::datasets
