// datasets/traffic_tracks.hpp on a small hand-written recording in the inD column layout
// (tests/data/traffic/00_*.csv: a car, a pedestrian and a bicycle moving in straight lines at
// 25 Hz, a row every 5 frames): the scenes, their particles, positions and velocities are those
// of the formulas the file was written from; then every kind of bad input gives a DatasetError
// naming the file, the line and the column.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "datasets/traffic_tracks.hpp"
#include "io/file.hpp"

using namespace dg;
using namespace dg::datasets;
namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(DG_TEST_DATA_DIR) + "/traffic";

// The state of each track at time t = frame / 25 (seconds): x, y, vx, vy.
std::array<double, 4> truth(std::int64_t track, std::int64_t frame) {
  const double t = double(frame) / 25;
  if (track == 0) return {10 + 2 * t, 5 - t, 2, -1};     // car
  if (track == 1) return {-3 + 0.5 * t, 1 + t, 0.5, 1};  // pedestrian, frames 10 .. 40
  return {4 * t, 2, 4, 0};                               // bicycle, frames 0 .. 15
}

void check_scene(const TrafficScene& s) {
  const Trajectories& t = s.trajectories;
  for (std::int64_t f = 0; f < t.frames; ++f)
    for (std::int64_t i = 0; i < t.particles; ++i) {
      const auto want = truth(s.track_ids[std::size_t(i)], s.first_frame + f * 10);
      CHECK(t.positions_at(0, f)[2 * i] == doctest::Approx(want[0]).epsilon(1e-12));
      CHECK(t.positions_at(0, f)[2 * i + 1] == doctest::Approx(want[1]).epsilon(1e-12));
      CHECK(t.velocities_at(0, f)[2 * i] == doctest::Approx(want[2]).epsilon(1e-12));
      CHECK(t.velocities_at(0, f)[2 * i + 1] == doctest::Approx(want[3]).epsilon(1e-12));
    }
}

