// Reading inD-layout track files into scenes (traffic_tracks.hpp).
#include "datasets/traffic_tracks.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::datasets {

namespace {

// A CSV file as rows of cells (no quoting: the inD files have none), with each row's line number.
struct Table {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::int64_t> lines;  // (rows) 1-based line numbers in the file

  // The index of column `name`; DatasetError naming the file and the header when it is absent.
  std::size_t column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return static_cast<std::size_t>(it - header.begin());
    std::string have;
    for (const std::string& h : header) have += (have.empty() ? "" : ", ") + h;
    throw DatasetError(path + ": no column '" + name + "' (the header has: " + have + ")");
  }
  std::string where(std::size_t row, std::size_t col) const {
    return path + ", line " + std::to_string(lines[row]) + ", column '" + header[col] + "'";
  }
  // The cell as a finite number.
  double number(std::size_t row, std::size_t col) const {
    const std::string& cell = rows[row][col];
    const char* begin = cell.c_str();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(begin, &end);
    if (cell.empty() || end == begin || *end != '\0')
      throw DatasetError(where(row, col) + ": '" + io::printable(cell) + "' is not a number");
    if (!std::isfinite(v) || errno == ERANGE)
      throw DatasetError(where(row, col) + ": " + io::printable(cell) + " is not a finite number");
    return v;
  }
  // The cell as an integer (a number with no fraction).
  std::int64_t integer(std::size_t row, std::size_t col) const {
    const double v = number(row, col);
    if (v != std::floor(v) || std::abs(v) > 9e15)
      throw DatasetError(where(row, col) + ": " + rows[row][col] + " is not an integer");
    return static_cast<std::int64_t>(v);
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = line.find(',', at);
    cells.push_back(line.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return cells;
    at = comma + 1;
  }
}

Table read_table(const std::string& path) {
  Table t;
  t.path = path;
  std::string text;
  try {
    text = io::read_text_file(path);
  } catch (const io::IoError& e) {
    throw DatasetError(e.what());
  }
  std::int64_t line_number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string line = text.substr(at, end - at);
    at = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = split(line);
    if (t.header.empty()) {
      t.header = std::move(cells);
      continue;
    }
    if (cells.size() != t.header.size())
      throw DatasetError(path + ", line " + std::to_string(line_number) + ": " + std::to_string(cells.size()) +
                         " cells, the header has " + std::to_string(t.header.size()) + " (a truncated or damaged row)");
    t.rows.push_back(std::move(cells));
    t.lines.push_back(line_number);
  }
  if (t.header.empty()) throw DatasetError(path + ": empty file (no header)");
  return t;
}

void check_options(const TrafficSceneOptions& o) {
  if (o.downsample < 1 || o.scene_frames < 1 || o.scene_stride < 0 || o.min_agents < 1)
    throw DatasetError("traffic scenes: downsample (" + std::to_string(o.downsample) + ") and scene_frames (" +
                       std::to_string(o.scene_frames) + ") must be >= 1, scene_stride (" +
                       std::to_string(o.scene_stride) + ") >= 0, min_agents (" + std::to_string(o.min_agents) +
                       ") >= 1");
}

struct Sample {
  double x, y, vx, vy;
};

}  // namespace

