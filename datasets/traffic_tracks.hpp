// Reader of traffic recordings in the layout of the inD data set (levelxdata; Aether's traffic
// setting uses it), into our trajectory arrays. The recordings themselves are not part of
// dynagrad (licence: free for non-commercial use, on request); see docs/experiments/traffic.md.
//
// A recording XX (e.g. "18") is three CSV files in one folder, each with a header row:
//   XX_recordingMeta.csv   one row; needs frameRate (Hz, > 0)
//   XX_tracksMeta.csv      one row per track; needs trackId, class (car, truck_bus, pedestrian,
//                          bicycle, ...)
//   XX_tracks.csv          one row per track and frame; needs trackId, frame, xCenter, yCenter,
//                          xVelocity, yVelocity (metres, metres per second)
// Other columns (heading, width, accelerations, ...) are allowed and ignored; columns may come in
// any order. Frames whose number is a multiple of `downsample` are kept (Aether: 10, i.e. 2.5 Hz
// from 25 Hz). The kept frames are cut into scenes of `scene_frames` consecutive kept frames,
// starting every `scene_stride` kept frames; a scene's particles are the tracks (of the chosen
// classes) present in every one of its frames, in increasing trackId. Scenes with fewer than
// `min_agents` such tracks are left out. Each scene becomes one Trajectories of 1 simulation,
// (1, F, N, 2) positions and velocities, dt_frame = downsample / frameRate: the particle count
// differs from scene to scene, which a model on fully connected graphs handles one scene (or one
// batch of equal-sized scenes) at a time.
//
// Bad input is a DatasetError naming the file, the line and the column: a missing file or
// column, a row with more or fewer cells than the header (a truncated file), a cell that is not
// a number or is NaN/Inf, a negative or fractional frame, a trackId repeated for one frame, a
// track of XX_tracks.csv missing from XX_tracksMeta.csv, impossible options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/trajectories.hpp"

namespace dg::datasets {

struct TrafficSceneOptions {
  std::int64_t downsample = 10;           // keep frames whose number is a multiple of this (>= 1)
  std::int64_t scene_frames = 30;         // kept frames per scene (>= 1)
  std::int64_t scene_stride = 0;          // kept frames between scene starts (0: scene_frames)
  std::int64_t min_agents = 2;            // scenes with fewer complete tracks are left out (>= 1)
  std::vector<std::string> classes = {};  // track classes to keep (empty: every class)
};

struct TrafficScene {
  Trajectories trajectories;            // 1 simulation, scene_frames frames, N tracks, 2D
  std::vector<std::int64_t> track_ids;  // (N) the particles' trackId
  std::vector<std::string> classes;     // (N) their class
  std::int64_t first_frame = 0;         // the recording's frame number of the scene's frame 0
};

// The scenes of recording `recording` ("18" reads 18_tracks.csv, ...) in folder `dir`, in order
// of their first frame.
std::vector<TrafficScene> read_traffic_scenes(const std::string& dir, const std::string& recording,
                                              const TrafficSceneOptions& options = {});

}  // namespace dg::datasets