// Copies the recording to a scratch folder, lets `edit` change one file's text, and returns the
// message of the DatasetError that reading it gives ("" when none).
std::string error_after(const std::string& file, const std::function<std::string(std::string)>& edit,
                        const TrafficSceneOptions& options = {.downsample = 10, .scene_frames = 2}) {
  const fs::path dir = fs::temp_directory_path() / "dg_traffic_bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* f : {"00_tracks.csv", "00_tracksMeta.csv", "00_recordingMeta.csv"})
    fs::copy_file(fs::path(kDir) / f, dir / f);
  const std::string text = io::read_text_file((dir / file).string());
  std::ofstream((dir / file).string(), std::ios::trunc) << edit(text);
  std::string message;
  try {
    read_traffic_scenes(dir.string(), "00", options);
  } catch (const DatasetError& e) {
    message = e.what();
  }
  fs::remove_all(dir);
  return message;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("traffic scenes: frames downsampled, complete tracks, positions and velocities as written") {
  const std::vector<TrafficScene> scenes = read_traffic_scenes(kDir, "00", {.downsample = 10, .scene_frames = 2});
  // Kept frames 0, 10, 20, 30, 40; scenes [0, 10] and [20, 30] ([40] is too short).
  REQUIRE(scenes.size() == 2);
  CHECK(scenes[0].first_frame == 0);
  CHECK(scenes[0].track_ids == std::vector<std::int64_t>{0, 2});  // the pedestrian starts at 10
  CHECK(scenes[0].classes == std::vector<std::string>{"car", "bicycle"});
  CHECK(scenes[1].first_frame == 20);
  CHECK(scenes[1].track_ids == std::vector<std::int64_t>{0, 1});  // the bicycle ended at 15
  for (const TrafficScene& s : scenes) {
    const Trajectories& t = s.trajectories;
    CHECK(t.sims == 1);
    CHECK(t.frames == 2);
    CHECK(t.particles == 2);
    CHECK(t.dim == 2);
    CHECK(t.dt_frame == doctest::Approx(0.4));  // 10 frames at 25 Hz
    CHECK(t.positions.size() == 8);
    check_scene(s);
  }
}

TEST_CASE("traffic scenes: overlapping scenes, class filter, minimum agents") {
  // Scenes of 3 kept frames starting at every kept frame: [0..20], [10..30], [20..40].
  std::vector<TrafficScene> s =
      read_traffic_scenes(kDir, "00", {.downsample = 10, .scene_frames = 3, .scene_stride = 1, .min_agents = 1});
  REQUIRE(s.size() == 3);
  CHECK(s[0].track_ids == std::vector<std::int64_t>{0});  // the bicycle misses frame 20
  CHECK(s[1].track_ids == std::vector<std::int64_t>{0, 1});
  CHECK(s[2].track_ids == std::vector<std::int64_t>{0, 1});
  for (const TrafficScene& scene : s) check_scene(scene);
  // With at least 2 agents the first is left out; pedestrians only leave none with 2.
  CHECK(read_traffic_scenes(kDir, "00", {.downsample = 10, .scene_frames = 3, .scene_stride = 1}).size() == 2);
  s = read_traffic_scenes(
      kDir, "00", {.downsample = 10, .scene_frames = 3, .scene_stride = 1, .min_agents = 1, .classes = {"pedestrian"}});
  REQUIRE(s.size() == 2);
  CHECK(s[0].track_ids == std::vector<std::int64_t>{1});
  CHECK(read_traffic_scenes(kDir, "00", {.downsample = 10, .scene_frames = 3, .classes = {"pedestrian"}}).empty());
  // Every 5th frame: 3 tracks together only at frames 10 and 15.
  s = read_traffic_scenes(kDir, "00", {.downsample = 5, .scene_frames = 2, .scene_stride = 1, .min_agents = 3});
  REQUIRE(s.size() == 1);
  CHECK(s[0].first_frame == 10);
  CHECK(s[0].trajectories.dt_frame == doctest::Approx(0.2));
}

TEST_CASE("traffic scenes: bad input names the file, the line and the column") {
  auto has = [](const std::string& message, std::initializer_list<const char*> parts) {
    INFO(message);
    CHECK_FALSE(message.empty());
    for (const char* p : parts) CHECK(message.find(p) != std::string::npos);
  };
  // A missing column (renamed in the header).
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "xVelocity", "xSpeed"); }),
      {"00_tracks.csv", "no column 'xVelocity'"});
  // A cell that is not a number (the car's x at frame 10: line 6).
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "10.8000", "10.8abc"); }),
      {"00_tracks.csv, line 6, column 'xCenter'", "'10.8abc' is not a number"});
  // NaN and an empty cell.
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "4.6000", "nan"); }),
      {"00_tracks.csv, line 6, column 'yCenter'", "not a finite number"});
  has(error_after("00_tracks.csv",
                  [](std::string t) { return replace(t, ",2.0,-1.0,0.0,0.0,2.2361", ",,-1.0,0.0,0.0,2.2361"); }),
      {"00_tracks.csv, line 2, column 'xVelocity'", "is not a number"});
  // A truncated file: the last row cut in the middle.
  has(error_after("00_tracks.csv", [](std::string t) { return t.substr(0, t.size() - 30); }),
      {"00_tracks.csv, line 21", "cells, the header has 17"});
  // A fractional frame, a negative frame, a track listed twice in one frame.
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "0,0,5,5,", "0,0,5.5,5,"); }),
      {"line 4, column 'frame'", "not an integer"});
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "0,0,5,5,", "0,0,-5,5,"); }),
      {"line 4, column 'frame'", "negative frame"});
  has(error_after("00_tracks.csv", [](std::string t) { return replace(t, "0,0,10,10,", "0,0,0,10,"); }),
      {"line 6, column 'trackId'", "appears twice in frame 0"});
  // A track without metadata; a class column missing; a frame rate of 0; a missing file.
  has(error_after("00_tracksMeta.csv", [](std::string t) { return replace(t, "0,2,0,15,", "0,7,0,15,"); }),
      {"00_tracks.csv, line 3, column 'trackId'", "trackId 2 is not in", "00_tracksMeta.csv"});
  has(error_after("00_tracksMeta.csv", [](std::string t) { return replace(t, ",class", ",type"); }),
      {"00_tracksMeta.csv", "no column 'class'"});
  has(error_after("00_recordingMeta.csv", [](std::string t) { return replace(t, "0,4,25,", "0,4,0,"); }),
      {"00_recordingMeta.csv, line 2, column 'frameRate'", "must be > 0"});
  CHECK_THROWS_WITH_AS(read_traffic_scenes(kDir, "99"), doctest::Contains("99_recordingMeta.csv"), DatasetError);
  // Impossible options.
  CHECK_THROWS_AS(read_traffic_scenes(kDir, "00", {.downsample = 0}), DatasetError);
  CHECK_THROWS_AS(read_traffic_scenes(kDir, "00", {.scene_frames = 0}), DatasetError);
}