std::vector<TrafficScene> read_traffic_scenes(const std::string& dir, const std::string& recording,
                                              const TrafficSceneOptions& o) {
  check_options(o);
  const std::string base = (std::filesystem::path(dir) / recording).string();

  const Table meta = read_table(base + "_recordingMeta.csv");
  if (meta.rows.size() != 1)
    throw DatasetError(meta.path + ": " + std::to_string(meta.rows.size()) + " recordings, expected one row");
  const std::size_t rate_col = meta.column("frameRate");
  const double frame_rate = meta.number(0, rate_col);
  if (frame_rate <= 0) throw DatasetError(meta.where(0, rate_col) + ": the frame rate must be > 0");

  const Table tracks_meta = read_table(base + "_tracksMeta.csv");
  std::map<std::int64_t, std::string> class_of;
  {
    const std::size_t id_col = tracks_meta.column("trackId"), class_col = tracks_meta.column("class");
    for (std::size_t r = 0; r < tracks_meta.rows.size(); ++r)
      if (!class_of.emplace(tracks_meta.integer(r, id_col), tracks_meta.rows[r][class_col]).second)
        throw DatasetError(tracks_meta.where(r, id_col) + ": trackId " + tracks_meta.rows[r][id_col] + " listed twice");
  }
  auto wanted = [&](const std::string& cls) {
    return o.classes.empty() || std::find(o.classes.begin(), o.classes.end(), cls) != o.classes.end();
  };

  // Every kept frame: trackId -> sample.
  const Table tracks = read_table(base + "_tracks.csv");
  const std::size_t id_col = tracks.column("trackId"), frame_col = tracks.column("frame");
  const std::size_t cols[4] = {tracks.column("xCenter"), tracks.column("yCenter"), tracks.column("xVelocity"),
                               tracks.column("yVelocity")};
  std::map<std::int64_t, std::map<std::int64_t, Sample>> frames;
  for (std::size_t r = 0; r < tracks.rows.size(); ++r) {
    const std::int64_t id = tracks.integer(r, id_col), frame = tracks.integer(r, frame_col);
    if (frame < 0) throw DatasetError(tracks.where(r, frame_col) + ": negative frame " + tracks.rows[r][frame_col]);
    const auto cls = class_of.find(id);
    if (cls == class_of.end())
      throw DatasetError(tracks.where(r, id_col) + ": trackId " + tracks.rows[r][id_col] + " is not in " +
                         tracks_meta.path);
    const Sample s{tracks.number(r, cols[0]), tracks.number(r, cols[1]), tracks.number(r, cols[2]),
                   tracks.number(r, cols[3])};  // every cell checked, kept frame or not
    if (frame % o.downsample != 0 || !wanted(cls->second)) continue;
    if (!frames[frame].emplace(id, s).second)
      throw DatasetError(tracks.where(r, id_col) + ": trackId " + std::to_string(id) + " appears twice in frame " +
                         std::to_string(frame));
  }

  // Kept frame numbers f0, f0 + downsample, ...: the scene grid runs over every multiple of
  // downsample from the first to the last kept frame (a frame with no track breaks every scene
  // that contains it).
  std::vector<TrafficScene> scenes;
  if (frames.empty()) return scenes;
  const std::int64_t first = frames.begin()->first, last = frames.rbegin()->first;
  const std::int64_t stride = o.scene_stride > 0 ? o.scene_stride : o.scene_frames;
  const std::int64_t F = o.scene_frames;
  for (std::int64_t start = first; start + (F - 1) * o.downsample <= last; start += stride * o.downsample) {
    // The tracks present in every frame of the scene.
    std::vector<std::int64_t> ids;
    const auto at_start = frames.find(start);
    if (at_start == frames.end()) continue;
    for (const auto& [id, sample] : at_start->second) {
      bool complete = true;
      for (std::int64_t k = 1; k < F && complete; ++k) {
        const auto f = frames.find(start + k * o.downsample);
        complete = f != frames.end() && f->second.count(id) > 0;
      }
      if (complete) ids.push_back(id);
    }
    if (static_cast<std::int64_t>(ids.size()) < o.min_agents) continue;
    TrafficScene scene;
    scene.first_frame = start;
    scene.track_ids = ids;
    Trajectories& t = scene.trajectories;
    t.source =
        base + "_tracks.csv, frames " + std::to_string(start) + " to " + std::to_string(start + (F - 1) * o.downsample);
    t.sims = 1, t.frames = F, t.particles = static_cast<std::int64_t>(ids.size()), t.dim = 2;
    t.dt_frame = static_cast<double>(o.downsample) / frame_rate;
    for (std::int64_t k = 0; k < F; ++k) {
      const std::map<std::int64_t, Sample>& at = frames.at(start + k * o.downsample);
      for (std::int64_t id : ids) {
        const Sample& s = at.at(id);
        t.positions.insert(t.positions.end(), {s.x, s.y});
        t.velocities.insert(t.velocities.end(), {s.vx, s.vy});
      }
    }
    for (std::int64_t id : ids) scene.classes.push_back(class_of.at(id));
    scenes.push_back(std::move(scene));
  }
  return scenes;
}

}  // namespace dg::datasets
