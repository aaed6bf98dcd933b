// Everything of the datasets layer in one include, and a map of it.
//
//   error.hpp         DatasetError, the exception of the layer
//   params.hpp        Params: named, typed, range-checked generator parameters (params.json)
//   generator.hpp     the Generator interface, splits, the frame convention, the registry
//   builtin.hpp       the built-in generators: electrostatic, gravitational, charged, springs,
//                     nbody, lorentz, lorenz, roessler, double_pendulum ("chaotic": the last 3)
//   simulation.hpp    initial-condition draws and the frame-storing run shared by generators
//   generate.hpp      generate_split (in memory), generate_dataset (files), read_params_file
//   trajectories.hpp  a split file read back and checked
//   normalization.hpp statistics of the training split, saved next to the model
//   windows.hpp       WindowLoader<T>: batches of graphs (input frames -> target frames)
//   info.hpp          summaries of data-set files (dynagrad-data info)
//   traffic_tracks.hpp recorded road users in the inD CSV layout, cut into scenes (not generated)
// The command-line tool `dynagrad-data` is datasets/tools/. docs/datasets.md describes every
// data set, its published settings and the file layout.
#pragma once

#include "datasets/builtin.hpp"
#include "datasets/error.hpp"
#include "datasets/generate.hpp"
#include "datasets/generator.hpp"
#include "datasets/info.hpp"
#include "datasets/normalization.hpp"
#include "datasets/params.hpp"
#include "datasets/simulation.hpp"
#include "datasets/traffic_tracks.hpp"
#include "datasets/trajectories.hpp"
#include "datasets/windows.hpp"
